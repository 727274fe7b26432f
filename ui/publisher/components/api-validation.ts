/** Client-side checks of an API's fields, the same rules as the server's schema (api-schemas.ts, api-checks.ts). */
const NAME = /^[^~!@#;:%^*()+={}|\\<>"',&$[\]/]*$/;
const VERSION = /^[^~!@#;:%^*()+={}|\\<>"',&/$[\]\s]+$/;
const CONTEXT = /^(\/[A-Za-z0-9._~-]+|\/\{version\})+$/;

export function checkName(value: string): string | null {
  if (!value.trim()) return 'Enter a name';
  if (value.length > 60) return 'At most 60 characters';
  return NAME.test(value) ? null : 'No special characters such as / : & < > or quotes';
}

export function checkVersion(value: string, optional = false): string | null {
  if (!value.trim()) return optional ? null : 'Enter a version, like 1.0.0';
  if (value.length > 30) return 'At most 30 characters';
  return VERSION.test(value) ? null : 'No spaces or special characters such as / : & < >';
}

export function checkContext(value: string): string | null {
  if (!value.trim()) return 'Enter a context, like /pets';
  const context = value.startsWith('/') ? value : `/${value}`;
  return CONTEXT.test(context)
    ? null
    : 'Use "/" and segments of letters, digits, ".", "_", "~", "-" (no trailing "/")';
}

/** Server field names → the create and import forms' fields. */
export const API_FIELDS = {
  name: 'name',
  context: 'context',
  version: 'version',
  policies: 'policies',
  'endpointConfig.production_endpoints': 'production',
  'endpointConfig.sandbox_endpoints': 'sandbox',
};
