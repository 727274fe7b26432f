/**
 * Self sign-up at POST /keymanager/v1/self-signup: anyone may create a developer account, which has the
 * `subscriber` role only (it may use the Developer Portal, not create APIs). Duplicate usernames are a 409,
 * short passwords a 400; with key_manager.self_signup = false it is a 403.
 */
import { describe, expect, it } from 'vitest';
import type { TestNode } from '../support/node.js';
import { describeEachEngine } from '../support/engines.js';
import { wso2Schema } from '../support/wso2-contract.js';
import { minimalApi } from '../publisher/apis-client.js';
import { uniqueName, useDevportalNode, type Json } from './devportal-client.js';

const PASSWORD = 'a-long-enough-password-1';

async function signUp(node: TestNode, body: unknown): Promise<{ status: number; body: Json }> {
  const response = await node.fetch(`${node.baseUrl}/keymanager/v1/self-signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** A WSO2 error body (the REST APIs' shape) with this status and code. */
function expectRefusal(
  reply: { status: number; body: Json },
  status: number,
  code: number,
  mention?: string,
) {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  expect(wso2Schema('devportal', 'Error')(reply.body)).toBe(true);
  expect(reply.body.code).toBe(code);
  if (mention) expect(reply.body.description).toContain(mention);
}

describeEachEngine('self sign-up', (engine) => {
  const ctx = useDevportalNode(engine);

  it('creates a subscriber, without a token, and never reveals the password', async () => {
    const username = uniqueName('signup');
    const reply = await signUp(ctx.node, { username, password: PASSWORD });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    expect(reply.body).toEqual({
      id: expect.any(String),
      username,
      roles: ['subscriber'],
      disabled: false,
      createdTime: expect.any(Number),
      lastUpdatedTime: expect.any(Number),
    });
    expect(JSON.stringify(reply.body)).not.toContain(PASSWORD);
    const listed = await ctx.users.request('GET', `/${username}`);
    expect(((await listed.json()) as Json).roles).toEqual(['subscriber']);
  });

  it('the new user gets apim:subscribe but not apim:api_create, and uses the Developer Portal', async () => {
    const credentials = { username: uniqueName('signup'), password: PASSWORD };
    expect((await signUp(ctx.node, credentials)).status).toBe(201);
    const tokens = await ctx.tokenFor(
      credentials,
      'apim:subscribe apim:app_manage apim:api_create apim:admin',
    );
    expect(tokens.scope).toBe('apim:subscribe apim:app_manage');

    const portal = ctx.portal.withToken(tokens.access_token);
    const app = await portal.createdApp();
    expect(app.owner).toBe(credentials.username);
    const api = await ctx.deployedApi();
    await portal.subscribed(app.applicationId, api.id);

    const publisher = ctx.apis.withToken(tokens.access_token);
    const refused = await publisher.create(minimalApi());
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe(900910);
  });

  it('roles cannot be chosen: a body naming roles is a 400, and no account is made', async () => {
    const username = uniqueName('signup');
    const reply = await signUp(ctx.node, { username, password: PASSWORD, roles: ['admin', 'creator'] });
    expectRefusal(reply, 400, 400);
    expect((await ctx.users.request('GET', `/${username}`)).status).toBe(404);
  });

  it('a username already taken is a 409, and the account is unchanged', async () => {
    const username = uniqueName('signup');
    expect((await signUp(ctx.node, { username, password: PASSWORD })).status).toBe(201);
    expectRefusal(
      await signUp(ctx.node, { username, password: 'another-long-password' }),
      409,
      409,
      username,
    );
    expectRefusal(await signUp(ctx.node, { username: 'admin', password: 'another-long-password' }), 409, 409);
    const tokens = await ctx.tokenFor({ username, password: PASSWORD }, 'apim:subscribe');
    expect(tokens.scope).toBe('apim:subscribe');
  });

  it('a password shorter than 8 characters, a bad username or a missing field is a 400', async () => {
    expectRefusal(
      await signUp(ctx.node, { username: uniqueName('signup'), password: 'short77' }),
      400,
      400,
      'password',
    );
    expectRefusal(await signUp(ctx.node, { username: 'a b', password: PASSWORD }), 400, 400, 'username');
    expectRefusal(await signUp(ctx.node, { username: uniqueName('signup') }), 400, 400, 'password');
    expectRefusal(await signUp(ctx.node, { password: PASSWORD }), 400, 400, 'username');
  });
});

describe('self sign-up turned off', () => {
  const ctx = useDevportalNode(undefined, { PORTCULLIS_KEY_MANAGER__SELF_SIGNUP: 'false' });

  it('is a 403, and no account is made', async () => {
    const username = uniqueName('signup');
    expectRefusal(await signUp(ctx.node, { username, password: PASSWORD }), 403, 900910);
    expect((await ctx.users.request('GET', `/${username}`)).status).toBe(404);
    // Admins still create users.
    await ctx.users.add(username, PASSWORD, ['subscriber']);
  });
});
