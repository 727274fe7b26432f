/**
 * Publisher API v4 deployments: deploy a revision to Default and to a second gateway environment, one
 * revision per environment (a later deploy replaces), undeploy from one or all environments, the 400s and
 * 409s, and how retiring or deleting an API takes it off every gateway. SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailable } from '../support/services.js';
import { expectError as expectAdminError } from './admin-client.js';
import { expectError, startPublisherNode, type PublisherContext } from './apis-client.js';
import {
  Revisions,
  deleteEnvironment,
  expectRecent,
  isoTime,
  newApi,
  newEnvironment,
  revisionsWithScope,
  summary,
} from './revisions-client.js';

const postgresUp = await postgresAvailable();

describe.each(['sqlite', 'postgres'] as const)('API deployments [%s]', (engine) => {
  if (engine === 'postgres' && !postgresUp) return;
  let ctx: PublisherContext;
  let revisions: Revisions;

  beforeAll(async () => {
    ctx = await startPublisherNode(engine);
    revisions = new Revisions(ctx.apis);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  /** An API with `count` revisions. */
  async function apiWithRevisions(count: number) {
    const api = await newApi(ctx);
    const ids: string[] = [];
    for (let i = 1; i <= count; i++) ids.push((await revisions.created(api.id, `r${i}`)).id as string);
    return { api, ids };
  }

  it('deploys a revision to Default and to a second environment', async () => {
    const { api, ids } = await apiWithRevisions(1);
    const [r1] = ids as [string];
    expect(await revisions.current(api.id)).toEqual([]);

    const onDefault = await revisions.deployed(api.id, r1, [
      { name: 'Default', vhost: 'localhost', displayOnDevportal: true },
    ]);
    expect(onDefault).toEqual([
      {
        revisionUuid: r1,
        name: 'Default',
        status: 'APPROVED',
        vhost: 'localhost',
        displayOnDevportal: true,
        deployedTime: isoTime(),
        successDeployedTime: isoTime(),
      },
    ]);
    expectRecent(onDefault[0].deployedTime);

    // No vhost: the environment's first; displayOnDevportal is kept as sent.
    const second = await newEnvironment(ctx, ['eu.gw.example.com', 'us.gw.example.com']);
    const both = await revisions.deployed(api.id, r1, [{ name: second.name, displayOnDevportal: false }]);
    expect(summary(both)).toEqual(
      [`Default→${r1}@localhost`, `${second.name}→${r1}@eu.gw.example.com`].sort(),
    );
    expect(both.find((d) => d.name === second.name)).toMatchObject({
      status: 'APPROVED',
      displayOnDevportal: false,
    });
    expect(both.find((d) => d.name === 'Default')).toEqual(onDefault[0]);

    const current = await revisions.current(api.id);
    expect(summary(current)).toEqual(summary(both));
    const revision = await revisions.get(api.id, r1);
    expect(summary(revision.body.deploymentInfo)).toEqual(summary(both));
  });

  it('deploys to several environments at once, on the vhost asked for', async () => {
    const { api, ids } = await apiWithRevisions(1);
    const [r1] = ids as [string];
    const env = await newEnvironment(ctx, ['a.example.com', 'b.example.com']);
    const deployed = await revisions.deployed(api.id, r1, [
      { name: 'Default' },
      { name: env.name, vhost: 'b.example.com' },
    ]);
    expect(summary(deployed)).toEqual([`Default→${r1}@localhost`, `${env.name}→${r1}@b.example.com`].sort());
    expect(deployed.every((d) => d.displayOnDevportal === true)).toBe(true);
  });

  it('runs one revision per environment: deploying another replaces the first', async () => {
    const { api, ids } = await apiWithRevisions(2);
    const [r1, r2] = ids as [string, string];
    const env = await newEnvironment(ctx);
    await revisions.deployed(api.id, r1, [{ name: 'Default' }, { name: env.name }]);

    const replaced = await revisions.deployed(api.id, r2, [{ name: 'Default' }]);
    expect(summary(replaced)).toEqual([`Default→${r2}@localhost`]);
    expect(summary(await revisions.current(api.id))).toEqual(
      [`Default→${r2}@localhost`, `${env.name}→${r1}@gw.example.com`].sort(),
    );
    expect(summary((await revisions.get(api.id, r1)).body.deploymentInfo)).toEqual([
      `${env.name}→${r1}@gw.example.com`,
    ]);
    expect(summary((await revisions.get(api.id, r2)).body.deploymentInfo)).toEqual([
      `Default→${r2}@localhost`,
    ]);

    // Deploying the same revision again to the same environment keeps a single deployment.
    await revisions.deployed(api.id, r2, [{ name: 'Default' }]);
    expect(await revisions.current(api.id)).toHaveLength(2);
  });

  it('undeploys from one environment, then from all of them', async () => {
    const { api, ids } = await apiWithRevisions(2);
    const [r1, r2] = ids as [string, string];
    const env2 = await newEnvironment(ctx);
    const env3 = await newEnvironment(ctx, ['three.example.com']);
    await revisions.deployed(api.id, r1, [{ name: 'Default' }, { name: env2.name }, { name: env3.name }]);
    await revisions.deployed(api.id, r2, [{ name: 'Default' }]);

    const removed = await revisions.undeployed(api.id, r1, [{ name: env2.name, vhost: 'gw.example.com' }]);
    expect(removed).toEqual([
      expect.objectContaining({
        revisionUuid: r1,
        name: env2.name,
        vhost: 'gw.example.com',
        status: 'APPROVED',
      }),
    ]);
    expect(summary(await revisions.current(api.id))).toEqual(
      [`Default→${r2}@localhost`, `${env3.name}→${r1}@three.example.com`].sort(),
    );

    await revisions.deployed(api.id, r1, [{ name: env2.name }]);
    const all = await revisions.undeployed(api.id, r1, [], true);
    expect(summary(all)).toEqual(
      [`${env2.name}→${r1}@gw.example.com`, `${env3.name}→${r1}@three.example.com`].sort(),
    );
    // Only r1 left: r2 still runs on Default.
    expect(summary(await revisions.current(api.id))).toEqual([`Default→${r2}@localhost`]);
    expect((await revisions.get(api.id, r1)).body.deploymentInfo).toEqual([]);

    // allEnvironments=false with an empty body undeploys nothing.
    expect(await revisions.undeployed(api.id, r2, [], false)).toEqual([]);
    expect(await revisions.current(api.id)).toHaveLength(1);
  });

  it('answers 400 naming the index and field of an unknown environment or vhost, and deploys nothing', async () => {
    const { api, ids } = await apiWithRevisions(1);
    const [r1] = ids as [string];
    const env = await newEnvironment(ctx, ['only.example.com']);

    expectError(await revisions.deploy(api.id, r1, [{ name: 'Nowhere' }]), 400, 400, '[0].name', 'Nowhere');
    expectError(
      await revisions.deploy(api.id, r1, [
        { name: 'Default' },
        { name: env.name, vhost: 'other.example.com' },
      ]),
      400,
      400,
      '[1].vhost',
      'other.example.com',
    );
    expectError(
      await revisions.deploy(api.id, r1, [{ name: 'Default', vhost: 'gw.example.com' }]),
      400,
      400,
      '[0].vhost',
    );
    expectError(await revisions.deploy(api.id, r1, [{ name: 'Default' }, { name: 'Default' }]), 400, 400);
    expectError(await revisions.deploy(api.id, r1, []), 400, 400);
    expectError(await revisions.deploy(api.id, r1, [{ vhost: 'localhost' }]), 400, 400, 'name');
    expectError(
      await ctx.apis.call('POST', `/apis/${api.id}/deploy-revision`, {
        body: [{ name: 'Default' }],
        template: '/apis/{apiId}/deploy-revision',
      }),
      400,
      400,
      'revisionId',
    );
    expect(await revisions.current(api.id)).toEqual([]);

    // Undeploying from an environment the revision is not on.
    expectError(await revisions.undeploy(api.id, r1, [{ name: 'Default' }]), 400, 400, '[0].name', 'Default');
  });

  it('answers 404 for an unknown API or revision', async () => {
    const { api, ids } = await apiWithRevisions(1);
    const [r1] = ids as [string];
    const unknown = '3f7c0c3e-0000-4000-8000-000000000000';
    expectError(await revisions.deploy(api.id, unknown, [{ name: 'Default' }]), 404, 404, unknown);
    expectError(await revisions.deploy(unknown, r1, [{ name: 'Default' }]), 404, 404, unknown);
    expectError(await revisions.undeploy(api.id, unknown, [{ name: 'Default' }]), 404, 404, unknown);
    expectError(await revisions.deployments(unknown), 404, 404, unknown);
  });

  it('refuses to delete a deployed revision (409) until it is undeployed', async () => {
    const { api, ids } = await apiWithRevisions(1);
    const [r1] = ids as [string];
    await revisions.deployed(api.id, r1, [{ name: 'Default' }]);
    expectError(await revisions.delete(api.id, r1), 409, 409, 'Default');
    expect((await revisions.get(api.id, r1)).status).toBe(200);

    await revisions.undeployed(api.id, r1, [{ name: 'Default' }]);
    const deleted = await revisions.delete(api.id, r1);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ count: 0, list: [] });
  });

  it('refuses to delete an environment that runs an API (409) until it is undeployed', async () => {
    const { api, ids } = await apiWithRevisions(1);
    const [r1] = ids as [string];
    const env = await newEnvironment(ctx);
    await revisions.deployed(api.id, r1, [{ name: env.name }]);

    expectAdminError(await deleteEnvironment(ctx, env.id), 409, 409, env.name, api.name);
    await revisions.undeployed(api.id, r1, [{ name: env.name }]);
    expect((await deleteEnvironment(ctx, env.id)).status).toBe(200);

    // The environment is gone: deploying to it is a 400 again.
    expectError(await revisions.deploy(api.id, r1, [{ name: env.name }]), 400, 400, '[0].name');
  });

  it('retiring an API undeploys it everywhere, and a retired API cannot be deployed', async () => {
    const { api, ids } = await apiWithRevisions(2);
    const [r1, r2] = ids as [string, string];
    const env = await newEnvironment(ctx);
    await revisions.deployed(api.id, r1, [{ name: 'Default' }]);
    await revisions.deployed(api.id, r2, [{ name: env.name }]);

    await ctx.apis.move(api.id, 'Publish', 'Deprecate');
    expect(await revisions.current(api.id)).toHaveLength(2);
    await ctx.apis.move(api.id, 'Retire');
    expect(await revisions.current(api.id)).toEqual([]);
    const list = await revisions.list(api.id, 'deployed:true');
    expect(list.body).toEqual({ count: 0, list: [] });

    expectError(await revisions.deploy(api.id, r1, [{ name: 'Default' }]), 400, 400, 'retired');
    expect(await revisions.current(api.id)).toEqual([]);
    // Nothing runs on the environment any more.
    expect((await deleteEnvironment(ctx, env.id)).status).toBe(200);
  });

  it('deleting an API undeploys it everywhere', async () => {
    const { api, ids } = await apiWithRevisions(1);
    const [r1] = ids as [string];
    const env = await newEnvironment(ctx);
    await revisions.deployed(api.id, r1, [{ name: 'Default' }, { name: env.name }]);

    const deleted = await ctx.apis.delete(api.id);
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(200);
    expectError(await revisions.deployments(api.id), 404, 404, api.id);
    expectError(await revisions.list(api.id), 404, 404, api.id);
    expect((await deleteEnvironment(ctx, env.id)).status).toBe(200);
  });

  it('lists the deployments of an API only', async () => {
    const a = await apiWithRevisions(1);
    const b = await apiWithRevisions(1);
    await revisions.deployed(a.api.id, a.ids[0] as string, [{ name: 'Default' }]);
    expect(summary(await revisions.current(a.api.id))).toEqual([`Default→${a.ids[0]}@localhost`]);
    expect(await revisions.current(b.api.id)).toEqual([]);
    // Revisions of another API cannot be deployed or undeployed through this one.
    expectError(await revisions.deploy(b.api.id, a.ids[0] as string, [{ name: 'Default' }]), 404, 404);
    expectError(await revisions.undeploy(b.api.id, a.ids[0] as string, [{ name: 'Default' }]), 404, 404);
  });

  it('needs apim:api_create or apim:api_publish to deploy and undeploy; apim:api_view reads deployments', async () => {
    const { api, ids } = await apiWithRevisions(1);
    const [r1] = ids as [string];
    const viewer = await revisionsWithScope(ctx, 'apim:api_view');
    expectError(await viewer.deploy(api.id, r1, [{ name: 'Default' }]), 403, 900910);
    expect((await viewer.current(api.id)).length).toBe(0);

    const publisher = await revisionsWithScope(ctx, 'apim:api_publish');
    await publisher.deployed(api.id, r1, [{ name: 'Default' }]);
    expect(await viewer.current(api.id)).toHaveLength(1);
    expectError(await viewer.undeploy(api.id, r1, [{ name: 'Default' }]), 403, 900910);

    const creator = await revisionsWithScope(ctx, 'apim:api_create');
    await creator.undeployed(api.id, r1, [{ name: 'Default' }]);
    expectError(await revisions.withToken(null).deployments(api.id), 401, 900902);
  });
});
