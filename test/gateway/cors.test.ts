/**
 * CORS per API (its corsConfiguration): which origin an actual response allows (the one named, `*`, or the
 * caller's own when credentials are allowed with a wildcard), and the answer to a preflight.
 */
import { describe, expect, it } from 'vitest';
import { corsHeaders, preflight } from '../../src/gateway/pipeline/cors.js';
import type { Api } from '../../src/publisher/apis/api-schemas.js';
import { requestOf } from './fixtures.js';

const apiWith = (corsConfiguration?: Api['corsConfiguration']): Api => ({
  name: 'cors',
  context: '/cors',
  version: '1.0.0',
  ...(corsConfiguration ? { corsConfiguration } : {}),
});

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
