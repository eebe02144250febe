// End-to-end harness: real VS Code (code-server, from .cache/code-server, prepared by scripts/e2e/setup.sh)
// driven in Debian's headless Chromium through playwright-core.
//
// Network: everything stays on 127.0.0.1. code-server binds to 127.0.0.1 only; its outgoing HTTP (extension
// gallery, etc.) goes to a dead proxy on 127.0.0.1; Chromium gets the same dead proxy for every non-loopback
// URL, and the page additionally aborts (and records) any request whose host is not 127.0.0.1.
//
// Every wait is bounded; timeouts name what was awaited.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Frame, type Locator, type Page } from 'playwright-core';

export const repoRoot = path.resolve(__dirname, '../..');
export const codeServerVersion = '4.100.3';
export const codeServerDir = path.join(repoRoot, '.cache', 'code-server', 'node_modules', 'code-server');
export const codeServerEntry = path.join(codeServerDir, 'out', 'node', 'entry.js');
export const codeServerMarker = path.join(repoRoot, '.cache', 'code-server', '.e2e-ready');
export const chromiumPath = '/usr/bin/chromium';
export const resultsDir = path.join(repoRoot, 'test-results', 'e2e');

/** A loopback port that nothing listens on: outgoing HTTP(S) sent "through" it fails at once, locally. */
const DEAD_PROXY = 'http://127.0.0.1:9';

export const defaultSettings: Record<string, unknown> = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'workbench.settings.enableNaturalLanguageSearch': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'update.showReleaseNotes': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'json.schemaDownload.enable': false,
  'npm.fetchOnlinePackageInfo': false,
  'typescript.disableAutomaticTypeAcquisition': true,
  'git.enabled': false,
  'github.gitAuthentication': false,
  'chat.commandCenter.enabled': false,
  'editor.minimap.enabled': false,
  'window.restoreWindows': 'none',
  'files.hotExit': 'off',
};

// ------------------------------------------------------------------------------------------------------------
// Small utilities

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Thrown inside a poll() callback to stop polling at once (other errors are retried until the deadline). */
export class PollAbort extends Error {}

/** Calls `fn` until it returns a truthy value or `timeoutMs` passes; then throws, naming `what`. */
export async function poll<T>(
  what: string, fn: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 30_000, intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value as T;
    } catch (error) {
      if (error instanceof PollAbort) throw error;
      lastError = error;
    }
    if (Date.now() > deadline) {
      const detail = lastError instanceof Error ? ` (last error: ${lastError.message.split('\n')[0]})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
    }
    await sleep(intervalMs);
  }
}

function withTimeout<T>(what: string, promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms: ${what}`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A free TCP port on 127.0.0.1 (listen on port 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no port from listen(0)'))));
    });
  });
}

function httpStatus(url: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve) => {
    const request = http.get(url, { timeout: timeoutMs }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(0));
  });
}

function tail(file: string, lines = 40): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-');
}

/** Throws a message naming what to install when the browser or the code-server cache is missing. */
export function checkPrerequisites(): void {
  const missing: string[] = [];
  if (!fs.existsSync(chromiumPath)) missing.push(`${chromiumPath} (Debian package 'chromium')`);
  if (!fs.existsSync(codeServerEntry) || !fs.existsSync(codeServerMarker)) {
    missing.push(`code-server ${codeServerVersion} in .cache/code-server`);
  }
  if (missing.length) {
    throw new Error(`end-to-end tests need ${missing.join(' and ')}: run 'bash scripts/e2e/setup.sh' first`);
  }
}

// ------------------------------------------------------------------------------------------------------------
// The .vsix

let vsixPromise: Promise<string> | undefined;

/**
 * The extension packaged as a .vsix: $E2E_VSIX when set (scripts/e2e/run.mjs packages once and sets it),
 * otherwise built now with `npm run package` (once per process).
 */
export function ensureVsix(): Promise<string> {
  const fromEnv = process.env.E2E_VSIX;
  if (fromEnv) {
    if (!fs.existsSync(fromEnv)) return Promise.reject(new Error(`E2E_VSIX=${fromEnv} does not exist`));
    return Promise.resolve(fromEnv);
  }
  vsixPromise ??= Promise.resolve().then(() => packageVsix());
  return vsixPromise;
}

/** Runs `npm run package` in the repo and returns the .vsix it wrote. Synchronous; up to 5 minutes. */
export function packageVsix(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
    scripts?: Record<string, string>;
  };
  const script = pkg.scripts?.package;
  if (!script) throw new Error("package.json has no 'package' script: cannot build the .vsix for the end-to-end tests");
  const output = /(?:^|\s)(?:-o|--out)\s+(\S+)/.exec(script)?.[1] ?? `${pkg.name}-${pkg.version}.vsix`;
  const vsix = path.resolve(repoRoot, output);
  const before = fs.existsSync(vsix) ? fs.statSync(vsix).mtimeMs : 0;
  const result = spawnSync('npm', ['run', 'package'], { cwd: repoRoot, encoding: 'utf8', timeout: 300_000 });
  if (result.status !== 0) {
    throw new Error(`'npm run package' failed (status ${result.status}, ${result.error?.message ?? ''}):\n${(result.stdout + result.stderr).slice(-4000)}`);
  }
  if (!fs.existsSync(vsix) || fs.statSync(vsix).mtimeMs === before) {
    throw new Error(`'npm run package' succeeded but did not write ${vsix}`);
  }
  return vsix;
}

// ------------------------------------------------------------------------------------------------------------
// code-server

export interface CodeServerOptions {
  /** Folder opened in VS Code. */
  workspace: string;
  /** A .vsix installed into the fresh extensions dir before start. */
  vsixPath?: string;
  /** User settings, merged over `defaultSettings`. */
  settings?: Record<string, unknown>;
  /** Names the copy of code-server's log kept in test-results/e2e/ after stop(). */
  name?: string;
  /** Bound on start-up (install + listen + healthz). Default 90 s. */
  timeoutMs?: number;
  /** Workspace Trust on, the folder untrusted and no prompt: VS Code opens it in Restricted Mode. Default off. */
  restrictedMode?: boolean;
}

/** Settings that open a folder in Restricted Mode without asking (the folder has never been trusted). */
const restrictedModeSettings: Record<string, unknown> = {
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.banner': 'always',
};

export interface CodeServer {
  url: string;
  port: number;
  userDataDir: string;
  extensionsDir: string;
  logPath: string;
  /** Kills the process group, keeps the log in test-results/e2e/, removes the temp dirs. Idempotent. */
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) killGroup(child, 'SIGKILL');
});
// The runner's timeout (scripts/e2e/run.mjs) or Ctrl+C: take the servers' process groups down too.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const child of live) killGroup(child, 'SIGKILL');
    process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    /* already gone */
  }
}

function isolatedEnv(root: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Options meant for the test process (tsx's loader, the test runner) must not leak into code-server's Node.
  delete env.NODE_OPTIONS;
  delete env.NODE_TEST_CONTEXT;
  delete env.VSCODE_IPC_HOOK_CLI;
  return {
    ...env,
    // code-server writes config.yaml and state under these even with --config: keep them out of $HOME.
    XDG_CONFIG_HOME: path.join(root, 'xdg', 'config'),
    XDG_DATA_HOME: path.join(root, 'xdg', 'data'),
    XDG_CACHE_HOME: path.join(root, 'xdg', 'cache'),
    // Any outgoing HTTP(S) from the server and its extension host goes to a dead loopback proxy.
    http_proxy: DEAD_PROXY,
    https_proxy: DEAD_PROXY,
    HTTP_PROXY: DEAD_PROXY,
    HTTPS_PROXY: DEAD_PROXY,
    // npm ("Install Native TensorFlow Backend") gets a dead registry, so it fails at once and the same way on any
    // machine (it does not go through the proxy variables above).
    npm_config_registry: `${DEAD_PROXY}/`,
    npm_config_fetch_retries: '0',
    no_proxy: '127.0.0.1,localhost',
    NO_PROXY: '127.0.0.1,localhost',
    // The extension gallery is a loopback address too, so no lookup of open-vsx is ever attempted.
    EXTENSIONS_GALLERY: JSON.stringify({
      serviceUrl: `${DEAD_PROXY}/gallery`,
      itemUrl: `${DEAD_PROXY}/item`,
      resourceUrlTemplate: `${DEAD_PROXY}/resource/{publisher}/{name}/{version}/{path}`,
    }),
  };
}

function installVsix(vsix: string, root: string, userDataDir: string, extensionsDir: string, env: NodeJS.ProcessEnv): void {
  const args = [
    codeServerEntry, '--config', path.join(root, 'config.yaml'), '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir,
    '--install-extension', vsix, '--force',
  ];
  const result = spawnSync(process.execPath, args, { env, encoding: 'utf8', timeout: 120_000, killSignal: 'SIGKILL' });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0 || !/successfully installed/i.test(output)) {
    throw new Error(`installing ${vsix} failed (status ${result.status}${result.error ? `, ${result.error.message}` : ''}):\n${output.slice(-4000)}`);
  }
  const installed = fs.readdirSync(extensionsDir).filter((name) => !name.startsWith('.') && name !== 'extensions.json');
  if (installed.length === 0) throw new Error(`installing ${vsix} reported success but ${extensionsDir} is empty:\n${output}`);
}

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  checkPrerequisites();
  const started = Date.now();
  const timeoutMs = options.timeoutMs ?? 90_000;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dropout-e2e-'));
  const userDataDir = path.join(root, 'user-data');
  const extensionsDir = path.join(root, 'extensions');
  const logPath = path.join(root, 'code-server.log');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  const settings = { ...defaultSettings, ...(options.restrictedMode ? restrictedModeSettings : {}), ...options.settings };
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  const env = isolatedEnv(root);

  let child: ChildProcess | undefined;
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (child) {
      const proc = child;
      const exited = new Promise<void>((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) resolve();
        else proc.once('exit', () => resolve());
      });
      killGroup(proc, 'SIGTERM');
      const timer = setTimeout(() => killGroup(proc, 'SIGKILL'), 5_000);
      await withTimeout('code-server to exit', exited, 10_000).catch(() => undefined);
      clearTimeout(timer);
      killGroup(proc, 'SIGKILL'); // stragglers in the group (extension host, language servers, trainers)
      live.delete(proc);
    }
    if (options.name) {
      try {
        fs.mkdirSync(resultsDir, { recursive: true });
        fs.copyFileSync(logPath, path.join(resultsDir, `${safeName(options.name)}.code-server.log`));
      } catch {
        /* no log */
      }
    }
    fs.rmSync(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  };

  try {
    if (options.vsixPath) installVsix(options.vsixPath, root, userDataDir, extensionsDir, env);

    // The port is free when picked but could be taken before code-server binds it: retry on EADDRINUSE.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const args = [
        codeServerEntry,
        '--config', path.join(root, 'config.yaml'),
        '--auth', 'none',
        '--bind-addr', `127.0.0.1:${port}`,
        '--user-data-dir', userDataDir,
        '--extensions-dir', extensionsDir,
        '--disable-telemetry',
        '--disable-update-check',
        ...(options.restrictedMode ? [] : ['--disable-workspace-trust']),
        '--disable-getting-started-override',
        '--ignore-last-opened',
        options.workspace,
      ];
      const log = fs.openSync(logPath, 'a');
      const proc = spawn(process.execPath, args, { env, detached: true, stdio: ['ignore', log, log] });
      child = proc;
      fs.closeSync(log);
      live.add(proc);

      const url = `http://127.0.0.1:${port}/`;
      let exited = false;
      try {
        await poll(
          `code-server to answer on ${url}healthz`,
          async () => {
            if (proc.exitCode !== null || proc.signalCode !== null) {
              exited = true;
              throw new PollAbort(`code-server exited (${proc.exitCode ?? proc.signalCode})`);
            }
            return (await httpStatus(`${url}healthz`, 2_000)) === 200;
          },
          Math.max(5_000, timeoutMs - (Date.now() - started)),
          100,
        );
      } catch (error) {
        live.delete(proc);
        if (exited && attempt < 3 && /EADDRINUSE/.test(tail(logPath))) continue;
        throw new Error(`${(error as Error).message}\n--- code-server log ---\n${tail(logPath)}`);
      }
      return { url, port, userDataDir, extensionsDir, logPath, stop };
    }
  } catch (error) {
    await stop();
    throw error;
  }
}

// ------------------------------------------------------------------------------------------------------------
// The browser

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
  if (!fs.existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing: run 'bash scripts/e2e/setup.sh' (apt-get install -y chromium)`);
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

// ------------------------------------------------------------------------------------------------------------
// The workbench

/** Waits until the workbench is laid out and its extension host is up (the status bar has items). */
export async function waitForWorkbench(page: Page, timeoutMs = 90_000): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: timeoutMs });
  await page.locator('.part.statusbar').waitFor({ state: 'visible', timeout: timeoutMs });
  await page.locator('.part.editor').waitFor({ state: 'visible', timeout: timeoutMs });
  // The explorer has listed the folder: the server-side file service works.
  await poll('the workbench to finish restoring',
    async () => (await page.locator('.monaco-workbench .part.sidebar .monaco-list-row, .monaco-workbench .part.activitybar').count()) > 0, timeoutMs);
}

const quickInput = (page: Page): Locator => page.locator('.quick-input-widget');
const quickInputBox = (page: Page): Locator => page.locator('.quick-input-widget .quick-input-box input');

function normalize(text: string): string {
  return text.replace(/\u00a0/g, ' ').replace(/\s+/g, ' ').trim();
}

async function openQuickInput(page: Page, key: string, expectedPrefix: string): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    // Focus the workbench first: keys typed while focus is in a webview or the body go nowhere.
    if (attempt > 0) await page.keyboard.press('Escape');
    await page.keyboard.press(key);
    try {
      await quickInputBox(page).waitFor({ state: 'visible', timeout: 5_000 });
      const value = await quickInputBox(page).inputValue();
      if (value.startsWith(expectedPrefix)) return;
    } catch {
      /* retry */
    }
  }
  throw new Error(`the quick input did not open with ${key}`);
}

/** Picks the row whose label is exactly `label` (or starts with it) in the open quick input, after typing `query`. */
async function pickQuickInputRow(page: Page, query: string, matches: (label: string) => boolean, what: string, timeoutMs: number): Promise<void> {
  await quickInputBox(page).fill(query);
  const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  for (let attempt = 1; ; attempt++) {
    const label = await poll(
      what,
      async () => (await rows.locator('.label-name').allInnerTexts()).map(normalize).find(matches),
      timeoutMs,
      150,
    );
    // Located by its text when clicked, not by its index: the list re-renders while results arrive.
    const exact = new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '[\\s\\u00a0]+')}\\s*$`);
    await rows.filter({ has: page.locator('.label-name', { hasText: exact }) }).first().click({ timeout: 10_000 });
    try {
      await quickInput(page).waitFor({ state: 'hidden', timeout: 5_000 });
      return;
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

/** Runs a command by its palette title, e.g. 'View: Toggle Problems' or 'Dropout Lab: Show Results'. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await openQuickInput(page, 'F1', '>');
  await pickQuickInputRow(page, `>${title}`, (label) => label === title, `command '${title}' in the palette`, 20_000);
}

/**
 * Opens a workspace file with Quick Open (Ctrl+P) and waits for its tab to be active. The first file search of
 * a session starts the server's search service: about 6 s on this machine, hence the 45 s bound.
 */
export async function openFile(page: Page, relativePath: string): Promise<void> {
  const base = path.posix.basename(relativePath);
  await openQuickInput(page, 'Control+P', '');
  await pickQuickInputRow(page, relativePath, (label) => label === base, `'${relativePath}' in Quick Open`, 45_000);
  await activeTab(page, base).waitFor({ state: 'visible', timeout: 20_000 });
  await page.locator('.part.editor .monaco-editor .view-lines').first().waitFor({ state: 'visible', timeout: 20_000 });
}

export function activeTab(page: Page, label: string): Locator {
  return page.locator('.part.editor .tabs-container .tab.active').filter({ has: page.locator('.label-name', { hasText: label }) });
}

/** The visible text of the active text editor (only the rendered lines: Monaco virtualizes). */
export async function editorText(page: Page): Promise<string> {
  const lines = await page.locator('.part.editor .editor-group-container.active .monaco-editor .view-lines .view-line').allInnerTexts();
  return lines.map((line) => line.replace(/\u00a0/g, ' ')).join('\n');
}

/** Text of a status-bar item by its id, e.g. 'status.editor.mode' (language mode). */
export async function statusBarItem(page: Page, id: string): Promise<string> {
  return normalize(await page.locator(`.part.statusbar [id="${id}"]`).innerText({ timeout: 10_000 }));
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

/** Opens the Problems panel and returns the text of its rows (file rows and marker rows). */
export async function readProblems(page: Page): Promise<string[]> {
  const panel = page.locator('.markers-panel');
  if (!(await panel.isVisible())) {
    await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)').catch(() => runCommand(page, 'View: Toggle Problems (Errors, Warnings, Infos)'));
    await panel.waitFor({ state: 'visible', timeout: 15_000 });
  }
  const rows = panel.locator('.monaco-list-row');
  return (await rows.allInnerTexts()).map(normalize).filter(Boolean);
}

/** Polls the Problems panel until a row matches `pattern`; returns all rows then. */
export async function waitForProblem(page: Page, pattern: RegExp, timeoutMs = 60_000): Promise<string[]> {
  let last: string[] = [];
  try {
    return await poll(
      `a problem matching ${pattern}`,
      async () => {
        last = await readProblems(page);
        return last.some((row) => pattern.test(row)) ? last : undefined;
      },
      timeoutMs,
      500,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; Problems rows: ${JSON.stringify(last)}`);
  }
}

/** The CodeLens links with `text` in the visible editors (e.g. /Run experiment/). Links only: not the separators. */
export function codeLens(page: Page, text: string | RegExp): Locator {
  return page.locator('.part.editor .codelens-decoration a', { hasText: text });
}

/** Waits for the CodeLens with `text` and clicks it. */
export async function clickCodeLens(page: Page, text: string | RegExp, timeoutMs = 30_000): Promise<void> {
  const lens = codeLens(page, text).first();
  await lens.waitFor({ state: 'visible', timeout: timeoutMs });
  await lens.click();
}

/**
 * The content frame of a webview. VS Code nests two iframes: `iframe.webview` (the host page, on 127.0.0.1 in
 * code-server) and inside it `#active-frame` (the extension's HTML). `titleOrIndex` is either a title, matched
 * against the inner document's <title> or the outer iframe's title attribute, or — when exactly one webview is
 * visible — the label of an editor tab that is visible in its group; or an index among the visible webviews,
 * in DOM order.
 */
export async function webviewFrame(page: Page, titleOrIndex: string | number = 0, timeoutMs = 30_000): Promise<Frame> {
  return poll(
    `webview ${JSON.stringify(titleOrIndex)}`,
    async () => {
      const outers = page.locator('iframe.webview');
      const count = await outers.count();
      const visible: Frame[] = [];
      for (let i = 0; i < count; i++) {
        const outer = outers.nth(i);
        if (!(await outer.isVisible())) continue;
        const outerFrame = await (await outer.elementHandle({ timeout: 2_000 }))?.contentFrame();
        const innerHandle = await outerFrame?.locator('#active-frame').elementHandle({ timeout: 2_000 }).catch(() => null);
        const inner = await innerHandle?.contentFrame();
        if (!inner) continue;
        visible.push(inner);
        if (typeof titleOrIndex === 'string') {
          const outerTitle = (await outer.getAttribute('title')) ?? '';
          const innerTitle = await inner.title().catch(() => '');
          if (outerTitle === titleOrIndex || innerTitle === titleOrIndex || outerTitle.includes(titleOrIndex)) return inner;
        }
      }
      if (typeof titleOrIndex === 'number') {
        const frame = visible[titleOrIndex];
        if (frame) await frame.waitForLoadState('domcontentloaded', { timeout: 5_000 });
        return frame;
      }
      if (visible.length === 1) {
        const tabLabels = (await page.locator('.part.editor .editor-group-container .tab.active .label-name').allInnerTexts()).map(normalize);
        if (tabLabels.includes(titleOrIndex)) return visible[0];
      }
      return undefined;
    },
    timeoutMs,
    300,
  );
}

/** code-server on `workspace` with the .vsix installed, and a browser on its workbench. */
export interface Workbench {
  server: CodeServer;
  page: Page;
}

export async function openWorkbench(options: CodeServerOptions & { name: string }): Promise<Workbench> {
  const server = await startCodeServer(options);
  const page = await openBrowser(server.url);
  await screenshotOnFailure(page, `${options.name}-startup`, () => waitForWorkbench(page));
  return { server, page };
}

/** Closes what openWorkbench opened (either may be missing after a failed start) and removes the workspace copy. */
export async function closeWorkbench(workbench: Partial<Workbench>, workspace: string): Promise<void> {
  if (workbench.page) await closeBrowser(workbench.page);
  if (workbench.server) await workbench.server.stop();
  if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
}

/** Notification toasts currently shown (their message text). */
export async function notifications(page: Page): Promise<string[]> {
  return (await page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts()).map(normalize);
}

/**
 * Copies `source` (a folder) to a fresh temp folder and returns it; remove it with fs.rmSync when done.
 * Leaves out `exclude` names at any depth (default: `.dropout`, the runs of local experiments).
 */
export function copyToTemp(source: string, options: { prefix?: string; exclude?: string[] } = {}): string {
  const exclude = new Set(options.exclude ?? ['.dropout']);
  const target = fs.mkdtempSync(path.join(os.tmpdir(), options.prefix ?? 'dropout-e2e-ws-'));
  fs.cpSync(source, target, { recursive: true, filter: (from) => !exclude.has(path.basename(from)) });
  return target;
}
