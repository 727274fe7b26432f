/**
 * Users' roles travel with their tokens: a `roles` claim in JWT access tokens of the password grant (kept on
 * refresh), `roles` in the introspection of opaque ones; tokens of a client acting for itself
 * (client_credentials) have none. And the node's own client: registered at start as
 * `portcullis-node <node name>` when `services.node_client_id` is empty, and found again, not duplicated,
 * when the node restarts on the same data directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { decodeJwt } from 'jose';
import type * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeCredentials } from '../../src/platform/auth/node-credentials.js';
import { startTestNode, type TestNode } from '../support/node.js';
import {
  UserAdmin,
  adminCredentials,
  basicAuth,
  clientCredentials,
  discover,
  introspect,
  passwordGrant,
  postForm,
  refreshGrant,
  registerClient,
  uniqueName,
  type Credentials,
  type TestClient,
} from '../support/oauth-helpers.js';
import type { Json } from '../publisher/admin-client.js';
import { createTemporaryDatabase, type TemporaryDatabase } from '../support/postgres.js';
import { postgresAvailable } from '../support/services.js';

const NODE_SCOPE = 'portcullis:node';
const postgresUp = await postgresAvailable();

describe('the roles of a user in tokens', () => {
  let node: TestNode;
  let as: oauth.AuthorizationServer;
  let jwtClient: TestClient;
  let opaqueClient: TestClient;
  let users: UserAdmin;
  let twoRoles: Credentials;

  beforeAll(async () => {
    node = await startTestNode();
    as = await discover(node);
    jwtClient = await registerClient(node, { tokenType: 'JWT' });
    opaqueClient = await registerClient(node, { tokenType: 'OPAQUE' });
    users = await UserAdmin.create(node, as, jwtClient);
    twoRoles = await users.add(uniqueName('pub'), 'two-roles-password', ['creator', 'publisher']);
  });

  afterAll(async () => {
    await node?.close();
  });

  const sorted = (roles: unknown) => [...(roles as string[])].sort();

  it("a password-grant JWT carries the user's roles, whatever scope was asked", async () => {
    const tokens = await passwordGrant(node, as, jwtClient, twoRoles, 'apim:api_view');
    const claims = decodeJwt(tokens.access_token);
    expect(sorted(claims['roles'])).toEqual(['creator', 'publisher']);
    expect(claims).toMatchObject({ sub: twoRoles.username, scope: 'apim:api_view' });

    const noScope = decodeJwt((await passwordGrant(node, as, jwtClient, twoRoles)).access_token);
    expect(noScope.scope).toBe('default');
    expect(sorted(noScope['roles'])).toEqual(['creator', 'publisher']);

    const admin = decodeJwt((await passwordGrant(node, as, jwtClient, adminCredentials(node))).access_token);
    expect(admin['roles']).toEqual(['admin']);
  });

  it('a user without roles gets an empty roles claim', async () => {
    const none = await users.add(uniqueName('none'), 'no-roles-password', []);
    const claims = decodeJwt((await passwordGrant(node, as, jwtClient, none)).access_token);
    expect(claims['roles']).toEqual([]);
  });

  it('a client_credentials JWT has no roles, even for a client owned by an admin', async () => {
    const tokens = await clientCredentials(node, as, jwtClient, 'apim:admin');
    expect(tokens.scope).toBe('apim:admin');
    const claims = decodeJwt(tokens.access_token);
    expect(claims.sub).toBe(jwtClient.registration.clientId);
    expect(claims).not.toHaveProperty('roles');
  });

  it('a refreshed JWT keeps the roles', async () => {
    const first = await passwordGrant(node, as, jwtClient, twoRoles, 'apim:api_view apim:api_publish');
    const refreshed = await refreshGrant(node, as, jwtClient, first.refresh_token as string);
    const claims = decodeJwt(refreshed.access_token);
    expect(sorted(claims['roles'])).toEqual(['creator', 'publisher']);
    expect(claims.sub).toBe(twoRoles.username);
    // Narrowed on refresh: the scope shrinks, the roles stay.
    const narrowed = await refreshGrant(
      node,
      as,
      jwtClient,
      refreshed.refresh_token as string,
      'apim:api_view',
    );
    const narrowClaims = decodeJwt(narrowed.access_token);
    expect(narrowClaims.scope).toBe('apim:api_view');
    expect(sorted(narrowClaims['roles'])).toEqual(['creator', 'publisher']);
  });

  it('a token issued after a change of roles carries the new roles', async () => {
    const user = await users.add(uniqueName('mover'), 'mover-password-1', ['subscriber']);
    expect(decodeJwt((await passwordGrant(node, as, jwtClient, user)).access_token)['roles']).toEqual([
      'subscriber',
    ]);
    await users.update(user.username, { roles: ['creator'] });
    expect(decodeJwt((await passwordGrant(node, as, jwtClient, user)).access_token)['roles']).toEqual([
      'creator',
    ]);
  });

  it("introspection of an opaque user token answers the user's roles", async () => {
    const tokens = await passwordGrant(node, as, opaqueClient, twoRoles, 'apim:api_view');
    expect(tokens.access_token.split('.')).toHaveLength(1);
    const answer = await introspect(node, as, opaqueClient, tokens.access_token);
    expect(answer).toMatchObject({
      active: true,
      username: twoRoles.username,
      sub: twoRoles.username,
      scope: 'apim:api_view',
      token_type: 'Bearer',
    });
    expect(sorted(answer['roles'])).toEqual(['creator', 'publisher']);

    // An admin-owned client (a gateway's) sees the same.
    const seenByAdmin = await introspect(node, as, jwtClient, tokens.access_token);
    expect(sorted(seenByAdmin['roles'])).toEqual(['creator', 'publisher']);

    // The refreshed opaque token too.
    const refreshed = await refreshGrant(node, as, opaqueClient, tokens.refresh_token as string);
    expect(sorted((await introspect(node, as, opaqueClient, refreshed.access_token))['roles'])).toEqual([
      'creator',
      'publisher',
    ]);
  });

  it('introspection of an opaque client_credentials token has no roles', async () => {
    const tokens = await clientCredentials(node, as, opaqueClient);
    const answer = await introspect(node, as, opaqueClient, tokens.access_token);
    expect(answer).toMatchObject({ active: true, client_id: opaqueClient.registration.clientId });
    expect(answer).not.toHaveProperty('roles');
    expect(answer).not.toHaveProperty('username');
  });

  it('introspection of a JWT answers the same roles as its claim', async () => {
    const tokens = await passwordGrant(node, as, jwtClient, twoRoles);
    const answer = await introspect(node, as, jwtClient, tokens.access_token);
    expect(sorted(answer['roles'])).toEqual(sorted(decodeJwt(tokens.access_token)['roles']));
  });
});

/** The node client of a running node, as its Key Manager registered it. */
function nodeClientOf(node: TestNode): NodeCredentials {
  const credentials = node.node.components.find((c) => c.name === 'key-manager')?.nodeClient;
  if (!credentials) throw new Error('the Key Manager registered no node client');
  return credentials;
}

/** A client_credentials request with these credentials and the node scope. */
function nodeTokenRequest(node: TestNode, { clientId, clientSecret }: NodeCredentials) {
  return postForm(
    node,
    '/oauth2/token',
    { grant_type: 'client_credentials', scope: NODE_SCOPE },
    { authorization: basicAuth(clientId, clientSecret) },
  );
}

async function nodeToken(node: TestNode, credentials: NodeCredentials): Promise<string> {
  const response = await nodeTokenRequest(node, credentials);
  const body = (await response.json()) as Json;
  expect(response.status, JSON.stringify(body)).toBe(200);
  expect(body.scope).toBe(NODE_SCOPE);
  return body.access_token as string;
}

/** The node client as the clients API shows it, read with the node client's own token. */
async function shown(node: TestNode, credentials: NodeCredentials): Promise<Json> {
  const token = await nodeToken(node, credentials);
  const response = await node.fetch(`${node.baseUrl}/keymanager/v1/clients/${credentials.clientId}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(response.status).toBe(200);
  return response.json();
}

/** Clients by this name in the node's SQLite database. */
function clientsNamed(dataDir: string, name: string): number {
  const db = new Database(path.join(dataDir, 'portcullis.db'), { readonly: true });
  try {
    const row = db.prepare('select count(*) as n from oauth_clients where name = ?').get(name) as {
      n: number;
    };
    return row.n;
  } finally {
    db.close();
  }
}

describe("the node's own client", () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'portcullis-node-client-'));
  const nodeName = uniqueName('km');
  const env = { PORTCULLIS_DATA_DIR: dataDir, PORTCULLIS_NODE__NAME: nodeName };
  let node: TestNode | undefined;

  afterAll(async () => {
    await node?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('exists after start: `portcullis-node <name>`, owned by the admin, client_credentials only', async () => {
    node = await startTestNode({ env });
    const credentials = nodeClientOf(node);
    expect(await shown(node, credentials)).toEqual({
      clientId: credentials.clientId,
      clientName: `portcullis-node ${nodeName}`,
      owner: 'admin',
      grantTypes: ['client_credentials'],
      callbackUrl: null,
      tokenType: 'JWT',
      accessTokenValidity: 3600,
    });
    // Its tokens are a client's: no user, no roles.
    const claims = decodeJwt(await nodeToken(node, credentials));
    expect(claims.sub).toBe(credentials.clientId);
    expect(claims).not.toHaveProperty('roles');
    expect(clientsNamed(dataDir, `portcullis-node ${nodeName}`)).toBe(1);
  });

  it('a restart on the same data directory finds it again, with a new secret, and makes no second one', async () => {
    const before = nodeClientOf(node as TestNode);
    await (node as TestNode).close();
    node = undefined;
    node = await startTestNode({ env });
    const after = nodeClientOf(node);
    expect(after.clientId).toBe(before.clientId);
    expect(after.clientSecret).not.toBe(before.clientSecret);
    expect((await shown(node, after)).clientName).toBe(`portcullis-node ${nodeName}`);
    // The old secret died with the old process.
    const stale = await nodeTokenRequest(node, before);
    expect(stale.status).toBe(401);
    expect(((await stale.json()) as Json).error).toBe('invalid_client');
    expect(clientsNamed(dataDir, `portcullis-node ${nodeName}`)).toBe(1);
  });

  it('with services.node_client_id set, the node registers none and leaves that client as it is', async () => {
    const configured = nodeClientOf(node as TestNode);
    await (node as TestNode).close();
    node = undefined;
    const otherName = uniqueName('configured');
    node = await startTestNode({
      env: {
        ...env,
        PORTCULLIS_NODE__NAME: otherName,
        PORTCULLIS_SERVICES__NODE_CLIENT_ID: configured.clientId,
        PORTCULLIS_SERVICES__NODE_CLIENT_SECRET: configured.clientSecret,
      },
    });
    expect(node.node.components.find((c) => c.name === 'key-manager')?.nodeClient).toBeUndefined();
    expect(clientsNamed(dataDir, `portcullis-node ${otherName}`)).toBe(0);
    // Its secret was not regenerated: the configured credentials still work.
    expect((await shown(node, configured)).clientId).toBe(configured.clientId);
  });
});

describe("the node's own client without a node name", () => {
  it("is named after the machine's host name and the HTTPS port it answers on", async () => {
    const node = await startTestNode();
    try {
      const credentials = nodeClientOf(node);
      expect((await shown(node, credentials)).clientName).toBe(
        `portcullis-node ${os.hostname()}:${new URL(node.baseUrl).port}`,
      );
    } finally {
      await node.close();
    }
  });
});

describe.runIf(postgresUp)('two Key Manager nodes on one database (PostgreSQL), on one host', () => {
  let database: TemporaryDatabase | undefined;
  const nodes: TestNode[] = [];

  afterAll(async () => {
    for (const node of nodes) await node.close();
    await database?.drop();
  });

  it("each keeps a working node client: starting the second does not break the first's", async () => {
    database = await createTemporaryDatabase('portcullis_node_clients');
    const env = { PORTCULLIS_DATABASE__URL: database.url };
    const first = await startTestNode({ env });
    nodes.push(first);
    const firstClient = nodeClientOf(first);
    await nodeToken(first, firstClient);

    const second = await startTestNode({ env });
    nodes.push(second);
    await nodeToken(second, nodeClientOf(second));
    // The first node still runs with the credentials it was given at its start.
    const stillWorks = await nodeTokenRequest(first, firstClient);
    expect.soft(stillWorks.status, await stillWorks.clone().text()).toBe(200);

    // What it shows: the first node's Publisher checks opaque tokens by introspection with its node client.
    const as = await discover(first);
    const opaque = await registerClient(first, { tokenType: 'OPAQUE' });
    const tokens = await passwordGrant(first, as, opaque, adminCredentials(first), 'apim:api_view');
    const apis = await first.fetch(`${first.baseUrl}/api/am/publisher/v4/apis`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(apis.status).toBe(200);
  });
});
