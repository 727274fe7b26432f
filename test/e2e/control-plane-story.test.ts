/**
 * The control plane's whole story on three separate nodes (Key Manager, Publisher, Developer Portal) sharing
 * one PostgreSQL database and one RabbitMQ broker, with real tokens throughout:
 *
 * a client registered by DCR; an admin who creates a creator and a publisher, a developer who signs up;
 * the creator's two APIs (one JSON, one imported from OpenAPI 3), a revision of each deployed to Default;
 * the publisher publishing them; the developer finding them in the catalogue (gateway URLs), creating an
 * application, subscribing, generating PRODUCTION keys and getting a token for them straight from the Key
 * Manager as a standards-strict OAuth2 client (oauth4webapi); the publisher blocking the subscription; and a
 * gateway's view of it all: the internal data API's snapshot, read with a node token, and the events on
 * `notification`.
 *
 * Every response of the WSO2 REST APIs (publisher v4, devportal v3) is checked against WSO2's definitions;
 * for error statuses a definition leaves out, against its Error schema. The Key Manager's own routes and the
 * internal data API are not WSO2 REST APIs: they are checked against what the docs say.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import * as oauth from 'oauth4webapi';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RabbitMqEventHub } from '../../src/events/rabbitmq.js';
import type { HubEvent } from '../../src/events/topics.js';
import { createLogger } from '../../src/platform/logger.js';
import { DeployedApiSchema, SnapshotSchema } from '../../src/publisher/internal/internal-data-schemas.js';
import { PublisherApi, publishableApi, type Json } from '../publisher/apis-client.js';
import { imported, petstoreYaml, props } from '../publisher/definitions-client.js';
import { Revisions } from '../publisher/revisions-client.js';
import { startTestNode, type TestNode } from '../support/node.js';
import {
  basicAuth,
  discover,
  httpOptions,
  passwordGrant,
  registerClient,
  uniqueName,
  UserAdmin,
  type Credentials,
  type TestClient,
} from '../support/oauth-helpers.js';
import { createTemporaryDatabase, type TemporaryDatabase } from '../support/postgres.js';
import { RABBITMQ_URL, postgresAvailable, rabbitmqAvailable } from '../support/services.js';
import { expectWso2Reply, type Wso2Api } from '../support/wso2-contract.js';

const available = (await postgresAvailable()) && (await rabbitmqAvailable());

const DEVPORTAL = '/api/am/devportal/v3';
const INTERNAL = '/internal/data/v1';
const NODE_SCOPE = 'portcullis:node';

const CREATOR_SCOPES = 'apim:api_view apim:api_create apim:subscription_view';
const PUBLISHER_SCOPES = 'apim:api_view apim:api_publish apim:subscription_view apim:subscription_block';
const SUBSCRIBER_SCOPES = 'apim:subscribe apim:app_manage apim:sub_manage';

interface Reply {
  status: number;
  headers: Headers;
  body: Json;
  text: string;
}

/** A JSON call; `contract` names the WSO2 operation the reply is checked against. */
async function call(
  node: TestNode,
  method: string,
  url: string,
  options: {
    token?: string;
    body?: unknown;
    contract?: { api: Wso2Api; template: string; document?: boolean };
  } = {},
): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await node.fetch(`${node.baseUrl}${url}`, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  let body: Json;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    throw new Error(`${method} ${url} answered ${response.status} with non-JSON: ${text.slice(0, 500)}`);
  }
  if (options.contract) {
    const { api, template, document } = options.contract;
    // A definition document travels as JSON text: WSO2 types it `string`.
    expectWso2Reply(api, method, template, response.status, document && response.ok ? text : body);
  }
  return { status: response.status, headers: response.headers, body, text };
}

/** Expects this status, showing the body when it is another. */
function expectStatus(reply: Reply | { status: number; body: Json }, status: number): void {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
}

describe.runIf(available)('the control plane story on three nodes (PostgreSQL + RabbitMQ)', () => {
  let database: TemporaryDatabase;
  let observer: RabbitMqEventHub;
  const events: HubEvent[] = [];
  let keyManager: TestNode;
  let publisher: TestNode;
  let devportal: TestNode;
  let as: oauth.AuthorizationServer;
  /** The management client, registered by DCR (password grant for the users). */
  let client: TestClient;
  /** A gateway's node client: reads the internal data API and introspects any token. */
  let gateway: TestClient;

  const users: Record<'creator1' | 'publisher1' | 'dev1', Credentials> = {
    creator1: { username: 'creator1', password: 'creator1-password' },
    publisher1: { username: 'publisher1', password: 'publisher1-password' },
    dev1: { username: 'dev1', password: 'dev1-password-long' },
  };
  const tokens: Record<'creator1' | 'publisher1' | 'dev1', string> = {
    creator1: '',
    publisher1: '',
    dev1: '',
  };

  /** What the story makes, for the later chapters. */
  const story = {
    jsonApi: {} as Json,
    importedApi: {} as Json,
    revisions: {} as Record<string, string>,
    application: {} as Json,
    subscription: {} as Json,
    keys: {} as Json,
    appToken: '',
  };

  /** A node's own client, registered by DCR with the admin's credentials (client_credentials only). */
  async function registerNodeClient(name: string): Promise<{ clientId: string; clientSecret: string }> {
    const response = await keyManager.fetch(`${keyManager.baseUrl}/client-registration/v0.17/register`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: basicAuth('admin', keyManager.adminPassword),
      },
      body: JSON.stringify({ clientName: uniqueName(name), grantType: 'client_credentials' }),
    });
    expect(response.status).toBe(200);
    const registration = (await response.json()) as Json;
    expect(registration).toMatchObject({
      clientId: expect.any(String),
      clientSecret: expect.any(String),
      appOwner: 'admin',
      callBackURL: null,
    });
    return { clientId: registration.clientId, clientSecret: registration.clientSecret };
  }

  /** A Publisher or Developer Portal node: the Key Manager's cluster CA, its URL and a node client. */
  async function startComponentNode(
    profile: 'publisher' | 'devportal',
    env: Record<string, string>,
  ): Promise<TestNode> {
    const nodeClient = await registerNodeClient(`${profile}-node`);
    const certs = path.join(keyManager.dataDir, 'certs');
    return startTestNode({
      env: {
        ...env,
        PORTCULLIS_NODE__PROFILE: profile,
        PORTCULLIS_HTTP__CERT_FILE: path.join(certs, 'node.pem'),
        PORTCULLIS_HTTP__KEY_FILE: path.join(certs, 'node-key.pem'),
        PORTCULLIS_HTTP__CA_FILE: path.join(certs, 'ca.pem'),
        PORTCULLIS_SERVICES__KEY_MANAGER_URL: keyManager.baseUrl,
        PORTCULLIS_SERVICES__NODE_CLIENT_ID: nodeClient.clientId,
        PORTCULLIS_SERVICES__NODE_CLIENT_SECRET: nodeClient.clientSecret,
      },
    });
  }

  beforeAll(async () => {
    database = await createTemporaryDatabase('portcullis_story');
    // The gateway-like observer listens before anything happens.
    observer = await RabbitMqEventHub.connect({
      brokers: [RABBITMQ_URL],
      nodeId: `story-gateway-${randomBytes(4).toString('hex')}`,
      logger: createLogger('silent'),
    });
    await observer.subscribe('notification', (event) => void events.push(event));
    const env = {
      PORTCULLIS_DATABASE__URL: database.url,
      PORTCULLIS_EVENT_HUB__TYPE: 'rabbitmq',
      PORTCULLIS_EVENT_HUB__BROKERS: RABBITMQ_URL,
    };
    keyManager = await startTestNode({ env: { ...env, PORTCULLIS_NODE__PROFILE: 'key-manager' } });
    publisher = await startComponentNode('publisher', env);
    devportal = await startComponentNode('devportal', env);
  });

  afterAll(async () => {
    await devportal?.close();
    await publisher?.close();
    await keyManager?.close();
    await observer?.close();
    await database?.drop();
  });

  const publisherAs = (user: keyof typeof tokens) => new PublisherApi(publisher, tokens[user]);
  const portal = (method: string, url: string, template: string, body?: unknown, token?: string) =>
    call(devportal, method, `${DEVPORTAL}${url}`, {
      ...(token === undefined ? {} : { token }),
      ...(body === undefined ? {} : { body }),
      contract: { api: 'devportal', template },
    });
  const asDev = (method: string, url: string, template: string, body?: unknown) =>
    portal(method, url, template, body, tokens.dev1);

  /** The events of `type` whose payload[key] is `value`, once at least `count` have arrived. */
  async function arrived(type: string, key: string, value: string, count = 1): Promise<HubEvent[]> {
    const matching = () => events.filter((e) => e.type === type && e.payload[key] === value);
    await expect.poll(() => matching().length, { timeout: 10_000 }).toBeGreaterThanOrEqual(count);
    return matching();
  }

  /** A node token: client_credentials with the node scope, as oauth4webapi gets it. */
  async function nodeToken(nodeClient: TestClient): Promise<oauth.TokenEndpointResponse> {
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      nodeClient.client,
      nodeClient.auth,
      { scope: NODE_SCOPE },
      httpOptions(keyManager),
    );
    return oauth.processClientCredentialsResponse(as, nodeClient.client, response);
  }

  it('runs each component on its own node, every node ready on the shared database and broker', async () => {
    for (const node of [keyManager, publisher, devportal]) {
      const ready = await node.fetch(`${node.baseUrl}/health/ready`);
      expect(await ready.json()).toEqual({ status: 'UP', checks: { database: 'UP', eventHub: 'UP' } });
    }
    // Each serves its own component only.
    expect((await publisher.fetch(`${publisher.baseUrl}/oauth2/jwks`)).status).toBe(404);
    expect((await devportal.fetch(`${devportal.baseUrl}/oauth2/jwks`)).status).toBe(404);
    expect((await devportal.fetch(`${devportal.baseUrl}/api/am/publisher/v4/apis`)).status).toBe(404);
    expect(
      (await devportal.fetch(`${devportal.baseUrl}${INTERNAL}/snapshot?environment=Default`)).status,
    ).toBe(404);
    expect((await keyManager.fetch(`${keyManager.baseUrl}${DEVPORTAL}/apis`)).status).toBe(404);
    expect((await publisher.fetch(`${publisher.baseUrl}${DEVPORTAL}/apis`)).status).toBe(404);
  });

  it('registers a client by DCR and discovers the Key Manager (RFC 8414, validated by oauth4webapi)', async () => {
    as = await discover(keyManager);
    expect(as.issuer).toBe(`${keyManager.baseUrl}/oauth2/token`);
    expect(as.token_endpoint).toBe(`${keyManager.baseUrl}/oauth2/token`);
    client = await registerClient(keyManager, { grantType: 'password refresh_token client_credentials' });
    expect(client.registration.appOwner).toBe('admin');
    gateway = await registerClient(keyManager, {
      grantType: 'client_credentials',
      clientName: uniqueName('gw'),
    });
  });

  it('the admin creates creator1 and publisher1; dev1 signs up as a subscriber', async () => {
    const admin = await UserAdmin.create(keyManager, as, client);
    await admin.add(users.creator1.username, users.creator1.password, ['creator']);
    await admin.add(users.publisher1.username, users.publisher1.password, ['publisher']);

    const signUp = await call(keyManager, 'POST', '/keymanager/v1/self-signup', {
      body: { username: users.dev1.username, password: users.dev1.password },
    });
    expectStatus(signUp, 201);
    expect(signUp.body).toMatchObject({ username: 'dev1', roles: ['subscriber'], disabled: false });

    const list = await admin.request('GET');
    const names = ((await list.json()) as Json).list.map((u: Json) => `${u.username}:${u.roles.join(',')}`);
    expect(names.sort()).toEqual([
      'admin:admin',
      'creator1:creator',
      'dev1:subscriber',
      'publisher1:publisher',
    ]);
  });

  it('each user gets a password-grant token with the scopes of their role, and no others', async () => {
    const ask = async (user: keyof typeof users, scope: string) =>
      (await passwordGrant(keyManager, as, client, users[user], scope)).scope;
    // What a role does not bind is dropped from the grant.
    expect(await ask('creator1', `${CREATOR_SCOPES} apim:api_publish apim:subscribe`)).toBe(CREATOR_SCOPES);
    expect(await ask('publisher1', `${PUBLISHER_SCOPES} apim:api_create`)).toBe(PUBLISHER_SCOPES);
    expect(await ask('dev1', `${SUBSCRIBER_SCOPES} apim:api_view ${NODE_SCOPE}`)).toBe(SUBSCRIBER_SCOPES);

    for (const [user, scope] of [
      ['creator1', CREATOR_SCOPES],
      ['publisher1', PUBLISHER_SCOPES],
      ['dev1', SUBSCRIBER_SCOPES],
    ] as const) {
      const granted = await passwordGrant(keyManager, as, client, users[user], scope);
      expect(granted.scope).toBe(scope);
      expect(granted.token_type).toBe('bearer');
      tokens[user] = granted.access_token;
    }
  });

  it('creator1 creates an API from JSON and another by importing an OpenAPI 3 file', async () => {
    const creator = publisherAs('creator1');
    story.jsonApi = await creator.created(
      publishableApi({
        name: uniqueName('story'),
        context: `/story-${randomBytes(3).toString('hex')}`,
        policies: ['Gold', 'Bronze'],
        operations: [
          { target: '/orders', verb: 'GET' },
          { target: '/orders', verb: 'POST' },
        ],
      }),
    );
    expect(story.jsonApi).toMatchObject({ provider: 'creator1', lifeCycleStatus: 'CREATED' });

    const context = `/pets-${randomBytes(3).toString('hex')}`;
    story.importedApi = await imported(creator, {
      file: { file: petstoreYaml(uniqueName('Petstore')), name: 'petstore.yaml', type: 'application/yaml' },
      additionalProperties: props({
        context,
        policies: ['Silver'],
        endpointConfig: {
          endpoint_type: 'http',
          production_endpoints: { url: 'https://petstore.example.com/v1' },
        },
      }),
    });
    expect(story.importedApi).toMatchObject({
      provider: 'creator1',
      context,
      version: '1.0.5',
      lifeCycleStatus: 'CREATED',
      policies: ['Silver'],
    });
    expect((story.importedApi.operations as Json[]).map((o) => `${o.verb} ${o.target}`).sort()).toEqual([
      'GET /health',
      'GET /pets',
      'GET /pets/{petId}',
      'POST /pets',
    ]);

    // A subscriber cannot create APIs, and the Publisher refuses with WSO2's 900910.
    const refused = await publisherAs('dev1').create(publishableApi());
    expectStatus(refused, 403);
    expect(refused.body.code).toBe(900910);
  });

  it('creator1 makes a revision of each and deploys it to Default; the gateway hears of it', async () => {
    const revisions = new Revisions(publisherAs('creator1'));
    for (const api of [story.jsonApi, story.importedApi]) {
      const revision = await revisions.created(api.id, 'first release');
      story.revisions[api.id] = revision.id;
      const deployed = await revisions.deployed(api.id, revision.id, [
        { name: 'Default', vhost: 'localhost', displayOnDevportal: true },
      ]);
      expect(deployed).toEqual([
        expect.objectContaining({ revisionUuid: revision.id, name: 'Default', vhost: 'localhost' }),
      ]);
    }
    for (const api of [story.jsonApi, story.importedApi]) {
      const [event] = await arrived('DEPLOY_API_IN_GATEWAY', 'apiId', api.id);
      expect(event?.payload).toEqual({
        apiId: api.id,
        revisionId: story.revisions[api.id],
        environment: 'Default',
        vhost: 'localhost',
      });
    }
  });

  it('nothing is in the catalogue before publishing; creator1 may not publish, publisher1 does', async () => {
    const before = await portal('GET', '/apis', '/apis');
    expectStatus(before, 200);
    expect(before.body.count).toBe(0);
    expectStatus(await portal('GET', `/apis/${story.jsonApi.id}`, '/apis/{apiId}'), 404);

    const creator = publisherAs('creator1');
    const refused = await creator.changeLifecycle(story.jsonApi.id, 'Publish');
    expectStatus(refused, 403);
    expect(refused.body.code).toBe(900910);

    const publisherApi = publisherAs('publisher1');
    for (const api of [story.jsonApi, story.importedApi]) {
      const published = await publisherApi.changeLifecycle(api.id, 'Publish');
      expectStatus(published, 200);
      expect(published.body.lifecycleState.state).toBe('Published');
      expect((await publisherApi.get(api.id)).body.lifeCycleStatus).toBe('PUBLISHED');
    }
  });

  it('dev1 finds both APIs in the catalogue, with gateway URLs and the deployed definition', async () => {
    for (const token of [undefined, tokens.dev1]) {
      const list = await portal('GET', '/apis', '/apis', undefined, token);
      expectStatus(list, 200);
      expect(list.body.count).toBe(2);
      expect(list.body.pagination).toMatchObject({ total: 2, offset: 0 });
      expect((list.body.list as Json[]).map((a) => a.id).sort()).toEqual(
        [story.jsonApi.id, story.importedApi.id].sort(),
      );
    }
    const listed = (await asDev('GET', '/apis', '/apis')).body.list.find(
      (a: Json) => a.id === story.jsonApi.id,
    );
    expect(listed).toMatchObject({
      name: story.jsonApi.name,
      context: `${story.jsonApi.context}/1.0.0`,
      version: '1.0.0',
      provider: 'creator1',
      lifeCycleStatus: 'PUBLISHED',
      throttlingPolicies: ['Gold', 'Bronze'],
      isSubscriptionAvailable: true,
    });

    const api = await asDev('GET', `/apis/${story.jsonApi.id}`, '/apis/{apiId}');
    expectStatus(api, 200);
    const gatewayUrl = `https://localhost:8243${story.jsonApi.context}/1.0.0`;
    expect(api.body).toMatchObject({
      id: story.jsonApi.id,
      lifeCycleStatus: 'PUBLISHED',
      tiers: [
        { tierName: 'Gold', tierPlan: 'FREE' },
        { tierName: 'Bronze', tierPlan: 'FREE' },
      ],
      environmentList: ['Default'],
      endpointURLs: [
        {
          environmentName: 'Default',
          URLs: { http: `http://localhost:8280${story.jsonApi.context}/1.0.0`, https: gatewayUrl },
        },
      ],
      isSubscriptionAvailable: true,
    });
    // A consumer never sees the backend.
    expect(api.text).not.toContain('backend.example.com');

    const swagger = await call(devportal, 'GET', `${DEVPORTAL}/apis/${story.importedApi.id}/swagger`, {
      token: tokens.dev1,
      contract: { api: 'devportal', template: '/apis/{apiId}/swagger', document: true },
    });
    expectStatus(swagger, 200);
    const petsUrl = (scheme: string, port: number) =>
      `${scheme}://localhost:${port}${story.importedApi.context}/1.0.5`;
    expect(swagger.body.openapi).toMatch(/^3\.0/);
    expect(swagger.body.servers).toEqual([{ url: petsUrl('https', 8243) }, { url: petsUrl('http', 8280) }]);
    expect(Object.keys(swagger.body.paths).sort()).toEqual(['/health', '/pets', '/pets/{petId}']);
  });

  it('dev1 creates an application and subscribes it at a tier the API offers', async () => {
    const created = await asDev('POST', '/applications', '/applications', {
      name: 'Story app',
      throttlingPolicy: '10PerMin',
      description: 'Orders pets',
      tokenType: 'JWT',
    });
    expectStatus(created, 201);
    story.application = created.body;
    expect(created.headers.get('location')).toBe(`${DEVPORTAL}/applications/${created.body.applicationId}`);
    expect(created.body).toMatchObject({
      name: 'Story app',
      throttlingPolicy: '10PerMin',
      owner: 'dev1',
      status: 'APPROVED',
      tokenType: 'JWT',
      subscriptionCount: 0,
    });

    // Silver is a tier, but not one this API offers.
    const wrongTier = await asDev('POST', '/subscriptions', '/subscriptions', {
      applicationId: story.application.applicationId,
      apiId: story.jsonApi.id,
      throttlingPolicy: 'Silver',
    });
    expectStatus(wrongTier, 400);
    expect(wrongTier.body.description).toContain('Gold, Bronze');

    const subscribed = await asDev('POST', '/subscriptions', '/subscriptions', {
      applicationId: story.application.applicationId,
      apiId: story.jsonApi.id,
      throttlingPolicy: 'Bronze',
    });
    expectStatus(subscribed, 201);
    story.subscription = subscribed.body;
    expect(subscribed.body).toMatchObject({
      subscriptionId: expect.any(String),
      applicationId: story.application.applicationId,
      apiId: story.jsonApi.id,
      throttlingPolicy: 'Bronze',
      status: 'UNBLOCKED',
      apiInfo: { id: story.jsonApi.id, name: story.jsonApi.name },
      applicationInfo: { applicationId: story.application.applicationId, subscriptionCount: 1 },
    });

    const again = await asDev('POST', '/subscriptions', '/subscriptions', {
      applicationId: story.application.applicationId,
      apiId: story.jsonApi.id,
      throttlingPolicy: 'Gold',
    });
    expectStatus(again, 409);
  });

  it('dev1 generates PRODUCTION keys: a client made at the Key Manager, its secret shown once', async () => {
    const generated = await asDev(
      'POST',
      `/applications/${story.application.applicationId}/generate-keys`,
      '/applications/{applicationId}/generate-keys',
      { keyType: 'PRODUCTION', grantTypesToBeSupported: ['client_credentials'], scopes: [] },
    );
    expectStatus(generated, 200);
    story.keys = generated.body;
    expect(generated.body).toMatchObject({
      keyMappingId: expect.any(String),
      keyManager: 'Resident Key Manager',
      consumerKey: expect.any(String),
      consumerSecret: expect.any(String),
      supportedGrantTypes: ['client_credentials'],
      keyState: 'COMPLETED',
      keyType: 'PRODUCTION',
      token: { accessToken: expect.any(String), validityTime: expect.any(Number) },
    });

    // Listed afterwards without the secret, which no one can read again.
    const keys = await asDev(
      'GET',
      `/applications/${story.application.applicationId}/oauth-keys`,
      '/applications/{applicationId}/oauth-keys',
    );
    expectStatus(keys, 200);
    expect(keys.body.count).toBe(1);
    expect(keys.body.list[0]).toMatchObject({ consumerKey: story.keys.consumerKey, keyType: 'PRODUCTION' });
    expect(keys.body.list[0].consumerSecret).toBeUndefined();
  });

  it('the application gets a token from the Key Manager with its keys (oauth4webapi), and it works', async () => {
    const appClient: oauth.Client = { client_id: story.keys.consumerKey };
    const appAuth = oauth.ClientSecretBasic(story.keys.consumerSecret);
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      appClient,
      appAuth,
      {},
      httpOptions(keyManager),
    );
    const issued = await oauth.processClientCredentialsResponse(as, appClient, response);
    expect(issued.token_type).toBe('bearer');
    expect(issued.refresh_token).toBeUndefined();
    story.appToken = issued.access_token;

    // A resource server's check of an RFC 9068 JWT access token, signature against the JWKS.
    const request = new Request('https://gateway.example.test/orders', {
      headers: { authorization: `Bearer ${story.appToken}` },
    });
    const claims = await oauth.validateJwtAccessToken(
      as,
      request,
      story.keys.consumerKey,
      httpOptions(keyManager),
    );
    expect(claims).toMatchObject({
      iss: as.issuer,
      client_id: story.keys.consumerKey,
      sub: story.keys.consumerKey,
    });

    // Introspection (RFC 7662): by the application itself, and by a gateway's admin-owned client.
    const callers: [oauth.Client, oauth.ClientAuth][] = [
      [appClient, appAuth],
      [gateway.client, gateway.auth],
    ];
    for (const [caller, auth] of callers) {
      const answer = await oauth.introspectionRequest(
        as,
        caller,
        auth,
        story.appToken,
        httpOptions(keyManager),
      );
      const introspection = await oauth.processIntrospectionResponse(as, caller, answer);
      expect(introspection).toMatchObject({
        active: true,
        client_id: story.keys.consumerKey,
        token_type: 'Bearer',
        iss: as.issuer,
      });
    }

    // The token is accepted by another node (the catalogue), a made-up one is not.
    expectStatus(await portal('GET', '/apis', '/apis', undefined, story.appToken), 200);
    expectStatus(await portal('GET', '/apis', '/apis', undefined, 'x'.repeat(43)), 401);
  });

  it('publisher1 lists the subscription of the API and blocks it; dev1 sees it BLOCKED', async () => {
    const publisherApi = publisherAs('publisher1');
    const list = await publisherApi.call('GET', `/subscriptions?apiId=${story.jsonApi.id}`, {
      template: '/subscriptions',
    });
    expectStatus(list, 200);
    expect(list.body.count).toBe(1);
    expect(list.body.list).toEqual([
      {
        subscriptionId: story.subscription.subscriptionId,
        applicationInfo: {
          applicationId: story.application.applicationId,
          name: 'Story app',
          subscriber: 'dev1',
          subscriptionCount: 1,
        },
        throttlingPolicy: 'Bronze',
        subscriptionStatus: 'UNBLOCKED',
      },
    ]);
    // The imported API has no subscriptions.
    const none = await publisherApi.call('GET', `/subscriptions?apiId=${story.importedApi.id}`, {
      template: '/subscriptions',
    });
    expect(none.body.count).toBe(0);

    // creator1 may look but not block.
    const creatorBlock = await publisherAs('creator1').call(
      'POST',
      `/subscriptions/block-subscription?subscriptionId=${story.subscription.subscriptionId}&blockState=BLOCKED`,
      { template: '/subscriptions/block-subscription' },
    );
    expectStatus(creatorBlock, 403);

    const blocked = await publisherApi.call(
      'POST',
      `/subscriptions/block-subscription?subscriptionId=${story.subscription.subscriptionId}&blockState=BLOCKED`,
      { template: '/subscriptions/block-subscription' },
    );
    expectStatus(blocked, 200);
    const after = await publisherApi.call('GET', `/subscriptions?apiId=${story.jsonApi.id}`, {
      template: '/subscriptions',
    });
    expect(after.body.list[0].subscriptionStatus).toBe('BLOCKED');

    const seen = await asDev(
      'GET',
      `/subscriptions/${story.subscription.subscriptionId}`,
      '/subscriptions/{subscriptionId}',
    );
    expectStatus(seen, 200);
    expect(seen.body.status).toBe('BLOCKED');
  });

  it("the internal data API gives a gateway (node token) Default's state; user tokens are refused", async () => {
    const granted = await nodeToken(gateway);
    expect(granted.scope).toBe(NODE_SCOPE);
    const token = granted.access_token;

    // Users' tokens, however privileged, are not node tokens.
    for (const user of ['dev1', 'publisher1', 'creator1'] as const) {
      const refused = await call(publisher, 'GET', `${INTERNAL}/snapshot?environment=Default`, {
        token: tokens[user],
      });
      expectStatus(refused, 403);
      expect(refused.body.code).toBe(900910);
    }
    expectStatus(await call(publisher, 'GET', `${INTERNAL}/snapshot?environment=Default`), 401);

    const reply = await call(publisher, 'GET', `${INTERNAL}/snapshot?environment=Default`, { token });
    expectStatus(reply, 200);
    const snapshot = reply.body;
    expect(
      Value.Check(SnapshotSchema, snapshot),
      JSON.stringify([...Value.Errors(SnapshotSchema, snapshot)]),
    ).toBe(true);
    expect(snapshot.environment).toBe('Default');
    expect(Math.abs(Date.now() - snapshot.generatedAt)).toBeLessThan(60_000);

    // The deployed revisions, as frozen when they were made (before publishing).
    const apis = [...(snapshot.apis as Json[])].sort((a, b) => a.apiId.localeCompare(b.apiId));
    const expectedIds = [story.jsonApi.id, story.importedApi.id].sort();
    expect(apis.map((a) => a.apiId)).toEqual(expectedIds);
    for (const deployed of apis) {
      expect(deployed).toMatchObject({
        revisionId: story.revisions[deployed.apiId],
        environment: 'Default',
        vhost: 'localhost',
        deployedAt: expect.any(Number),
        api: { id: deployed.apiId, provider: 'creator1' },
      });
    }
    const frozen = apis.find((a) => a.apiId === story.jsonApi.id) as Json;
    expect(frozen.api).toMatchObject({ name: story.jsonApi.name, context: story.jsonApi.context });
    expect(frozen.api.policies).toEqual(['Gold', 'Bronze']);

    // The application, its key mapping, the blocked subscription: what ties the token above to the API.
    expect(snapshot.applications).toEqual([
      {
        applicationId: story.application.applicationId,
        name: 'Story app',
        owner: 'dev1',
        throttlingPolicy: '10PerMin',
        tokenType: 'JWT',
      },
    ]);
    expect(snapshot.keyMappings).toEqual([
      {
        applicationId: story.application.applicationId,
        keyMappingId: story.keys.keyMappingId,
        consumerKey: story.keys.consumerKey,
        keyType: 'PRODUCTION',
      },
    ]);
    expect(snapshot.subscriptions).toEqual([
      {
        subscriptionId: story.subscription.subscriptionId,
        applicationId: story.application.applicationId,
        apiId: story.jsonApi.id,
        throttlingPolicy: 'Bronze',
        status: 'BLOCKED',
      },
    ]);
    const names = (list: Json[]) => list.map((p) => p.policyName).sort();
    expect(names(snapshot.policies.subscription)).toEqual([
      'Bronze',
      'Gold',
      'Silver',
      'Unauthenticated',
      'Unlimited',
    ]);
    expect(names(snapshot.policies.application)).toEqual(['10PerMin', '20PerMin', '50PerMin', 'Unlimited']);
    expect(names(snapshot.policies.advanced)).toEqual(['10KPerMin', '20KPerMin', '50KPerMin', 'Unlimited']);
    expect(snapshot.denyPolicies).toEqual([]);

    // What a gateway fetches on DEPLOY_API_IN_GATEWAY is the snapshot's entry.
    const one = await call(publisher, 'GET', `${INTERNAL}/apis/${story.jsonApi.id}?environment=Default`, {
      token,
    });
    expectStatus(one, 200);
    expect(Value.Check(DeployedApiSchema, one.body)).toBe(true);
    expect(one.body).toEqual(frozen);
  });

  it('a gateway on RabbitMQ heard every change, in the shapes of the snapshot', async () => {
    const applicationId = story.application.applicationId as string;
    const subscriptionId = story.subscription.subscriptionId as string;

    const [created] = await arrived('APPLICATION_CREATE', 'applicationId', applicationId);
    expect(created?.payload).toEqual({
      applicationId,
      name: 'Story app',
      owner: 'dev1',
      throttlingPolicy: '10PerMin',
      tokenType: 'JWT',
    });
    const [registered] = await arrived('APPLICATION_REGISTRATION_CREATE', 'applicationId', applicationId);
    expect(registered?.payload).toEqual({
      applicationId,
      keyMappingId: story.keys.keyMappingId,
      consumerKey: story.keys.consumerKey,
      keyType: 'PRODUCTION',
    });
    const subscription = {
      subscriptionId,
      applicationId,
      apiId: story.jsonApi.id,
      throttlingPolicy: 'Bronze',
    };
    const [subscribed] = await arrived('SUBSCRIPTIONS_CREATE', 'subscriptionId', subscriptionId);
    expect(subscribed?.payload).toEqual({ ...subscription, status: 'UNBLOCKED' });
    const updates = await arrived('SUBSCRIPTIONS_UPDATE', 'subscriptionId', subscriptionId);
    expect(updates.map((e) => e.payload)).toEqual([{ ...subscription, status: 'BLOCKED' }]);

    // One event each: the refused calls (wrong tier, second subscription, creator's block) announced nothing.
    expect(
      events.filter((e) => e.type === 'SUBSCRIPTIONS_CREATE' && e.payload.applicationId === applicationId),
    ).toHaveLength(1);
    expect(
      events.filter((e) => e.type === 'APPLICATION_CREATE' && e.payload.applicationId === applicationId),
    ).toHaveLength(1);
    for (const api of [story.jsonApi, story.importedApi]) {
      expect(
        events.filter((e) => e.type === 'DEPLOY_API_IN_GATEWAY' && e.payload.apiId === api.id),
      ).toHaveLength(1);
    }
    for (const event of events)
      expect(event).toMatchObject({ id: expect.any(String), timestamp: expect.any(Number) });
  });
});
