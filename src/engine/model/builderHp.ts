/**
 * The `hp` object a builder module's `build(hp, tf, data)` receives: keras-tuner's `hp.Float`, `hp.Int`, `hp.Choice`,
 * `hp.Boolean` and `hp.Fixed`. Each call is read as a `sweep.space` entry by the spec's own rules (spec/hpCall.ts), so
 * a call keras-tuner rejects throws here with the same message a spec entry gets. Asking for a name again returns the
 * same value (two Dropout layers sharing 'dropout' are one hyperparameter), as keras-tuner's `HyperParameters` does.
 *
 * Two modes. Discovery (no trial values): each call returns its default and the calls are recorded in call order,
 * which is how keras-tuner finds a space (building once with defaults). Trial: each call returns the trial's value.
 */
import type { HpAssignment, HpSpace, HpSpaceEntry, HpValue } from '../../core/hyperparameters';
import { readHpCall } from '../spec/hpCall';
import { quote, unknownKeyMessage } from '../spec/messages';

/** The options of `hp.Float` and `hp.Int` (keras-tuner's keyword arguments, JavaScript-style). */
export interface RangeOptions {
  step?: number;
  sampling?: string;
  default?: number;
}

/** What the module sees: the five calls, nothing else. */
export interface BuilderHpApi {
  Float(name: string, min: number, max: number, options?: RangeOptions): number;
  Int(name: string, min: number, max: number, options?: RangeOptions): number;
  Choice(name: string, values: HpValue[], options?: { default?: HpValue }): HpValue;
  Boolean(name: string, options?: { default?: boolean }): boolean;
  Fixed(name: string, value: HpValue): HpValue;
}

type Call = keyof BuilderHpApi;

export class BuilderHp {
  /** Every name asked for, in the order first asked, as its entry (keras-tuner's defaults filled in). */
  readonly space: HpSpace = {};
  /** A name asked for again with another definition: keras-tuner keeps the first, silently; we say so. */
  readonly warnings: string[] = [];

  /** `trialValues`: the trial's value of every name (trial mode); absent in discovery. */
  constructor(private readonly trialValues?: HpAssignment) {}

  /** The object handed to `build` (bound functions: `const { Float } = hp` works too). */
  api(): BuilderHpApi {
    const range = ['step', 'sampling', 'default'];
    return {
      Float: (name, min, max, options) => this.ask('Float', name, { type: 'float', min, max, ...optionsOf('Float', options, range) }) as number,
      Int: (name, min, max, options) => this.ask('Int', name, { type: 'int', min, max, ...optionsOf('Int', options, range) }) as number,
      Choice: (name, values, options) => this.ask('Choice', name, { type: 'choice', values, ...optionsOf('Choice', options, ['default']) }),
      Boolean: (name, options) => this.ask('Boolean', name, { type: 'boolean', ...optionsOf('Boolean', options, ['default']) }) as boolean,
      Fixed: (name, value) => this.ask('Fixed', name, { type: 'fixed', value }),
    };
  }

  private ask(call: Call, name: unknown, fields: Record<string, unknown>): HpValue {
    if (typeof name !== 'string') throw new Error(`hp.${call}: the first argument is the hyperparameter's name, a string; found ${shown(name)}`);
    const read = readHpCall(name, fields);
    if ('problems' in read) throw new Error(`hp.${call}(${quote(name)}): ${read.problems.join('; ')}`);
    const known = this.space[name];
    if (!known) {
      this.space[name] = read.entry;
    } else if (JSON.stringify(known) !== JSON.stringify(read.entry)) {
      this.warnings.push(`hp.${call}(${quote(name)}) asks again for ${quote(name)} with another definition; the first is kept (${describeEntry(known)})`);
    }
    return this.valueOf(call, name, known ?? read.entry);
  }

  private valueOf(call: Call, name: string, entry: HpSpaceEntry): HpValue {
    if (entry.type === 'fixed') return entry.value;
    if (!this.trialValues) return entry.default;
    const value = this.trialValues[name];
    if (value === undefined) {
      const known = Object.keys(this.trialValues);
      const has = known.map((k) => quote(k)).join(', ') || 'none';
      throw new Error(`hp.${call}(${quote(name)}): this trial has no value for ${quote(name)} (it has ${has}): `
        + 'build() asked for a hyperparameter the discovery run (building with every default) did not; '
        + 'the names a module asks for must not depend on the values it gets');
    }
    return value;
  }
}

/** The options object, checked: a Python-style positional step (`hp.Float('x', 0, 1, 0.1)`) or an unknown key is an error. */
function optionsOf(call: Call, options: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new Error(`hp.${call}: options are an object { ${allowed.join(', ')} }, found ${shown(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) throw new Error(`hp.${call}: ${unknownKeyMessage(key, allowed)}`);
  }
  return options as Record<string, unknown>;
}

function shown(value: unknown): string {
  return typeof value === 'string' ? quote(value) : Array.isArray(value) ? 'an array' : value === null ? 'null' : String(value);
}

/** An entry in one line, as a spec would write it. */
export function describeEntry(entry: HpSpaceEntry): string {
  switch (entry.type) {
    case 'float': case 'int': {
      const step = entry.step !== undefined ? ` step ${entry.step}` : '';
      return `${entry.type} ${entry.min}…${entry.max}${step}${entry.sampling !== 'linear' ? ` ${entry.sampling}` : ''}, default ${entry.default}`;
    }
    case 'choice': return `choice of ${entry.values.map((v) => JSON.stringify(v)).join(', ')}, default ${JSON.stringify(entry.default)}`;
    case 'boolean': return `boolean, default ${entry.default}`;
    case 'fixed': return `fixed ${JSON.stringify(entry.value)}`;
  }
}
