/**
 * The portals as a new user walks them, in Debian's chromium: an API provider signs in to the Publisher,
 * imports an OpenAPI file, deploys and publishes the API; a developer signs up on the Developer Portal,
 * creates an application, subscribes, generates keys and a token, and calls the API from the console through
 * the gateway; the call shows in the application's chart and in the API's; the provider blocks the
 * subscription and the console call fails with the gateway's 900907. Screenshots of each main page go to
 * test/browser/screenshots/.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Analytics } from '../../src/analytics/analytics-schemas.js';
import type { AnalyticsComponent } from '../../src/analytics/component.js';
import { adminCredentials, discover, passwordGrant, registerClient } from '../support/oauth-helpers.js';
import {
  chromiumAvailable,
  screenshot,
  signIn,
  startBrowserSuite,
  type BrowserSuite,
  type PortalNode,
} from './browser-support.js';

const PETSTORE = fileURLToPath(new URL('./fixtures/petstore.yaml', import.meta.url));
const available = chromiumAvailable();
const STEP = { timeout: 60_000 };

const suffix = Date.now().toString(36);
const API_NAME = `Petstore${suffix}`;
const CONTEXT = `/pets-${suffix}`;
const DEVELOPER = { username: `dev-${suffix}`, password: 'a-long-developer-password' };
const APP_NAME = 'Pet finder';

let suite: BrowserSuite;
let node: PortalNode;
let backend: http.Server;
let backendUrl: string;
let provider: Page;
let developer: Page;

beforeAll(async () => {
  if (!available) return;
  backend = http.createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end('[{"id":1,"name":"Rex"}]');
  });
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
  suite = await startBrowserSuite();
  node = suite.node;
  // Two people, two browser profiles: the provider's sign-in must not carry over to the developer.
  provider = await suite.newPage();
  developer = await suite.newPage();
}, 120_000);

afterAll(async () => {
  await suite?.close();
  await new Promise((resolve) => backend?.close(resolve));
  expect(suite?.pageErrors ?? []).toEqual([]);
});

/**
 * Writes the analytics once the console call has reached them: the gateway publishes its request events
 * every 200 ms, so a single flush right after the call can come before the event and leave it in memory
 * until its minute ends. Flushes until the Publisher's overall analytics count the call.
 */
async function flushAnalytics(): Promise<void> {
  const analytics = node.node.components.find((c) => c.name === 'analytics') as AnalyticsComponent;
  const client = await registerClient(node);
  const { access_token: token } = await passwordGrant(
    node,
    await discover(node),
    client,
    adminCredentials(node),
    'apim:api_view',
  );
  await vi.waitFor(
    async () => {
      await analytics.flush();
      const response = await node.fetch(`${node.baseUrl}/api/am/publisher/v4/analytics?range=1h`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.status).toBe(200);
      expect(((await response.json()) as Analytics).totals.requests).toBeGreaterThanOrEqual(1);
    },
    { timeout: 10_000, interval: 200 },
  );
}

/** The number a totals stat shows, e.g. the "Requests" of an analytics view. */
async function stat(page: Page, label: string): Promise<number> {
  const text = await page.getByRole('group', { name: label, exact: true }).innerText();
  return Number(/([\d,]+)/.exec(text.replace(label, ''))?.[1]?.replaceAll(',', '') ?? NaN);
}

describe.skipIf(!available)('a new user walks through the portals', () => {
  it('the provider signs in to the Publisher and imports an OpenAPI file', STEP, async () => {
    await signIn(provider, `${node.baseUrl}/publisher/`, 'admin', node.adminPassword);
    await provider.getByRole('heading', { name: 'APIs' }).waitFor();
    await screenshot(provider, 'publisher-apis-empty');
    await provider.getByRole('button', { name: 'Create API' }).first().click();
    await provider.getByRole('menuitem', { name: 'Import OpenAPI' }).click();
    await provider.getByRole('heading', { name: 'Import an OpenAPI definition' }).waitFor();
    await provider.setInputFiles('input[type=file]', PETSTORE);
    await provider.getByRole('textbox', { name: 'Name', exact: true }).fill(API_NAME);
    await provider.getByRole('textbox', { name: 'Context', exact: true }).fill(CONTEXT);
    await provider.getByRole('textbox', { name: 'Production endpoint URL', exact: true }).fill(backendUrl);
    await screenshot(provider, 'publisher-import');
    await provider.getByRole('button', { name: 'Import API' }).click();
    await provider.getByRole('tab', { name: 'Overview' }).waitFor();
    await expect.poll(() => provider.getByText(API_NAME).count()).toBeGreaterThan(0);
    // A Created API offers Publish, and not what only a Published one allows.
    await provider.getByRole('button', { name: 'Publish', exact: true }).waitFor();
    await expect(provider.getByRole('button', { name: 'Deprecate', exact: true }).count()).resolves.toBe(0);
  });

  it('creates a revision, deploys it to Default and publishes the API', STEP, async () => {
    await provider.getByRole('tab', { name: 'Revisions & Deployments' }).click();
    await provider.getByRole('button', { name: 'Create revision' }).click();
    await provider.getByText('Revision 1 created.').waitFor();
    await provider.getByRole('button', { name: 'Deploy to Default' }).click();
    await provider.getByText(/deployed to Default/).waitFor();
    await screenshot(provider, 'publisher-deployments');
    await provider.getByRole('tab', { name: 'Overview' }).click();
    await provider.getByRole('button', { name: 'Publish', exact: true }).click();
    await provider.getByText(/is now Published/).waitFor();
    // Only the actions a Published API allows are offered now: Deprecate is, Retire is not.
    await provider.getByRole('button', { name: 'Deprecate', exact: true }).waitFor();
    await expect(provider.getByRole('button', { name: 'Retire', exact: true }).count()).resolves.toBe(0);
    await screenshot(provider, 'publisher-api-overview');
  });

  it('a developer signs up on the Developer Portal and signs in', STEP, async () => {
    await developer.goto(`${node.baseUrl}/devportal/`);
    await developer.getByRole('heading', { name: 'APIs' }).waitFor();
    await developer.getByText(API_NAME).first().waitFor();
    await screenshot(developer, 'devportal-catalogue');
    await developer
      .getByRole('link', { name: /create an account/i })
      .first()
      .click();
    await developer.getByRole('textbox', { name: 'Username', exact: true }).fill('admin');
    await developer.getByRole('textbox', { name: 'Password', exact: true }).fill(DEVELOPER.password);
    await developer.getByRole('textbox', { name: 'Confirm password', exact: true }).fill(DEVELOPER.password);
    await developer.getByRole('button', { name: 'Create account' }).click();
    // The server's answer, next to the field it is about.
    await developer
      .getByText(/already|taken|exists/i)
      .first()
      .waitFor();
    await screenshot(developer, 'devportal-sign-up-error');
    await developer.getByRole('textbox', { name: 'Username', exact: true }).fill(DEVELOPER.username);
    await developer.getByRole('button', { name: 'Create account' }).click();
    await developer.getByRole('heading', { name: 'Account created' }).waitFor();
    await developer.getByRole('main').getByRole('button', { name: 'Sign in' }).click();
    await developer.waitForURL(/\/oauth2\/authorize/);
    await developer.locator('input[name=username]').fill(DEVELOPER.username);
    await developer.locator('input[name=password]').fill(DEVELOPER.password);
    await developer.locator('button[type=submit]').click();
    await developer.getByRole('button', { name: `Account of ${DEVELOPER.username}` }).waitFor();
  });

  it('creates an application and subscribes it to the API with a tier', STEP, async () => {
    await developer.getByRole('link', { name: 'Applications' }).click();
    await developer.getByRole('button', { name: 'Create application' }).first().click();
    await developer.getByRole('dialog').getByRole('textbox', { name: 'Name', exact: true }).fill(APP_NAME);
    await developer.getByRole('dialog').getByRole('button', { name: 'Create', exact: true }).click();
    await developer.getByRole('heading', { name: APP_NAME }).waitFor();
    await developer.getByRole('link', { name: 'APIs' }).click();
    await developer.getByRole('link', { name: API_NAME }).first().click();
    await developer.getByRole('tab', { name: 'Subscribe' }).click();
    await developer.getByRole('combobox', { name: 'Application' }).click();
    await developer.getByRole('option', { name: APP_NAME }).click();
    await developer.getByRole('combobox', { name: 'Tier' }).click();
    await developer.getByRole('option', { name: /Unlimited/ }).click();
    await developer.getByRole('button', { name: 'Subscribe', exact: true }).click();
    const subscriptions = developer.getByRole('table', { name: 'Your subscriptions to this API' });
    await subscriptions.getByText(APP_NAME).waitFor();
    await screenshot(developer, 'devportal-subscribe');
  });

  it('generates production keys (the secret shown once) and a token', STEP, async () => {
    await developer.getByRole('link', { name: 'Applications' }).click();
    await developer.getByRole('link', { name: APP_NAME }).click();
    await developer.getByRole('tab', { name: 'Production keys' }).click();
    await developer.getByRole('button', { name: 'Generate keys' }).click();
    const keys = developer.getByRole('dialog');
    const secret = await keys.getByRole('textbox', { name: 'Consumer secret', exact: true }).inputValue();
    expect(secret.length).toBeGreaterThanOrEqual(32);
    await screenshot(developer, 'devportal-keys-shown-once');
    await keys.getByRole('button', { name: 'I have copied it' }).click();
    // Once closed, the secret is nowhere on the page: the server keeps only its hash.
    await expect(developer.getByText(secret).count()).resolves.toBe(0);
    await developer
      .getByRole('form', { name: 'Generate access token' })
      .getByRole('button', { name: 'Generate access token' })
      .click();
    const token = await developer
      .getByRole('dialog')
      .getByRole('textbox', { name: 'Access token', exact: true })
      .inputValue();
    expect(token.split('.')).toHaveLength(3);
    await developer.getByRole('dialog').getByRole('button', { name: 'I have copied it' }).click();
    await screenshot(developer, 'devportal-keys');
  });

  async function tryIt(): Promise<void> {
    await developer.getByRole('button', { name: 'Try it' }).first().click();
    await developer.getByRole('region', { name: 'Response' }).waitFor();
  }

  it('calls the API from the console through the gateway with the token', STEP, async () => {
    await developer.getByRole('link', { name: 'APIs' }).click();
    await developer.getByRole('link', { name: API_NAME }).first().click();
    await developer.getByRole('tab', { name: 'Try out' }).click();
    await developer.getByRole('button', { name: 'Get token' }).click();
    await expect
      .poll(() => developer.getByRole('textbox', { name: 'Access token', exact: true }).inputValue())
      .toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    await developer.getByRole('button', { name: 'GET /pets' }).first().click();
    await tryIt();
    const response = developer.getByRole('region', { name: 'Response' });
    await response.getByLabel('Status 200').waitFor();
    await expect(response.getByLabel('Response body').innerText()).resolves.toContain('Rex');
    await screenshot(developer, 'devportal-console');
  });

  it("shows the call in the application's chart and in the API's chart", STEP, async () => {
    await flushAnalytics();
    await developer.getByRole('link', { name: 'Applications' }).click();
    await developer.getByRole('link', { name: APP_NAME }).click();
    await developer.getByRole('tab', { name: 'Analytics' }).click();
    await expect.poll(() => stat(developer, 'Requests'), { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    await developer.getByRole('region', { name: 'Requests over time' }).waitFor();
    await screenshot(developer, 'devportal-application-analytics');

    await provider.getByRole('tab', { name: 'Analytics' }).click();
    await expect.poll(() => stat(provider, 'Requests'), { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    await provider.getByRole('region', { name: 'Top applications' }).getByText(APP_NAME).waitFor();
    await screenshot(provider, 'publisher-api-analytics');
  });

  it('the provider blocks the subscription and the console call fails with 900907', STEP, async () => {
    await provider.getByRole('tab', { name: 'Subscriptions' }).click();
    await provider.getByRole('button', { name: `Block ${APP_NAME}`, exact: true }).click();
    await provider.getByRole('button', { name: `Unblock ${APP_NAME}`, exact: true }).waitFor();
    await screenshot(provider, 'publisher-subscriptions-blocked');

    await developer.getByRole('link', { name: 'APIs' }).click();
    await developer.getByRole('link', { name: API_NAME }).first().click();
    await developer.getByRole('tab', { name: 'Try out' }).click();
    await developer.getByRole('button', { name: 'Get token' }).click();
    await developer.getByRole('button', { name: 'GET /pets' }).first().click();
    // The gateway learns of the block from an event: the next calls fail, with its code and message.
    await expect
      .poll(
        async () => {
          await tryIt();
          return developer.getByRole('region', { name: 'Response' }).getByRole('alert').innerText();
        },
        { timeout: 10_000 },
      )
      .toContain('900907');
    const response = developer.getByRole('region', { name: 'Response' });
    await response.getByLabel('Status 403').waitFor();
    await expect(response.getByRole('alert').innerText()).resolves.toMatch(/blocked/i);
    await screenshot(developer, 'devportal-console-blocked');
  });

  it('the main pages work at phone width', STEP, async () => {
    for (const page of [developer, provider]) await page.setViewportSize({ width: 375, height: 780 });
    await screenshot(developer, 'phone-devportal-console');
    await developer.getByRole('button', { name: 'Toggle navigation' }).click();
    await developer.getByRole('link', { name: 'Applications' }).click();
    await developer.getByRole('link', { name: APP_NAME }).waitFor();
    await screenshot(developer, 'phone-devportal-applications');
    await provider.getByRole('tab', { name: 'Overview' }).click();
    await screenshot(provider, 'phone-publisher-api-overview');
    // Nothing is wider than the screen: no sideways scrolling of the page itself.
    for (const page of [developer, provider]) {
      const width = await page.evaluate('document.documentElement.scrollWidth');
      expect(width).toBeLessThanOrEqual(375);
    }
  });
});
