/**
 * A real Redis for the queue tests, the queue e2e test and the bench: Debian's `redis-server` (installed by
 * scripts/e2e/setup.sh, which `npm test` runs before the suites) on 127.0.0.1, a free port, no persistence, stopped
 * after. And real workers: `dropout-lab worker` processes from dist/cli.js (`npm run build` first).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import * as readline from 'node:readline';
import * as path from 'node:path';
import type { BackendName } from '../src/core/backend';

const cliPath = path.resolve(__dirname, '..', 'dist', 'cli.js');

const redisServerBinary = '/usr/bin/redis-server';

/** A port nothing listens on now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface RedisServer {
  port: number;
  url: string;
  /** SIGKILL: Redis gone mid-sweep, as a crash would leave it. */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty: no persistence). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

function waitForExit(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts redis-server and resolves once it accepts connections; `password` turns on requirepass. */
export async function startRedis(options: { password?: string; port?: number } = {}): Promise<RedisServer> {
  if (spawnSync(redisServerBinary, ['--version']).status !== 0) {
    throw new Error(`${redisServerBinary} is missing: run bash scripts/e2e/setup.sh (or apt-get install -y redis-server)`);
  }
  const port = options.port ?? await freePort();
  let child: ChildProcess;
  const launch = async (): Promise<void> => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'];
    if (options.password) args.push('--requirepass', options.password);
    child = spawn(redisServerBinary, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`redis-server did not listen on ${port} within 10 s`)), 10_000);
      const tryConnect = (): void => {
        const socket = net.connect(port, '127.0.0.1', () => { socket.destroy(); clearTimeout(deadline); resolve(); });
        socket.once('error', () => setTimeout(tryConnect, 50));
      };
      child.once('exit', (code) => { clearTimeout(deadline); reject(new Error(`redis-server exited with code ${code}`)); });
      tryConnect();
    });
    child.stdout?.resume();
  };
  await launch();
  const auth = options.password ? `:${options.password}@` : '';
  return {
    port, url: `redis://${auth}127.0.0.1:${port}`,
    async kill() {
      child.kill('SIGKILL');
      await waitForExit(child);
    },
    restart: launch,
    async stop() {
      child.kill('SIGTERM');
      await waitForExit(child);
    },
  };
}

export interface WorkerProcess {
  child: ChildProcess;
  /** Every line it printed so far. */
  lines: string[];
  /** Resolves with the first line matching `pattern`. */
  line(pattern: RegExp): Promise<string>;
  stop(): Promise<void>;
}

/**
 * `dropout-lab worker` named `name` (its host in `where`), with a short lock so a killed worker's jobs move on in
 * seconds; its trainers on `backend` (what a test compares them with trains on the same one).
 */
export async function startWorker(url: string, name: string, slots: number, backend: BackendName = 'wasm'): Promise<WorkerProcess> {
  const args = ['worker', '--redis', url, '--slots', String(slots), '--backend', backend, '--name', name, '--lock-ms', '2000'];
  const child = spawn(process.execPath, [cliPath, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  readline.createInterface({ input: child.stderr! }).on('line', (line) => {
    lines.push(line);
    for (const waiter of waiters.filter((w) => w.pattern.test(line))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(line);
    }
  });
  const worker: WorkerProcess = {
    child, lines,
    line: (pattern) => {
      const seen = lines.find((line) => pattern.test(line));
      return seen !== undefined ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ pattern, resolve }));
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await waitForExit(child);
    },
  };
  await Promise.race([worker.line(/^ready/), waitForExit(child).then(() => { throw new Error(`worker ${name} exited: ${lines.join('\n')}`); })]);
  return worker;
}
