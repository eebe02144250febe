// `npm start`: the one-command demo. Builds and packages the extension, prepares code-server (real VS Code in a
// browser) once, installs the .vsix into a fresh profile and serves the examples/ folder on 127.0.0.1 until Ctrl-C.
// The headless path stays `npx dropout-lab run examples/moons.dropout.json`.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { packageVsix, repoRoot, startCodeServer } from './e2e/codeServer';
import { errorMessage } from '../src/core/errors';

async function main(): Promise<void> {
  // The same preparation as `npm test`'s end-to-end stage (Chromium, code-server); it prints what went wrong.
  const prepared = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'e2e', 'prepare.mjs')], { stdio: 'inherit' });
  if (prepared.status !== 0) {
    throw new Error(`preparing code-server failed (${prepared.error?.message ?? `exit ${prepared.status ?? prepared.signal}`}): see above`);
  }
  const vsix = packageVsix();
  const server = await startCodeServer({ workspace: path.join(repoRoot, 'examples'), vsixPath: vsix, name: 'start', timeoutMs: 120_000 });
  console.log(`\nDropout Lab is running in VS Code at:\n\n  ${server.url}\n\n`
    + 'Open moons.dropout.json and click "▶ Run experiment" above it. Ctrl-C stops the server.\n');
  const stop = async () => {
    await server.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  await new Promise(() => undefined); // until a signal
}

main().catch((error: unknown) => {
  console.error(`npm start: ${errorMessage(error)}`);
  process.exit(1);
});
