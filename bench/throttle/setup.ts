/**
 * What `npm run bench -- throttle` sets up through the REST APIs of the `all` node, as users would: an admin
 * token; one subscription tier per limit (L requests per minute) and one high tier that is counted but never
 * reached; an API with one GET resource (Application & Application User) offering them all plus Unlimited,
 * deployed to Default and published; then per subscription an application of its own (Unlimited
 * application tier, JWT tokens) subscribed on one tier, with PRODUCTION keys, whose first token the load
 * sends; and a node client for gateway 2.
 */
import { gatewayMetrics } from '../gateway/portcullis.js';
import { ADMIN, basic, call, DEVPORTAL, PUBLISHER, text } from '../lib/rest.js';
import type { BenchServer } from '../lib/server.js';
import type { NodeClient } from './cluster.js';

const SCOPES = [
  'apim:api_view',
  'apim:api_create',
  'apim:api_publish',
  'apim:subscribe',
  'apim:app_manage',
  'apim:sub_manage',
  'apim:admin',
  'apim:tier_manage',
].join(' ');
const TOKEN_VALIDITY_SEC = 24 * 3600;

/** The API the load calls: GET {context}/{version}{resource}. */
export const THROTTLE_API = {
  name: 'BenchThrottle',
  context: '/bench-throttle',
  version: '1.0.0',
  resource: '/hello',
};
export const apiPath = `${THROTTLE_API.context}/${THROTTLE_API.version}${THROTTLE_API.resource}`;

export interface Subscriber {
  label: string;
  tier: string;
  applicationId: string;
  token: string;
}

/** A client registered by DCR with the admin's credentials. */
async function register(server: BenchServer, clientName: string, grantType: string): Promise<NodeClient> {
  const client = await call('POST', `${server.httpUrl}/client-registration/v0.17/register`, 200, {
    authorization: basic('admin', server.adminPassword),
    json: { clientName, grantType },
  });
  return {
    clientId: text(client.clientId, 'clientId'),
    clientSecret: text(client.clientSecret, 'clientSecret'),
  };
}

export const registerNodeClient = (server: BenchServer, name: string) =>
  register(server, name, 'client_credentials');

export class ThrottleSetup {
  private constructor(
    private readonly server: BenchServer,
    private readonly authorization: string,
  ) {}

  static async connect(server: BenchServer): Promise<ThrottleSetup> {
    const client = await register(server, 'bench-throttle-admin', 'password client_credentials');
    const tokens = await call('POST', `${server.httpUrl}/oauth2/token`, 200, {
      authorization: basic(client.clientId, client.clientSecret),
      form: { grant_type: 'password', username: 'admin', password: server.adminPassword, scope: SCOPES },
    });
    return new ThrottleSetup(server, `Bearer ${text(tokens.access_token, 'access_token')}`);
  }

  /** A subscription tier of `perMinute` requests per minute, stopping at its quota, no burst limit. */
  async tier(name: string, perMinute: number): Promise<void> {
    await call('POST', `${this.server.httpUrl}${ADMIN}/throttling/policies/subscription`, 201, {
      authorization: this.authorization,
      json: {
        policyName: name,
        displayName: `${perMinute} per minute (benchmark)`,
        defaultLimit: {
          type: 'REQUESTCOUNTLIMIT',
          requestCount: { timeUnit: 'min', unitTime: 1, requestCount: perMinute },
        },
        stopOnQuotaReach: true,
      },
    });
  }

  /** Creates, deploys and publishes the API in front of `backendOrigin`, offering these tiers. */
  async api(backendOrigin: string, tiers: string[]): Promise<string> {
    const publisher = `${this.server.httpUrl}${PUBLISHER}`;
    const authorization = this.authorization;
    const api = await call('POST', `${publisher}/apis`, 201, {
      authorization,
      json: {
        name: THROTTLE_API.name,
        context: THROTTLE_API.context,
        version: THROTTLE_API.version,
        transport: ['http', 'https'],
        policies: tiers,
        apiThrottlingPolicy: 'Unlimited',
        endpointConfig: { endpoint_type: 'http', production_endpoints: { url: backendOrigin } },
        operations: [
          {
            target: THROTTLE_API.resource,
            verb: 'GET',
            authType: 'Application & Application User',
            throttlingPolicy: 'Unlimited',
          },
        ],
      },
    });
    const apiId = text(api.id, 'API id');
    const revision = await call('POST', `${publisher}/apis/${apiId}/revisions`, 201, {
      authorization,
      json: { description: 'benchmark' },
    });
    const revisionId = text(revision.id, 'revision id');
    await call('POST', `${publisher}/apis/${apiId}/deploy-revision?revisionId=${revisionId}`, 200, {
      authorization,
      json: [{ name: 'Default', vhost: 'localhost', displayOnDevportal: true }],
    });
    await this.#untilDeployed(1);
    const query = new URLSearchParams({ apiId, action: 'Publish' }).toString();
    await call('POST', `${publisher}/apis/change-lifecycle?${query}`, 200, { authorization });
    return apiId;
  }

  /** An application of its own, subscribed to the API on `tier`, with PRODUCTION keys: its first token. */
  async subscriber(apiId: string, label: string, tier: string): Promise<Subscriber> {
    const portal = `${this.server.httpUrl}${DEVPORTAL}`;
    const authorization = this.authorization;
    const app = await call('POST', `${portal}/applications`, 201, {
      authorization,
      json: { name: `bench-throttle-${label}`, throttlingPolicy: 'Unlimited', tokenType: 'JWT' },
    });
    const applicationId = text(app.applicationId, 'applicationId');
    await call('POST', `${portal}/subscriptions`, 201, {
      authorization,
      json: { applicationId, apiId, throttlingPolicy: tier },
    });
    const keys = await call('POST', `${portal}/applications/${applicationId}/generate-keys`, 200, {
      authorization,
      json: {
        keyType: 'PRODUCTION',
        grantTypesToBeSupported: ['client_credentials'],
        validityTime: String(TOKEN_VALIDITY_SEC),
      },
    });
    const token = text(
      (keys.token as { accessToken?: unknown } | undefined)?.accessToken,
      'token.accessToken',
    );
    return { label, tier, applicationId, token };
  }

  /** Waits until gateway 1 holds `count` APIs (its portcullis_gateway_deployed_apis gauge). */
  async #untilDeployed(count: number, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let held = NaN;
    while (Date.now() < deadline) {
      held = (await gatewayMetrics(this.server)).get('portcullis_gateway_deployed_apis') ?? NaN;
      if (held >= count) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`gateway 1 held ${held} deployed API(s) ${timeoutMs / 1000} s after the deployment`);
  }
}
