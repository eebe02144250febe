/**
 * The generic walker: reads a jsonc-parser tree against the rule table, so that every problem carries the offset of
 * the node it is about. Each reader reports what is wrong and returns undefined for an invalid value; the values it
 * returns have every default filled in.
 */
import { findNodeAtLocation, type Node } from 'jsonc-parser';
import type { HpRef, HpType, HpValue } from '../../core/hyperparameters';
import type { DatasetType } from '../../core/spec';
import type { RateSpace } from '../sweep/randomSearch';
import { expandRateRange, rateRangeCount } from './format';
import { describe, quote, suggest, unknownKeyMessage } from './messages';
import { joinPath, ownerSpan, type Collector } from './positions';
import {
  MAX_RATES, RATE_BOUNDS, RATE_LIST, SPEC_SHAPES, VARIANTS, variantTypeField, type Bounds, type Field, type FieldOf, type Shape, type VariantName,
} from './rules';
import { completeHpEntry } from './spaceEntries';
import { splitProblems, type FieldProblem } from './splits';

export type Values = Record<string, unknown>;

function boundsText({ min, max, exclusiveMin, exclusiveMax }: Bounds): string {
  const parts: string[] = [];
  if (min !== undefined) parts.push(`${exclusiveMin ? '>' : '≥'} ${min}`);
  if (max !== undefined) parts.push(`${exclusiveMax ? '<' : '≤'} ${max}`);
  return parts.join(' and ');
}

/** What a field takes, e.g. `an integer ≥ 1 and ≤ 100`: the second half of "expected …, found …". */
export function expected(f: Field): string {
  const orHp = 'searchable' in f && f.searchable ? ' or {"hp": "name"}' : '';
  switch (f.kind) {
    case 'integer': return `${f.allowed ? `one of ${f.allowed.join(', ')}` : `an integer ${boundsText(f)}`.trim()}${orHp}`;
    case 'number': return `${`a number ${boundsText(f)}`.trim()}${orHp}`;
    case 'rate': return `a drop probability (a number ${boundsText(RATE_BOUNDS)})${orHp}`;
    case 'string': return f.minLength ? 'a non-empty string' : 'a string';
    case 'enum': return `one of ${f.values.map((v) => quote(v)).join(', ')}${orHp}`;
    case 'boolean': return 'true or false';
    case 'scalar': return 'a number, a string, true or false';
    case 'size': return `${expected(f.item)}, or [height, width] of them`;
    case 'object': case 'variant': return 'an object';
    case 'list': return `an array of ${f.minItems} to ${f.maxItems} ${f.noun}s, each ${expected(f.item)}`;
    case 'map': return `an object of ${f.noun}s by name`;
    case 'rates': return `an array of rates or a range {"min", "max", "step"}`;
  }
}

/** Reads one value of kind `f` at `path` (every problem reported to `c`); undefined when it is invalid. */
export function readValue(f: Field, node: Node, path: string, c: Collector): unknown {
  c.nodes.set(path, node);
  if ('searchable' in f && f.searchable && node.type === 'object') return readHpRef(f, node, path, c);
  switch (f.kind) {
    case 'integer': case 'number': case 'rate': return readNumber(f, node, path, c);
    case 'string': return readString(f, node, path, c);
    case 'enum': return readEnum(f, node, path, c);
    case 'boolean': return readBoolean(f, node, path, c);
    case 'scalar': return readScalar(f, node, path, c);
    case 'size': return readSize(f, node, path, c);
    case 'object': return readObject(f.shape, node, path, c);
    case 'list': return readList(f, node, path, c);
    case 'variant': return readVariant(f.of, node, path, c);
    case 'map': return readMap(f, node, path, c);
    case 'rates': return readRates(node, path, c);
  }
}

/** What is wrong with `v` for a numeric field (its kind, bounds and allowed values), or undefined when nothing is. */
export function numberProblem(f: FieldOf<'integer' | 'number' | 'rate'>, v: number): string | undefined {
  if (f.kind === 'integer' && !Number.isInteger(v)) return `expected an integer, found ${v}`;
  if (f.kind === 'rate') {
    if (v < 0) return `${v} is negative: a rate is a drop probability, from 0 (keep every unit) to just below 1`;
    if (v >= 1) return `${v} is not a valid rate: a rate is the drop probability (keep p = 1 − rate), and 1 would drop every unit; use a value ≥ 0 and < 1`;
    return undefined;
  }
  if (f.allowed && !f.allowed.includes(v)) return `must be ${f.allowed.join(' or ')}, found ${v}`;
  const { min, max, exclusiveMin, exclusiveMax } = f;
  const tooSmall = min !== undefined && (exclusiveMin ? v <= min : v < min);
  const tooLarge = max !== undefined && (exclusiveMax ? v >= max : v > max);
  if (!tooSmall && !tooLarge) return undefined;
  return `must be ${tooSmall ? boundsText({ min, exclusiveMin }) : boundsText({ max, exclusiveMax })}, found ${v}`;
}

function readNumber(f: FieldOf<'integer' | 'number' | 'rate'>, node: Node, path: string, c: Collector): number | undefined {
  const value: unknown = node.value;
  const hp = node.type === 'object' ? findNodeAtLocation(node, ['hp']) : undefined;
  if (hp) {
    c.error(ownerSpan(hp), path, `${path} cannot name a hyperparameter (it is the same for every trial): expected ${expected(f)}`);
    return undefined;
  }
  if (node.type !== 'number' || typeof value !== 'number' || !Number.isFinite(value)) {
    c.error(node, path, `expected ${expected(f)}, found ${describe(node)}`);
    return undefined;
  }
  const v = value + 0; // -0 → 0
  const problem = numberProblem(f, v);
  if (problem) {
    c.error(node, path, problem);
    return undefined;
  }
  return v;
}

function readBoolean(f: FieldOf<'boolean'>, node: Node, path: string, c: Collector): boolean | undefined {
  if (node.type === 'boolean') return node.value as boolean;
  c.error(node, path, `expected ${expected(f)}, found ${describe(node)}`);
  return undefined;
}

function readScalar(f: FieldOf<'scalar'>, node: Node, path: string, c: Collector): HpValue | undefined {
  const value: unknown = node.value;
  if (node.type === 'string' || node.type === 'boolean' || (node.type === 'number' && typeof value === 'number' && Number.isFinite(value))) {
    return node.type === 'number' ? (value as number) + 0 : (value as HpValue);
  }
  c.error(node, path, `expected ${expected(f)}, found ${describe(node)}`);
  return undefined;
}

/** One integer (a square) or [height, width]. */
function readSize(f: FieldOf<'size'>, node: Node, path: string, c: Collector): unknown {
  if (node.type !== 'array') return readValue(f.item, node, path, c);
  const items = readList({ kind: 'list', item: f.item, noun: 'dimension', minItems: 2, maxItems: 2 }, node, path, c);
  return items;
}

/** `{ "hp": "name" }` in a searchable field: recorded, and checked against sweep.space once everything is read. */
function readHpRef(f: Field, node: Node, path: string, c: Collector): HpRef | undefined {
  const values = readObject(SPEC_SHAPES.hpRef, node, path, c);
  const name = values?.hp;
  if (typeof name !== 'string') return undefined;
  c.hpUses.push({ name, path, at: c.nodes.get(joinPath(path, 'hp'))!, field: f });
  return { hp: name };
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
    const found = items.length === 0 ? 'an empty array' : items.length;
    c.error(node, path, `must list at least ${f.minItems === 1 ? 'one' : f.minItems} ${f.noun}${f.minItems === 1 ? '' : 's'}, found ${found}`);
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

export function readObject(shape: Shape, node: Node | undefined, path: string, c: Collector, options: ObjectOptions = {}): Values | undefined {
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

/**
 * Cross-field rules of one variant's object, given its values (defaults filled in) and which fields the text wrote:
 * problems, each put on the field it names. The hyperparameter rule also fills in keras-tuner's defaults.
 */
const VARIANT_RULES: Partial<Record<VariantName, (type: string, values: Values, written: (key: string) => boolean) => FieldProblem[]>> = {
  dataset: (type, values, written) => splitProblems(type as DatasetType, values, written),
  hp: (type, values, written) => completeHpEntry(type as HpType, values, written),
};

/** An object whose fields depend on its `type`, read first: a dataset, a layer, a hyperparameter. */
function readVariant(of: VariantName, node: Node, path: string, c: Collector): Values | undefined {
  if (node.type !== 'object') {
    c.error(node, path, `expected an object, found ${describe(node)}`);
    return undefined;
  }
  const { noun, shapes } = VARIANTS[of];
  const types = Object.keys(shapes);
  const typeField = variantTypeField(of);
  const typeNode = findNodeAtLocation(node, ['type']);
  const typePath = joinPath(path, 'type');
  const type = typeNode && (readValue(typeField, typeNode, typePath, c) as string | undefined);
  if (!type) {
    if (!typeNode) c.error(ownerSpan(node), typePath, `missing required property "type": expected ${expected(typeField)}`);
    // Without a type only the keys that no type accepts can be judged.
    const allKeys = [...new Set(types.flatMap((t) => Object.keys(shapes[t]!)))];
    for (const property of node.children ?? []) {
      const keyNode = property.children?.[0];
      const key = String(keyNode?.value);
      if (keyNode && !allKeys.includes(key)) c.error(keyNode, joinPath(path, key), unknownKeyMessage(key, allKeys));
    }
    return undefined;
  }
  const errorsBefore = c.errorCount;
  const values = readObject(shapes[type]!, node, path, c, {
    unknownKey: (key) => {
      const owners = types.filter((t) => Object.hasOwn(shapes[t]!, key));
      if (owners.length === 0) return undefined;
      const list = owners.map((t) => quote(t)).join(', ');
      const one = owners.length === 1;
      return `unknown property ${quote(key)} for ${noun} ${quote(type)} (only ${one ? 'type' : 'types'} ${list} accept${one ? 's' : ''} it)`;
    },
  });
  // Incomplete: the cross-field rules judge only objects whose fields are each valid, and so do the rules after the walk.
  // (A key without a value is a syntax error, reported before the walk: its field is missing too.)
  const missing = Object.entries(shapes[type]!).some(([key, f]) => f.required && values?.[key] === undefined);
  if (!values || missing || c.errorCount > errorsBefore) return undefined;
  const rule = VARIANT_RULES[of];
  if (!rule) return values;
  const problems = rule(type, values, (key) => c.nodes.has(joinPath(path, key)));
  for (const problem of problems) {
    // A key may name an item: `values[2]`.
    const [, key = problem.key, index = ''] = /^(.*?)(\[\d+\])?$/.exec(problem.key) ?? [];
    const problemPath = joinPath(path, key) + index;
    const at = c.nodes.get(problemPath) ?? ownerSpan(node);
    if (problem.severity === 'error') c.error(at, problemPath, problem.message);
    else c.warn(at, problemPath, problem.message);
  }
  return problems.some((problem) => problem.severity === 'error') ? undefined : values;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Named entries in the order written (identifiers, so no key is reordered as an array index would be). After a
 * problem, the valid entries only (a spec is not made, but cross-field rules can still judge those).
 */
function readMap(f: FieldOf<'map'>, node: Node, path: string, c: Collector): Values | undefined {
  if (node.type !== 'object') {
    c.error(node, path, `expected ${expected(f)}, found ${describe(node)}`);
    return undefined;
  }
  const properties = node.children ?? [];
  if (properties.length === 0) {
    c.error(node, path, `must define at least one ${f.noun}, found an empty object`);
    return undefined;
  }
  if (properties.length > f.maxEntries) {
    c.error(node, path, `must define at most ${f.maxEntries} ${f.noun}s, found ${properties.length}`);
    return undefined;
  }
  const values: Values = {};
  const seen = new Set<string>();
  for (const property of properties) {
    const [keyNode, valueNode] = property.children ?? [];
    if (!keyNode) continue;
    const key = String(keyNode.value);
    const keyPath = joinPath(path, key);
    let problem: string | undefined;
    if (!IDENTIFIER.test(key)) problem = `${quote(key)} is not a valid ${f.noun} name: use letters, digits and _, not starting with a digit`;
    else if (Object.hasOwn(f.reserved, key)) problem = `${quote(key)} names ${f.reserved[key]} in trial ids, tables and CSV columns: pick another name`;
    else if (seen.has(key)) problem = `duplicate ${f.noun} ${quote(key)}`;
    seen.add(key);
    if (problem) c.error(keyNode, keyPath, problem);
    const value = valueNode && readValue(f.value, valueNode, keyPath, c);
    if (!problem && value !== undefined) values[key] = value;
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
    const range = readObject(SPEC_SHAPES.rateRange, node, path, c);
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
