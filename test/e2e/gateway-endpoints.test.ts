/**
 * Which backend a call reaches, end to end: production keys go to production_endpoints and sandbox keys to
 * sandbox_endpoints (900901 naming the key type when the API has none for it); load_balance takes turns;
 * failover moves on when an endpoint refuses the connection or does not answer in time; a backend too slow
 * (the endpoint's actionDuration) is 101504 (504), one that cannot be reached 101503 (502), and nothing hangs.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  expectForwarded,
  expectGatewayError,
  httpEndpoints,
  refusedUrl,
  useGatewayNode,
  type TestBackend,
} from './gateway-support.js';

/**
 * A backend that never answers is given up on after two seconds unless its endpoint says otherwise.
 * (undici checks its timers about twice a second: a timeout fires up to a second after it is due.)
 */
const ctx = useGatewayNode({ PORTCULLIS_GATEWAY__BACKEND_TIMEOUT: '2000' });
const SLACK_MS = 1300;

const OPEN = [
  { target: '/*', verb: 'GET', authType: 'None' },
  { target: '/*', verb: 'POST', authType: 'None' },
];

let one: TestBackend;
let two: TestBackend;
let three: TestBackend;

beforeAll(async () => {
  [one, two, three] = await Promise.all([ctx.backend('one'), ctx.backend('two'), ctx.backend('three')]);
});

describe('key types', () => {
  it('production keys reach the production endpoint, sandbox keys the sandbox endpoint', async () => {
    const api = await ctx.servedApi({ endpointConfig: httpEndpoints(`${one.url}/prod`, `${two.url}/sand`) });
    const subscriber = await ctx.subscriber([api.id], { keyTypes: ['PRODUCTION', 'SANDBOX'] });
    expectForwarded(await ctx.gateway.call(`${api.base}/x`, { token: subscriber.token('PRODUCTION') }), one);
    expect(one.requests.at(-1)?.url).toBe('/prod/x');
    expectForwarded(await ctx.gateway.call(`${api.base}/x`, { token: subscriber.token('SANDBOX') }), two);
    expect(two.requests.at(-1)?.url).toBe('/sand/x');
  });

  it('keys of a type the API has no endpoint for are 900901, naming the type', async () => {
    const productionOnly = await ctx.servedApi({ endpointConfig: httpEndpoints(one.url) });
    const sandboxOnly = await ctx.servedApi({ endpointConfig: httpEndpoints(undefined, two.url) });
    const subscriber = await ctx.subscriber([productionOnly.id, sandboxOnly.id], {
      keyTypes: ['PRODUCTION', 'SANDBOX'],
    });
    expectGatewayError(
      await ctx.gateway.call(`${productionOnly.base}/x`, { token: subscriber.token('SANDBOX') }),
      401,
      900901,
      'andbox',
    );
    expectForwarded(
      await ctx.gateway.call(`${productionOnly.base}/x`, { token: subscriber.token('PRODUCTION') }),
      one,
    );
    expectGatewayError(
      await ctx.gateway.call(`${sandboxOnly.base}/x`, { token: subscriber.token('PRODUCTION') }),
      401,
      900901,
      'roduction',
    );
    expectForwarded(
      await ctx.gateway.call(`${sandboxOnly.base}/x`, { token: subscriber.token('SANDBOX') }),
      two,
    );
  });

  it('an operation open to all (authType None) goes to production', async () => {
    const api = await ctx.servedApi({ endpointConfig: httpEndpoints(one.url, two.url), operations: OPEN });
    expectForwarded(await ctx.gateway.call(`${api.base}/x`), one);
  });
});

describe('load balancing', () => {
  it('load_balance sends each call to the next endpoint in turn', async () => {
    const api = await ctx.servedApi({
      endpointConfig: {
        endpoint_type: 'load_balance',
        algoCombo: 'org.apache.synapse.endpoints.algorithms.RoundRobin',
        production_endpoints: [
          { url: `${one.url}/lb` },
          { url: `${two.url}/lb` },
          { url: `${three.url}/lb` },
        ],
      },
      operations: OPEN,
    });
    const served: string[] = [];
    for (let i = 0; i < 6; i++) {
      const reply = await ctx.gateway.call(`${api.base}/item/${i}`);
      expect(reply.status).toBe(200);
      served.push(String(reply.headers['x-backend']));
    }
    const [a, b, c] = served as [string, string, string];
    expect(new Set([a, b, c])).toEqual(new Set(['one', 'two', 'three']));
    expect(served.slice(3)).toEqual([a, b, c]);
  });
});

describe('failover', () => {
  it('moves to the next endpoint when the first refuses connections', async () => {
    const api = await ctx.servedApi({
      endpointConfig: {
        endpoint_type: 'failover',
        production_endpoints: { url: `${await refusedUrl()}/down` },
        production_failovers: [{ url: `${await refusedUrl()}/down-too` }, { url: `${two.url}/up` }],
      },
      operations: OPEN,
    });
    for (let i = 0; i < 3; i++) {
      const reply = await ctx.gateway.call(`${api.base}/x?i=${i}`);
      expectForwarded(reply, two);
      expect(two.requests.at(-1)?.url).toBe(`/up/x?i=${i}`);
    }
  });

  it('moves to the next endpoint when the first does not answer in time', async () => {
    const api = await ctx.servedApi({
      endpointConfig: {
        endpoint_type: 'failover',
        production_endpoints: { url: `${one.url}/hang`, config: { actionDuration: 150 } },
        production_failovers: [{ url: `${two.url}/fast` }],
      },
      operations: OPEN,
    });
    const reply = await ctx.gateway.call(`${api.base}/x`);
    expectForwarded(reply, two);
    expect(two.requests.at(-1)?.url).toBe('/fast/x');
    expect(reply.elapsed).toBeGreaterThanOrEqual(140);
    expect(reply.elapsed).toBeLessThan(150 + SLACK_MS);
  });

  it('when every endpoint is down, answers 101503 (502)', async () => {
    const api = await ctx.servedApi({
      endpointConfig: {
        endpoint_type: 'failover',
        production_endpoints: { url: await refusedUrl() },
        production_failovers: [{ url: await refusedUrl() }],
      },
      operations: OPEN,
    });
    expectGatewayError(await ctx.gateway.call(`${api.base}/x`), 502, 101503);
  });
});

// These wait on timers: they run side by side.
describe.concurrent('backend failures', () => {
  it('a backend that cannot be reached is 101503 (502), at once', async () => {
    const api = await ctx.servedApi({ endpointConfig: httpEndpoints(await refusedUrl()) });
    const subscriber = await ctx.subscriber([api.id]);
    const reply = await ctx.gateway.call(`${api.base}/x`, { token: subscriber.token() });
    expectGatewayError(reply, 502, 101503);
    expect(reply.elapsed).toBeLessThan(2000);
    const post = await ctx.gateway.call(`${api.base}/x`, {
      method: 'POST',
      token: subscriber.token(),
      body: 'a body nobody reads',
    });
    expectGatewayError(post, 502, 101503);
  });

  it('a backend that is too slow for the endpoint’s actionDuration is 101504 (504)', async () => {
    const api = await ctx.servedApi({
      endpointConfig: {
        endpoint_type: 'http',
        production_endpoints: { url: one.url, config: { actionDuration: 200 } },
      },
      operations: OPEN,
    });
    const late = await ctx.gateway.call(`${api.base}/x?delay=3000`);
    expectGatewayError(late, 504, 101504);
    // The endpoint's 200 ms, not the gateway's default (2 s here).
    expect(late.elapsed).toBeGreaterThanOrEqual(190);
    expect(late.elapsed).toBeLessThan(200 + SLACK_MS);
    const never = await ctx.gateway.call(`${api.base}/x?hang=1`);
    expectGatewayError(never, 504, 101504);
    expect(never.elapsed).toBeLessThan(200 + SLACK_MS);
    // In time, it answers.
    expectForwarded(await ctx.gateway.call(`${api.base}/x?delay=50`), one);
  });

  it('actionDuration given as a numeric string (as WSO2 clients send it) is honoured', async () => {
    const api = await ctx.servedApi({
      endpointConfig: {
        endpoint_type: 'http',
        production_endpoints: { url: one.url, config: { actionDuration: '200' } },
      },
      operations: OPEN,
    });
    const reply = await ctx.gateway.call(`${api.base}/x?hang=1`);
    expectGatewayError(reply, 504, 101504);
    expect(reply.elapsed).toBeGreaterThanOrEqual(190);
    expect(reply.elapsed).toBeLessThan(200 + SLACK_MS);
  });

  it('without an actionDuration, a backend that never answers is 101504 after gateway.backend_timeout', async () => {
    const api = await ctx.servedApi({ endpointConfig: httpEndpoints(one.url), operations: OPEN });
    const reply = await ctx.gateway.call(`${api.base}/x?hang=1`);
    expectGatewayError(reply, 504, 101504);
    expect(reply.elapsed).toBeGreaterThanOrEqual(1950);
    expect(reply.elapsed).toBeLessThan(2000 + SLACK_MS);
  });

  it('a backend that drops the connection mid-answer cuts the answer; the gateway carries on', async () => {
    const api = await ctx.servedApi({ endpointConfig: httpEndpoints(one.url), operations: OPEN });
    const started = performance.now();
    const outcome = await ctx.gateway.call(`${api.base}/x?cut=1`).then(
      (reply) => `answered ${reply.status}`,
      (err: Error) => `cut: ${err.message}`,
    );
    expect(performance.now() - started).toBeLessThan(3000);
    // Headers had gone out: the client sees a cut answer, never a complete one.
    expect(outcome).toMatch(/^cut/);
    expectForwarded(await ctx.gateway.call(`${api.base}/x`), one);
  });
});
