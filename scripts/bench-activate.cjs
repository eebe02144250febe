// Measures the extension's activation cost outside VS Code, for `npm run bench`:
//   node scripts/bench-activate.cjs dist/extension.js
// `vscode` is replaced by a stub in which every property is a callable, constructible stub, so the bundle's
// top level and activate() run against it. What this leaves out: VS Code's own work for what activate registers
// (code lens providers, webview views, diagnostics collections), which happens in the host, not in our code.
'use strict';
const Module = require('node:module');
const path = require('node:path');

function stub(name) {
  const target = function () {};
  const assigned = new Map();
  return new Proxy(target, {
    set(_, key, value) {
      assigned.set(key, value);
      return true;
    },
    get(_, key) {
      if (assigned.has(key)) return assigned.get(key);
      if (key === 'then') return undefined; // not a thenable: `await stub` must not hang
      if (key === Symbol.toPrimitive) return () => name;
      if (key === Symbol.iterator) return function* () {};
      if (key === 'fsPath' || key === 'path') return `/stub/${name}`;
      if (key === 'version') return '1.100.0';
      return stub(`${name}.${String(key)}`);
    },
    apply: () => stub(`${name}()`),
    construct: () => stub(`new ${name}`),
  });
}

// A plain object with the namespaces the extension uses: the bundle's ESM interop copies the module's own keys.
const namespaces = ['CodeLens', 'Diagnostic', 'DiagnosticSeverity', 'Disposable', 'EventEmitter', 'ProgressLocation', 'Range',
  'Selection', 'StatusBarAlignment', 'TextEditorRevealType', 'Uri', 'ViewColumn', 'commands', 'languages', 'window', 'workspace', 'env'];
const vscode = Object.fromEntries(namespaces.map((name) => [name, stub(name)]));
vscode.version = '1.100.0';
const load = Module._load;
Module._load = function (request, parent, isMain) {
  return request === 'vscode' ? vscode : load.call(this, request, parent, isMain);
};

const file = path.resolve(process.argv[2]);
const required = performance.now();
const extension = require(file);
const requireMs = performance.now() - required;
const context = { subscriptions: [], extensionUri: stub('extensionUri'), globalState: stub('globalState'), workspaceState: stub('workspaceState') };
let activateMs;
let note = 'stub vscode module, fake context; bundle require plus activate()';
try {
  const activated = performance.now();
  extension.activate(context);
  activateMs = performance.now() - activated;
} catch (error) {
  note = `activate() needs more of VS Code than the stub offers: ${String(error && error.message).split('\n')[0]}`;
}
console.log(JSON.stringify({ requireMs, ...(activateMs !== undefined ? { activateMs } : {}), note }));
process.exit(0);
