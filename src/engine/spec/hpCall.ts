/**
 * A builder module's `hp.Float(…)`, `hp.Int(…)`, … call read as one `sweep.space` entry: the call's arguments are
 * written as the entry `{ "name": { "type": …, … } }` and read with the walker against the same rules (the name an
 * identifier and not reserved, each field's kind and bounds, keras-tuner's cross-field rules and defaults), so a
 * call and a spec entry are judged by one set of rules.
 */
import { parseTree } from 'jsonc-parser';
import type { HpSpaceEntry } from '../../core/hyperparameters';
import { Collector } from './positions';
import { SPEC_SHAPES } from './rules';
import { readValue } from './walker';

/** The entry a call describes, or the problems that make keras-tuner reject it (each `field: message`). */
export function readHpCall(name: string, entry: Record<string, unknown>): { entry: HpSpaceEntry } | { problems: string[] } {
  // JSON would write NaN and ±Infinity as null: named as they are instead.
  const notFinite = Object.entries(entry).filter(([, value]) => typeof value === 'number' && !Number.isFinite(value));
  if (notFinite.length > 0) return { problems: notFinite.map(([field, value]) => `${field}: expected a finite number, found ${String(value)}`) };
  // JSON drops undefined fields: an option not given is absent.
  const text = JSON.stringify({ [name]: entry });
  const tree = parseTree(text)!;
  const c = new Collector(text, 0);
  const space = readValue(SPEC_SHAPES.sweep.space, tree, '', c) as Record<string, HpSpaceEntry> | undefined;
  const read = space?.[name];
  if (read && c.errorCount === 0) return { entry: read };
  // Paths are `name.field`: the call names the hyperparameter already, and a message may begin with the field.
  const problems = c.problems.filter((p) => p.severity === 'error').map((p) => {
    const field = p.path.startsWith(`${name}.`) ? p.path.slice(name.length + 1) : '';
    return field && !p.message.startsWith(`${field} `) ? `${field}: ${p.message}` : p.message;
  });
  return { problems };
}
