/**
 * Rows (3) and (4) of `npm run bench -- gateway`: everything an API's users do before calling it through
 * Portcullis's gateway, through the REST APIs, as the suites in test/publisher and test/devportal do:
 * an admin token (password grant with a DCR client), an API whose one GET operation needs an application
 * token, with the Unlimited policies throughout and the backend as its production endpoint; a revision
 * deployed to the Default environment; publication; then per token format an application (tokenType JWT,
 * or OAUTH for opaque tokens), a subscription, and PRODUCTION keys, whose first token the load sends.
 */
import { basic, call, DEVPORTAL, PUBLISHER, text } from '../lib/rest.js';
import type { BenchServer } from '../lib/server.js';

const SCOPES = [
  'apim:api_view',
  'apim:api_create',
  'apim:api_publish',
  'apim:subscribe',
  'apim:app_manage',
  'apim:sub_manage',
].join(' ');

/** The API the load calls: GET {context}/{version}{resource}. */
export const API = { name: 'BenchPizza', context: '/bench', version: '1.0.0', resource: '/hello' };
/** No access token lives longer (MAX_ACCESS_TOKEN_VALIDITY); the run must not outlast its tokens. */
const TOKEN_VALIDITY_SEC = 24 * 3600;

export type ApplicationTokenType = 'JWT' | 'OAUTH';

export interface GatewaySetup {
  apiId: string;
  /** The URL every Portcullis row loads, on the gateway's plain-HTTP port. */
  url: string;
  tokens: Record<ApplicationTokenType, string>;
}

/** An admin token with the Publisher's and the Developer Portal's scopes. */
async function adminToken(server: BenchServer): Promise<string> {
  const admin = basic('admin', server.adminPassword);
  const client = await call('POST', `${server.httpUrl}/client-registration/v0.17/register`, 200, {
    authorization: admin,
    json: { clientName: 'bench-gateway-admin', grantType: 'password client_credentials' },
  });
  const tokens = await call('POST', `${server.httpUrl}/oauth2/token`, 200, {
    authorization: basic(text(client.clientId, 'clientId'), text(client.clientSecret, 'clientSecret')),
    form: { grant_type: 'password', username: 'admin', password: server.adminPassword, scope: SCOPES },
  });
  return `Bearer ${text(tokens.access_token, 'access_token')}`;
}

/** An application of this token type, subscribed to the API, with PRODUCTION keys: its first token. */
async function applicationToken(
  server: BenchServer,
  authorization: string,
  apiId: string,
  tokenType: ApplicationTokenType,
): Promise<string> {
  const portal = `${server.httpUrl}${DEVPORTAL}`;
  const app = await call('POST', `${portal}/applications`, 201, {
    authorization,
    json: { name: `bench-${tokenType.toLowerCase()}`, throttlingPolicy: 'Unlimited', tokenType },
  });
  const applicationId = text(app.applicationId, 'applicationId');
  await call('POST', `${portal}/subscriptions`, 201, {
    authorization,
    json: { applicationId, apiId, throttlingPolicy: 'Unlimited' },
  });
  const keys = await call('POST', `${portal}/applications/${applicationId}/generate-keys`, 200, {
    authorization,
    json: {
      keyType: 'PRODUCTION',
      grantTypesToBeSupported: ['client_credentials'],
      validityTime: String(TOKEN_VALIDITY_SEC),
    },
  });
  const token = text((keys.token as { accessToken?: unknown } | undefined)?.accessToken, 'token.accessToken');
  const isJwt = /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token);
  if (isJwt !== (tokenType === 'JWT')) {
    throw new Error(`a ${tokenType} application got ${isJwt ? 'a JWT' : 'an opaque token'}`);
  }
  return token;
}

/** Creates, deploys and publishes the API in front of `backendOrigin`, and gets one token of each format. */
export async function setUpGateway(server: BenchServer, backendOrigin: string): Promise<GatewaySetup> {
  const authorization = await adminToken(server);
  const publisher = `${server.httpUrl}${PUBLISHER}`;
  const api = await call('POST', `${publisher}/apis`, 201, {
    authorization,
    json: {
      name: API.name,
      context: API.context,
      version: API.version,
      transport: ['http', 'https'],
      policies: ['Unlimited'],
      apiThrottlingPolicy: 'Unlimited',
      endpointConfig: { endpoint_type: 'http', production_endpoints: { url: backendOrigin } },
      operations: [
        {
          target: API.resource,
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
  // Publish once the gateway holds the deployment: before 72ea61d a lifecycle event that overtook the
  // gateway's fetch of a new deployment made it drop the deployment (5 of 8 APIs published right after
  // deploy-revision were never served); waiting keeps the setup independent of such timing.
  await untilDeployed(server, 1);
  await call(
    'POST',
    `${publisher}/apis/change-lifecycle?${new URLSearchParams({ apiId, action: 'Publish' }).toString()}`,
    200,
    { authorization },
  );
  const tokens = {
    JWT: await applicationToken(server, authorization, apiId, 'JWT'),
    OAUTH: await applicationToken(server, authorization, apiId, 'OAUTH'),
  };
  return {
    apiId,
    url: `${server.gatewayHttpUrl}${API.context}/${API.version}${API.resource}`,
    tokens,
  };
}

/** Waits until the node's gateway holds `count` APIs (its portcullis_gateway_deployed_apis gauge). */
async function untilDeployed(server: BenchServer, count: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let held = NaN;
  while (Date.now() < deadline) {
    held = (await gatewayMetrics(server)).get('portcullis_gateway_deployed_apis') ?? NaN;
    if (held >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the gateway held ${held} deployed API(s) ${timeoutMs / 1000} s after the deployment`);
}

/** GET /metrics of the node's management port, as name{labels} → value for the gateway's series. */
export async function gatewayMetrics(server: BenchServer): Promise<Map<string, number>> {
  const response = await fetch(`${server.httpUrl}/metrics`);
  const body = await response.text();
  const series = new Map<string, number>();
  for (const line of body.split('\n')) {
    if (!line.startsWith('portcullis_gateway_')) continue;
    const space = line.lastIndexOf(' ');
    series.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return series;
}
