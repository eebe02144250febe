/**
 * A builder module (`model.module`): loaded and run only here, in a trainer process, never in the extension host.
 * `.js`/`.mjs`/`.cjs` load through Node's own `import()`; `.ts` is bundled with esbuild first (see `loadTypeScript`).
 * `build(hp, tf, data)` is called with the `hp` of builderHp.ts, the trainer's `@tensorflow/tfjs` (same backend as
 * training) and the data's shape; what goes wrong is a `ModuleError` naming the module, and where the module's own
 * code is at fault, its line and column.
 */
import * as fs from 'node:fs';
import Module, { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import type { Task } from '../core/spec';
import { errorMessage } from '../core/errors';
import { shownPath } from '../core/text';
import type { BuilderHpApi } from '../engine/model/builderHp';
import { moduleBuildTimeoutMs } from '../protocol/trainer';
import { fileHash } from '../store/layout';
import { confinedPath, ConfinedPathError } from '../workspace/confine';

/** What `build` learns about the data: one sample's shape (no batch dimension), the class count (1 for regression), the task. */
export interface BuilderData {
  inputShape: number[];
  classes: number;
  task: Task;
}

export type BuildFunction = (hp: BuilderHpApi, tfjs: typeof tf, data: BuilderData) => unknown;

/** A problem with the module, for the user: `name` is the module as the spec names it; a position when the module's code is at fault. */
export class ModuleError extends Error {
  constructor(readonly moduleName: string, readonly detail: string, readonly file?: string, readonly line?: number, readonly column?: number) {
    super(`${moduleName}${line !== undefined ? `:${line}${column !== undefined ? `:${column}` : ''}` : ''}: ${detail}`);
  }
}

/** A loaded module: where it is, how the spec names it, its content hash and its `build`. */
export interface BuilderModule {
  file: string;
  name: string;
  sha256: string;
  build: BuildFunction;
}

/** The module's absolute path, confined to the spec's folder (the same rule as data files). */
export function resolveModulePath(modulePath: string, specDir: string): string {
  try {
    return confinedPath(path.resolve(specDir), modulePath, 'the module path');
  } catch (error) {
    if (error instanceof ConfinedPathError) throw new ModuleError(shownPath(modulePath), error.message);
    throw error;
  }
}

const loaded = new Map<string, BuildFunction>();

/** Loads the module (once per file and content in this process) and finds its `build` export. */
export async function loadBuilderModule(modulePath: string, specDir: string): Promise<BuilderModule> {
  const name = shownPath(modulePath);
  const file = resolveModulePath(modulePath, specDir);
  const sha256 = fileHash(file);
  const key = `${file}\n${sha256}`;
  let build = loaded.get(key);
  if (!build) {
    const exports = await importModule(file, name);
    build = buildExport(exports, name);
    loaded.set(key, build);
  }
  return { file, name, sha256, build };
}

async function importModule(file: string, name: string): Promise<unknown> {
  const extension = path.extname(file).toLowerCase();
  try {
    if (extension === '.ts' || extension === '.mts' || extension === '.cts') return loadTypeScript(file, name);
    if (extension !== '.js' && extension !== '.mjs' && extension !== '.cjs') {
      throw new ModuleError(name, `a builder module is a .js, .mjs, .cjs or .ts file, found ${extension || 'no extension'}`);
    }
    // A query unique to this content: an edited module is imported again, not taken from Node's module cache.
    return await import(`${pathToFileURL(file).href}?sha256=${fileHash(file).slice(0, 16)}`);
  } catch (error) {
    if (error instanceof ModuleError) throw error;
    // Node does not say where an ES module's syntax error is; esbuild's parser does (when it can be loaded).
    const at = error instanceof SyntaxError ? syntaxErrorAt(file) : undefined;
    if (at) throw new ModuleError(name, `loading the module failed: ${at.text}`, file, at.line, at.column);
    throw positioned(error, file, name, 'loading the module failed');
  }
}

interface EsbuildMessage { text: string; location?: { file: string; line: number; column: number } | null }

function syntaxErrorAt(file: string): { text: string; line: number; column: number } | undefined {
  try {
    esbuildFor(file, '').transformSync(fs.readFileSync(file, 'utf8'), { loader: 'js', format: 'esm', logLevel: 'silent' });
  } catch (error) {
    const first = (error as { errors?: EsbuildMessage[] }).errors?.[0];
    if (first?.location) return { text: first.text, line: first.location.line, column: first.location.column + 1 };
  }
  return undefined;
}

/** A default export that is an object with `build` (CJS through import(), or `export default { build }`) counts too. */
function buildExport(exports: unknown, name: string): BuildFunction {
  const namespace = exports as { build?: unknown; default?: { build?: unknown } };
  const build = namespace.build ?? namespace.default?.build;
  if (typeof build === 'function') return build as BuildFunction;
  const names = Object.keys(namespace).filter((key) => key !== 'default' || namespace.default !== undefined);
  const found = names.length > 0 ? `it exports ${names.map((key) => `"${key}"`).join(', ')}` : 'it exports nothing';
  throw new ModuleError(name, `no build export: a builder module exports a function build(hp, tf, data) that returns a tf.LayersModel (${found})`);
}

/**
 * A TypeScript module, bundled by esbuild with its relative imports (packages stay imports) into CommonJS, then
 * compiled as a module at its own path, so `require` resolves from the module's folder and the inline source map
 * gives positions in the .ts file. esbuild is taken from the module's folder first (a project that has it), else
 * from Dropout Lab's own dependencies.
 */
function loadTypeScript(file: string, name: string): unknown {
  const esbuild = esbuildFor(file, name);
  let code: string;
  try {
    const result = esbuild.buildSync({
      entryPoints: [file], bundle: true, write: false, platform: 'node', format: 'cjs', target: 'node20',
      packages: 'external', sourcemap: 'inline', sourcesContent: false, logLevel: 'silent', absWorkingDir: path.dirname(file),
    });
    code = result.outputFiles[0]!.text;
  } catch (error) {
    const first = (error as { errors?: EsbuildMessage[] }).errors?.[0];
    if (!first) throw error;
    // The file at fault may be one the module imports: named from the module's folder.
    const at = first.location;
    const faulty = at ? path.resolve(path.dirname(file), at.file) : undefined;
    throw new ModuleError(faulty ? shownPath(path.relative(path.dirname(file), faulty)) : name,
      `TypeScript could not be compiled: ${first.text}`, faulty, at?.line, at ? at.column + 1 : undefined);
  }
  process.setSourceMapsEnabled(true);
  const compiled = new Module(file);
  compiled.filename = file;
  compiled.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(file));
  (compiled as unknown as { _compile(code: string, file: string): void })._compile(code, file);
  return compiled.exports;
}

type Esbuild = typeof import('esbuild');

function esbuildFor(file: string, name: string): Esbuild {
  const candidates = [() => createRequire(file)('esbuild') as Esbuild, () => require('esbuild') as Esbuild];
  for (const load of candidates) {
    try {
      return load();
    } catch {
      // the next place
    }
  }
  throw new ModuleError(name, 'a .ts builder module is compiled with esbuild, which could not be loaded here: '
    + 'install it next to the module (npm install --save-dev esbuild), or write the module as .mjs');
}

/** The module's own frame in an error's stack (its file, line and column), as a ModuleError. */
export function positioned(error: unknown, file: string, name: string, what: string): ModuleError {
  const stack = error instanceof Error ? error.stack ?? '' : '';
  const url = pathToFileURL(file).href;
  for (const line of stack.split('\n').slice(1)) {
    const frame = /\(?((?:file:\/\/)?[^\s()]+?)(?:\?[^\s():]*)?:(\d+):(\d+)\)?$/.exec(line.trim());
    if (frame && (frame[1] === file || frame[1] === url)) {
      return new ModuleError(name, `${what}: ${errorMessage(error)}`, file, Number(frame[2]), Number(frame[3]));
    }
  }
  // A syntax error names its position in the first line of the stack instead.
  const syntax = new RegExp(`^(?:${escape(file)}|${escape(url)}):(\\d+)`).exec(stack);
  return new ModuleError(name, `${what}: ${errorMessage(error)}`, syntax ? file : undefined, syntax ? Number(syntax[1]) : undefined);
}

/**
 * Calls `build` and checks what it returns. A `build` that awaits forever is stopped after `timeoutMs`; one that
 * loops forever cannot be (it holds this process), so whoever started the process kills it (moduleDiscovery.ts).
 * A `compile` inside the module is undone in effect: training settings come from the spec, so it is only a warning.
 */
export async function runBuild(
  module: BuilderModule, hp: BuilderHpApi, data: BuilderData, timeoutMs = moduleBuildTimeoutMs,
): Promise<{ model: tf.LayersModel; warnings: string[] }> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ModuleError(module.name, `build() did not return within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  // A build that fails leaves the weights it made; they are freed here, as the trainer lives on for the next trial.
  const variablesBefore = new Set(Object.keys(tf.engine().registeredVariables));
  const freeNewVariables = (): void => {
    for (const [variableName, variable] of Object.entries(tf.engine().registeredVariables)) {
      if (!variablesBefore.has(variableName)) variable.dispose();
    }
  };
  let result: unknown;
  try {
    result = await Promise.race([Promise.resolve().then(() => module.build(hp, tf, data)), hung]);
  } catch (error) {
    freeNewVariables();
    throw error instanceof ModuleError ? error : positioned(error, module.file, module.name, 'build() threw');
  } finally {
    clearTimeout(timer);
  }
  if (!isLayersModel(result)) {
    freeNewVariables();
    throw new ModuleError(module.name, `build() returned ${describeValue(result)}, not a tf.LayersModel: end it with \`return model;\` `
      + '(a model made with tf.sequential() or tf.model())');
  }
  const warnings: string[] = [];
  if ((result as { loss?: unknown }).loss !== undefined) {
    warnings.push(`${module.name}: build() compiles the model; its optimizer, loss and metrics are ignored: `
      + 'training settings come from the spec (training.optimizer, training.learningRate)');
  }
  return { model: result, warnings };
}

/** A model of this process's TF.js, or (a module that imports its own copy) anything that serialises like one. */
function isLayersModel(value: unknown): value is tf.LayersModel {
  if (value instanceof tf.LayersModel) return true;
  const model = value as { toJSON?: unknown; getClassName?: unknown; layers?: unknown } | null;
  return typeof model?.toJSON === 'function' && typeof model.getClassName === 'function' && Array.isArray(model.layers);
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'object') {
    const className = (value as { getClassName?: () => string }).getClassName?.();
    return className ? `a ${className}` : Array.isArray(value) ? 'an array' : `an object (${value.constructor?.name ?? 'Object'})`;
  }
  return `${typeof value} ${JSON.stringify(value)?.slice(0, 40) ?? String(value)}`;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
