// Builds the optional BLAS addon (native/blas: Node-API, node-gyp, linked against OpenBLAS on Linux, Accelerate on
// macOS) into dist/native/dropout_blas.node, where trainers load it for the `wasm+blas` backend.
// Optional by design: without a compiler or the BLAS headers it says why and exits 0; trainers then use stock wasm.
//   node scripts/build-native.mjs          (also run by `npm run build`; skipped when the addon is newer than its sources)
//   node scripts/build-native.mjs --force      rebuild even when up to date
//   node scripts/build-native.mjs --require    fail (exit 1) when it cannot be built
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const source = path.join(root, 'native', 'blas');
const target = path.join(root, 'dist', 'native', 'dropout_blas.node');

/** Where the platform's cblas.h may be (Debian/Ubuntu's libopenblas-dev, Fedora's openblas-devel). */
const linuxHeaders = ['/usr/include/x86_64-linux-gnu/cblas.h', '/usr/include/aarch64-linux-gnu/cblas.h',
  '/usr/include/x86_64-linux-gnu/openblas-pthread/cblas.h', '/usr/include/openblas/cblas.h', '/usr/include/cblas.h'];

/** Without the addon trainers use stock wasm; `--require` (the platform VSIX) makes that a failure. */
function skip(reason) {
  if (process.argv.includes('--require')) {
    console.error(`native BLAS addon: not built (${reason})`);
    process.exit(1);
  }
  console.log(`native BLAS addon: not built (${reason}); trainers use stock wasm`);
  process.exit(0);
}

/** node-gyp: npm's own copy (npm sets npm_config_node_gyp for scripts), else the one beside this npm. */
function nodeGyp() {
  if (process.env.npm_config_node_gyp && fs.existsSync(process.env.npm_config_node_gyp)) return process.env.npm_config_node_gyp;
  try {
    const npmCli = spawnSync('npm', ['root', '-g'], { encoding: 'utf8' }).stdout.trim();
    const bundled = path.join(npmCli, 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
    if (fs.existsSync(bundled)) return bundled;
    return createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
  } catch {
    return undefined;
  }
}

if (process.platform === 'linux' && !linuxHeaders.some((header) => fs.existsSync(header))) {
  skip('no cblas.h: on Debian or Ubuntu, `apt-get install libopenblas-dev`');
}
if (process.platform !== 'linux' && process.platform !== 'darwin') skip(`no build recipe for ${process.platform} yet`);
const newest = Math.max(...['gemm.c', 'binding.gyp'].map((file) => fs.statSync(path.join(source, file)).mtimeMs));
if (!process.argv.includes('--force') && fs.existsSync(target) && fs.statSync(target).mtimeMs >= newest) process.exit(0);
const gyp = nodeGyp();
if (!gyp) skip('node-gyp not found');
// Node's own headers when they are installed beside it (node-gyp would otherwise download them: no network here).
const installedNode = path.dirname(path.dirname(process.execPath));
const nodedir = process.env.npm_config_nodedir
  || (fs.existsSync(path.join(installedNode, 'include', 'node', 'node_api.h')) ? installedNode : undefined);
const started = Date.now();
const built = spawnSync(process.execPath, [gyp, 'rebuild', '--loglevel=warn', ...(nodedir ? [`--nodedir=${nodedir}`] : [])],
  { cwd: source, encoding: 'utf8' });
if (built.status !== 0) skip(`node-gyp failed: ${(built.stderr || built.stdout || String(built.error)).trim().split('\n').slice(-3).join(' | ')}`);
fs.mkdirSync(path.dirname(target), { recursive: true });
fs.copyFileSync(path.join(source, 'build', 'Release', 'dropout_blas.node'), target);
console.log(`native BLAS addon: built ${path.relative(root, target)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
