// Checks the imports of every file under src/ and webview/ against the layer picture in scripts/layers.mjs:
//   - each import (static, `export … from`, `require('…')`, `import('…')`, type-only too) goes to a folder, or a
//     package, that its folder may import;
//   - no cycle between the top-level folders of src/ (and webview/);
//   - nothing the extension host loads (src/extension/main.ts and what it imports at run time) reaches TF.js.
// Prints the folder graph (folder → folders it imports, with the number of import statements), then every
// failure with the file, line and import (for a cycle: one import per step). Exit code 1 on any failure.
//   node scripts/check-layers.mjs
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { hostEntries, layers, packageMatches, srcFolders } from './layers.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const sourceExtensions = ['.ts', '.mts', '.cts', '.tsx', '.js', '.mjs', '.cjs'];

function sourceFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(path);
    return sourceExtensions.some((ext) => name.endsWith(ext)) ? [path] : [];
  });
}

const rel = (path) => relative(root, path).split(sep).join('/');

/** The layer a path belongs to: a top-level folder of src/ (or `src/<name>` for one the picture lacks), 'webview', or null. */
function folderOf(path) {
  const [top, second] = rel(path).split('/');
  if (top === 'webview') return 'webview';
  if (top === 'src') return srcFolders.includes(second) ? second : `src/${second}`;
  return null;
}

/** The file a relative specifier names (as TypeScript and esbuild resolve it), or the bare resolved path. */
function resolveImport(fromFile, specifier) {
  const base = resolve(dirname(fromFile), specifier);
  const candidates = [base, ...sourceExtensions.map((ext) => base + ext), ...sourceExtensions.map((ext) => join(base, `index${ext}`))];
  return candidates.find((path) => existsSync(path) && statSync(path).isFile()) ?? base;
}

/** Every import of a file: specifier, line, and whether it is erased at build time (type-only). */
function importsOf(file) {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found = [];
  const add = (literal, typeOnly) => {
    if (!literal || !ts.isStringLiteralLike(literal)) return;
    const line = source.getLineAndCharacterOfPosition(literal.getStart()).line + 1;
    found.push({ specifier: literal.text, line, typeOnly });
  };
  const allTypes = (elements) => elements.length > 0 && elements.every((element) => element.isTypeOnly);
  const visit = (node) => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const bindings = clause?.namedBindings;
      add(node.moduleSpecifier, Boolean(clause && (clause.isTypeOnly
        || (!clause.name && bindings && ts.isNamedImports(bindings) && allTypes(bindings.elements)))));
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      const clause = node.exportClause;
      add(node.moduleSpecifier, node.isTypeOnly || Boolean(clause && ts.isNamedExports(clause) && allTypes(clause.elements)));
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression, node.isTypeOnly);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal, true);
    } else if (ts.isCallExpression(node) && node.arguments.length >= 1
      && (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require'))) {
      add(node.arguments[0], false);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const files = [...sourceFiles(join(root, 'src')), ...sourceFiles(join(root, 'webview'))].sort();
/** file → its imports, each with `target` (a resolved file) or `package`. */
const graph = new Map();
for (const file of files) {
  graph.set(file, importsOf(file).map((entry) => entry.specifier.startsWith('.')
    ? { ...entry, target: resolveImport(file, entry.specifier) }
    : { ...entry, package: entry.specifier }));
}

const failures = [];
/** The folders, bottom first (for the summary and messages). */
const order = [...srcFolders, 'webview'];
const where = (file, entry) => `${rel(file)}:${entry.line} imports '${entry.specifier}'`;

// 1. Each import against its folder's rule.
/** folder → (folder it imports → [file, import] of each import). */
const edges = new Map();
for (const [file, entries] of graph) {
  const from = folderOf(file);
  const rule = layers[from];
  if (!rule) {
    failures.push(`${rel(file)}: ${from}/ is not in the layer picture: add it to scripts/layers.mjs`);
    continue;
  }
  for (const entry of entries) {
    if (entry.package !== undefined) {
      const denied = rule.onlyPackages
        ? !rule.onlyPackages.some((prefix) => packageMatches(prefix, entry.package))
        : (rule.forbid ?? []).some((prefix) => packageMatches(prefix, entry.package));
      if (denied) failures.push(`${where(file, entry)}: ${rule.why}`);
      continue;
    }
    const to = folderOf(entry.target);
    if (to === null) {
      // Outside src/ and webview/: package.json is fine for src/; test/ and scripts/ never are, nor anything for webview/.
      const outside = rel(entry.target);
      if (from === 'webview' || /^(test|scripts)(\/|$)/.test(outside)) {
        failures.push(`${where(file, entry)} (${outside}): ${from === 'webview' ? rule.why : `${from} must not import from ${outside.split('/')[0]}/`}`);
      }
      continue;
    }
    if (to === from) continue;
    if (!edges.has(from)) edges.set(from, new Map());
    if (!edges.get(from).has(to)) edges.get(from).set(to, []);
    edges.get(from).get(to).push([file, entry]);
    if (!rule.may.includes(to)) failures.push(`${where(file, entry)}: ${from} → ${to} is against the layer order: ${rule.why}`);
  }
}

// 2. Cycles between folders: each group of folders that reach one another, with its shortest cycle as the chain.
function pathBetween(start, goal) {
  const previous = new Map([[start, null]]);
  const queue = [start];
  while (queue.length) {
    const node = queue.shift();
    if (node === goal) {
      const path = [];
      for (let at = goal; at !== null; at = previous.get(at)) path.unshift(at);
      return path;
    }
    for (const next of edges.get(node)?.keys() ?? []) {
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return null;
}
const folders = [...edges.keys()];
const grouped = new Set();
for (const folder of folders) {
  if (grouped.has(folder)) continue;
  const group = folders.filter((other) => other !== folder && pathBetween(folder, other) && pathBetween(other, folder));
  if (group.length === 0) continue;
  group.unshift(folder);
  group.sort((a, b) => order.indexOf(a) - order.indexOf(b));
  group.forEach((member) => grouped.add(member));
  // The shortest cycle through the group: an edge a → b inside it and the shortest way back from b to a.
  let cycle;
  for (const a of group) {
    for (const b of edges.get(a).keys()) {
      const back = group.includes(b) ? pathBetween(b, a) : null;
      if (back && (!cycle || back.length + 1 < cycle.length)) cycle = [a, ...back];
    }
  }
  const steps = cycle.slice(0, -1).map((a, i) => {
    const [file, entry] = edges.get(a).get(cycle[i + 1])[0];
    return `    ${a} → ${cycle[i + 1]}: ${where(file, entry)}`;
  });
  failures.push(`import cycle between folders ${group.join(', ')} (each reaches the others); the shortest: ${cycle.join(' → ')}:\n${steps.join('\n')}`);
}

// 3. What the extension host loads: run-time imports only (type-only ones are erased by the build).
for (const [entryFile, packages] of Object.entries(hostEntries)) {
  const start = join(root, entryFile);
  const via = new Map([[start, null]]);
  const queue = [start];
  while (queue.length) {
    const file = queue.shift();
    for (const entry of graph.get(file) ?? []) {
      if (entry.typeOnly) continue;
      if (entry.package !== undefined) {
        if (!packages.some((prefix) => packageMatches(prefix, entry.package))) continue;
        const chain = [];
        for (let at = file; at !== null; at = via.get(at)) chain.unshift(rel(at));
        failures.push(`${entryFile} loads '${entry.package}' at run time (${chain.join(' → ')}:${entry.line}): `
          + 'no TF.js in the extension host; the trainer process loads it (only types needed? `import type` is erased)');
      } else if (graph.has(entry.target) && !via.has(entry.target)) {
        via.set(entry.target, file);
        queue.push(entry.target);
      }
    }
  }
}

// Summary, then failures.
console.log(`layers: ${files.length} files under src/ and webview/; folder → folders it imports (import statements)`);
for (const folder of order) {
  const targets = [...(edges.get(folder)?.entries() ?? [])].sort(([a], [b]) => order.indexOf(a) - order.indexOf(b));
  const list = targets.map(([to, uses]) => `${to} (${uses.length})`).join(', ');
  console.log(`  ${folder.padEnd(10)} → ${list || '(nothing)'}`);
}
if (failures.length) {
  console.error(`\nlayers: ${failures.length} problem${failures.length === 1 ? '' : 's'}:`);
  for (const failure of failures) console.error(`  ${failure}`);
  process.exit(1);
}
console.log('layers: every import points down; no cycle between folders; no TF.js in the extension host');
