/**
 * What the browser tests share: a real node (all components, its gateway on ports its Default environment
 * advertises, so the Developer Portal's console calls the right place), Debian's chromium driven by
 * playwright-core, sign-in through the Key Manager's page, and screenshots under test/browser/screenshots/.
 * Without chromium the tests skip with a notice; under CI (`CI=true`) a missing chromium is a failure.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { PORTALS_DIR } from '../../src/platform/portal-files.js';
import { startTestNode, type TestNode } from '../support/node.js';
import { freePort } from '../support/tcp-proxy.js';

export const CHROMIUM = process.env.PORTCULLIS_TEST_CHROMIUM ?? '/usr/bin/chromium';
const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** True when chromium is there; false with a notice when it is not and we are not under CI. */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  const notice = `chromium is not installed at ${CHROMIUM} (apt-get install -y chromium)`;
  if (process.env.CI === 'true') throw new Error(`${notice}: required under CI`);
  console.warn(`NOTICE: ${notice}; skipping the browser tests (set CI=true to make this a failure)`);
  return false;
}

/** The portals are built by `npm install` (prepare); a checkout that skipped it builds them here. */
export function ensurePortalsBuilt(): void {
  const built = ['publisher', 'devportal', 'admin'].every((p) =>
    existsSync(path.join(PORTALS_DIR, p, 'index.html')),
  );
  if (!built) execFileSync('npx', ['tsx', 'ui/build.ts'], { cwd: ROOT, stdio: 'inherit' });
}

export interface PortalNode extends TestNode {
  /** The gateway's HTTPS base URL, as the Default environment advertises it. */
  gatewayUrl: string;
}

export async function startPortalNode(): Promise<PortalNode> {
  const [httpPort, httpsPort] = [await freePort(), await freePort()];
  const node = await startTestNode({
    env: {
      PORTCULLIS_GATEWAY__HTTP_PORT: String(httpPort),
      PORTCULLIS_GATEWAY__HTTPS_PORT: String(httpsPort),
      PORTCULLIS_PUBLISHER__ENVIRONMENTS: JSON.stringify([
        {
          name: 'Default',
          display_name: 'Default',
          host: 'localhost',
          http_port: httpPort,
          https_port: httpsPort,
        },
      ]),
    },
  });
  return Object.assign(node, { gatewayUrl: `https://localhost:${httpsPort}` });
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

export interface BrowserSuite {
  node: PortalNode;
  browser: Browser;
  /** A fresh browser profile (cookies of its own) with one page whose script errors are collected. */
  newPage(width?: number): Promise<Page>;
  /** Uncaught errors of the suite's pages: a test suite expects none. */
  pageErrors: string[];
  close(): Promise<void>;
}

/** A node with the portals and a browser for a suite; close() stops both. */
export async function startBrowserSuite(): Promise<BrowserSuite> {
  ensurePortalsBuilt();
  const node = await startPortalNode();
  const browser = await launchBrowser();
  const pageErrors: string[] = [];
  return {
    node,
    browser,
    pageErrors,
    async newPage(width = 1280) {
      const page = await (await newContext(browser, width)).newPage();
      page.on('pageerror', (err) => pageErrors.push(err.message));
      return page;
    },
    async close() {
      await browser.close();
      await node.close();
    },
  };
}

/** A fresh browser profile; the node's certificate comes from its own test CA, which chromium does not know. */
export function newContext(browser: Browser, width = 1280): Promise<BrowserContext> {
  return browser.newContext({
    ignoreHTTPSErrors: true,
    viewport: { width, height: width >= 1000 ? 860 : 780 },
  });
}

/** Opens a portal and signs in on the Key Manager's page; returns once the portal shows the user. */
export async function signIn(
  page: Page,
  portalUrl: string,
  username: string,
  password: string,
): Promise<void> {
  await page.goto(portalUrl);
  await page.getByRole('button', { name: 'Sign in' }).first().click();
  await page.waitForURL(/\/oauth2\/authorize/);
  await page.locator('input[name=username]').fill(username);
  await page.locator('input[name=password]').fill(password);
  await page.locator('button[type=submit]').click();
  await page.getByRole('button', { name: `Account of ${username}` }).waitFor();
}

/** Saves a full-page screenshot as test/browser/screenshots/<name>.png (git-ignored). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // From the top: a full-page shot of a scrolled page draws the fixed header halfway down.
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({
    path: path.join(SCREENSHOTS, `${name}.png`),
    fullPage: true,
    // The page as it stays, without the notifications that fade out a few seconds later.
    style: '.mantine-Notifications-root { display: none !important; }',
  });
}
