// Debian's headless Chromium, driven through playwright-core, on 127.0.0.1 only: anything else goes to a dead
// proxy, and the page also aborts (and records) any request whose host is not 127.0.0.1. Screenshots.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { chromiumPath, DEAD_PROXY, repoRoot, resultsDir, safeName } from '../../scripts/e2e/codeServer';
import { withTimeout } from '../../scripts/e2e/wait';

export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-features=Translate,OptimizationHints,MediaRouter,DialMediaRouteProvider',
  // Network isolation at the network-stack level (covers workers and iframes too): anything that is not
  // loopback goes to a dead proxy on 127.0.0.1; loopback (the only thing we talk to) is reached directly.
  `--proxy-server=${DEAD_PROXY}`,
  '--proxy-bypass-list=127.0.0.1',
];

/** Requests the page tried to send off 127.0.0.1 (aborted); tests may assert this stays empty. */
export const blockedRequests = new WeakMap<Page, string[]>();

/** Launches headless Chromium, opens `url` in a 1400×900 page. Close with closeBrowser(page). */
export async function openBrowser(url: string, options: { timeoutMs?: number } = {}): Promise<Page> {
  if (!fs.existsSync(chromiumPath)) {
    throw new Error(`${chromiumPath} is missing: run 'node scripts/e2e/prepare.mjs' (it installs Debian's chromium as root, else says how)`);
  }
  const browser: Browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    chromiumSandbox: false,
    args: chromiumArgs,
    timeout: 60_000,
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, serviceWorkers: 'allow' });
    context.setDefaultTimeout(30_000);
    context.setDefaultNavigationTimeout(60_000);
    const page = await context.newPage();
    const blocked: string[] = [];
    blockedRequests.set(page, blocked);
    await context.route(
      (requestUrl) => !['127.0.0.1'].includes(requestUrl.hostname) && /^(https?|wss?):$/.test(requestUrl.protocol),
      (route) => {
        blocked.push(route.request().url());
        return route.abort('blockedbyclient');
      },
    );
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: options.timeoutMs ?? 60_000 });
    return page;
  } catch (error) {
    await browser.close().catch(() => undefined);
    throw error;
  }
}

export async function closeBrowser(page: Page): Promise<void> {
  const browser = page.context().browser();
  await withTimeout('closing Chromium', (browser ?? page.context()).close(), 15_000).catch(() => undefined);
}

/** Saves a screenshot as test-results/e2e/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `${safeName(name)}.png`);
  await page.screenshot({ path: file, timeout: 30_000 });
  return file;
}

/** Runs `fn`; when it throws, saves test-results/e2e/<name>-failure.png first (best effort, bounded). */
export async function screenshotOnFailure<T>(page: Page | undefined, name: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (page) {
      const file = await withTimeout('failure screenshot', screenshot(page, `${name}-failure`), 20_000).catch(() => undefined);
      if (file && error instanceof Error) error.message += `\n(screenshot: ${path.relative(repoRoot, file)})`;
    }
    throw error;
  }
}
