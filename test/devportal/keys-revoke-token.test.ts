/**
 * POST /applications/{applicationId}/oauth-keys/{keyMappingId}/revoke-token {token, consumerSecret}: a
 * Portcullis addition (WSO2 revokes only through generate-token's revokeToken) that revokes one token of the
 * keys at the Key Manager (RFC 7009). It needs the keys' secret, is the owner's only, and an unknown token is
 * not an error (§2.2).
 */
import { beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import { DEVPORTAL, useDevportalNode, type Devportal, type Json } from './devportal-client.js';

describeEachEngine('devportal keys: revoke-token', (engine) => {
  const ctx = useDevportalNode(engine);
  let portal: Devportal;

  beforeAll(async () => {
    portal = (await ctx.newUser()).portal;
  });

  async function revoke(as: Devportal, app: Json, key: Json, body: Json) {
    const response = await ctx.node.fetch(
      `${ctx.node.baseUrl}${DEVPORTAL}/applications/${app.applicationId}/oauth-keys/${key.keyMappingId}/revoke-token`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${as.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      },
    );
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  async function appWithKeys(): Promise<{ app: Json; key: Json }> {
    const app = await portal.createdApp();
    return { app, key: await portal.generatedKeys(app.applicationId) };
  }

  it('revokes the token: the Key Manager says it is no longer active; other tokens stay', async () => {
    const { app, key } = await appWithKeys();
    const other = await portal.generateToken(app.applicationId, key.keyMappingId, {
      consumerSecret: key.consumerSecret,
    });
    const token = key.token.accessToken as string;
    expect(await ctx.isActive(token)).toBe(true);
    const reply = await revoke(portal, app, key, { token, consumerSecret: key.consumerSecret });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(await ctx.isActive(token)).toBe(false);
    expect(await ctx.isActive(other.body.accessToken)).toBe(true);
  });

  it('an unknown token is fine (RFC 7009 §2.2)', async () => {
    const { app, key } = await appWithKeys();
    const reply = await revoke(portal, app, key, {
      token: 'no-such-token',
      consumerSecret: key.consumerSecret,
    });
    expect(reply.status).toBe(200);
  });

  it('a wrong secret is a 400 naming consumerSecret, and the token stays active', async () => {
    const { app, key } = await appWithKeys();
    const token = key.token.accessToken as string;
    const reply = await revoke(portal, app, key, { token, consumerSecret: 'wrong-secret' });
    expect(reply.status).toBe(400);
    expect(reply.body.description).toContain('consumerSecret');
    expect(await ctx.isActive(token)).toBe(true);
  });

  it('both fields are required', async () => {
    const { app, key } = await appWithKeys();
    expect((await revoke(portal, app, key, { token: 'x' })).status).toBe(400);
    expect((await revoke(portal, app, key, { consumerSecret: key.consumerSecret })).status).toBe(400);
  });

  it("another user's application is not found, and its token stays active", async () => {
    const { app, key } = await appWithKeys();
    const stranger = (await ctx.newUser()).portal;
    const token = key.token.accessToken as string;
    const reply = await revoke(stranger, app, key, { token, consumerSecret: key.consumerSecret });
    expect(reply.status).toBe(404);
    expect(await ctx.isActive(token)).toBe(true);
  });
});
