/**
 * The Admin portal in Debian's chromium: an administrator creates an advanced throttling policy with a header
 * condition (after the form refused it empty), a deny policy, a gateway environment (a configured one stays
 * read-only, with the server's reason), and a user with the creator role, who then signs in to the Publisher.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chromiumAvailable,
  screenshot,
  signIn,
  startBrowserSuite,
  type BrowserSuite,
  type PortalNode,
} from './browser-support.js';

const available = chromiumAvailable();
const STEP = { timeout: 60_000 };
const suffix = Date.now().toString(36);
const CREATOR = { username: `carol-${suffix}`, password: 'Carol-password-123' };

let suite: BrowserSuite;
let node: PortalNode;
let page: Page;

beforeAll(async () => {
  if (!available) return;
  suite = await startBrowserSuite();
  node = suite.node;
  page = await suite.newPage();
}, 120_000);

afterAll(async () => {
  await suite?.close();
  expect(suite?.pageErrors ?? []).toEqual([]);
});

const nav = (name: string) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });

describe.skipIf(!available)('an administrator in the Admin portal', () => {
  it('signs in and sees the overview', STEP, async () => {
    await signIn(page, `${node.baseUrl}/admin/`, 'admin', node.adminPassword);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await screenshot(page, 'admin-overview');
  });

  it(
    'creates an advanced policy with a header condition, after the form refused it empty',
    STEP,
    async () => {
      await nav('Advanced policies').click();
      await page.getByRole('link', { name: 'New advanced policy' }).click();
      await page.getByRole('button', { name: 'Add condition group' }).click();
      await page.getByRole('button', { name: 'Create policy' }).click();
      await page.getByText('Enter a header name').waitFor();
      await page.getByLabel('Name', { exact: true }).fill(`HeaderTier${suffix}`);
      await page.getByRole('group', { name: 'Default limit' }).getByLabel('Request count').fill('1000');
      const group = page.getByRole('group', { name: 'Condition group 1' });
      await group.getByLabel('Condition type').selectOption('HEADERCONDITION');
      await group.getByLabel('Header name').fill('X-Tier');
      await group.getByLabel('Header value').fill('^gold$');
      await group.getByRole('group', { name: 'Limit of group 1' }).getByLabel('Request count').fill('5000');
      await screenshot(page, 'admin-advanced-policy-form');
      await page.getByRole('button', { name: 'Create policy' }).click();
      await page.getByRole('table', { name: 'Advanced policies' }).getByText(`HeaderTier${suffix}`).waitFor();
      const saved = await node
        .fetch(`${node.baseUrl}/api/am/admin/v4/throttling/policies/advanced`, {
          headers: { authorization: `Bearer ${await adminToken()}` },
        })
        .then((r) => r.json() as Promise<{ list: { policyName: string; conditionalGroups?: unknown[] }[] }>);
      const policy = saved.list.find((p) => p.policyName === `HeaderTier${suffix}`);
      expect(JSON.stringify(policy?.conditionalGroups)).toContain('X-Tier');
    },
  );

  it('creates a deny policy for an IP address', STEP, async () => {
    await nav('Deny policies').click();
    await page.getByRole('button', { name: 'New deny policy' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Condition type').selectOption('IP');
    await dialog.getByLabel('IP address').fill('203.0.113.999');
    await dialog.getByRole('button', { name: 'Create deny policy' }).click();
    await dialog.getByText('Enter an IPv4 or IPv6 address').waitFor();
    await dialog.getByLabel('IP address').fill('203.0.113.7');
    await dialog.getByRole('button', { name: 'Create deny policy' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('switch', { name: 'Enabled: IP address 203.0.113.7' }).waitFor();
    await screenshot(page, 'admin-deny-policies');
  });

  it('creates an environment; the configured one is read-only with the reason', STEP, async () => {
    await nav('Gateway environments').click();
    await page.getByRole('button', { name: 'New environment' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name', { exact: true }).fill(`eu-west-${suffix}`);
    await dialog.getByLabel('Display name').fill('EU West');
    await dialog.getByLabel('Host', { exact: true }).fill(`gw-${suffix}.eu.example.com`);
    await dialog.getByRole('button', { name: 'Create environment' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('table', { name: 'Gateway environments' }).getByText(`eu-west-${suffix}`).waitFor();
    await page.getByRole('button', { name: 'Edit environment Default' }).click();
    await page.getByRole('dialog').getByLabel('Description').fill('changed');
    await page.getByRole('dialog').getByRole('button', { name: 'Save environment' }).click();
    await page
      .getByRole('dialog')
      .getByRole('alert')
      .getByText('publisher.environments', { exact: false })
      .waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await screenshot(page, 'admin-environments');
  });

  it('creates a user with the creator role, who can then sign in to the Publisher', STEP, async () => {
    await nav('Users').click();
    await page.getByRole('button', { name: 'New user' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Username').fill(CREATOR.username);
    await dialog.getByLabel('Password', { exact: true }).fill(CREATOR.password);
    await dialog.getByRole('checkbox', { name: 'creator' }).check();
    await dialog.getByRole('button', { name: 'Create user' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('row').filter({ hasText: CREATOR.username }).getByText('creator').waitFor();
    await screenshot(page, 'admin-users');

    const creator = await suite.newPage();
    await signIn(creator, `${node.baseUrl}/publisher/`, CREATOR.username, CREATOR.password);
    await creator.getByRole('heading', { name: 'APIs' }).waitFor();
    await creator.getByRole('button', { name: 'Create API' }).first().waitFor();
    await creator.context().close();
  });

  it('works at phone width', STEP, async () => {
    await page.setViewportSize({ width: 375, height: 780 });
    await page.getByRole('button', { name: 'Toggle navigation' }).click();
    await nav('Advanced policies').click();
    await page.getByRole('table', { name: 'Advanced policies' }).waitFor();
    await screenshot(page, 'phone-admin-advanced-policies');
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
  });
});

/** A token of the admin's, to check through the REST API what the portal saved. */
async function adminToken(): Promise<string> {
  const { access_token } = await node
    .fetch(`${node.baseUrl}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: node.node.components.find((c) => c.nodeClient)?.nodeClient?.clientId ?? '',
        client_secret: node.node.components.find((c) => c.nodeClient)?.nodeClient?.clientSecret ?? '',
        scope: 'apim:tier_view',
      }),
    })
    .then((r) => r.json() as Promise<{ access_token: string }>);
  return access_token;
}
