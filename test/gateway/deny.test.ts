/**
 * Deny policies (WSO2's blocking conditions) at the gateway: API (context with version) and IP / IPRANGE
 * before authentication, APPLICATION (`owner:name`) and USER after; `invert` denies all but the value; a
 * switched-off policy denies nothing. A denial is WSO2's 900805, 403.
 */
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/gateway/gateway-errors.js';
import {
  checkDeniedCaller,
  checkDeniedRequest,
  compileDenyPolicies,
} from '../../src/gateway/pipeline/deny.js';
import type { DenyPolicy } from '../../src/publisher/admin/deny-policy-schemas.js';

/** The checks as the gateway runs them: on the policies compiled once. */
const deniedRequest = (policies: DenyPolicy[], context: string, ip: string) =>
  checkDeniedRequest(compileDenyPolicies(policies), context, ip);
/** `application` as policies name it, `owner:name`. */
const deniedCaller = (policies: DenyPolicy[], application: string | undefined, user: string | undefined) => {
  const colon = application?.indexOf(':') ?? -1;
  const app = application
    ? { owner: application.slice(0, colon), name: application.slice(colon + 1) }
    : undefined;
  checkDeniedCaller(compileDenyPolicies(policies), app, user);
};

const api = (context: string, conditionStatus?: boolean): DenyPolicy => ({
  conditionType: 'API',
  conditionValue: context,
  ...(conditionStatus === undefined ? {} : { conditionStatus }),
});
const ip = (fixedIp: string, invert?: boolean): DenyPolicy => ({
  conditionType: 'IP',
  conditionValue: { fixedIp, ...(invert === undefined ? {} : { invert }) },
});
const range = (startingIp: string, endingIp: string, invert?: boolean): DenyPolicy => ({
  conditionType: 'IPRANGE',
  conditionValue: { startingIp, endingIp, ...(invert === undefined ? {} : { invert }) },
});
const application = (value: string): DenyPolicy => ({ conditionType: 'APPLICATION', conditionValue: value });
const user = (value: string): DenyPolicy => ({ conditionType: 'USER', conditionValue: value });

/** The error a check threw, or undefined when it let the request through. */
function denial(check: () => void): GatewayError | undefined {
  try {
    check();
    return undefined;
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
}

function expectDenied(check: () => void, mention: string): void {
  const err = denial(check);
  expect(err, 'expected a denial').toBeInstanceOf(GatewayError);
  expect(err).toMatchObject({ status: 403, code: 900805, message: 'Message blocked' });
  expect(err?.description).toContain(mention);
}

describe('checkDeniedRequest (API and client IP)', () => {
  it('denies the API whose context with version the policy names, and no other', () => {
    const policies = [api('/pizza/1.0.0')];
    expectDenied(() => deniedRequest(policies, '/pizza/1.0.0', '10.0.0.1'), '/pizza/1.0.0');
    expect(denial(() => deniedRequest(policies, '/pizza/2.0.0', '10.0.0.1'))).toBeUndefined();
    expect(denial(() => deniedRequest(policies, '/pizzas/1.0.0', '10.0.0.1'))).toBeUndefined();
  });

  it('ignores a policy that is switched off', () => {
    expect(denial(() => deniedRequest([api('/pizza/1.0.0', false)], '/pizza/1.0.0', '::1'))).toBeUndefined();
    expectDenied(() => deniedRequest([api('/pizza/1.0.0', true)], '/pizza/1.0.0', '::1'), 'pizza');
    expect(
      denial(() => deniedRequest([{ ...ip('10.0.0.1'), conditionStatus: false }], '/x/1', '10.0.0.1')),
    ).toBeUndefined();
  });

  it('denies a fixed IP, comparing addresses (not texts) of the same family', () => {
    expectDenied(() => deniedRequest([ip('10.0.0.7')], '/x/1', '10.0.0.7'), 'from 10.0.0.7');
    expect(denial(() => deniedRequest([ip('10.0.0.7')], '/x/1', '10.0.0.8'))).toBeUndefined();
    expectDenied(() => deniedRequest([ip('0:0:0:0:0:0:0:1')], '/x/1', '::1'), '::1');
    expectDenied(() => deniedRequest([ip('2001:DB8::1')], '/x/1', '2001:db8::1'), '2001:db8::1');
    // 0.0.0.1 and ::1 are the same number, but not the same address.
    expect(denial(() => deniedRequest([ip('0.0.0.1')], '/x/1', '::1'))).toBeUndefined();
  });

  it('denies every address of a range, ends included', () => {
    const policies = [range('192.168.1.10', '192.168.1.20')];
    for (const inside of ['192.168.1.10', '192.168.1.15', '192.168.1.20']) {
      expectDenied(() => deniedRequest(policies, '/x/1', inside), inside);
    }
    for (const outside of ['192.168.1.9', '192.168.1.21', '10.0.0.1', '::1']) {
      expect(
        denial(() => deniedRequest(policies, '/x/1', outside)),
        outside,
      ).toBeUndefined();
    }
    const v6 = [range('2001:db8::', '2001:db8::ffff')];
    expectDenied(() => deniedRequest(v6, '/x/1', '2001:db8::abcd'), '2001:db8::abcd');
    expect(denial(() => deniedRequest(v6, '/x/1', '2001:db8::1:0'))).toBeUndefined();
  });

  it('invert denies every address but the one (or the range) named', () => {
    expect(denial(() => deniedRequest([ip('10.0.0.1', true)], '/x/1', '10.0.0.1'))).toBeUndefined();
    expectDenied(() => deniedRequest([ip('10.0.0.1', true)], '/x/1', '10.0.0.2'), '10.0.0.2');
    const allowedRange = [range('10.0.0.0', '10.0.0.255', true)];
    expect(denial(() => deniedRequest(allowedRange, '/x/1', '10.0.0.99'))).toBeUndefined();
    expectDenied(() => deniedRequest(allowedRange, '/x/1', '10.0.1.0'), '10.0.1.0');
    // An address of the other family is outside the range, so an inverted range denies it.
    expectDenied(() => deniedRequest(allowedRange, '/x/1', '::1'), '::1');
  });

  it('leaves application and user policies to the check after authentication', () => {
    expect(
      denial(() => deniedRequest([application('alice:app'), user('alice')], '/x/1', '10.0.0.1')),
    ).toBeUndefined();
  });

  it('lets everything through without policies', () => {
    expect(denial(() => deniedRequest([], '/x/1', '10.0.0.1'))).toBeUndefined();
  });
});

describe('checkDeniedCaller (application and user)', () => {
  it('denies the application named owner:name', () => {
    expectDenied(
      () => deniedCaller([application('alice:Mobile App')], 'alice:Mobile App', undefined),
      'alice:Mobile App',
    );
    expect(
      denial(() => deniedCaller([application('alice:Mobile App')], 'bob:Mobile App', 'alice')),
    ).toBeUndefined();
    expect(
      denial(() => deniedCaller([application('alice:Mobile App')], undefined, undefined)),
    ).toBeUndefined();
  });

  it('denies the user', () => {
    expectDenied(() => deniedCaller([user('mallory')], 'alice:app', 'mallory'), 'mallory');
    expect(denial(() => deniedCaller([user('mallory')], 'alice:app', 'alice'))).toBeUndefined();
    // A token of an application acting for itself has no user.
    expect(denial(() => deniedCaller([user('mallory')], 'mallory:app', undefined))).toBeUndefined();
  });

  it('ignores switched-off policies and the policies checked before authentication', () => {
    const off: DenyPolicy = { ...user('mallory'), conditionStatus: false };
    expect(denial(() => deniedCaller([off], 'a:b', 'mallory'))).toBeUndefined();
    expect(denial(() => deniedCaller([api('/x/1'), ip('10.0.0.1')], 'a:b', 'mallory'))).toBeUndefined();
  });
});
