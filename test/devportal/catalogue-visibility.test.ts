/**
 * Which APIs the Developer Portal's catalogue shows, and to whom: only PUBLISHED, PROTOTYPED and DEPRECATED
 * APIs; PUBLIC ones to anyone, PRIVATE ones to signed-in users, RESTRICTED ones to users holding one of their
 * visibleRoles (and admins). An API the caller may not see is a 404 exactly like one that does not exist.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.js';
import {
  expectError,
  useDevportalNode,
  type Devportal,
  type Json,
  type LifecycleState,
} from './devportal-client.js';

const inList = async (portal: Devportal, api: Json): Promise<boolean> => {
  const reply = await portal.listApis({ query: `name:${api.name}` });
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply.body.list.some((item: Json) => item.id === api.id);
};

describeEachEngine('devportal catalogue: visibility', (engine) => {
  const ctx = useDevportalNode(engine);

  describe('lifecycle states', () => {
    it.each(['PUBLISHED', 'PROTOTYPED', 'DEPRECATED'] as const)(
      'a %s API is listed and found',
      async (state) => {
        const api = await ctx.deployedApi({}, state);
        for (const portal of [ctx.anonymous, ctx.portal]) {
          expect(await inList(portal, api)).toBe(true);
          const reply = await portal.getApi(api.id);
          expect(reply.status, JSON.stringify(reply.body)).toBe(200);
          expect(reply.body).toMatchObject({ id: api.id, name: api.name, lifeCycleStatus: state });
          expect((await portal.swagger(api.id)).status).toBe(200);
        }
      },
    );

    it.each(['CREATED', 'BLOCKED', 'RETIRED'] satisfies LifecycleState[])(
      'a %s API is neither listed nor found, even by an admin',
      async (state) => {
        const api = await ctx.deployedApi({}, state);
        for (const portal of [ctx.anonymous, ctx.portal]) {
          expect(await inList(portal, api)).toBe(false);
          expectError(await portal.getApi(api.id), 404, 404);
          expectError(await portal.swagger(api.id), 404, 404);
        }
      },
    );

    it('an API that does not exist is a 404', async () => {
      expectError(await ctx.anonymous.getApi('no-such-api'), 404, 404);
      expectError(await ctx.portal.swagger('00000000-0000-0000-0000-000000000000'), 404, 404);
    });
  });

  describe('visibility', () => {
    let subscriber: Devportal;
    let creator: Devportal;
    let publicApi: Json;
    let privateApi: Json;
    let restrictedApi: Json;

    beforeAll(async () => {
      subscriber = (await ctx.newUser(['subscriber'])).portal;
      creator = (await ctx.newUser(['subscriber', 'creator'])).portal;
      publicApi = await ctx.deployedApi({ visibility: 'PUBLIC' });
      privateApi = await ctx.deployedApi({ visibility: 'PRIVATE' });
      restrictedApi = await ctx.deployedApi({ visibility: 'RESTRICTED', visibleRoles: ['creator'] });
    });

    /** Whether `portal` sees `api`: listed and found, or neither (a 404 like a missing API). */
    async function sees(portal: Devportal, api: Json): Promise<boolean> {
      const listed = await inList(portal, api);
      const reply = await portal.getApi(api.id);
      const swagger = await portal.swagger(api.id);
      if (listed) {
        expect(reply.status).toBe(200);
        expect(swagger.status).toBe(200);
      } else {
        // Exactly the answer for an id that does not exist.
        const missingId = `${api.id.slice(0, -4)}ffff`;
        const missing = await portal.getApi(missingId);
        expectError(reply, 404, 404);
        expectError(swagger, 404, 404);
        expect(reply.body).toEqual({
          ...missing.body,
          description: missing.body.description.replace(missingId, api.id),
        });
      }
      return listed;
    }

    it('PUBLIC: anonymous users and every signed-in user', async () => {
      for (const portal of [ctx.anonymous, subscriber, creator, ctx.portal]) {
        expect(await sees(portal, publicApi)).toBe(true);
      }
    });

    it('PRIVATE: not anonymous users; any signed-in user', async () => {
      expect(await sees(ctx.anonymous, privateApi)).toBe(false);
      for (const portal of [subscriber, creator, ctx.portal])
        expect(await sees(portal, privateApi)).toBe(true);
    });

    it('RESTRICTED: only users holding one of visibleRoles, and admins', async () => {
      expect(await sees(ctx.anonymous, restrictedApi)).toBe(false);
      expect(await sees(subscriber, restrictedApi)).toBe(false);
      expect(await sees(creator, restrictedApi)).toBe(true);
      expect(await sees(ctx.portal, restrictedApi)).toBe(true);
    });

    it('a token asking no devportal scope still shows what its user may see', async () => {
      const { credentials } = await ctx.newUser(['creator']);
      const viewer = await ctx.portalAs(credentials, 'apim:api_view');
      expect(await sees(viewer, restrictedApi)).toBe(true);
      expect(await sees(viewer, privateApi)).toBe(true);
    });
  });

  describe('tokens', () => {
    it('an invalid bearer token is a 401, although anonymous callers are let in', async () => {
      const api = await ctx.deployedApi();
      const garbage = ctx.anonymous.withToken('not-a-real-token');
      for (const reply of [
        await garbage.listApis(),
        await garbage.getApi(api.id),
        await garbage.swagger(api.id),
      ]) {
        expectError(reply, 401, 900901);
        expect(reply.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
      }
      expect((await ctx.anonymous.getApi(api.id)).status).toBe(200);
    });
  });
});
