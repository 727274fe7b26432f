/**
 * Shared by the provider-subscription and deny-policy suites: a small Developer Portal client (`Portal`, checked
 * against WSO2's devportal-api.yaml like the publisher and admin clients are), subscribers with real tokens,
 * published APIs, and an observer of the `notification` topic over RabbitMQ.
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { RabbitMqEventHub } from '../../src/events/rabbitmq.js';
import type { EventTopic, HubEvent } from '../../src/events/topics.js';
import { createLogger } from '../../src/platform/logger.js';
import type { TestNode } from '../support/node.js';
import type { UserAdmin } from '../support/oauth-helpers.js';
import { RABBITMQ_URL } from '../support/services.js';
import { expectWso2Reply } from '../support/wso2-contract.js';
import type { Json } from './admin-client.js';
import { publishableApi, uniqueName, type PublisherContext, type PublisherReply } from './apis-client.js';

export const DEVPORTAL = '/api/am/devportal/v3';
/** What a subscriber is granted for the Developer Portal. */
export const SUBSCRIBER_SCOPES = 'apim:subscribe apim:app_manage apim:sub_manage';

const expectDevportalContract = (method: string, template: string, status: number, body: unknown) =>
  expectWso2Reply('devportal', method, template, status, body);

/** The Developer Portal as one subscriber sees it: their applications and subscriptions. */
export class Portal {
  constructor(
    readonly node: TestNode,
    readonly token: string,
    readonly username: string,
  ) {}

  async call(method: string, path: string, template: string, body?: unknown): Promise<PublisherReply> {
    const response = await this.node.fetch(`${this.node.baseUrl}${DEVPORTAL}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const parsed: Json = text === '' ? undefined : JSON.parse(text);
    expectDevportalContract(method, template, response.status, parsed);
    return { status: response.status, headers: response.headers, body: parsed };
  }

  /** Creates an application (201 expected) and returns it. */
  async application(name: string, throttlingPolicy = '10PerMin'): Promise<Json> {
    const reply = await this.call('POST', '/applications', '/applications', { name, throttlingPolicy });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    return reply.body;
  }

  updateApplication = (application: Json, changes: Json) =>
    this.call('PUT', `/applications/${application.applicationId}`, '/applications/{applicationId}', {
      name: application.name,
      throttlingPolicy: application.throttlingPolicy,
      ...changes,
    });

  deleteApplication = (applicationId: string) =>
    this.call('DELETE', `/applications/${applicationId}`, '/applications/{applicationId}');

  /** Subscribes an application to an API at a tier (201 expected) and returns the subscription. */
  async subscribe(applicationId: string, apiId: string, throttlingPolicy = 'Gold'): Promise<Json> {
    const reply = await this.call('POST', '/subscriptions', '/subscriptions', {
      applicationId,
      apiId,
      throttlingPolicy,
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    return reply.body;
  }

  subscription = (subscriptionId: string) =>
    this.call('GET', `/subscriptions/${subscriptionId}`, '/subscriptions/{subscriptionId}');

  unsubscribe = (subscriptionId: string) =>
    this.call('DELETE', `/subscriptions/${subscriptionId}`, '/subscriptions/{subscriptionId}');
}

/** A new user with the subscriber role and a Developer Portal token (password grant). */
export async function newSubscriber(
  ctx: PublisherContext,
  users: UserAdmin,
  prefix = 'dev',
): Promise<Portal> {
  const username = uniqueName(prefix);
  const credentials = await users.add(username, 'subscriber-password-1', ['subscriber']);
  const tokens = await ctx.tokenFor(credentials, SUBSCRIBER_SCOPES);
  expect(tokens.scope).toBe(SUBSCRIBER_SCOPES);
  return new Portal(ctx.node, tokens.access_token, username);
}

/** A new user with these roles and a token holding what they were granted of `scope`. */
export async function newUserToken(
  ctx: PublisherContext,
  users: UserAdmin,
  roles: string[],
  scope: string,
): Promise<{ username: string; token: string; scope: string }> {
  const username = uniqueName(roles.join('-') || 'nobody');
  const credentials = await users.add(username, 'a-long-enough-password-1', roles);
  const tokens = await ctx.tokenFor(credentials, scope);
  return { username, token: tokens.access_token, scope: tokens.scope ?? '' };
}

/** Creates an API offering these tiers and publishes it. */
export async function publishedApi(ctx: PublisherContext, overrides: Json = {}): Promise<Json> {
  const api = await ctx.apis.created(publishableApi({ policies: ['Gold', 'Silver'], ...overrides }));
  await ctx.apis.move(api.id, 'Publish');
  return api;
}

/** Every event published on a topic of the broker while it runs (other suites may share the broker). */
export class TopicObserver {
  readonly events: HubEvent[] = [];

  private constructor(private readonly hub: RabbitMqEventHub) {}

  static async start(topic: EventTopic): Promise<TopicObserver> {
    const hub = await RabbitMqEventHub.connect({
      brokers: [RABBITMQ_URL],
      nodeId: `observer-${topic}-${randomBytes(4).toString('hex')}`,
      logger: createLogger('silent'),
    });
    const observer = new TopicObserver(hub);
    await hub.subscribe(topic, (event) => void observer.events.push(event));
    return observer;
  }

  /** The events of this type whose payload has these values (compared with toMatchObject's rules). */
  matching(type: string, payload: Record<string, unknown>): HubEvent[] {
    return this.events.filter(
      (e) => e.type === type && Object.entries(payload).every(([k, v]) => equal(e.payload[k], v)),
    );
  }

  /** Waits until `count` events match, then returns them. */
  async wait(type: string, payload: Record<string, unknown>, count = 1): Promise<HubEvent[]> {
    await expect
      .poll(() => this.matching(type, payload).length, { timeout: 10_000 })
      .toBeGreaterThanOrEqual(count);
    return this.matching(type, payload);
  }

  close(): Promise<void> {
    return this.hub.close();
  }
}

const equal = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The environment of a node whose event hub is the test broker. */
export const RABBITMQ_ENV = {
  PORTCULLIS_EVENT_HUB__TYPE: 'rabbitmq',
  PORTCULLIS_EVENT_HUB__BROKERS: RABBITMQ_URL,
};
