/**
 * Calls the management REST APIs with the signed-in user's token. Errors come back as ApiError with WSO2's
 * body (code, message, description and per-field details), so forms can show the server's words next to the
 * field they are about. A 401 refreshes the token once and retries.
 */
import type { ErrorBody } from '../../src/platform/errors';
import type { Session } from './auth';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: Partial<ErrorBody>,
  ) {
    super(body.description || body.message || `HTTP ${status}`);
  }

  /** Field → message, from validation details like `body.name: must NOT have fewer than 1 characters`. */
  get fieldErrors(): Record<string, string> {
    const fields: Record<string, string> = {};
    for (const detail of this.body.error ?? []) {
      const match = /^(?:body|querystring|params)\.([\w.]+): (.*)$/.exec(detail.message);
      if (match?.[1] && match[2]) fields[match[1]] = match[2];
    }
    return fields;
  }
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as multipart/form-data (file uploads). */
  form?: FormData;
}

export type Api = <T>(method: string, path: string, options?: RequestOptions) => Promise<T>;

export function createApi(session: Session): Api {
  const send = async (method: string, path: string, options: RequestOptions): Promise<Response> => {
    const url = new URL(path, location.origin);
    for (const [key, value] of Object.entries(options.query ?? {}))
      if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (session.accessToken) headers.authorization = `Bearer ${session.accessToken}`;
    let body: BodyInit | undefined;
    if (options.form) body = options.form;
    else if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    return fetch(url, { method, headers, body });
  };

  return async <T>(method: string, path: string, options: RequestOptions = {}): Promise<T> => {
    let response = await send(method, path, options);
    if (response.status === 401 && (await session.refresh())) response = await send(method, path, options);
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      throw new ApiError(response.status, { description: `Unexpected answer (HTTP ${response.status}).` });
    }
    if (!response.ok) throw new ApiError(response.status, (parsed ?? {}) as Partial<ErrorBody>);
    return parsed as T;
  };
}

/** A message for any error a page shows. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
