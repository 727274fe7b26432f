/**
 * Between the API's endpointConfig (one endpoint, load-balanced endpoints, or a primary with failovers, for
 * production and sandbox) and the lists of URLs the forms edit.
 */
import type { Endpoint, EndpointConfig } from '../../../src/publisher/apis/api-schemas';

export type EndpointType = EndpointConfig['endpoint_type'];

export interface EndpointForm {
  type: EndpointType;
  production: string[];
  sandbox: string[];
  productionFailovers: string[];
  sandboxFailovers: string[];
}

const urls = (value: Endpoint | Endpoint[] | undefined): string[] =>
  value === undefined ? [] : (Array.isArray(value) ? value : [value]).map((endpoint) => endpoint.url);

const atLeastOne = (list: string[]) => (list.length ? list : ['']);

export function endpointFormOf(config: EndpointConfig | undefined): EndpointForm {
  return {
    type: config?.endpoint_type ?? 'http',
    production: atLeastOne(urls(config?.production_endpoints)),
    sandbox: atLeastOne(urls(config?.sandbox_endpoints)),
    productionFailovers: urls(config?.production_failovers),
    sandboxFailovers: urls(config?.sandbox_failovers),
  };
}

/** Keeps each endpoint's own settings (timeouts) when its URL stays. */
function endpointsOf(list: string[], before: EndpointConfig | undefined): Endpoint[] {
  const known = new Map<string, Endpoint>();
  for (const key of [
    'production_endpoints',
    'sandbox_endpoints',
    'production_failovers',
    'sandbox_failovers',
  ] as const)
    for (const endpoint of [before?.[key] ?? []].flat()) known.set(endpoint.url, endpoint);
  return list
    .map((url) => url.trim())
    .filter(Boolean)
    .map((url) => known.get(url) ?? { url });
}

/** The endpointConfig to save, or undefined when no URL is left. */
export function endpointConfigOf(form: EndpointForm, before?: EndpointConfig): EndpointConfig | undefined {
  const production = endpointsOf(form.production, before);
  const sandbox = endpointsOf(form.sandbox, before);
  if (production.length === 0 && sandbox.length === 0) return undefined;
  const {
    production_endpoints: _p,
    sandbox_endpoints: _s,
    production_failovers: _pf,
    sandbox_failovers: _sf,
    ...rest
  } = before ?? { endpoint_type: form.type };
  const config: EndpointConfig = { ...rest, endpoint_type: form.type };
  if (form.type === 'load_balance') {
    if (production.length) config.production_endpoints = production;
    if (sandbox.length) config.sandbox_endpoints = sandbox;
    return config;
  }
  if (production[0]) config.production_endpoints = production[0];
  if (sandbox[0]) config.sandbox_endpoints = sandbox[0];
  if (form.type === 'failover') {
    config.production_failovers = endpointsOf(form.productionFailovers, before);
    config.sandbox_failovers = endpointsOf(form.sandboxFailovers, before);
  }
  return config;
}

/** An error for a URL the server would refuse, or null. */
export function checkEndpointUrl(value: string): string | null {
  if (!value.trim()) return null;
  try {
    const url = new URL(value.trim());
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'Use an http or https URL';
    return null;
  } catch {
    return 'Enter an absolute URL, like https://backend.example.com/v1';
  }
}
