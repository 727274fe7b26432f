/**
 * What an upload may not do: refer outside its definition, expand past any real size (YAML aliases), carry a
 * field larger than the body limit, or smuggle line breaks into a URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPublisherNode, type PublisherApi, type PublisherContext } from './apis-client.js';
import { importOpenapi, props } from './definitions-client.js';

let ctx: PublisherContext;
let api: PublisherApi;

beforeAll(async () => {
  ctx = await startPublisherNode('sqlite', { PORTCULLIS_HTTP__BODY_LIMIT: '65536' });
  api = ctx.apis;
}, 120_000);
afterAll(async () => {
  await ctx?.close();
});

const definitionWith = (extra: string) =>
  `openapi: 3.0.1\ninfo: {title: Limits, version: '1.0'}\npaths:\n  /a:\n    get:\n      responses: {'200': {description: ok}}\n${extra}`;

describe('definitions', () => {
  it('refuses a $ref outside the document without reading it', async () => {
    const reply = await importOpenapi(api, {
      inlineAPIDefinition: definitionWith(`components:\n  schemas:\n    Secret: {$ref: '/etc/hostname'}\n`),
      additionalProperties: props({ context: '/limits-ref' }),
    });
    expect(reply.status).toBe(400);
    expect(reply.body.description).toMatch(/refers outside itself/);
  });

  it('refuses a YAML alias bomb quickly', async () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) {
      const previous = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(10).fill(`*${previous}`).join(',')}]`);
    }
    const started = Date.now();
    const reply = await importOpenapi(api, {
      inlineAPIDefinition: definitionWith(`x-bomb:\n${levels.map((l) => `  ${l}`).join('\n')}\n`),
      additionalProperties: props({ context: '/limits-bomb' }),
    });
    expect(reply.status).toBe(400);
    expect(reply.body.description).toMatch(/too large/);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('form fields', () => {
  it('answers 413 for a field over the body limit instead of cutting it', async () => {
    const reply = await importOpenapi(api, {
      inlineAPIDefinition: definitionWith(`x-padding: '${'p'.repeat(70_000)}'\n`),
      additionalProperties: props({ context: '/limits-big' }),
    });
    expect(reply.status).toBe(413);
  });
});

describe('URLs', () => {
  it('refuses line breaks in a document URL and in an endpoint URL', async () => {
    const created = await api.call('POST', '/apis', {
      body: { name: 'LimitsUrl', context: '/limits-url', version: '1.0' },
    });
    expect(created.status).toBe(201);
    const document = await api.call('POST', `/apis/${created.body.id}/documents`, {
      template: '/apis/{apiId}/documents',
      body: {
        name: 'Forum',
        type: 'PUBLIC_FORUM',
        sourceType: 'URL',
        sourceUrl: 'https://ok.example/a\r\nSet-Cookie: pwn=1',
        visibility: 'API_LEVEL',
      },
    });
    expect(document.status).toBe(400);
    const endpoint = await api.call('POST', '/apis', {
      body: {
        name: 'LimitsEndpoint',
        context: '/limits-endpoint',
        version: '1.0',
        endpointConfig: {
          endpoint_type: 'http',
          production_endpoints: { url: 'http://backend\n.example/x' },
        },
      },
    });
    expect(endpoint.status).toBe(400);
  });
});
