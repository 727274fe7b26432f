/**
 * The REST calls the benchmarks make to set a node up (admin token, API, application, subscription, keys):
 * plain fetch with the expected status checked, JSON in and out.
 */
export const PUBLISHER = '/api/am/publisher/v4';
export const DEVPORTAL = '/api/am/devportal/v3';
export const ADMIN = '/api/am/admin/v4';

export const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(user)}:${encodeURIComponent(password)}`).toString('base64')}`;

export async function call(
  method: string,
  url: string,
  expected: number,
  options: { authorization?: string; json?: unknown; form?: Record<string, string> } = {},
): Promise<Record<string, unknown>> {
  const headers: Record<string, string> = {};
  if (options.authorization) headers.authorization = options.authorization;
  let body: string | undefined;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(options.form).toString();
  }
  const response = await fetch(url, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await response.text();
  if (response.status !== expected) {
    throw new Error(
      `${method} ${url} answered ${response.status} (expected ${expected}): ${text.slice(0, 800)}`,
    );
  }
  return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
}

export const text = (value: unknown, what: string): string => {
  if (typeof value !== 'string' || value === '') throw new Error(`no ${what} in the answer`);
  return value;
};
