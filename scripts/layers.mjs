// The layer picture (imports point down), as data. Two checks read it:
//   eslint.config.mjs        no-restricted-imports per folder (static imports, while editing)
//   scripts/check-layers.mjs every import, require() and import() resolved to its folder; cycles between folders
// Change the picture here and both follow.

/** Top-level folders of src/, bottom first. */
export const srcFolders = ['core', 'protocol', 'engine', 'workspace', 'store', 'trainer', 'runner', 'cli', 'extension'];

/** TF.js, the native binding and its backends. */
export const tfjs = '@tensorflow/';

/**
 * For each folder (each top-level folder of src/, and webview/): the folders it may import, and the packages it
 * may not (`forbid`, prefixes) or the only ones it may (`onlyPackages`, prefixes). `why` is the rule in one line;
 * it is the message of every failure.
 */
export const layers = {
  core: {
    may: [],
    // The Student t distribution of core/statistics.ts (plain JS, bundled for node and the browser; see its header).
    onlyPackages: ['@stdlib/stats-base-dists-t-cdf', '@stdlib/stats-base-dists-t-quantile'],
    why: 'core is pure: it imports only core (no node:*, no TF.js, no vscode; of packages only stdlib\'s t distribution)',
  },
  protocol: {
    may: ['core'],
    onlyPackages: [],
    why: 'protocol (message unions and guards) imports only core',
  },
  engine: {
    may: ['core', 'protocol'],
    forbid: ['vscode', 'node:fs', 'fs', 'fs/promises'],
    why: 'engine imports only core and protocol (and TF.js); it does no file I/O (no node:fs) and never vscode',
  },
  workspace: {
    may: ['core', 'protocol', 'engine'],
    forbid: ['vscode'],
    why: 'workspace imports only core, protocol and engine (it implements an engine interface); never vscode',
  },
  store: {
    may: ['core', 'protocol', 'engine'],
    forbid: ['vscode'],
    why: 'store imports only core, protocol and engine; never vscode',
  },
  trainer: {
    may: ['core', 'protocol', 'engine', 'store', 'workspace'],
    forbid: ['vscode'],
    why: 'trainer imports only core, protocol, engine, store and workspace; never vscode',
  },
  runner: {
    may: ['core', 'protocol', 'engine', 'store', 'workspace'],
    forbid: ['vscode'],
    why: 'runner imports only core, protocol, engine, store and workspace (it forks the trainer by path); never vscode',
  },
  cli: {
    may: ['core', 'protocol', 'engine', 'workspace', 'store', 'trainer', 'runner'],
    forbid: ['vscode', tfjs],
    why: 'cli imports the layers below it, never extension, vscode or TF.js (@tensorflow/*: the trainer loads it)',
  },
  extension: {
    may: ['core', 'protocol', 'engine', 'workspace', 'store', 'trainer', 'runner'],
    forbid: [tfjs],
    why: 'extension imports the layers below it, never cli, and never TF.js (@tensorflow/*: not in the extension host)',
  },
  webview: {
    may: ['webview', 'core', 'protocol'],
    onlyPackages: ['chart.js', '@vscode-elements/'],
    why: 'webview imports only webview/, src/core/ and src/protocol/ (and chart.js, @vscode-elements)',
  },
};

/** The entries of the extension host: nothing they reach, however indirectly, may load these packages. */
export const hostEntries = { 'src/extension/main.ts': [tfjs] };

export const scriptsRule = 'scripts must not import from test/: move what both need to src/ or scripts/';

/** Does a package prefix match a bare specifier? 'fs' matches 'fs' and 'fs/x'; '@tensorflow/' any scoped name. */
export function packageMatches(prefix, specifier) {
  return prefix.endsWith('/') ? specifier.startsWith(prefix) : specifier === prefix || specifier.startsWith(`${prefix}/`);
}
