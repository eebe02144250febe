// ESLint: a few type-aware rules that catch real bugs, a line length, and the layer picture of scripts/layers.mjs
// as no-restricted-imports per folder. `npm run lint`; scripts/check-layers.mjs checks the same picture over every
// import (require() and import() too) and looks for cycles between folders.
import stylistic from '@stylistic/eslint-plugin';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import { layers, scriptsRule, srcFolders } from './scripts/layers.mjs';

const ts = '{ts,mts,cts}';
const js = '{js,mjs,cjs}';

// ---------------------------------------------------------------- layers as no-restricted-imports

/**
 * ESLint sees an import as written, so a relative path is matched at each depth: from src/engine/train/loop.ts
 * (depth 1 below src/engine) `../../store/x` is the store, while `../model/x` stays in the engine. Files deeper than
 * `maxDepth` (none today) are left to scripts/check-layers.mjs, which resolves every path.
 */
const maxDepth = 6;
const escapeRegex = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const ups = (count) => `(?:\\.\\./){${count}}`;
/** A bare specifier equal to, or under, one of these prefixes ('@tensorflow/' is a scope). */
const packagesRegex = (prefixes) => prefixes.map((p) => (p.endsWith('/') ? escapeRegex(p) : `${escapeRegex(p)}(?:/|$)`)).join('|');

function packagePatterns(rule) {
  if (rule.onlyPackages) {
    const allowed = rule.onlyPackages.map((p) => `(?:${packagesRegex([p])})`).join('|');
    return [{ regex: `^(?!\\.)${allowed ? `(?!${allowed})` : ''}`, message: rule.why }];
  }
  return rule.forbid?.length ? [{ regex: `^(?:${packagesRegex(rule.forbid)})`, message: rule.why }] : [];
}

/** One config object per depth of the folder's files, so that each pattern means one folder. */
function layerConfigs(folder, rule) {
  const dir = folder === 'webview' ? 'webview' : `src/${folder}`;
  return Array.from({ length: maxDepth + 1 }, (_, depth) => {
    const toRoot = depth + (folder === 'webview' ? 1 : 2); // ../ from a file at this depth to the repository root
    const patterns = [...packagePatterns(rule)];
    if (folder === 'webview') {
      patterns.push({ regex: `^${ups(toRoot)}(?!src/(?:core|protocol)/)`, message: rule.why });
    } else {
      const denied = srcFolders.filter((other) => other !== folder && !rule.may.includes(other));
      if (denied.length) patterns.push({ regex: `^${ups(toRoot - 1)}(?:${denied.join('|')})(?:/|$)`, message: rule.why });
      patterns.push({ regex: `^${ups(toRoot)}(?:test|scripts)(?:/|$)`, message: `${folder} must not import from test/ or scripts/` });
    }
    return {
      name: `layers/${folder}/depth-${depth}`,
      files: [`${dir}/${'*/'.repeat(depth)}*.${ts}`],
      rules: { 'no-restricted-imports': ['error', { patterns }] },
    };
  });
}

const scriptsConfigs = Array.from({ length: 3 }, (_, depth) => ({
  name: `layers/scripts/depth-${depth}`,
  files: [`scripts/${'*/'.repeat(depth)}*.${ts}`, `scripts/${'*/'.repeat(depth)}*.${js}`],
  rules: { 'no-restricted-imports': ['error', { patterns: [{ regex: `^${ups(depth + 1)}test(?:/|$)`, message: scriptsRule }] }] },
}));

// ---------------------------------------------------------------- the config

export default defineConfig(
  { ignores: ['dist/**', 'node_modules/**', '.cache/**', 'out/**', 'test-results/**', 'test/fixtures/**', '.dropout/**'] },
  {
    name: 'base',
    files: [`**/*.${ts}`, `**/*.${js}`],
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { '@stylistic': stylistic },
    rules: {
      '@stylistic/max-len': ['error', { code: 160, tabWidth: 2, ignoreUrls: true, ignoreRegExpLiterals: true }],
    },
  },
  {
    name: 'typescript (type-aware)',
    files: [`**/*.${ts}`],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      // A switch over a union names every member: a new SweepEvent or message type fails here, not at run time.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: false }],
      // A promise is awaited, returned, or handed to something that handles it (`void` says: on purpose).
      '@typescript-eslint/no-floating-promises': ['error', {
        // node:test's describe() and test() queue their callback with the runner, which reports its failures.
        allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'test', 'it', 'suite'] }],
      }],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  ...Object.entries(layers).flatMap(([folder, rule]) => layerConfigs(folder, rule)),
  ...scriptsConfigs,
);
