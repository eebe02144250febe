// The one preparation of real VS Code for this repo: Debian's Chromium and code-server in .cache/code-server.
// `npm test` (scripts/e2e/run.mjs imports prepare()) and `npm start` (scripts/start.ts runs this file) both go
// through here. The work is scripts/e2e/setup.sh: idempotent, a few seconds when cached, about 1.5 min on a fresh
// clone; it prints what it installs, installs Debian packages with apt-get as root and otherwise stops, printing
// the command to run.
//   node scripts/e2e/prepare.mjs
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const setupScript = join(root, 'scripts', 'e2e', 'setup.sh');
/** What setup.sh leaves behind when it succeeds; scripts/e2e/codeServer.ts checks the same paths. */
const expected = [
  ['/usr/bin/chromium', "Debian's Chromium"],
  [join(root, '.cache/code-server/node_modules/code-server/out/node/entry.js'), 'code-server'],
  [join(root, '.cache/code-server/.e2e-ready'), "setup.sh's marker of a verified code-server"],
];
/** Bound on setup.sh: a fresh build takes about 1.5 min on 2 cores; apt may add a few. */
const SETUP_TIMEOUT_MS = 15 * 60_000;

/** Runs setup.sh (its output goes to this terminal); throws an Error saying what failed. */
export function prepare() {
  const started = Date.now();
  const result = spawnSync('bash', [setupScript], { cwd: root, stdio: 'inherit', timeout: SETUP_TIMEOUT_MS, killSignal: 'SIGTERM' });
  if (result.error) throw new Error(`could not run 'bash ${setupScript}': ${result.error.message}`);
  if (result.signal) {
    const after = Date.now() - started >= SETUP_TIMEOUT_MS ? ` after ${SETUP_TIMEOUT_MS / 60_000} min` : '';
    throw new Error(`'bash scripts/e2e/setup.sh' was ended by ${result.signal}${after}`);
  }
  if (result.status !== 0) {
    throw new Error(`'bash scripts/e2e/setup.sh' failed (exit ${result.status}); its message above says what is missing and the command that installs it`);
  }
  const absent = expected.filter(([path]) => !existsSync(path)).map(([path, what]) => `${what} (${path})`);
  if (absent.length) throw new Error(`'bash scripts/e2e/setup.sh' succeeded but left no ${absent.join(', no ')}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    prepare();
  } catch (error) {
    console.error(`e2e-prepare: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
