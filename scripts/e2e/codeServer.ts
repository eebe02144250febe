// code-server (real VS Code served to a browser, from .cache/code-server, prepared by scripts/e2e/prepare.mjs)
// for the end-to-end tests and `npm start`: paths, prerequisites, the .vsix, and a server per test file.
//
// Network: everything stays on 127.0.0.1. code-server binds to 127.0.0.1 only; its outgoing HTTP (extension
// gallery, etc.) goes to a dead proxy on 127.0.0.1 (browser.ts sends Chromium's there too).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { poll, PollAbort, withTimeout } from './wait';

export const repoRoot = path.resolve(__dirname, '../..');
export const codeServerVersion = '4.100.3';
export const codeServerDir = path.join(repoRoot, '.cache', 'code-server', 'node_modules', 'code-server');
export const codeServerEntry = path.join(codeServerDir, 'out', 'node', 'entry.js');
export const codeServerMarker = path.join(repoRoot, '.cache', 'code-server', '.e2e-ready');
export const chromiumPath = '/usr/bin/chromium';
export const resultsDir = path.join(repoRoot, 'test-results', 'e2e');

/** A loopback port that nothing listens on: outgoing HTTP(S) sent "through" it fails at once, locally. */
export const DEAD_PROXY = 'http://127.0.0.1:9';

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

export function safeName(name: string): string {
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
    throw new Error(`end-to-end tests need ${missing.join(' and ')}: run 'node scripts/e2e/prepare.mjs' first`
      + ' (npm test and npm run test:e2e do it themselves)');
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
