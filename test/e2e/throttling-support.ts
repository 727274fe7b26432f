/**
 * Helpers of the gateway throttling suites (gateway-throttling-*.test.ts): limits and policies made through
 * the Admin API and known to the gateway before the next step, compact lists of what calls got, and a second
 * client of the gateway. Those that need the node take the suite's context from `useGatewayNode()`.
 */
import { Agent } from 'undici';
import { expect } from 'vitest';
import { uniqueName, type Json } from '../publisher/admin-client.js';
import { GatewayClient, timeUntil, type GatewayContext, type GatewayReply } from './gateway-support.js';

export const POLICIES = '/throttling/policies';
export type Kind = 'subscription' | 'application' | 'advanced';

/** A request-count limit: `requestCount` calls a `unitTime` `timeUnit` (an hour unless said). */
export const requests = (requestCount: number, timeUnit = 'hour', unitTime = 1) => ({
  type: 'REQUESTCOUNTLIMIT',
  requestCount: { timeUnit, unitTime, requestCount },
});

/** A bandwidth limit: `dataAmount` `dataUnit` of request and response bytes a `timeUnit` (an hour unless said). */
export const bandwidth = (dataAmount: number, dataUnit: 'KB' | 'MB' | 'GB', timeUnit = 'hour') => ({
  type: 'BANDWIDTHLIMIT',
  bandwidth: { timeUnit, unitTime: 1, dataAmount, dataUnit },
});

/** A client of the gateway whose connections come from 127.0.0.2 (the default client's are 127.0.0.1). */
export function otherClient(ctx: GatewayContext): GatewayClient {
  return new GatewayClient(
    ctx.gateway.urls,
    new Agent({ localAddress: '127.0.0.2', connect: { ca: ctx.node.ca }, keepAliveTimeout: 2000 }),
  );
}

/** When the state the gateway serves was made at the Publisher (from its snapshot-age metric). */
export async function snapshotMadeAt(ctx: GatewayContext): Promise<number> {
  const text = await (await ctx.node.fetch(`${ctx.node.baseUrl}/metrics`)).text();
  const age = /^portcullis_gateway_snapshot_age_seconds (\S+)$/m.exec(text)?.[1];
  if (age === undefined) throw new Error('no snapshot age in /metrics');
  return Date.now() - Number(age) * 1000;
}

/**
 * Makes a policy change, then waits until the gateway has loaded the new policies (the snapshot it pulls for
 * the change), so that a test's next step uses them.
 */
export async function policyChange<T>(ctx: GatewayContext, change: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const result = await change();
  await timeUntil(
    () => snapshotMadeAt(ctx),
    (at) => at >= started,
    3000,
  );
  return result;
}

/** A policy made through the Admin API (a unique name unless the body gives one), known to the gateway. */
export async function createdPolicy(ctx: GatewayContext, kind: Kind, body: Json): Promise<Json> {
  const reply = await policyChange(ctx, () =>
    ctx.api.post(`${POLICIES}/${kind}`, { policyName: uniqueName(kind.slice(0, 3)), ...body }),
  );
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return reply.body;
}

/** PUT of the policy; the gateway is not waited for (the tests that time the change use this). */
export async function putPolicy(ctx: GatewayContext, kind: Kind, policy: Json): Promise<void> {
  const reply = await ctx.api.put(
    `${POLICIES}/${kind}/${policy.policyId}`,
    policy,
    `${POLICIES}/${kind}/{policyId}`,
  );
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
}

/** The policy changed through the Admin API (PUT), known to the gateway. */
export async function updatedPolicy(ctx: GatewayContext, kind: Kind, policy: Json): Promise<void> {
  await policyChange(ctx, () => putPolicy(ctx, kind, policy));
}

/** 200, or the status and WSO2 code of the refusal: compact lists of what calls got. */
export const outcome = (reply: GatewayReply): number | string =>
  reply.status === 200 ? 200 : `${reply.status} ${String(reply.body?.code)}`;

/** Makes `count` calls one after the other; what each got. */
export async function outcomes(
  count: number,
  call: () => Promise<GatewayReply>,
): Promise<(number | string)[]> {
  const out: (number | string)[] = [];
  for (let i = 0; i < count; i++) out.push(outcome(await call()));
  return out;
}
