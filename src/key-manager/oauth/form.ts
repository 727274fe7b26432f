/** Form parameters of an OAuth request: RFC 6749 §3.1 says none may appear twice. */
import { InvalidRequest } from './errors.js';

export type FormParams = Record<string, string | undefined>;

/** The parameters of a POST to an OAuth endpoint, which must be form-encoded (RFC 6749 §3.2, RFC 7009 §2.1). */
export function postedForm(request: { headers: { 'content-type'?: string }; body: unknown }): FormParams {
  const type = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw new InvalidRequest('the body must be application/x-www-form-urlencoded');
  }
  return formParams(request.body);
}

export function formParams(body: unknown): FormParams {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object')
    throw new InvalidRequest('the body must be application/x-www-form-urlencoded');
  const params: FormParams = {};
  for (const [key, value] of Object.entries(body)) {
    if (Array.isArray(value)) throw new InvalidRequest(`parameter ${key} is repeated (RFC 6749 section 3.1)`);
    if (typeof value !== 'string')
      throw new InvalidRequest('the body must be application/x-www-form-urlencoded');
    // §3.1: parameters sent without a value are treated as omitted.
    params[key] = value === '' ? undefined : value;
  }
  return params;
}
