/** Gateway environments as WSO2's admin API v4 defines them (Environment, VHost). */
import { Type, type Static } from 'typebox';
import type { Config } from '../../config/schema.js';

const port = Type.Integer({ minimum: 1, maximum: 65535 });

export const VHostSchema = Type.Object({
  host: Type.String({ minLength: 1, maxLength: 255, pattern: '^[A-Za-z0-9.-]+$' }),
  httpContext: Type.Optional(
    Type.String({ maxLength: 255, pattern: '^\\/?([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\\-]*[a-zA-Z0-9])*$' }),
  ),
  httpPort: Type.Optional(port),
  httpsPort: Type.Optional(port),
  wsPort: Type.Optional(port),
  wssPort: Type.Optional(port),
});

export const EnvironmentSchema = Type.Object({
  id: Type.Optional(Type.String({ readOnly: true })),
  name: Type.String({ minLength: 1, maxLength: 255, pattern: '^[a-zA-Z0-9_-]+$' }),
  displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  description: Type.Optional(Type.String({ maxLength: 1023 })),
  type: Type.Optional(Type.Enum(['hybrid', 'production', 'sandbox'], { default: 'hybrid' })),
  provider: Type.Optional(Type.String({ maxLength: 64 })),
  gatewayType: Type.Optional(Type.Literal('Regular')),
  isReadOnly: Type.Optional(Type.Boolean({ readOnly: true })),
  vhosts: Type.Array(VHostSchema, { minItems: 1, maxItems: 20 }),
});
export type Environment = Static<typeof EnvironmentSchema>;

export const EnvironmentListSchema = Type.Object({
  count: Type.Integer(),
  list: Type.Array(EnvironmentSchema),
});

/** Present from the first start, as in WSO2: the local gateway on its default ports. */
export const DEFAULT_ENVIRONMENT: Environment = {
  name: 'Default',
  displayName: 'Default',
  description: 'The gateway of this deployment',
  type: 'hybrid',
  provider: 'portcullis',
  gatewayType: 'Regular',
  vhosts: [{ host: 'localhost', httpPort: 8280, httpsPort: 8243 }],
};

/** An environment of the Publisher's configuration (`publisher.environments`), in the Admin API's shape. */
export function configuredEnvironment(entry: Config['publisher']['environments'][number]): Environment {
  return {
    name: entry.name,
    displayName: entry.display_name || entry.name,
    description: 'Defined in the configuration of the Publisher',
    type: 'hybrid',
    provider: 'portcullis',
    gatewayType: 'Regular',
    vhosts: [{ host: entry.host, httpPort: entry.http_port, httpsPort: entry.https_port }],
  };
}
