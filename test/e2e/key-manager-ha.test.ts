/**
 * Two Key Managers sharing one PostgreSQL database and one RabbitMQ broker, as behind a load balancer:
 * either node validates, introspects and revokes what the other issued, and revocations reach every node.
 */
import { randomBytes } from 'node:crypto';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RabbitMqEventHub } from '../../src/events/rabbitmq.js';
import type { HubEvent } from '../../src/events/topics.js';
import { createLogger } from '../../src/platform/logger.js';
import { startTestNode, type TestNode } from '../support/node.js';
import { createTemporaryDatabase, type TemporaryDatabase } from '../support/postgres.js';
import { RABBITMQ_URL, postgresAvailable, rabbitmqAvailable } from '../support/services.js';

const available = (await postgresAvailable()) && (await rabbitmqAvailable());
const ISSUER = 'https://km.portcullis.test:9443/oauth2/token';

const form = (body: Record<string, string>) => new URLSearchParams(body).toString();
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe.runIf(available)('Key Manager high availability (PostgreSQL + RabbitMQ)', () => {
  let database: TemporaryDatabase;
  const nodes: TestNode[] = [];
  let observer: RabbitMqEventHub;
  const revocations: HubEvent[] = [];

  beforeAll(async () => {
    database = await createTemporaryDatabase('portcullis_ha');
    const env = {
      PORTCULLIS_DATABASE__URL: database.url,
      PORTCULLIS_EVENT_HUB__TYPE: 'rabbitmq',
      PORTCULLIS_EVENT_HUB__BROKERS: RABBITMQ_URL,
      PORTCULLIS_KEY_MANAGER__ISSUER: ISSUER,
    };
    // Started together, as nodes behind a load balancer may be: one migrates, both find the schema ready.
    nodes.push(...(await Promise.all([startTestNode({ env }), startTestNode({ env })])));
    observer = await RabbitMqEventHub.connect({
      brokers: [RABBITMQ_URL],
      nodeId: `observer-${randomBytes(4).toString('hex')}`,
      logger: createLogger('silent'),
    });
    await observer.subscribe('tokenRevocation', (event) => void revocations.push(event));
  });

  afterAll(async () => {
    await observer?.close();
    for (const node of nodes) await node.close();
    await database?.drop();
  });

  it('both nodes are ready and publish the same signing keys', async () => {
    const [a, b] = nodes as [TestNode, TestNode];
    for (const node of nodes) {
      const ready = await node.fetch(`${node.baseUrl}/health/ready`);
      expect(await ready.json()).toEqual({
        status: 'UP',
        checks: {
          database: 'UP',
          eventHub: 'UP',
          analytics: 'UP',
          trafficManager: 'UP',
          gatewayState: 'UP',
        },
      });
    }
    const jwksA = (await (await a.fetch(`${a.baseUrl}/oauth2/jwks`)).json()) as { keys: { kid: string }[] };
    const jwksB = (await (await b.fetch(`${b.baseUrl}/oauth2/jwks`)).json()) as { keys: { kid: string }[] };
    expect(jwksA.keys.length).toBeGreaterThan(0);
    expect(jwksB.keys.map((k) => k.kid).sort()).toEqual(jwksA.keys.map((k) => k.kid).sort());
  });

  it('a token issued by one node is verified, introspected and revoked through the other', async () => {
    const [a, b] = nodes as [TestNode, TestNode];
    const registration = await a.fetch(`${a.baseUrl}/client-registration/v0.17/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basic('admin', a.adminPassword) },
      body: JSON.stringify({
        clientName: `ha-${randomBytes(3).toString('hex')}`,
        grantType: 'client_credentials',
      }),
    });
    expect(registration.status).toBe(200);
    const { clientId, clientSecret } = (await registration.json()) as {
      clientId: string;
      clientSecret: string;
    };
    const auth = {
      authorization: basic(clientId, clientSecret),
      'content-type': 'application/x-www-form-urlencoded',
    };

    const issued = await b.fetch(`${b.baseUrl}/oauth2/token`, {
      method: 'POST',
      headers: auth,
      body: form({ grant_type: 'client_credentials' }),
    });
    expect(issued.status).toBe(200);
    const { access_token: token } = (await issued.json()) as { access_token: string };

    const jwks = await (await a.fetch(`${a.baseUrl}/oauth2/jwks`)).json();
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks as never), { issuer: ISSUER });
    expect(payload.client_id).toBe(clientId);

    const introspect = () =>
      a.fetch(`${a.baseUrl}/oauth2/introspect`, { method: 'POST', headers: auth, body: form({ token }) });
    expect(await (await introspect()).json()).toMatchObject({
      active: true,
      client_id: clientId,
      iss: ISSUER,
    });

    const revoked = await b.fetch(`${b.baseUrl}/oauth2/revoke`, {
      method: 'POST',
      headers: auth,
      body: form({ token }),
    });
    expect(revoked.status).toBe(200);
    expect(await (await introspect()).json()).toEqual({ active: false });
    await expect
      .poll(() =>
        revocations.find((e) => (e.payload.tokens as { id: string }[]).some((t) => t.id === payload.jti)),
      )
      .toBeDefined();
  });
});
