/**
 * The generic walker: reads a jsonc-parser tree against the rule table, so that every problem carries the offset of
 * the node it is about. Each reader reports what is wrong and returns undefined for an invalid value; the values it
 * returns have every default filled in.
 */
import { splitProblems } from './splits';
import type { Node } from 'jsonc-parser';
import type { DatasetType } from '../../core/spec';
import type { RateSpace } from '../sweep/randomSearch';
import { expandRateRange, rateRangeCount } from './format';
import { describe, quote, suggest, unknownKeyMessage } from './messages';
import { joinPath, ownerSpan, type Collector } from './positions';
import {
  DATASET_SHAPES, DATASET_TYPE_FIELD, DATASET_TYPES, MAX_RATES, RATE_BOUNDS, RATE_LIST, SPEC_SHAPES,
  type Bounds, type Field, type FieldOf, type Shape,
} from './rules';

export type Values = Record<string, unknown>;

function boundsText({ min, max, exclusiveMin, exclusiveMax }: Bounds): string {
  const parts: string[] = [];
  if (min !== undefined) parts.push(`${exclusiveMin ? '>' : '≥'} ${min}`);
  if (max !== undefined) parts.push(`${exclusiveMax ? '<' : '≤'} ${max}`);
  return parts.join(' and ');
}

/** What a field takes, e.g. `an integer ≥ 1 and ≤ 100`: the second half of "expected …, found …". */
export function expected(f: Field): string {
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
      const one = owners.length === 1;
      return `unknown property ${quote(key)} for dataset type ${quote(type)} (only ${one ? 'type' : 'types'} ${list} accept${one ? 's' : ''} it)`;
    },
  });
  if (!values) return values;
  // Split sizes that do not fit, put on the field the user wrote (the last one written of those involved).
  const problems = splitProblems(type, values, (key) => c.nodes.has(joinPath(path, key)));
  for (const problem of problems) {
    const at = c.nodes.get(joinPath(path, problem.key)) ?? ownerSpan(node);
    if (problem.severity === 'error') c.error(at, joinPath(path, problem.key), problem.message);
    else c.warn(at, joinPath(path, problem.key), problem.message);
  }
  return problems.some((problem) => problem.severity === 'error') ? undefined : values;
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
