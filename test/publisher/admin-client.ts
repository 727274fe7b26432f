/**
 * Shared by the Admin REST API suites: a node (SQLite, or a fresh PostgreSQL database), tokens obtained by
 * the password grant, and `AdminApi`, which calls the API and checks every response against WSO2's
 * admin-api.yaml before the test asserts anything on it.
 */
import type * as oauth from 'oauth4webapi';
import { expect } from 'vitest';
import { startTestNode, type TestNode } from '../support/node.js';
import {
  adminCredentials,
  discover,
  passwordGrant,
  registerClient,
  type Credentials,
  type TestClient,
} from '../support/oauth-helpers.js';
import { createTemporaryDatabase } from '../support/postgres.js';
import { expectWso2Reply } from '../support/wso2-contract.js';

export const ADMIN = '/api/am/admin/v4';
export const ALL_ADMIN_SCOPES = 'apim:admin apim:tier_view apim:tier_manage';

/** A JSON body, read loosely: tests index into it and compare with `expect`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface AdminReply {
  status: number;
  headers: Headers;
  body: Json;
}

/** The reply must be what WSO2's admin definition says (its Error where it documents no body). */
export const expectAdminContract = (method: string, template: string, status: number, body: unknown) =>
  expectWso2Reply('admin', method, template, status, body);

export class AdminApi {
  constructor(
    readonly node: TestNode,
    /** The default bearer token; null sends none. */
    readonly token: string | null,
  ) {}

  withToken(token: string | null): AdminApi {
    return new AdminApi(this.node, token);
  }

  /**
   * Calls `METHOD path` (path relative to the admin base) and checks the response against the operation
   * `template` of admin-api.yaml (defaults to `path` when it has no ids in it).
   */
  async call(
    method: string,
    path: string,
    options: { body?: unknown; template?: string; authorization?: string } = {},
  ): Promise<AdminReply> {
    const headers: Record<string, string> = {};
    const authorization = options.authorization ?? (this.token === null ? undefined : `Bearer ${this.token}`);
    if (authorization !== undefined) headers.authorization = authorization;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await this.node.fetch(`${this.node.baseUrl}${ADMIN}${path}`, {
      method,
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    const text = await response.text();
    const body: Json = text === '' ? undefined : JSON.parse(text);
    expectAdminContract(method, options.template ?? path, response.status, body);
    return { status: response.status, headers: response.headers, body };
  }

  get = (path: string, template?: string) => this.call('GET', path, { template });
  post = (path: string, body: unknown) => this.call('POST', path, { body });
  put = (path: string, body: unknown, template: string) => this.call('PUT', path, { body, template });
  delete = (path: string, template: string) => this.call('DELETE', path, { template });
}

/** Expects a WSO2 error body with this status and code, whose texts mention every `mentions`. */
export function expectError(reply: AdminReply, status: number, code: number, ...mentions: string[]): void {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  expect(reply.body).toMatchObject({ code, message: expect.any(String), description: expect.any(String) });
  const text = [reply.body.description, ...reply.body.error.map((e: Json) => e.message)].join(' | ');
  for (const mention of mentions) expect(text).toContain(mention);
}

export interface AdminContext {
  node: TestNode;
  as: oauth.AuthorizationServer;
  client: TestClient;
  /** An API client with an admin token holding every admin scope. */
  api: AdminApi;
  tokenFor(credentials: Credentials, scope: string): Promise<oauth.TokenEndpointResponse>;
  close(): Promise<void>;
}

export type Engine = 'sqlite' | 'postgres';

/** Starts a node (on a fresh PostgreSQL database for 'postgres') and gets an all-scopes admin token. */
export async function startAdminNode(
  engine: Engine = 'sqlite',
  env: Record<string, string> = {},
): Promise<AdminContext> {
  let dropDatabase = async () => {};
  const nodeEnv = { ...env };
  if (engine === 'postgres') {
    const database = await createTemporaryDatabase('portcullis_admin');
    dropDatabase = database.drop;
    nodeEnv.PORTCULLIS_DATABASE__URL = database.url;
  }
  const node = await startTestNode({ env: nodeEnv });
  const as = await discover(node);
  const client = await registerClient(node);
  const tokenFor = (credentials: Credentials, scope: string) =>
    passwordGrant(node, as, client, credentials, scope);
  const admin = await tokenFor(adminCredentials(node), ALL_ADMIN_SCOPES);
  return {
    node,
    as,
    client,
    api: new AdminApi(node, admin.access_token),
    tokenFor,
    async close() {
      await node.close();
      await dropDatabase();
    },
  };
}

/** Names unique within the run: policy and environment names allow its letters, digits and dashes. */
export { uniqueName } from '../support/oauth-helpers.js';
