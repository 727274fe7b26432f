/**
 * CORS per API (its corsConfiguration), else the gateway's default (gateway.cors*): which origin an actual
 * response allows (the one named, `*`, or the caller's own when credentials are allowed with a wildcard), and
 * the answer to a preflight.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import {
  corsHeaders,
  corsPolicyOf,
  gatewayCorsPolicy,
  preflight,
  type CorsPolicy,
} from '../../src/gateway/pipeline/cors.js';
import type { Api } from '../../src/publisher/apis/api-schemas.js';
import { requestOf } from './fixtures.js';

/** The policy of an API with this corsConfiguration on a gateway without a default policy. */
const apiWith = (corsConfiguration?: Api['corsConfiguration'], fallback?: CorsPolicy) =>
  corsPolicyOf(
    { name: 'cors', context: '/cors', version: '1.0.0', ...(corsConfiguration ? { corsConfiguration } : {}) },
    fallback,
  );

const gatewayDefault = (env: Record<string, string> = {}) =>
  gatewayCorsPolicy(loadConfig({ env, cwd: '/nonexistent' }).config.gateway);

const SHOP = 'https://shop.example.com';

describe('corsHeaders', () => {
  it('adds nothing when CORS is off, not configured, or the request has no Origin', () => {
    expect(corsHeaders(apiWith(), requestOf('GET', { origin: SHOP }))).toEqual({});
    expect(
      corsHeaders(
        apiWith({ corsConfigurationEnabled: false, accessControlAllowOrigins: ['*'] }),
        requestOf('GET', { origin: SHOP }),
      ),
    ).toEqual({});
    expect(corsHeaders(apiWith({ corsConfigurationEnabled: true }), requestOf('GET'))).toEqual({});
  });

  it('allows a listed origin by name, varying on Origin', () => {
    const api = apiWith({ corsConfigurationEnabled: true, accessControlAllowOrigins: [SHOP] });
    expect(corsHeaders(api, requestOf('GET', { origin: SHOP }))).toEqual({
      'access-control-allow-origin': SHOP,
      vary: 'Origin',
    });
  });

  it('allows nothing for an origin that is not listed', () => {
    const api = apiWith({ corsConfigurationEnabled: true, accessControlAllowOrigins: [SHOP] });
    expect(corsHeaders(api, requestOf('GET', { origin: 'https://evil.example.com' }))).toEqual({});
    expect(corsHeaders(api, requestOf('GET', { origin: 'https://shop.example.com.evil.com' }))).toEqual({});
  });

  it('answers * for a wildcard (the default when no origins are listed)', () => {
    for (const api of [
      apiWith({ corsConfigurationEnabled: true, accessControlAllowOrigins: ['*'] }),
      apiWith({ corsConfigurationEnabled: true }),
    ]) {
      expect(corsHeaders(api, requestOf('GET', { origin: SHOP }))).toEqual({
        'access-control-allow-origin': '*',
      });
    }
  });

  it('with credentials, a wildcard answers the caller’s origin (never * with credentials)', () => {
    const api = apiWith({
      corsConfigurationEnabled: true,
      accessControlAllowOrigins: ['*'],
      accessControlAllowCredentials: true,
    });
    expect(corsHeaders(api, requestOf('POST', { origin: SHOP }))).toEqual({
      'access-control-allow-origin': SHOP,
      vary: 'Origin',
      'access-control-allow-credentials': 'true',
    });
  });
});

describe('preflight', () => {
  const api = apiWith({
    corsConfigurationEnabled: true,
    accessControlAllowOrigins: [SHOP],
    accessControlAllowMethods: ['GET', 'POST'],
    accessControlAllowHeaders: ['authorization', 'content-type'],
    accessControlAllowCredentials: true,
  });

  it('is not a preflight without OPTIONS and Access-Control-Request-Method', () => {
    expect(
      preflight(api, requestOf('GET', { origin: SHOP, 'access-control-request-method': 'GET' })),
    ).toBeUndefined();
    expect(preflight(api, requestOf('OPTIONS', { origin: SHOP }))).toBeUndefined();
  });

  it('answers the methods, headers and max age the API configures', () => {
    expect(
      preflight(api, requestOf('OPTIONS', { origin: SHOP, 'access-control-request-method': 'POST' })),
    ).toEqual({
      'access-control-allow-origin': SHOP,
      vary: 'Origin',
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'GET, POST',
      'access-control-allow-headers': 'authorization, content-type',
      'access-control-max-age': '3600',
    });
  });

  it("answers WSO2's default methods and headers when the API lists none", () => {
    const open = apiWith({ corsConfigurationEnabled: true });
    expect(
      preflight(open, requestOf('OPTIONS', { origin: SHOP, 'access-control-request-method': 'GET' })),
    ).toEqual({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'GET, PUT, POST, DELETE, PATCH, OPTIONS',
      'access-control-allow-headers': 'authorization, Access-Control-Allow-Origin, Content-Type, SOAPAction',
      'access-control-max-age': '3600',
    });
  });

  it('allows nothing for an origin that is not allowed, or when CORS is off', () => {
    expect(
      preflight(
        api,
        requestOf('OPTIONS', { origin: 'https://evil.example.com', 'access-control-request-method': 'GET' }),
      ),
    ).toEqual({});
    expect(
      preflight(apiWith(), requestOf('OPTIONS', { origin: SHOP, 'access-control-request-method': 'GET' })),
    ).toEqual({});
  });
});

describe("the gateway's default policy (WSO2's [apim.cors])", () => {
  const request = () => requestOf('OPTIONS', { origin: SHOP, 'access-control-request-method': 'GET' });

  it('answers for an API whose own CORS is off: any origin, WSO2 default methods and headers', () => {
    expect(preflight(apiWith(undefined, gatewayDefault()), request())).toEqual({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'GET, PUT, POST, DELETE, PATCH, OPTIONS',
      'access-control-allow-headers':
        'authorization, Access-Control-Allow-Origin, Content-Type, SOAPAction, apikey',
      'access-control-max-age': '3600',
    });
  });

  it("gives way to the API's own configuration when it enables CORS", () => {
    const own = apiWith(
      { corsConfigurationEnabled: true, accessControlAllowOrigins: ['https://other.example'] },
      gatewayDefault(),
    );
    expect(corsHeaders(own, requestOf('GET', { origin: SHOP }))).toEqual({});
  });

  it('follows its configuration, and is gone when gateway.cors is off', () => {
    const listed = gatewayDefault({
      PORTCULLIS_GATEWAY__CORS_ALLOW_ORIGINS: `["${SHOP}"]`,
      PORTCULLIS_GATEWAY__CORS_ALLOW_HEADERS: '["authorization","x-trace"]',
    });
    expect(preflight(apiWith(undefined, listed), request())).toMatchObject({
      'access-control-allow-origin': SHOP,
      'access-control-allow-headers': 'authorization, x-trace',
    });
    expect(
      corsHeaders(apiWith(undefined, listed), requestOf('GET', { origin: 'https://evil.example' })),
    ).toEqual({});
    const off = gatewayDefault({ PORTCULLIS_GATEWAY__CORS: 'false' });
    expect(off).toBeUndefined();
    expect(preflight(apiWith(undefined, off), request())).toEqual({});
  });
});
