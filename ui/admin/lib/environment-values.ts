/** A gateway environment as its form edits it, and as the Admin API takes it (see environment-schemas.ts). */
import { randomId } from '@mantine/hooks';
import type { Environment } from '../../../src/publisher/admin/environment-schemas';

export type EnvironmentType = NonNullable<Environment['type']>;
type VHost = Environment['vhosts'][number];
type Port = 'httpPort' | 'httpsPort' | 'wsPort' | 'wssPort';

export const ENVIRONMENT_TYPES: { value: EnvironmentType; label: string }[] = [
  { value: 'hybrid', label: 'Hybrid (production and sandbox)' },
  { value: 'production', label: 'Production' },
  { value: 'sandbox', label: 'Sandbox' },
];

export const PORTS: { field: Port; label: string }[] = [
  { field: 'httpPort', label: 'HTTP port' },
  { field: 'httpsPort', label: 'HTTPS port' },
  { field: 'wsPort', label: 'WS port' },
  { field: 'wssPort', label: 'WSS port' },
];

export interface VHostValues extends Record<Port, number | string> {
  key: string;
  host: string;
  httpContext: string;
}

export interface EnvironmentValues {
  name: string;
  displayName: string;
  description: string;
  type: EnvironmentType;
  vhosts: VHostValues[];
}

export function newVHost(): VHostValues {
  return {
    key: randomId(),
    host: '',
    httpContext: '',
    httpPort: 8280,
    httpsPort: 8243,
    wsPort: '',
    wssPort: '',
  };
}

export function environmentToValues(environment: Environment | undefined): EnvironmentValues {
  return {
    name: environment?.name ?? '',
    displayName: environment?.displayName ?? '',
    description: environment?.description ?? '',
    type: environment?.type ?? 'hybrid',
    vhosts: environment
      ? environment.vhosts.map((v) => ({
          key: randomId(),
          host: v.host,
          httpContext: v.httpContext ?? '',
          httpPort: v.httpPort ?? '',
          httpsPort: v.httpsPort ?? '',
          wsPort: v.wsPort ?? '',
          wssPort: v.wssPort ?? '',
        }))
      : [newVHost()],
  };
}

export function environmentFromValues(
  values: EnvironmentValues,
  original: Environment | undefined,
): Environment {
  const vhosts = values.vhosts.map((v): VHost => {
    const vhost: VHost = { host: v.host.trim() };
    if (v.httpContext.trim()) vhost.httpContext = v.httpContext.trim();
    for (const { field } of PORTS) if (v[field] !== '') vhost[field] = Number(v[field]);
    return vhost;
  });
  return {
    ...(original?.provider ? { provider: original.provider } : {}),
    ...(original?.gatewayType ? { gatewayType: original.gatewayType } : {}),
    name: values.name.trim(),
    displayName: values.displayName.trim() || values.name.trim(),
    ...(values.description.trim() ? { description: values.description.trim() } : {}),
    type: values.type,
    vhosts,
  };
}

const NAME = /^[a-zA-Z0-9_-]+$/;
const HOST = /^[A-Za-z0-9.-]+$/;
const CONTEXT = /^\/?([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])*$/;

export function environmentErrors(values: EnvironmentValues): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!values.name.trim()) errors.name = 'Enter a name';
  else if (!NAME.test(values.name.trim())) errors.name = 'Letters, digits, "_" and "-" only';
  if (values.description.length > 1023) errors.description = 'At most 1023 characters';
  if (values.vhosts.length === 0) errors.vhosts = 'Add at least one virtual host';
  values.vhosts.forEach((v, i) => {
    if (!v.host.trim()) errors[`vhosts.${i}.host`] = 'Enter a host name';
    else if (!HOST.test(v.host.trim())) errors[`vhosts.${i}.host`] = 'Letters, digits, "." and "-" only';
    if (!CONTEXT.test(v.httpContext.trim())) errors[`vhosts.${i}.httpContext`] = 'One path segment, e.g. /gw';
    for (const { field } of PORTS) {
      if (v[field] === '') continue;
      const port = Number(v[field]);
      if (!Number.isInteger(port) || port < 1 || port > 65535) errors[`vhosts.${i}.${field}`] = '1 to 65535';
    }
  });
  return errors;
}

/** `gw.example.com (HTTP 8280, HTTPS 8243)` */
export function describeVHost(vhost: VHost): string {
  const ports = PORTS.filter(({ field }) => vhost[field] !== undefined).map(
    ({ field, label }) => `${label.replace(' port', '')} ${vhost[field]}`,
  );
  const context = vhost.httpContext ? `/${vhost.httpContext.replace(/^\//, '')}` : '';
  return `${vhost.host}${context}${ports.length ? ` (${ports.join(', ')})` : ''}`;
}
