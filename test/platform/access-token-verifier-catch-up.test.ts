/**
 * AccessTokenVerifier catching up on revocations it missed: against a real all-in-one node (Key Manager
 * inside), each verifier here follows a fake event hub of its own, never connected to the node's, so it
 * receives no TOKENS_REVOKED event. It still refuses a token revoked before it started (it reads the Key
 * Manager's list of revoked tokens before accepting a new token), keeps its cached answers while it misses
 * events, and drops them and reads the list again when the hub reconnects. A list it cannot read does not stop
 * valid JWTs (they are checked locally): it is logged and tried again at most every five seconds. A list read,
 * or an answer got, across a reconnection does not count (the list is read again, the answer is not cached);
 * a list that does not come holds new tokens at most two seconds.
 */
import { decodeJwt } from 'jose';
import type * as oauth from 'oauth4webapi';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EventHandler, EventHub, Subscription } from '../../src/events/hub.js';
import { REVOKED_TOKENS_PATH, TOKENS_REVOKED } from '../../src/events/key-manager-events.js';
import { newEvent, type EventTopic, type HubEvent } from '../../src/events/topics.js';
import { AccessTokenVerifier, UNKNOWN } from '../../src/platform/auth/access-token-verifier.js';
import { KeyManagerClient } from '../../src/platform/auth/key-manager-client.js';
import type { NodeCredentials } from '../../src/platform/auth/node-credentials.js';
import type { Fetch } from '../../src/platform/cluster-fetch.js';
import { createLogger, type Logger } from '../../src/platform/logger.js';
import { startTestNode, type TestNode } from '../support/node.js';
import {
  UserAdmin,
  adminCredentials,
  clientCredentials,
  discover,
  passwordGrant,
  registerClient,
  revoke,
  uniqueName,
  type TestClient,
} from '../support/oauth-helpers.js';

/** A hub of the verifier's own: it delivers only what the test hands it, and reconnects when told. */
class FakeHub implements EventHub {
  readonly handlers = new Map<EventTopic, EventHandler[]>();
  readonly reconnectListeners: (() => void)[] = [];

  async publish(): Promise<void> {
    throw new Error('the verifier does not publish');
  }
  async subscribe(topic: EventTopic, handler: EventHandler): Promise<Subscription> {
    this.handlers.set(topic, [...(this.handlers.get(topic) ?? []), handler]);
    return { unsubscribe: async () => {} };
  }
  isReady = () => true;
  onReconnect(listener: () => void): void {
    this.reconnectListeners.push(listener);
  }
  async close(): Promise<void> {}

  /** What a hub does after it reconnected to its broker. */
  reconnect(): void {
    for (const listener of this.reconnectListeners) listener();
  }
  async deliver(topic: EventTopic, event: HubEvent): Promise<void> {
    for (const handler of this.handlers.get(topic) ?? []) await handler(event);
  }
}

/**
 * A KeyManagerClient that records every request's path, and can make the Key Manager refuse the list of
 * revoked tokens for real: it then sends that request with a token lacking portcullis:node (403). It can also
 * hold an answer: the request is sent and its answer read in full (the Key Manager is done with it), but the
 * caller gets it only when the test releases it.
 */
class RecordingKeyManagerClient extends KeyManagerClient {
  readonly paths: string[] = [];
  /** Bearer tokens this client sent for the list. */
  readonly listTokens: string[] = [];
  /** When set, the list is asked for with this token instead of the node's. */
  listWith: string | undefined;
  /** The next request to each of these paths is held. */
  readonly #holds = new Map<string, { answered: () => void; released: Promise<void> }>();

  constructor(baseUrl: string, ca: string) {
    super(baseUrl, ca);
    const real = this.fetch;
    const recording: Fetch = async (url, init) => {
      const { pathname } = new URL(url);
      this.paths.push(pathname);
      let sent = init;
      if (pathname === REVOKED_TOKENS_PATH) {
        this.listTokens.push(init?.headers?.['authorization']?.replace(/^Bearer /, '') ?? '');
        if (this.listWith !== undefined)
          sent = { ...init, headers: { ...init?.headers, authorization: `Bearer ${this.listWith}` } };
      }
      const hold = this.#holds.get(pathname);
      if (!hold) return real(url, sent);
      this.#holds.delete(pathname);
      const response = await real(url, sent);
      const body = await response.text();
      hold.answered();
      await hold.released;
      return new Response(body, { status: response.status });
    };
    (this as { fetch: Fetch }).fetch = recording;
  }

  count(path: string): number {
    return this.paths.filter((p) => p === path).length;
  }

  /**
   * Holds the next request to the path: `answered` settles once the Key Manager has answered it (and the
   * answer is read), the caller gets the answer on `release`.
   */
  hold(path: string): { answered: Promise<void>; release: () => void } {
    let answered!: () => void;
    let release!: () => void;
    const answeredPromise = new Promise<void>((resolve) => (answered = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    this.#holds.set(path, { answered, released });
    return { answered: answeredPromise, release };
  }
}

/** A real pino logger whose lines the test reads. */
function loggerSpy(): {
  logger: Logger;
  warnings: () => { msg: string; err?: { message: string } }[];
  lines: string[];
} {
  const lines: string[] = [];
  const logger = createLogger('debug', { write: (line: string) => void lines.push(line) });
  return {
    logger,
    lines,
    warnings: () =>
      lines
        .map((line) => JSON.parse(line) as { level: number; msg: string; err?: { message: string } })
        .filter((entry) => entry.level === 40),
  };
}

const jtiOf = (token: string) => decodeJwt(token).jti as string;

let node: TestNode;
let as: oauth.AuthorizationServer;
/** Owned by the admin: what the verifiers use as node credentials, and whose tokens the tests check. */
let adminClient: TestClient;
let opaqueClient: TestClient;
let credentials: NodeCredentials;
const clients: KeyManagerClient[] = [];

beforeAll(async () => {
  node = await startTestNode();
  as = await discover(node);
  adminClient = await registerClient(node, { tokenType: 'JWT' });
  opaqueClient = await registerClient(node, { tokenType: 'OPAQUE' });
  credentials = {
    clientId: adminClient.registration.clientId,
    clientSecret: adminClient.secret as string,
  };
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

afterAll(async () => {
  await node?.close();
});

/** A verifier on a fresh KeyManagerClient, following a fake hub of its own (null: no node credentials). */
async function verifierFor(nodeCredentials: NodeCredentials | null = credentials, logger?: Logger) {
  const keyManager = new RecordingKeyManagerClient(node.baseUrl, node.ca);
  clients.push(keyManager);
  const hub = new FakeHub();
  const verifier = new AccessTokenVerifier(keyManager, nodeCredentials ?? undefined);
  await verifier.followRevocations(hub, logger);
  return { verifier, hub, keyManager };
}

/** A fresh JWT access token of the admin's client. */
const newJwt = async () => (await clientCredentials(node, as, adminClient, 'apim:subscribe')).access_token;

describe('the cache of verified JWTs (kept by signature)', () => {
  it('answers only for the token verified: its signature on other claims is checked, and refused', async () => {
    const { verifier } = await verifierFor();
    const token = await newJwt();
    const facts = await verifier.verify(token);
    expect(verifier.known(token)).toBe(facts);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = [
      header,
      Buffer.from(JSON.stringify({ ...claims, scope: 'apim:admin' })).toString('base64url'),
      signature,
    ].join('.');
    expect(verifier.known(forged)).toBe(UNKNOWN);
    expect(await verifier.verify(forged)).toBeUndefined();
    // Revoking the forgery (a Key Manager answers 200 to any text) does not revoke the token whose jti it
    // carries: only a verified JWT is revoked by its jti.
    await verifier.forget(forged);
    expect(verifier.known(token)).toBe(facts);
    await verifier.forget(token);
    expect(verifier.known(token)).toBe(UNKNOWN);
    expect(await verifier.verify(token)).toBeUndefined();
    // A genuine JWT this verifier has not seen yet is verified, then revoked by its jti.
    const unseen = await newJwt();
    await verifier.forget(unseen);
    expect(await verifier.verify(unseen)).toBeUndefined();
  });
});

describe('a verifier that starts after a revocation (a restarted node)', () => {
  it('refuses a JWT revoked at the Key Manager before it started, and accepts a live one', async () => {
    const revoked = await newJwt();
    const live = await newJwt();
    await revoke(node, as, adminClient, revoked);

    const { verifier, keyManager } = await verifierFor();
    expect(await verifier.verify(revoked)).toBeUndefined();
    expect(verifier.known(revoked)).toBe(UNKNOWN);
    const facts = await verifier.verify(live);
    expect(facts).toMatchObject({
      id: jtiOf(live),
      clientId: adminClient.registration.clientId,
      username: undefined,
    });
    expect([...(facts?.scopes ?? [])]).toEqual(['apim:subscribe']);
    expect(verifier.known(live)).toBe(facts);
    // Read once, not for every token.
    expect(await verifier.verify(revoked)).toBeUndefined();
    expect(await verifier.verify(await newJwt())).toBeDefined();
    expect(keyManager.count(REVOKED_TOKENS_PATH)).toBe(1);
  });

  it('reads the list once for tokens verified at the same time', async () => {
    const revoked = await newJwt();
    await revoke(node, as, adminClient, revoked);
    const { verifier, keyManager } = await verifierFor();
    const [a, b, c] = await Promise.all([
      verifier.verify(revoked),
      verifier.verify(await newJwt()),
      verifier.verify(revoked),
    ]);
    expect(a).toBeUndefined();
    expect(b).toBeDefined();
    expect(c).toBeUndefined();
    expect(keyManager.count(REVOKED_TOKENS_PATH)).toBe(1);
  });

  it('without node credentials reads no list, so only events can tell it (the reason for the list)', async () => {
    const revoked = await newJwt();
    await revoke(node, as, adminClient, revoked);
    const { verifier, keyManager, hub } = await verifierFor(null);
    expect(await verifier.verify(revoked)).toMatchObject({ id: jtiOf(revoked) });
    expect(keyManager.count(REVOKED_TOKENS_PATH)).toBe(0);
    // An event still takes effect at once.
    await hub.deliver(
      'tokenRevocation',
      newEvent(TOKENS_REVOKED, {
        tokens: [{ id: jtiOf(revoked), expiresAt: decodeJwt(revoked).exp! * 1000 }],
        reason: 'revoked',
      }),
    );
    expect(verifier.known(revoked)).toBeUndefined();
    expect(await verifier.verify(revoked)).toBeUndefined();
  });

  it('refuses an opaque token revoked before it started, from the list, without introspecting it', async () => {
    const revoked = (await passwordGrant(node, as, opaqueClient, adminCredentials(node))).access_token;
    const live = (await passwordGrant(node, as, opaqueClient, adminCredentials(node))).access_token;
    expect(revoked.split('.')).toHaveLength(1);
    await revoke(node, as, opaqueClient, revoked);

    const { verifier, keyManager } = await verifierFor();
    expect(await verifier.verify(revoked)).toBeUndefined();
    expect(keyManager.count(REVOKED_TOKENS_PATH)).toBe(1);
    expect(keyManager.count('/oauth2/introspect')).toBe(0);
    expect(await verifier.verify(live)).toMatchObject({
      username: 'admin',
      clientId: opaqueClient.client.client_id,
    });
    expect(keyManager.count('/oauth2/introspect')).toBe(1);
  });
});

describe('a verifier that misses events, until its hub reconnects', () => {
  it('keeps accepting a cached JWT revoked meanwhile; after the reconnection it refuses it', async () => {
    const { verifier, hub, keyManager } = await verifierFor();
    const cached = await newJwt();
    const live = await newJwt();
    const facts = await verifier.verify(cached);
    expect(facts).toMatchObject({ id: jtiOf(cached) });
    expect(await verifier.verify(live)).toBeDefined();
    expect(keyManager.count(REVOKED_TOKENS_PATH)).toBe(1);

    await revoke(node, as, adminClient, cached);
    // A JWT first seen after the list was read, and revoked: the event is missed too.
    const unseen = await newJwt();
    await revoke(node, as, adminClient, unseen);

    // The event never came: the cache answers, and verify takes that answer.
    expect(verifier.known(cached)).toBe(facts);
    expect(await verifier.verify(cached)).toBe(facts);
    expect(await verifier.verify(unseen)).toMatchObject({ id: jtiOf(unseen) });
    expect(keyManager.count(REVOKED_TOKENS_PATH)).toBe(1);

    hub.reconnect();
    expect(verifier.known(cached)).toBe(UNKNOWN);
    expect(verifier.known(live)).toBe(UNKNOWN);
    expect(await verifier.verify(cached)).toBeUndefined();
    expect(await verifier.verify(unseen)).toBeUndefined();
    expect(keyManager.count(REVOKED_TOKENS_PATH)).toBe(2);
    // The live one is verified again, and accepted.
    expect(await verifier.verify(live)).toMatchObject({ id: jtiOf(live) });
    expect(keyManager.count(REVOKED_TOKENS_PATH)).toBe(2);
  });

  it('drops a cached opaque token on reconnection; then refuses it if it was revoked meanwhile', async () => {
    const { verifier, hub, keyManager } = await verifierFor();
    const revoked = (await passwordGrant(node, as, opaqueClient, adminCredentials(node))).access_token;
    const live = (await passwordGrant(node, as, opaqueClient, adminCredentials(node))).access_token;
    const facts = await verifier.verify(revoked);
    expect(facts).toMatchObject({ username: 'admin', clientId: opaqueClient.client.client_id });
    const liveFacts = await verifier.verify(live);
    expect(liveFacts).toBeDefined();
    expect(keyManager.count('/oauth2/introspect')).toBe(2);

    await revoke(node, as, opaqueClient, revoked);
    // Cached for up to a minute: the missed event leaves it accepted.
    expect(verifier.known(revoked)).toBe(facts);
    expect(await verifier.verify(revoked)).toBe(facts);
    expect(keyManager.count('/oauth2/introspect')).toBe(2);

    hub.reconnect();
    expect(verifier.known(revoked)).toBe(UNKNOWN);
    expect(verifier.known(live)).toBe(UNKNOWN);
    expect(await verifier.verify(revoked)).toBeUndefined();
    // Refused from the list: not introspected again.
    expect(keyManager.count('/oauth2/introspect')).toBe(2);
    expect(keyManager.count(REVOKED_TOKENS_PATH)).toBe(2);
    // The live one is introspected again.
    expect(await verifier.verify(live)).toMatchObject({ username: 'admin' });
    expect(keyManager.count('/oauth2/introspect')).toBe(3);
  });
});

describe('a verifier that cannot read the list', () => {
  it('with credentials of a client that gets no portcullis:node: accepts valid JWTs and logs a warning', async () => {
    const users = await UserAdmin.create(node, as, adminClient);
    const owner = await users.add(uniqueName('owner'), 'owner-password-1', ['subscriber']);
    const own = await registerClient(node, { grantType: 'client_credentials', callbackUrl: '' }, owner);
    const notANode = { clientId: own.registration.clientId, clientSecret: own.secret as string };
    const spy = loggerSpy();
    const { verifier, keyManager } = await verifierFor(notANode, spy.logger);

    const jwt = await newJwt();
    expect(await verifier.verify(jwt)).toMatchObject({ id: jtiOf(jwt) });
    // It asked for a node token, and was given one without the scope: the list was never asked for.
    expect(keyManager.count('/oauth2/token')).toBe(1);
    expect(keyManager.count(REVOKED_TOKENS_PATH)).toBe(0);
    const warnings = spy.warnings();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.msg).toMatch(/revoked tokens/);
    expect(warnings[0]?.err?.message).toMatch(/portcullis:node/);
    expect(spy.lines.join('\n')).not.toContain(notANode.clientSecret);

    // Tried again at most every five seconds: not for the next token now.
    expect(await verifier.verify(await newJwt())).toBeDefined();
    expect(keyManager.count('/oauth2/token')).toBe(1);
    expect(spy.warnings()).toHaveLength(1);
    // …but for one five seconds on.
    expect(await verifier.verify(await newJwt(), Date.now() + 6000)).toBeDefined();
    expect(keyManager.count('/oauth2/token')).toBe(2);
    expect(spy.warnings()).toHaveLength(2);
  });

  it('when the Key Manager answers 403 for the list: accepts valid JWTs, logs it, and catches up later', async () => {
    const spy = loggerSpy();
    const { verifier, keyManager } = await verifierFor(credentials, spy.logger);
    keyManager.listWith = (await clientCredentials(node, as, adminClient, 'apim:admin')).access_token;

    const revoked = await newJwt();
    await revoke(node, as, adminClient, revoked);
    const jwt = await newJwt();
    expect(await verifier.verify(jwt)).toMatchObject({ id: jtiOf(jwt) });
    expect(keyManager.count(REVOKED_TOKENS_PATH)).toBe(1);
    const warnings = spy.warnings();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.msg).toMatch(/revoked tokens/);
    expect(warnings[0]?.err?.message).toMatch(/403/);
    // While the list is unread, a revoked JWT gets through (JWTs are checked locally): availability first.
    expect(await verifier.verify(revoked)).toBeDefined();
    expect(keyManager.count(REVOKED_TOKENS_PATH)).toBe(1);

    // The Key Manager answers again; the next new token, five seconds on, has the list read first…
    keyManager.listWith = undefined;
    const later = Date.now() + 6000;
    expect(await verifier.verify(await newJwt(), later)).toBeDefined();
    expect(keyManager.count(REVOKED_TOKENS_PATH)).toBe(2);
    expect(spy.warnings()).toHaveLength(1);
    // …and the revoked JWT accepted meanwhile, still cached, is refused from then on.
    expect(verifier.known(revoked, later)).toBeUndefined();
    expect(await verifier.verify(revoked, later)).toBeUndefined();
    expect(keyManager.count(REVOKED_TOKENS_PATH)).toBe(2);
  });

  it('when its node token was revoked (401): gets a new one on the next try', async () => {
    const spy = loggerSpy();
    const { verifier, keyManager, hub } = await verifierFor(credentials, spy.logger);
    expect(await verifier.verify(await newJwt())).toBeDefined();
    expect(keyManager.listTokens).toHaveLength(1);
    const nodeToken = keyManager.listTokens[0] as string;
    await revoke(node, as, adminClient, nodeToken);

    hub.reconnect();
    const revoked = await newJwt();
    await revoke(node, as, adminClient, revoked);
    // The list is refused (401): the token is accepted, and the node token forgotten.
    expect(await verifier.verify(revoked)).toBeDefined();
    expect(spy.warnings().at(-1)?.err?.message).toMatch(/401/);
    expect(keyManager.listTokens).toEqual([nodeToken, nodeToken]);

    hub.reconnect();
    expect(await verifier.verify(revoked, Date.now() + 6000)).toBeUndefined();
    expect(keyManager.listTokens).toHaveLength(3);
    expect(keyManager.listTokens[2]).not.toBe(nodeToken);
  });
});

describe('a reconnection while the verifier is asking the Key Manager', () => {
  it('does not count a list read before the reconnection as caught up: it reads the list again', async () => {
    const { verifier, hub, keyManager } = await verifierFor();
    const first = await newJwt();
    const held = keyManager.hold(REVOKED_TOKENS_PATH);
    let revoked: string;
    let verifying: Promise<unknown>;
    try {
      verifying = verifier.verify(first);
      // The Key Manager has read its database and answered; the answer is on its way.
      await held.answered;
      // Revoked after that read, during the outage: the event is missed.
      revoked = await newJwt();
      await revoke(node, as, adminClient, revoked);
      hub.reconnect();
    } finally {
      held.release();
    }
    expect(await verifying).toMatchObject({ id: jtiOf(first) });
    expect(keyManager.count(REVOKED_TOKENS_PATH)).toBe(1);

    // The list read before the reconnection does not count: the next token has it read again.
    expect(await verifier.verify(revoked)).toBeUndefined();
    expect(keyManager.count(REVOKED_TOKENS_PATH)).toBe(2);
    expect(await verifier.verify(first)).toMatchObject({ id: jtiOf(first) });
    expect(await verifier.verify(revoked)).toBeUndefined();
    expect(keyManager.count(REVOKED_TOKENS_PATH)).toBe(2);
  });

  it('does not cache a JWT whose check straddles the reconnection', async () => {
    const { verifier, hub, keyManager } = await verifierFor();
    const jwt = await newJwt();
    // The verifier's first JWT check fetches the key set: hold that, after the list is read.
    const held = keyManager.hold(new URL((await keyManager.metadata()).jwks_uri).pathname);
    let verifying: Promise<unknown>;
    try {
      verifying = verifier.verify(jwt);
      await held.answered;
      expect(keyManager.count(REVOKED_TOKENS_PATH)).toBe(1);
      hub.reconnect();
    } finally {
      held.release();
    }
    const facts = await verifying;
    expect(facts).toMatchObject({ id: jtiOf(jwt) });
    expect(verifier.known(jwt)).toBe(UNKNOWN);

    // Checked again, after the list is read again; that answer is kept.
    const again = await verifier.verify(jwt);
    expect(again).toMatchObject({ id: jtiOf(jwt) });
    expect(again).not.toBe(facts);
    expect(keyManager.count(REVOKED_TOKENS_PATH)).toBe(2);
    expect(verifier.known(jwt)).toBe(again);
  });

  it('does not cache an introspection answer that straddles the reconnection', async () => {
    const { verifier, hub, keyManager } = await verifierFor();
    const opaque = (await passwordGrant(node, as, opaqueClient, adminCredentials(node))).access_token;
    const held = keyManager.hold('/oauth2/introspect');
    let verifying: Promise<unknown>;
    try {
      verifying = verifier.verify(opaque);
      await held.answered;
      hub.reconnect();
    } finally {
      held.release();
    }
    expect(await verifying).toMatchObject({ username: 'admin', clientId: opaqueClient.client.client_id });
    expect(verifier.known(opaque)).toBe(UNKNOWN);

    const again = await verifier.verify(opaque);
    expect(again).toMatchObject({ username: 'admin' });
    expect(keyManager.count('/oauth2/introspect')).toBe(2);
    expect(keyManager.count(REVOKED_TOKENS_PATH)).toBe(2);
    expect(verifier.known(opaque)).toBe(again);
  });
});

describe('a Key Manager that never answers for the list', () => {
  it('holds new tokens at most two seconds, once for the stuck read; an answer arriving later still counts', async () => {
    const revoked = await newJwt();
    await revoke(node, as, adminClient, revoked);
    const { verifier, keyManager } = await verifierFor();
    const [first, during, after, last] = await Promise.all([newJwt(), newJwt(), newJwt(), newJwt()]);
    const held = keyManager.hold(REVOKED_TOKENS_PATH);
    try {
      const start = performance.now();
      const verifying = verifier.verify(first);
      // Another new token, a second into the wait, is held only until the same deadline.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const duringStart = performance.now();
      const verifyingDuring = verifier.verify(during);
      expect(await verifying).toMatchObject({ id: jtiOf(first) });
      const waited = performance.now() - start;
      expect(waited).toBeGreaterThanOrEqual(1900);
      expect(waited).toBeLessThan(5000);
      expect(await verifyingDuring).toMatchObject({ id: jtiOf(during) });
      expect(performance.now() - duringStart).toBeLessThan(1900);

      // Right after the deadline, a new token does not wait for the stuck read again.
      const afterStart = performance.now();
      expect(await verifier.verify(after)).toMatchObject({ id: jtiOf(after) });
      expect(performance.now() - afterStart).toBeLessThan(500);
      // While the list is unread, a revoked JWT gets through; the stuck read is not started again.
      expect(await verifier.verify(revoked)).toMatchObject({ id: jtiOf(revoked) });
      expect(keyManager.count(REVOKED_TOKENS_PATH)).toBe(1);
    } finally {
      held.release();
    }
    // The answer, when it comes, counts: the revoked JWT, still cached, is refused from then on…
    await vi.waitFor(() => expect(verifier.known(revoked)).toBeUndefined());
    expect(await verifier.verify(revoked)).toBeUndefined();
    // …and the verifier is caught up: a new token reads no list.
    expect(await verifier.verify(last)).toMatchObject({ id: jtiOf(last) });
    expect(keyManager.count(REVOKED_TOKENS_PATH)).toBe(1);
  });
});
