/** The `query` of API lists (Publisher and Developer Portal): attribute:value terms, all of which must hold. */
import { BadRequest } from '../../platform/errors.js';
import type { Api } from './api-schemas.js';

/** `name:pizza tag:food status:PUBLISHED context:/shop`, or bare words matched against the name. */
export function matches(api: Api, query: string | undefined): boolean {
  if (!query?.trim()) return true;
  return query
    .trim()
    .split(/\s+/)
    .every((term) => {
      const colon = term.indexOf(':');
      const [field, value] =
        colon > 0 ? [term.slice(0, colon).toLowerCase(), term.slice(colon + 1)] : ['name', term];
      const v = value.toLowerCase();
      switch (field) {
        case 'name':
          return api.name.toLowerCase().includes(v);
        case 'context':
          return api.context.toLowerCase().includes(v);
        case 'tag':
          return (api.tags ?? []).some((t) => t.toLowerCase() === v);
        case 'status':
          return api.lifeCycleStatus?.toLowerCase() === v;
        case 'version':
          return api.version.toLowerCase() === v;
        case 'provider':
          return api.provider?.toLowerCase() === v;
        default:
          throw new BadRequest(
            `query: unknown attribute "${field}"; use name, context, tag, status, version or provider.`,
          );
      }
    });
}
