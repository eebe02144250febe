/**
 * Named hyperparameters across the spec: every `{ "hp": name }` must name an entry of `sweep.space`, every entry must
 * be used, and every value an entry can take must be one its fields accept (a rate's range inside [0, 1), an integer
 * field's hyperparameter an int, an activation's a choice of activation names). Also: a sweep searches `rates`,
 * `space` or both.
 */
import { findNodeAtLocation, type Node } from 'jsonc-parser';
import type { HpSpace, HpSpaceEntry, HpValue } from '../../core/hyperparameters';
import { quote, suggest } from './messages';
import { joinPath, ownerSpan, type Collector, type HpUse } from './positions';
import { expected, numberProblem, type Values } from './walker';

/**
 * Reports the problems of hyperparameter names and ranges; resolves an absent `sweep.rates` to [] when `space` is given
 * or the model is of the user's own (model.from, model.module), whose space is discovered before the sweep starts.
 */
export function checkHyperparameters(values: Values, c: Collector): void {
  const sweep = values.sweep as Values | undefined;
  const spaceNode = c.nodes.get('sweep.space');
  // Its entries may name hyperparameters of the model (dropout layers, hp calls): the preflight checks those names.
  const ownModel = c.nodes.has('model.from') || c.nodes.has('model.module');
  if (sweep && !c.nodes.has('sweep.rates')) {
    if (spaceNode || ownModel) {
      sweep.rates = [];
    } else {
      c.error(ownerSpan(c.nodes.get('sweep')), 'sweep.rates',
        'missing required property "rates" or "space": the dropout rates to compare (e.g. [0, 0.2, 0.5]), or named hyperparameters to search');
    }
  }
  if (spaceNode && spaceNode.type !== 'object') return;
  // The names written, valid or not: a reference to an entry with a mistake of its own is not unknown.
  const names = (spaceNode?.children ?? []).map((property) => String(property.children?.[0]?.value));
  const space = sweep?.space as HpSpace | undefined;
  const suggested = new Set<string>();
  for (const use of c.hpUses) {
    if (names.includes(use.name)) {
      const entry = space?.[use.name];
      const problem = entry && fitProblem(use, entry);
      if (problem) c.error(use.at, use.path, problem);
      continue;
    }
    const guess = suggest(use.name, names);
    if (guess !== undefined) suggested.add(guess);
    const hint = guess !== undefined ? ` — did you mean ${quote(guess)}?`
      : names.length > 0 ? ` (sweep.space defines ${names.map((name) => quote(name)).join(', ')})`
      : ': sweep.space defines no hyperparameter';
    c.error(use.at, use.path, `unknown hyperparameter ${quote(use.name)}${hint}`);
  }
  // Every `"hp": name` of the text counts, read or not (in a layer of an unknown type, say): its own error says what is wrong.
  const used = namesReferred(spaceNode);
  for (const property of spaceNode?.children ?? []) {
    const keyNode = property.children?.[0];
    const name = String(keyNode?.value);
    // An entry with a problem of its own is reported for that only.
    if (!keyNode || !space?.[name] || used.has(name) || suggested.has(name) || ownModel) continue;
    c.error(keyNode, joinPath('sweep.space', name),
      `the hyperparameter ${quote(name)} is not used: no field says {"hp": ${quote(name)}} (refer to it, or remove it)`);
  }
}

/** The names of every `{ "hp": name }` object in the document of `node`. */
function namesReferred(node: Node | undefined): Set<string> {
  const names = new Set<string>();
  let root = node;
  while (root?.parent) root = root.parent;
  const walk = (n: Node): void => {
    const hp = n.type === 'object' ? findNodeAtLocation(n, ['hp']) : undefined;
    if (hp?.type === 'string') names.add(String(hp.value));
    n.children?.forEach(walk);
  };
  if (root) walk(root);
  return names;
}

/** Why the values `entry` can take do not all fit the field that uses it, or undefined when they do. */
function fitProblem(use: HpUse, entry: HpSpaceEntry): string | undefined {
  const { field } = use;
  const where = `${quote(use.name)} (sweep.space.${use.name})`;
  if (field.kind !== 'integer' && field.kind !== 'number' && field.kind !== 'rate' && field.kind !== 'enum') return undefined;
  const takes = `${use.path} takes ${expected({ ...field, searchable: false })}`;
  if (field.kind === 'enum') {
    const names = field.values.map((v) => quote(v)).join(', ');
    if (entry.type !== 'choice' && entry.type !== 'fixed') {
      return `the hyperparameter ${where} is a ${entry.type}, but ${use.path} takes a name: use a choice of ${field.noun}s (${names})`;
    }
    const wrong = possibleValues(entry).find((v) => typeof v !== 'string' || !field.values.includes(v));
    return wrong === undefined ? undefined : `the hyperparameter ${where} can be ${JSON.stringify(wrong)}, but ${takes}`;
  }
  if (field.kind === 'integer' && entry.type === 'float') {
    return `the hyperparameter ${where} is a float, but ${takes}: use "type": "int" (or a choice of integers)`;
  }
  if (entry.type === 'boolean') return `the hyperparameter ${where} is a boolean, but ${takes}`;
  for (const value of possibleValues(entry)) {
    const problem = typeof value === 'number' ? numberProblem(field, value) : `expected a number, found ${JSON.stringify(value)}`;
    if (problem) return `the hyperparameter ${where} can be ${JSON.stringify(value)}, which ${use.path} does not accept: ${problem}`;
  }
  return undefined;
}

/** The values that bound what an entry can take: a range's ends, a choice's values, a fixed value. */
export function possibleValues(entry: HpSpaceEntry): HpValue[] {
  switch (entry.type) {
    case 'float': case 'int': return [entry.min, entry.max];
    case 'choice': return entry.values;
    case 'boolean': return [false, true];
    case 'fixed': return [entry.value];
  }
}
