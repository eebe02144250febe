/**
 * `@tensorflow/tfjs-node` installed outside the extension: its install script downloads libtensorflow for the
 * user's platform, which a packaged extension cannot ship for every platform, so "Install native TensorFlow
 * backend" runs `npm install` into a folder of the user's (the extension's global storage) and the runner points
 * its trainers at it (`tfjsNodePathEnv`, read by the engine's backend loader).
 *
 * Several copies of tfjs-core in one process share one engine and one kernel registry (tfjs keeps them on the
 * global object), so a tfjs-node loaded from that folder registers a backend the trainer's own tfjs-core can use.
 * Its version must equal the trainer's tfjs-core version.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const tfjsNodePackage = '@tensorflow/tfjs-node';

export interface InstalledTfjsNode {
  /** The package folder, what `require` is given. */
  modulePath: string;
  version: string;
}

/** tfjs-node inside `root` (an npm prefix), when its package and its native binding are there. */
export function findInstalledTfjsNode(root: string): InstalledTfjsNode | undefined {
  const modulePath = path.join(root, 'node_modules', ...tfjsNodePackage.split('/'));
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(modulePath, 'package.json'), 'utf8')) as { version?: unknown };
    if (typeof manifest.version !== 'string') return undefined;
    return { modulePath, version: manifest.version };
  } catch {
    return undefined;
  }
}

export interface InstallOptions {
  /** The npm prefix to install into; created when missing. */
  root: string;
  /** What to install: `@tensorflow/tfjs-node@<version>`, or a path or tarball (tests). */
  packageSpec: string;
  /** The npm executable; default `npm` from PATH. */
  npm?: string;
  /** Another registry (a mirror); default npm's own setting. */
  registry?: string;
  /** Each line npm prints, as it prints it. */
  onOutput?: (line: string) => void;
  signal?: AbortSignal;
}

/** An install that did not produce a loadable tfjs-node; `message` says why in the user's terms. */
export class NativeInstallError extends Error {
  constructor(message: string, readonly output: string) {
    super(message);
    this.name = 'NativeInstallError';
  }
}

/**
 * Runs `npm install` into `options.root`. The prefix gets its own package.json whose `allowScripts` lets npm run
 * tfjs-node's install script (npm 11 skips scripts of packages it was not told to trust; without the script
 * there is no libtensorflow and no binding).
 */
export async function installTfjsNode(options: InstallOptions): Promise<InstalledTfjsNode> {
  fs.mkdirSync(options.root, { recursive: true });
  const manifest = {
    name: 'dropout-lab-native-backend', private: true,
    description: 'tfjs-node for Dropout Lab, installed by its "Install native TensorFlow backend" command', allowScripts: { [tfjsNodePackage]: true },
  };
  fs.writeFileSync(path.join(options.root, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const args = [
    'install', '--no-audit', '--no-fund', '--no-save', '--loglevel', 'error',
    ...(options.registry ? ['--registry', options.registry] : []), options.packageSpec,
  ];
  let output = '';
  const code = await new Promise<number | string>((resolve) => {
    const child = spawn(options.npm ?? 'npm', args, {
      cwd: options.root, signal: options.signal, stdio: ['ignore', 'pipe', 'pipe'],
      // On Windows npm is npm.cmd, which only a shell runs.
      shell: process.platform === 'win32',
    });
    let pending = '';
    const onData = (chunk: Buffer): void => {
      const text = chunk.toString('utf8');
      output += text;
      const lines = (pending + text).split(/\r?\n/);
      pending = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) options.onOutput?.(line);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (error: NodeJS.ErrnoException) => resolve(error.name === 'AbortError' ? 'aborted' : error.code ?? error.message));
    child.on('close', (exitCode) => {
      if (pending.trim()) options.onOutput?.(pending);
      resolve(exitCode ?? 'killed');
    });
  });
  if (code !== 0) throw new NativeInstallError(explainInstallFailure(output, code), output);
  const installed = findInstalledTfjsNode(options.root);
  if (!installed) throw new NativeInstallError(`npm finished but ${tfjsNodePackage} is not in ${path.join(options.root, 'node_modules')}`, output);
  return installed;
}

/** One sentence on why an install failed, from npm's exit and output; the full output goes to the log. */
export function explainInstallFailure(output: string, exit: number | string): string {
  if (exit === 'aborted') return 'the installation was cancelled';
  if (exit === 'ENOENT') return 'npm was not found on PATH: install Node.js (which includes npm), then run the command again';
  const host = /getaddrinfo (?:ENOTFOUND|EAI_AGAIN) ([\w.-]+)/.exec(output)?.[1];
  const refused = /(ECONNREFUSED|ETIMEDOUT|ECONNRESET|ENETUNREACH)/.exec(output)?.[1];
  const url = /request to (\S+) failed/.exec(output)?.[1];
  if (host === 'storage.googleapis.com' || (/Downloading libtensorflow/.test(output) && (host || refused))) {
    return 'the npm package was fetched, but its install script could not download libtensorflow from '
      + `${host ?? 'storage.googleapis.com'} (${host ? 'host not found' : refused}): `
      + 'this machine seems to be offline or behind a firewall; Dropout Lab keeps using the wasm backend';
  }
  if (host || refused) {
    return `could not reach ${url ? new URL(url).host : host ?? 'the npm registry'} (${host ? 'host not found' : refused}): `
      + 'this machine seems to be offline or behind a proxy (npm\'s `proxy` setting); Dropout Lab keeps using the wasm backend';
  }
  if (/\bE404\b/.test(output)) return `npm has no such package or version (${/404 Not Found - GET (\S+)/.exec(output)?.[1] ?? 'E404'})`;
  if (/\bEACCES\b|\bEPERM\b/.test(output)) return 'npm was denied writing its files (EACCES): check the permissions of the install folder';
  const last = output.split(/\r?\n/).map((line) => line.replace(/^npm (?:error|ERR!)\s*/, '').trim()).filter(Boolean).at(-1);
  return `npm install failed (exit ${exit})${last ? `: ${last}` : ''}`;
}

/**
 * Loads the installed package in a child process (never in the caller's: the extension host must not load TF.js)
 * and resolves to the first line of the error when it does not load, e.g. a binding built for another platform.
 */
export function verifyTfjsNode(installed: InstalledTfjsNode): Promise<string | undefined> {
  return new Promise((resolve) => {
    // In VS Code, process.execPath is Electron; ELECTRON_RUN_AS_NODE makes it plain Node, as for the trainers.
    const child = spawn(process.execPath, ['-e', 'require(process.argv[1])', installed.modulePath], {
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', (error) => resolve(error.message));
    child.on('close', (code) => {
      if (code === 0) return resolve(undefined);
      const reason = stderr.split(/\r?\n/).find((line) => /^\w*Error\b/.test(line.trim())) ?? stderr.trim().split(/\r?\n/)[0];
      resolve(`${tfjsNodePackage} ${installed.version} does not load: ${reason?.trim() || `exit ${code}`}`);
    });
  });
}
