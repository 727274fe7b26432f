/**
 * Helpers for the Key Manager suites: client registration (WSO2 DCR), discovery with oauth4webapi,
 * raw form posts for the error cases, users through the admin API, and introspection.
 * Every HTTP call goes through the test node's `fetch`, so TLS is verified against the node's CA.
 */
import * as oauth from 'oauth4webapi';
import * as openid from 'openid-client';
import type { TestNode } from './node.js';
import type {
  RegistrationRequest,
  RegistrationResponse,
} from '../../src/key-manager/routes/registration-route.js';

export const REDIRECT_URI = 'https://app.example.test/callback';
export const ALL_GRANTS = 'client_credentials password refresh_token authorization_code';

/** The wire shapes come from the route's schemas. */
export type RegistrationBody = RegistrationRequest;
export type Registration = RegistrationResponse;

export interface Credentials {
  username: string;
  password: string;
}

/** A registered client ready for oauth4webapi. */
export interface TestClient {
  registration: Registration;
  client: oauth.Client;
  auth: oauth.ClientAuth;
  /** The secret of a confidential client (for the raw requests of the error suites). */
  secret: string | undefined;
}

export function basicAuth(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

export function adminCredentials(node: TestNode): Credentials {
  return { username: 'admin', password: node.adminPassword };
}

/** Options for every oauth4webapi call: the node's CA-trusting fetch. */
export function httpOptions(node: TestNode): { [oauth.customFetch]: typeof fetch } {
  return { [oauth.customFetch]: node.fetch };
}

export function issuerOf(node: TestNode): URL {
  return new URL(`${node.baseUrl}/oauth2/token`);
}

let counter = 0;
/** A client name unique within the process. */
export function uniqueName(prefix = 'client'): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}-${Date.now().toString(36)}`;
}

export function registrationRequest(
  node: TestNode,
  body: unknown,
  /** null: no Authorization header. */
  credentials: Credentials | null = adminCredentials(node),
): Promise<Response> {
  return node.fetch(`${node.baseUrl}/client-registration/v0.17/register`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(credentials ? { authorization: basicAuth(credentials.username, credentials.password) } : {}),
    },
    body: JSON.stringify(body),
  });
}

export async function register(
  node: TestNode,
  body: Partial<RegistrationBody> = {},
  credentials?: Credentials,
): Promise<Registration> {
  const response = await registrationRequest(
    node,
    { clientName: uniqueName(), grantType: ALL_GRANTS, callbackUrl: REDIRECT_URI, ...body },
    credentials,
  );
  if (response.status !== 200) {
    throw new Error(`registration failed: ${response.status} ${await response.text()}`);
  }
  return (await response.json()) as Registration;
}

/** Registers a client and wraps it for oauth4webapi (Basic auth for confidential, none for public clients). */
export async function registerClient(
  node: TestNode,
  body: Partial<RegistrationBody> = {},
  credentials?: Credentials,
): Promise<TestClient> {
  const registration = await register(node, body, credentials);
  const secret = registration.clientSecret ?? undefined;
  return {
    registration,
    client: { client_id: registration.clientId },
    auth: secret === undefined ? oauth.None() : oauth.ClientSecretBasic(secret),
    secret,
  };
}

/** RFC 8414 discovery of the node's metadata, validated by oauth4webapi. */
export async function discover(node: TestNode): Promise<oauth.AuthorizationServer> {
  const issuer = issuerOf(node);
  const response = await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...httpOptions(node) });
  return oauth.processDiscoveryResponse(issuer, response);
}

/** A form POST to an OAuth endpoint without any client library, for the error cases. */
export function postForm(
  node: TestNode,
  path: string,
  params: Record<string, string> | URLSearchParams | string,
  headers: Record<string, string> = {},
): Promise<Response> {
  const body =
    typeof params === 'string'
      ? params
      : params instanceof URLSearchParams
        ? params
        : new URLSearchParams(params);
  return node.fetch(`${node.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: body.toString(),
  });
}

export async function passwordGrant(
  node: TestNode,
  as: oauth.AuthorizationServer,
  client: TestClient,
  credentials: Credentials,
  scope?: string,
): Promise<oauth.TokenEndpointResponse> {
  const response = await oauth.genericTokenEndpointRequest(
    as,
    client.client,
    client.auth,
    'password',
    { username: credentials.username, password: credentials.password, ...(scope ? { scope } : {}) },
    httpOptions(node),
  );
  return oauth.processGenericTokenEndpointResponse(as, client.client, response);
}

export async function refreshGrant(
  node: TestNode,
  as: oauth.AuthorizationServer,
  client: TestClient,
  refreshToken: string,
  scope?: string,
): Promise<oauth.TokenEndpointResponse> {
  const response = await oauth.refreshTokenGrantRequest(as, client.client, client.auth, refreshToken, {
    ...httpOptions(node),
    ...(scope ? { additionalParameters: { scope } } : {}),
  });
  return oauth.processRefreshTokenResponse(as, client.client, response);
}

export async function clientCredentials(
  node: TestNode,
  as: oauth.AuthorizationServer,
  client: TestClient,
  scope?: string,
): Promise<oauth.TokenEndpointResponse> {
  const response = await oauth.clientCredentialsGrantRequest(
    as,
    client.client,
    client.auth,
    scope ? { scope } : {},
    httpOptions(node),
  );
  return oauth.processClientCredentialsResponse(as, client.client, response);
}

export async function introspect(
  node: TestNode,
  as: oauth.AuthorizationServer,
  caller: TestClient,
  token: string,
): Promise<oauth.IntrospectionResponse> {
  const response = await oauth.introspectionRequest(as, caller.client, caller.auth, token, httpOptions(node));
  return oauth.processIntrospectionResponse(as, caller.client, response);
}

export async function revoke(
  node: TestNode,
  as: oauth.AuthorizationServer,
  caller: TestClient,
  token: string,
): Promise<void> {
  const response = await oauth.revocationRequest(as, caller.client, caller.auth, token, httpOptions(node));
  return oauth.processRevocationResponse(response);
}

/** The error an oauth4webapi call rejected with, for assertions on OAuth error responses. */
export async function rejection(promise: Promise<unknown>): Promise<oauth.ResponseBodyError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof oauth.ResponseBodyError) return err;
    throw err;
  }
  throw new Error('expected the request to fail with an OAuth error response');
}

/** The admin API of users, with an `apim:admin` token obtained by the password grant. */
export class UserAdmin {
  private constructor(
    private readonly node: TestNode,
    readonly token: string,
  ) {}

  static async create(node: TestNode, as: oauth.AuthorizationServer, client: TestClient): Promise<UserAdmin> {
    const tokens = await passwordGrant(node, as, client, adminCredentials(node), 'apim:admin');
    if (tokens.scope !== 'apim:admin') throw new Error(`admin did not get apim:admin: ${tokens.scope}`);
    return new UserAdmin(node, tokens.access_token);
  }

  request(method: string, path = '', body?: unknown): Promise<Response> {
    return this.node.fetch(`${this.node.baseUrl}/keymanager/v1/users${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  }

  async add(username: string, password: string, roles: string[]): Promise<Credentials> {
    const response = await this.request('POST', '', { username, password, roles });
    if (response.status !== 201)
      throw new Error(`user creation failed: ${response.status} ${await response.text()}`);
    return { username, password };
  }

  async update(username: string, changes: { roles?: string[]; disabled?: boolean; password?: string }) {
    const response = await this.request('PATCH', `/${encodeURIComponent(username)}`, changes);
    if (response.status !== 200)
      throw new Error(`user update failed: ${response.status} ${await response.text()}`);
    return (await response.json()) as { username: string; roles: string[]; disabled: boolean };
  }

  async remove(username: string): Promise<void> {
    const response = await this.request('DELETE', `/${encodeURIComponent(username)}`);
    if (response.status !== 200)
      throw new Error(`user deletion failed: ${response.status} ${await response.text()}`);
  }
}

/** openid-client's configuration for a registered client: discovery through the node's CA-trusting fetch. */
export function openidConfig(
  node: TestNode,
  registered: TestClient,
  auth: openid.ClientAuth = openid.ClientSecretBasic(),
): Promise<openid.Configuration> {
  return openid.discovery(issuerOf(node), registered.registration.clientId, registered.secret, auth, {
    [openid.customFetch]: node.fetch,
  });
}
