// Runs the end-to-end tests (test/e2e/*.e2e.ts) in real VS Code: code-server + Debian's headless Chromium.
//   node scripts/e2e/run.mjs [file-or-name-filter ...]
// Prepares what they need first (scripts/e2e/prepare.mjs → setup.sh: cached after the first run), and never
// skips: a prerequisite it cannot install fails the run, naming it and the command that installs it. Packages
// the extension once (`npm run package`) unless E2E_VSIX names a .vsix already.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepare } from './prepare.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/**
 * Last-resort bound on the whole run (each wait in the tests has its own; training waits fail when training
 * stalls). About 8-10 min on 2 busy cores; 45 min leaves room for a slower machine.
 */
const RUN_TIMEOUT_MS = Number(process.env.E2E_RUN_TIMEOUT_MS || 45 * 60_000);

function fail(message) {
  console.error(`e2e: ${message}`);
  process.exit(1);
}

// 1. Node: code-server runs on the Node that runs this.
const nodeMajor = Number(process.versions.node.split('.')[0]);
if (nodeMajor !== 20) fail(`code-server 4.100 needs Node 20; this is Node ${process.version}`);

// 2. Test files.
const filters = process.argv.slice(2);
const dir = join(root, 'test', 'e2e');
const files = readdirSync(dir)
  .filter((name) => name.endsWith('.e2e.ts') && statSync(join(dir, name)).isFile())
  .map((name) => join(dir, name))
  .filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)))
  .sort();
if (files.length === 0) fail(`no test files matching ${filters.length ? filters.join(', ') : '*.e2e.ts'} in ${relative(root, dir)}`);

// 3. Prerequisites: Chromium and code-server, installed or verified (after the filter: a typo fails at once).
try {
  prepare();
} catch (error) {
  fail(`cannot run the end-to-end tests: ${error instanceof Error ? error.message : String(error)}`);
}

// 4. The .vsix, once for all files.
const env = { ...process.env };
if (env.E2E_VSIX) {
  if (!existsSync(env.E2E_VSIX)) fail(`E2E_VSIX=${env.E2E_VSIX} does not exist`);
} else {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const script = pkg.scripts?.package;
  if (!script) fail("package.json has no 'package' script to build the .vsix with");
  const output = /(?:^|\s)(?:-o|--out)\s+(\S+)/.exec(script)?.[1] ?? `${pkg.name}-${pkg.version}.vsix`;
  const vsix = resolve(root, output);
  const started = Date.now();
  const result = spawnSync('npm', ['run', 'package', '--silent'], { cwd: root, encoding: 'utf8', timeout: 5 * 60_000 });
  if (result.status !== 0) {
    console.error((result.stdout ?? '') + (result.stderr ?? ''));
    fail(`'npm run package' failed (${result.error?.message ?? `status ${result.status}`})`);
  }
  if (!existsSync(vsix)) fail(`'npm run package' did not write ${vsix}`);
  console.log(`e2e: packaged ${relative(root, vsix)} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  env.E2E_VSIX = vsix;
}

// 5. Run: one file at a time (each starts its own code-server and Chromium; the machine has 2 cores).
console.log(`e2e: running ${files.map((file) => relative(root, file)).join(', ')}`);
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', ...files],
  { cwd: root, env, stdio: 'inherit', timeout: RUN_TIMEOUT_MS, killSignal: 'SIGTERM' },
);
if (result.error) fail(`test runner: ${result.error.message}${result.signal ? ` (${result.signal} after ${RUN_TIMEOUT_MS} ms)` : ''}`);
if (result.signal) fail(`test runner ended by ${result.signal}`);
process.exit(result.status ?? 1);
