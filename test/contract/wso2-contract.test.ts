/** The WSO2 contract harness itself: it must accept valid bodies and catch real deviations readably. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import {
  expectWso2Reply,
  expectWso2Request,
  expectWso2Response,
  wso2Schema,
  type Wso2Api,
} from '../support/wso2-contract.js';

const POLICIES = '/throttling/policies/application';
const POLICY = '/throttling/policies/application/{policyId}';

const errorBody = () => ({
  code: 400,
  message: 'Bad Request',
  description: 'x',
  moreInfo: '',
  error: [{ code: '400', message: 'name: is required' }],
});

const policy = () => ({
  policyId: 'e0fd4a15-969e-4056-94c8-8a7b56f8103f',
  policyName: '10PerMin',
  defaultLimit: {
    type: 'REQUESTCOUNTLIMIT',
    requestCount: { timeUnit: 'min', unitTime: 1, requestCount: 10 },
  },
});

describe('WSO2 contract harness: responses', () => {
  it('accepts a valid Error body for a 400 (via components/responses/BadRequest)', () => {
    expect(() => expectWso2Response('admin', 'POST', POLICIES, 400, errorBody())).not.toThrow();
  });

  it('rejects an Error whose code is not an integer, naming the schema and the field', () => {
    const call = () => expectWso2Response('admin', 'POST', POLICIES, 400, { ...errorBody(), code: 'x' });
    expect(call).toThrow(/Response 400 of POST \/throttling\/policies\/application/);
    expect(call).toThrow(/WSO2 admin schema Error:/);
    expect(call).toThrow(/- \/code: must be integer/);
  });

  it('lists every error, not just the first', () => {
    const body = { code: 1.5, error: [{ code: 400 }] };
    let message = '';
    try {
      expectWso2Response('admin', 'POST', POLICIES, 400, body);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/\(root\): must have required property 'message'/);
    expect(message).toMatch(/\/code: must match format "int64"/);
    expect(message).toMatch(/\/error\/0: must have required property 'message'/);
    expect(message).toMatch(/\/error\/0\/code: must be string/);
  });

  it('accepts a valid ApplicationThrottlePolicy (allOf ThrottlePolicy with a discriminator)', () => {
    expect(() => expectWso2Response('admin', 'GET', POLICY, 200, policy())).not.toThrow();
    expect(() => expectWso2Response('admin', 'get', POLICY, 200, { ...policy(), extra: 1 })).not.toThrow();
  });

  it('rejects a policy with an unknown limit type, listing the allowed values', () => {
    const body = policy();
    body.defaultLimit.type = 'NOPE';
    expect(() => expectWso2Response('admin', 'GET', POLICY, 200, body)).toThrow(
      /\/defaultLimit\/type: must be equal to one of the allowed values \(REQUESTCOUNTLIMIT, BANDWIDTHLIMIT/,
    );
  });

  it('rejects a policy whose requestCount is a string, or that lacks required fields', () => {
    const body = {
      ...policy(),
      defaultLimit: {
        type: 'REQUESTCOUNTLIMIT',
        requestCount: { timeUnit: 'min', unitTime: 1, requestCount: '10' },
      },
    };
    expect(() => expectWso2Response('admin', 'GET', POLICY, 200, body)).toThrow(
      /\/defaultLimit\/requestCount\/requestCount: must be integer/,
    );
    const unnamed: Partial<ReturnType<typeof policy>> = policy();
    delete unnamed.policyName;
    expect(() => expectWso2Response('admin', 'GET', POLICY, 200, unnamed)).toThrow(
      /ApplicationThrottlePolicy:\n.*must have required property 'policyName'/,
    );
  });

  it('accepts an Environment list and enforces its nested required fields', () => {
    const list = { count: 1, list: [{ name: 'Default', vhosts: [{ host: 'localhost' }] }] };
    expect(() => expectWso2Response('admin', 'GET', '/environments', 200, list)).not.toThrow();
    const noHost = { count: 1, list: [{ name: 'Default', vhosts: [{ httpPort: 8280 }] }] };
    expect(() => expectWso2Response('admin', 'GET', '/environments', 200, noHost)).toThrow(
      /\/list\/0\/vhosts\/0: must have required property 'host'/,
    );
  });

  it('accepts large int64 integers and null for nullable fields only', () => {
    const key = wso2Schema('admin', 'APIKey');
    expect(key({ issuedOn: 1_599_196_134_000, lastUsed: null })).toBe(true);
    expect(key({ issuedOn: null })).toBe(false);
    expect(key({ issuedOn: 1.5 })).toBe(false);
  });

  it('falls back to the default response for an unlisted status', () => {
    expect(() => expectWso2Response('admin', 'GET', '/transaction-count', 500, errorBody())).not.toThrow();
    expect(() => expectWso2Response('admin', 'GET', '/transaction-count', 503, { message: 'x' })).toThrow(
      /Response 503 of GET \/transaction-count does not match WSO2 admin schema Error/,
    );
  });

  it('requires an empty body when the response has no content', () => {
    expect(() => expectWso2Response('admin', 'DELETE', POLICY, 200, undefined)).not.toThrow();
    expect(() => expectWso2Response('admin', 'DELETE', POLICY, 200, '')).not.toThrow();
    expect(() => expectWso2Response('admin', 'DELETE', POLICY, 200, { ok: true })).toThrow(/has no content/);
  });

  it('throws clearly for a path, method or status the definition lacks', () => {
    expect(() => expectWso2Response('admin', 'GET', '/nope', 200, {})).toThrow(/not in the admin definition/);
    expect(() => expectWso2Response('admin', 'PATCH', POLICY, 200, {})).toThrow(
      /PATCH \/throttling\/policies\/application\/\{policyId\} is not in the admin definition \(methods of the path: get, put, delete\)/,
    );
    expect(() => expectWso2Response('admin', 'GET', POLICY, 418, {})).toThrow(
      /Status 418 of GET .* is not in the admin definition \(has 200, 404, 406\)/,
    );
  });
});

describe('WSO2 contract harness: replies with statuses the definition leaves out', () => {
  const error = { code: 900901, message: 'Unauthenticated', description: 'x', moreInfo: '', error: [] };

  it('checks an undocumented error status against the Error schema', () => {
    expect(() => expectWso2Response('devportal', 'GET', '/applications', 401, error)).toThrow(/not in the/);
    expect(() => expectWso2Reply('devportal', 'GET', '/applications', 401, error)).not.toThrow();
    expect(() => expectWso2Reply('devportal', 'GET', '/applications', 401, { code: 'x' })).toThrow(/Error/);
  });

  it('checks an error documented without a body against the Error schema too', () => {
    const template = '/subscriptions/{subscriptionId}';
    expect(() => expectWso2Response('devportal', 'PUT', template, 404, error)).toThrow(/no content/);
    expect(() => expectWso2Reply('devportal', 'PUT', template, 404, error)).not.toThrow();
  });

  it('still holds documented and successful replies to their own schemas', () => {
    expect(() => expectWso2Reply('devportal', 'GET', '/applications', 200, { count: 'one' })).toThrow();
    expect(() => expectWso2Reply('devportal', 'GET', '/no-such-path', 200, {})).toThrow();
  });
});

describe('WSO2 contract harness: requests', () => {
  it('validates request bodies; readOnly properties are accepted', () => {
    const create: Partial<ReturnType<typeof policy>> = policy();
    delete create.policyId;
    expect(() => expectWso2Request('admin', 'POST', POLICIES, create)).not.toThrow();
    expect(() => expectWso2Request('admin', 'POST', POLICIES, policy())).not.toThrow();
    expect(() => expectWso2Request('admin', 'POST', POLICIES, { policyName: 'x' })).toThrow(
      /Request body of POST .* must have required property 'defaultLimit'/s,
    );
    expect(() => expectWso2Request('admin', 'POST', POLICIES, undefined)).toThrow(/is required/);
  });

  it('rejects a body for an operation without a request body', () => {
    expect(() => expectWso2Request('admin', 'GET', '/environments', undefined)).not.toThrow();
    expect(() => expectWso2Request('admin', 'GET', '/environments', { a: 1 })).toThrow(/has no request body/);
  });
});

describe('WSO2 contract harness: definitions', () => {
  it('checks publisher API: name, context and version are required', () => {
    const api = wso2Schema('publisher', 'API');
    expect(api({ name: 'PizzaShackAPI', context: '/pizzashack', version: '1.0.0' })).toBe(true);
    expect(api({ name: 'PizzaShackAPI', context: '/pizzashack' })).toBe(false);
    expect(api.errors?.map((e) => e.message)).toContain("must have required property 'version'");
    expect(() =>
      expectWso2Request('publisher', 'POST', '/apis', { name: 'A', context: '/a', version: 'v1' }),
    ).not.toThrow();
  });

  it('checks devportal Application: name and throttlingPolicy are required', () => {
    const app = wso2Schema('devportal', 'Application');
    expect(app({ name: 'DefaultApplication', throttlingPolicy: 'Unlimited' })).toBe(true);
    expect(app({ name: 'DefaultApplication' })).toBe(false);
    expect(app({ name: 'DefaultApplication', throttlingPolicy: 'Unlimited', tokenType: 'SAML' })).toBe(false);
    expect(() => wso2Schema('devportal', 'Nope')).toThrow(/Schema Nope is not in the devportal definition/);
  });

  it.each<Wso2Api>(['admin', 'publisher', 'devportal'])(
    'compiles every operation body schema of the %s definition and accepts all its JSON examples',
    (api) => {
      // Bodies `{}` mostly mismatch; the point is that every schema resolves and compiles.
      const expected = /does not match WSO2|has no (application\/json )?content|has no request body/;
      const probe = (fn: () => void) => {
        try {
          fn();
        } catch (err) {
          if (!expected.test((err as Error).message)) throw err;
        }
      };
      const doc = readDefinition(api);
      let operations = 0;
      let examples = 0;
      for (const [pathTemplate, item] of Object.entries(doc.paths)) {
        for (const [method, op] of Object.entries(item)) {
          if (!op.responses) continue;
          operations++;
          for (const [code, response] of Object.entries(op.responses)) {
            const status = code === 'default' ? 599 : Number(code);
            probe(() => expectWso2Response(api, method, pathTemplate, status, {}));
            const example = jsonExample(doc, response);
            if (example === undefined) continue;
            examples++;
            expectWso2Response(api, method, pathTemplate, status, example);
          }
          probe(() => expectWso2Request(api, method, pathTemplate, {}));
          const example = jsonExample(doc, op.requestBody);
          if (example === undefined) continue;
          examples++;
          expectWso2Request(api, method, pathTemplate, example);
        }
      }
      expect(operations).toBeGreaterThan(90);
      expect(examples).toBeGreaterThan(100);
    },
  );
});

interface Body {
  $ref?: string;
  content?: Record<string, { example?: unknown }>;
}
interface Definition {
  paths: Record<string, Record<string, { responses?: Record<string, Body>; requestBody?: Body }>>;
  components: Record<string, Record<string, Body>>;
}

function readDefinition(api: Wso2Api): Definition {
  const dir = process.env['WSO2_REST_DIR'] ?? '/work/shared/reference/wso2-rest';
  return yaml.load(readFileSync(path.join(dir, `${api}-api.yaml`), 'utf8'), {
    schema: yaml.CORE_SCHEMA,
  }) as Definition;
}

function jsonExample(doc: Definition, body: Body | undefined): unknown {
  const [, , section = '', name = ''] = body?.$ref?.split('/') ?? [];
  const target = body?.$ref ? doc.components[section]?.[name] : body;
  return target?.content?.['application/json']?.example;
}
