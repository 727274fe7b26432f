/**
 * The context an API is called on at the gateway: its `{version}` placeholder replaced by the version, or the
 * version appended (`/pizzashack` 1.0.0 → `/pizzashack/1.0.0`; `/shop/{version}/pizza` → `/shop/1.0.0/pizza`).
 */
export function invocationContext(context: string, version: string): string {
  return context.includes('{version}') ? context.replaceAll('{version}', version) : `${context}/${version}`;
}
