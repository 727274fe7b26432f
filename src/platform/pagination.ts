/** WSO2's list envelope `{count, list, pagination}` with limit/offset paging and next/previous links. */
import { Type, type Static, type TSchema } from 'typebox';

export const PaginationSchema = Type.Object({
  offset: Type.Integer(),
  limit: Type.Integer(),
  total: Type.Integer(),
  next: Type.String(),
  previous: Type.String(),
});

export const PageQuery = {
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 25 }),
  offset: Type.Integer({ minimum: 0, maximum: 2_147_483_647, default: 0 }),
};

export const PageSchema = <T extends TSchema>(item: T) =>
  Type.Object({ count: Type.Integer(), list: Type.Array(item), pagination: PaginationSchema });

export interface Page<T> {
  count: number;
  list: T[];
  pagination: Static<typeof PaginationSchema>;
}

/** One page of a list held whole: its items from `offset` on, at most `limit` (see pageOf). */
export function pageOfAll<T>(all: T[], query: { limit: number; offset: number }, path: string): Page<T> {
  return pageOf(all.slice(query.offset, query.offset + query.limit), all.length, query, path);
}

/**
 * One page of `total` items, `list` being the items from `offset` on (at most `limit`); links are relative to
 * the API's base path, as WSO2 writes them, and keep the other query parameters.
 */
export function pageOf<T>(
  list: T[],
  total: number,
  query: { limit: number; offset: number },
  path: string,
  params: Record<string, string | undefined> = {},
): Page<T> {
  const { limit, offset } = query;
  const link = (at: number) => {
    const search = new URLSearchParams({ limit: String(limit), offset: String(at) });
    for (const [name, value] of Object.entries(params)) if (value) search.set(name, value);
    return `${path}?${search.toString()}`;
  };
  return {
    count: list.length,
    list,
    pagination: {
      offset,
      limit,
      total,
      next: offset + limit < total ? link(offset + limit) : '',
      previous: offset > 0 ? link(Math.max(0, offset - limit)) : '',
    },
  };
}
