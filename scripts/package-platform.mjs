// `npm run package:platform`: the VSIX for this machine's platform (e.g. linux-x64) with the BLAS addon in it
// (dist/native/dropout_blas.node), beside the universal one of `npm run package`, which carries no addon.
// Fails when the addon cannot be built here. Users of the platform VSIX still need the BLAS runtime it links
// (Debian/Ubuntu: libopenblas0); without it trainers say why and use stock wasm.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = (command, args) => {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
};
run(process.execPath, [path.join(root, 'scripts', 'build-native.mjs'), '--require']);
const target = `${process.platform === 'win32' ? 'win32' : process.platform}-${os.arch()}`;
// The universal ignore list, plus the addon.
const ignoreFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dropout-lab-vsix-')), '.vscodeignore');
fs.writeFileSync(ignoreFile, `${fs.readFileSync(path.join(root, '.vscodeignore'), 'utf8')}\n!dist/native/*.node\n`);
run(process.execPath, [path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--target', target, '--ignoreFile', ignoreFile,
  '--allow-missing-repository', '--no-rewrite-relative-links', '-o', `dropout-lab-${target}.vsix`]);
