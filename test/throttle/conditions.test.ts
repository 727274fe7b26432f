/**
 * The condition groups of advanced throttling policies: IP (a fixed address or an IPv4/IPv6 range, never across
 * families), header (a regular expression found in the value; one that does not compile matches literally),
 * query parameter (exact value), JWT claim (a regular expression found in the claim), each invertible; a group
 * matches only when all of its conditions hold.
 */
import type { Static } from 'typebox';
import { describe, expect, it } from 'vitest';
import type { ThrottleConditionSchema } from '../../src/publisher/admin/policy-schemas.js';
import { compileConditions, type ThrottleRequest } from '../../src/throttle/conditions.js';

type Condition = Static<typeof ThrottleConditionSchema>;

interface RequestParts {
  clientIp?: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  claims?: Record<string, string>;
}

/** A request as conditions see it; headers are looked up by lower-case name, as Node stores them. */
function request(parts: RequestParts = {}): ThrottleRequest {
  const headers = Object.fromEntries(
    Object.entries(parts.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
  );
  return {
    clientIp: parts.clientIp ?? '192.0.2.1',
    header: (name) => headers[name],
    query: (name) => parts.query?.[name],
    claim: (uri) => parts.claims?.[uri],
  };
}

const matches = (conditions: Condition[], parts: RequestParts = {}) =>
  compileConditions(conditions)(request(parts));

const ip = (specificIP: string, invertCondition?: boolean): Condition => ({
  type: 'IPCONDITION',
  ...(invertCondition === undefined ? {} : { invertCondition }),
  ipCondition: { ipConditionType: 'IPSPECIFIC', specificIP },
});
const ipRange = (startingIP: string, endingIP: string, invertCondition?: boolean): Condition => ({
  type: 'IPCONDITION',
  ...(invertCondition === undefined ? {} : { invertCondition }),
  ipCondition: { ipConditionType: 'IPRANGE', startingIP, endingIP },
});
const header = (headerName: string, headerValue: string, invertCondition?: boolean): Condition => ({
  type: 'HEADERCONDITION',
  ...(invertCondition === undefined ? {} : { invertCondition }),
  headerCondition: { headerName, headerValue },
});
const query = (parameterName: string, parameterValue: string, invertCondition?: boolean): Condition => ({
  type: 'QUERYPARAMETERCONDITION',
  ...(invertCondition === undefined ? {} : { invertCondition }),
  queryParameterCondition: { parameterName, parameterValue },
});
const claim = (claimUrl: string, attribute: string, invertCondition?: boolean): Condition => ({
  type: 'JWTCLAIMSCONDITION',
  ...(invertCondition === undefined ? {} : { invertCondition }),
  jwtClaimsCondition: { claimUrl, attribute },
});

const TIER = 'http://wso2.org/claims/applicationtier';

describe('IP conditions', () => {
  it('match the one address of a specific IP condition', () => {
    expect(matches([ip('10.1.2.3')], { clientIp: '10.1.2.3' })).toBe(true);
    expect(matches([ip('10.1.2.3')], { clientIp: '10.1.2.4' })).toBe(false);
    expect(matches([ip('2001:db8::1')], { clientIp: '2001:db8:0:0:0:0:0:1' })).toBe(true);
    expect(matches([ip('2001:db8::1')], { clientIp: '2001:db8::2' })).toBe(false);
  });

  it('match an IPv4 range, both ends included', () => {
    const range = [ipRange('10.0.0.10', '10.0.1.20')];
    for (const inside of ['10.0.0.10', '10.0.0.255', '10.0.1.0', '10.0.1.20']) {
      expect(matches(range, { clientIp: inside }), inside).toBe(true);
    }
    for (const outside of ['10.0.0.9', '10.0.1.21', '9.255.255.255', '11.0.0.15']) {
      expect(matches(range, { clientIp: outside }), outside).toBe(false);
    }
  });

  it('match an IPv6 range, compressed or not', () => {
    const range = [ipRange('2001:db8::10', '2001:db8::1:0')];
    for (const inside of ['2001:db8::10', '2001:db8::ffff', '2001:0db8:0:0:0:0:1:0', '2001:db8::80']) {
      expect(matches(range, { clientIp: inside }), inside).toBe(true);
    }
    for (const outside of ['2001:db8::f', '2001:db8::1:1', '2001:db9::10', '::1']) {
      expect(matches(range, { clientIp: outside }), outside).toBe(false);
    }
  });

  it('never match an address of the other family, whatever its number', () => {
    // ::a00:5 is the same 32-bit number as 10.0.0.5; 0.0.0.1 the same as ::1.
    expect(matches([ipRange('10.0.0.0', '10.0.0.255')], { clientIp: '::a00:5' })).toBe(false);
    expect(matches([ipRange('10.0.0.0', '10.0.0.255')], { clientIp: '::ffff:10.0.0.5' })).toBe(false);
    expect(matches([ip('::1')], { clientIp: '0.0.0.1' })).toBe(false);
    expect(matches([ip('10.0.0.1')], { clientIp: 'not-an-ip' })).toBe(false);
  });
});

describe('header conditions', () => {
  it('find the regular expression anywhere in the value, not as a full match', () => {
    const mobile = [header('User-Agent', 'Mobile')];
    expect(matches(mobile, { headers: { 'user-agent': 'Mozilla/5.0 (iPhone) Mobile/15E148' } })).toBe(true);
    expect(matches(mobile, { headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux)' } })).toBe(false);
    // Case-sensitive, as WSO2's Java patterns are.
    expect(matches(mobile, { headers: { 'user-agent': 'mobile' } })).toBe(false);
  });

  it('honour anchors and regular expression syntax', () => {
    const anchored = [header('X-Tier', '^gold(-\\d+)?$')];
    expect(matches(anchored, { headers: { 'x-tier': 'gold' } })).toBe(true);
    expect(matches(anchored, { headers: { 'x-tier': 'gold-42' } })).toBe(true);
    expect(matches(anchored, { headers: { 'x-tier': 'golden' } })).toBe(false);
    expect(matches(anchored, { headers: { 'x-tier': 'a gold' } })).toBe(false);
  });

  it('look the header up whatever the case of its name in the policy', () => {
    expect(matches([header('X-CLIENT-Type', 'partner')], { headers: { 'x-client-type': 'partner' } })).toBe(
      true,
    );
  });

  it('do not match a request without the header', () => {
    expect(matches([header('X-Tier', '.*')], { headers: {} })).toBe(false);
  });

  it('match a value that does not compile as a regular expression literally', () => {
    const broken = [header('X-Filter', 'price(*')];
    expect(matches(broken, { headers: { 'x-filter': 'sort=price(*desc' } })).toBe(true);
    expect(matches(broken, { headers: { 'x-filter': 'price' } })).toBe(false);
    expect(matches(broken, { headers: { 'x-filter': 'priceeee' } })).toBe(false);
  });
});

describe('query parameter conditions', () => {
  it("match the parameter's exact value only", () => {
    const gold = [query('plan', 'gold')];
    expect(matches(gold, { query: { plan: 'gold' } })).toBe(true);
    expect(matches(gold, { query: { plan: 'golden' } })).toBe(false);
    expect(matches(gold, { query: { plan: 'Gold' } })).toBe(false);
    expect(matches(gold, { query: { plan: 'gol.' } })).toBe(false);
    expect(matches(gold, { query: { other: 'gold' } })).toBe(false);
  });

  it('take the value as text, not as a regular expression', () => {
    expect(matches([query('plan', 'g.*')], { query: { plan: 'gold' } })).toBe(false);
    expect(matches([query('plan', 'g.*')], { query: { plan: 'g.*' } })).toBe(true);
  });
});

describe('JWT claim conditions', () => {
  it('find the regular expression in the claim named by its URI', () => {
    const premium = [claim(TIER, 'Gold|Platinum')];
    expect(matches(premium, { claims: { [TIER]: 'Gold' } })).toBe(true);
    expect(matches(premium, { claims: { [TIER]: 'SuperPlatinumPlus' } })).toBe(true);
    expect(matches(premium, { claims: { [TIER]: 'Bronze' } })).toBe(false);
    expect(matches(premium, { claims: { 'http://wso2.org/claims/tier': 'Gold' } })).toBe(false);
    expect(matches(premium, {})).toBe(false);
  });
});

describe('invertCondition', () => {
  it('turns each kind of condition around', () => {
    expect(matches([ip('10.0.0.1', true)], { clientIp: '10.0.0.1' })).toBe(false);
    expect(matches([ip('10.0.0.1', true)], { clientIp: '10.0.0.2' })).toBe(true);
    expect(matches([ipRange('10.0.0.0', '10.0.0.9', true)], { clientIp: '10.0.0.10' })).toBe(true);
    expect(matches([header('X-Tier', 'gold', true)], { headers: { 'x-tier': 'gold' } })).toBe(false);
    expect(matches([header('X-Tier', 'gold', true)], { headers: { 'x-tier': 'silver' } })).toBe(true);
    expect(matches([query('plan', 'gold', true)], { query: { plan: 'gold' } })).toBe(false);
    expect(matches([query('plan', 'gold', true)], { query: { plan: 'free' } })).toBe(true);
    expect(matches([claim(TIER, 'Gold', true)], { claims: { [TIER]: 'Gold' } })).toBe(false);
    expect(matches([claim(TIER, 'Gold', true)], { claims: { [TIER]: 'Bronze' } })).toBe(true);
  });

  it('matches a request that lacks what the condition looks at', () => {
    expect(matches([header('X-Tier', 'gold', true)], {})).toBe(true);
    expect(matches([query('plan', 'gold', true)], {})).toBe(true);
    expect(matches([claim(TIER, 'Gold', true)], {})).toBe(true);
  });

  it('is the same as absent when false', () => {
    expect(matches([ip('10.0.0.1', false)], { clientIp: '10.0.0.1' })).toBe(true);
    expect(matches([ip('10.0.0.1', false)], { clientIp: '10.0.0.2' })).toBe(false);
  });
});

describe('a condition group', () => {
  const group = [ipRange('10.0.0.0', '10.0.0.255'), header('X-Tier', 'gold'), query('plan', 'paid')];
  const all: RequestParts = {
    clientIp: '10.0.0.7',
    headers: { 'x-tier': 'gold' },
    query: { plan: 'paid' },
  };

  it('matches when all of its conditions hold', () => {
    expect(matches(group, all)).toBe(true);
  });

  it('does not match when any one of them fails', () => {
    expect(matches(group, { ...all, clientIp: '10.0.1.7' })).toBe(false);
    expect(matches(group, { ...all, headers: { 'x-tier': 'silver' } })).toBe(false);
    expect(matches(group, { ...all, query: { plan: 'free' } })).toBe(false);
  });

  it('combines inverted and plain conditions', () => {
    const notFromOffice = [ipRange('10.0.0.0', '10.0.0.255', true), header('X-Tier', 'gold')];
    expect(matches(notFromOffice, { clientIp: '192.0.2.1', headers: { 'x-tier': 'gold' } })).toBe(true);
    expect(matches(notFromOffice, { clientIp: '10.0.0.1', headers: { 'x-tier': 'gold' } })).toBe(false);
  });
});
