/**
 * An API's backends per key type (backendSet): the endpoints of `http`, `load_balance` and `failover`
 * configurations, their origins, base paths and timeouts.
 */
import { describe, expect, it } from 'vitest';
import { backendSet } from '../../src/gateway/upstream/endpoints.js';
import type { EndpointConfig } from '../../src/publisher/apis/api-schemas.js';

const DEFAULT_TIMEOUT = 60_000;

describe('backendSet', () => {
  it('is undefined without an endpoint configuration or without endpoints for the key type', () => {
    expect(backendSet(undefined, 'PRODUCTION', DEFAULT_TIMEOUT)).toBeUndefined();
    const productionOnly: EndpointConfig = {
      endpoint_type: 'http',
      production_endpoints: { url: 'https://prod.example.com/api' },
    };
    expect(backendSet(productionOnly, 'SANDBOX', DEFAULT_TIMEOUT)).toBeUndefined();
    expect(backendSet(productionOnly, 'PRODUCTION', DEFAULT_TIMEOUT)).toBeDefined();
    const sandboxOnly: EndpointConfig = {
      endpoint_type: 'load_balance',
      sandbox_endpoints: [{ url: 'https://sandbox.example.com' }],
    };
    expect(backendSet(sandboxOnly, 'PRODUCTION', DEFAULT_TIMEOUT)).toBeUndefined();
  });

  it('http: the one endpoint of the key type, its origin and its path without trailing slashes', () => {
    const config: EndpointConfig = {
      endpoint_type: 'http',
      production_endpoints: { url: 'https://prod.example.com:8443/base/path//' },
      sandbox_endpoints: { url: 'http://sandbox.example.com' },
    };
    const production = backendSet(config, 'PRODUCTION', DEFAULT_TIMEOUT)!;
    expect(production.next()).toEqual([
      { origin: 'https://prod.example.com:8443', basePath: '/base/path', timeout: DEFAULT_TIMEOUT },
    ]);
    expect(production.next()).toEqual(production.next());
    expect(backendSet(config, 'SANDBOX', DEFAULT_TIMEOUT)!.next()).toEqual([
      { origin: 'http://sandbox.example.com', basePath: '', timeout: DEFAULT_TIMEOUT },
    ]);
  });

  it('http with a list uses its first endpoint', () => {
    const config: EndpointConfig = {
      endpoint_type: 'http',
      production_endpoints: [{ url: 'http://one.example.com/a' }, { url: 'http://two.example.com/b' }],
    };
    const set = backendSet(config, 'PRODUCTION', DEFAULT_TIMEOUT)!;
    for (let i = 0; i < 3; i++) expect(set.next().map((b) => b.origin)).toEqual(['http://one.example.com']);
  });

  it("takes each endpoint's actionDuration (number or numeric string) as its timeout, else the default", () => {
    const config: EndpointConfig = {
      endpoint_type: 'failover',
      production_endpoints: { url: 'http://a.example.com', config: { actionDuration: 1500 } },
      production_failovers: [
        { url: 'http://b.example.com', config: { actionDuration: '2500' } },
        { url: 'http://c.example.com', config: { actionDuration: 'soon' } },
        { url: 'http://d.example.com', config: { actionDuration: -5 } },
        { url: 'http://e.example.com', config: {} },
      ],
    };
    expect(
      backendSet(config, 'PRODUCTION', 777)!
        .next()
        .map((b) => b.timeout),
    ).toEqual([1500, 2500, 777, 777, 777]);
  });

  it('load_balance: one endpoint per request, in rotation', () => {
    const config: EndpointConfig = {
      endpoint_type: 'load_balance',
      production_endpoints: [
        { url: 'http://one.example.com' },
        { url: 'http://two.example.com' },
        { url: 'http://three.example.com' },
      ],
      sandbox_endpoints: [{ url: 'http://sandbox.example.com' }],
    };
    const set = backendSet(config, 'PRODUCTION', DEFAULT_TIMEOUT)!;
    const picks = Array.from({ length: 7 }, () => {
      const next = set.next();
      expect(next).toHaveLength(1);
      return next[0]!.origin.replace('http://', '').replace('.example.com', '');
    });
    expect(picks).toEqual(['one', 'two', 'three', 'one', 'two', 'three', 'one']);
    const sandbox = backendSet(config, 'SANDBOX', DEFAULT_TIMEOUT)!;
    expect([sandbox.next(), sandbox.next()].map((n) => n[0]!.origin)).toEqual([
      'http://sandbox.example.com',
      'http://sandbox.example.com',
    ]);
  });

  it('each backend set rotates on its own', () => {
    const config: EndpointConfig = {
      endpoint_type: 'load_balance',
      production_endpoints: [{ url: 'http://one.example.com' }, { url: 'http://two.example.com' }],
    };
    const a = backendSet(config, 'PRODUCTION', DEFAULT_TIMEOUT)!;
    const b = backendSet(config, 'PRODUCTION', DEFAULT_TIMEOUT)!;
    expect(a.next()[0]!.origin).toBe('http://one.example.com');
    expect(b.next()[0]!.origin).toBe('http://one.example.com');
    expect(a.next()[0]!.origin).toBe('http://two.example.com');
  });

  it('failover: the endpoints of the key type, then its failovers, in order, every time', () => {
    const config: EndpointConfig = {
      endpoint_type: 'failover',
      production_endpoints: { url: 'https://primary.example.com/api' },
      production_failovers: [
        { url: 'https://secondary.example.com/api' },
        { url: 'https://third.example.com' },
      ],
      sandbox_endpoints: { url: 'https://sandbox.example.com/api' },
      sandbox_failovers: [{ url: 'https://sandbox-2.example.com/api' }],
    };
    const production = backendSet(config, 'PRODUCTION', DEFAULT_TIMEOUT)!;
    const origins = () => production.next().map((b) => b.origin);
    expect(origins()).toEqual([
      'https://primary.example.com',
      'https://secondary.example.com',
      'https://third.example.com',
    ]);
    expect(origins()).toEqual(origins());
    expect(
      backendSet(config, 'SANDBOX', DEFAULT_TIMEOUT)!
        .next()
        .map((b) => `${b.origin}${b.basePath}`),
    ).toEqual(['https://sandbox.example.com/api', 'https://sandbox-2.example.com/api']);
  });

  it('failover without failovers is the endpoint alone', () => {
    const config: EndpointConfig = {
      endpoint_type: 'failover',
      production_endpoints: { url: 'https://primary.example.com/api' },
    };
    expect(backendSet(config, 'PRODUCTION', DEFAULT_TIMEOUT)!.next()).toHaveLength(1);
  });
});
