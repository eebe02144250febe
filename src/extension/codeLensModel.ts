/**
 * What the CodeLens on a `*.dropout.json` shows, as plain data: the provider turns these into vscode.CodeLens.
 * Kept free of `vscode` so it is unit-tested directly.
 */
import { findNodeAtLocation, parseTree, type Node } from 'jsonc-parser';
import type { ExperimentSpec, ParsedSpec } from '../core/spec';
import { configLabel, type DropoutConfig } from '../core/dropoutConfig';
import { searchesSpace, sweepConfigCount } from '../engine/sweep/plan';
import { assertNever } from '../core/assertNever';
import { shownPath } from '../core/text';

export interface RunningProgress {
  epoch: number;
  epochs: number;
  trialsDone: number;
  trialsTotal: number;
}

export interface LastSweep {
  endedAt?: string;
  startedAt: string;
  status: string;
  /** The best configuration of the last sweep (its inputRate only when it searched one). */
  best?: DropoutConfig;
  /** The last sweep's verdict in a few words (`rate 0.5`, `no clear winner`); older sweeps have none. */
  verdict?: string;
}

/** What is known of a spec's builder module (model.module): discovery under way, the names it searches, or why it failed. */
export type ModuleLens = { kind: 'discovering' } | { kind: 'discovered'; names: string[] } | { kind: 'failed'; message: string };

export interface LensState {
  running?: RunningProgress;
  last?: LastSweep;
  /** False in Restricted Mode: results can be shown, nothing can be run (and no builder module is). */
  trusted?: boolean;
  /** With model.module, when trusted: its discovery (run in a trainer process, cached by the module's hash). */
  module?: ModuleLens;
}

export type LensCommand = 'dropoutLab.run' | 'dropoutLab.stop' | 'dropoutLab.showResults' | 'dropoutLab.runRate';

export interface LensModel {
  /** Where the lens stands: a character offset in the text. */
  offset: number;
  title: string;
  command: LensCommand;
  /** Arguments after the document URI. */
  args: unknown[];
  tooltip?: string;
}

export function timeAgo(iso: string, now: Date): string {
  const seconds = Math.max(0, Math.round((now.getTime() - new Date(iso).getTime()) / 1000));
  if (seconds < 60) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
}

export function codeLenses(text: string, parsed: ParsedSpec, state: LensState, now = new Date()): LensModel[] {
  const root = parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
  const top = root?.offset ?? 0;
  const lenses: LensModel[] = [];
  const spec = parsed.spec;

  if (state.running) {
    const { epoch, epochs, trialsDone, trialsTotal } = state.running;
    lenses.push({
      offset: top, title: '$(debug-stop) Stop', command: 'dropoutLab.stop', args: [], tooltip: 'Stop the running sweep; finished epochs are kept',
    });
    lenses.push({
      offset: top, title: `$(sync~spin) epoch ${epoch}/${epochs}, trial ${Math.min(trialsDone + 1, trialsTotal)}/${trialsTotal}`,
      command: 'dropoutLab.showResults', args: [],
    });
  } else if (state.trusted === false) {
    const module = spec?.model.module && shownPath(spec.model.module);
    lenses.push({
      offset: top, command: 'dropoutLab.run', args: [],
      title: module ? `$(shield) Restricted Mode: ${module} is not run until you trust this folder` : '$(shield) Restricted Mode: trust this folder to run',
      tooltip: module ? 'Dropout Lab runs no training and no builder module in Restricted Mode' : 'Dropout Lab runs no training in Restricted Mode',
    });
  } else if (spec?.model.module && state.module) {
    lenses.push({ offset: top, command: 'dropoutLab.run', args: [], ...moduleLens(spec, state.module) });
  } else if (spec) {
    lenses.push({ offset: top, command: 'dropoutLab.run', args: [], title: `$(play) ${runTitle(spec)}` });
  } else {
    const errors = parsed.problems.filter((problem) => problem.severity === 'error').length;
    lenses.push({ offset: top, command: 'dropoutLab.run', args: [], title: `$(error) ${count(errors, 'problem')} to fix before running` });
  }
  if (state.last) {
    const when = timeAgo(state.last.endedAt ?? state.last.startedAt, now);
    if (state.last.verdict) {
      // The verdict's own words: it names a winner only when the seeds tell it apart from every other configuration.
      lenses.push({ offset: top, title: `$(graph) Show results: ${state.last.verdict} (last: ${when})`, command: 'dropoutLab.showResults', args: [] });
    } else {
      const best = state.last.best ? `, best ${configLabel(state.last.best)}` : '';
      lenses.push({ offset: top, title: `$(graph) Show results (last: ${when}${best})`, command: 'dropoutLab.showResults', args: [] });
    }
  }

  // Hyperband decides itself which rates train how long, and a space's configurations are more than a rate: such
  // sweeps cannot be narrowed to one of their rates.
  const narrowable = spec && spec.sweep.strategy !== 'hyperband' && !searchesSpace(spec.sweep);
  if (spec && narrowable && !state.running && state.trusted !== false && root) lenses.push(...rateLenses(root, spec.sweep.rates));
  return lenses;
}

const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** What Run will do, in the strategy's words. */
export function runTitle(spec: ExperimentSpec): string {
  const { strategy, repeats, maxEpochs, factor, iterations } = spec.sweep;
  // With sweep.inputRates a configuration is an (input rate, rate) pair; with sweep.space a point of the space
  // (Hyperband may draw from a continuous one).
  const size = sweepConfigCount(spec.sweep);
  const configs = Number.isFinite(size) ? count(size, spec.sweep.inputRates || searchesSpace(spec.sweep) ? 'configuration' : 'rate')
    : 'a continuous space';
  switch (strategy) {
    case 'grid':
      return `Run experiment (${configs} × ${count(repeats, 'seed')})`;
    case 'random':
      return `Run random search (${configs} × ${count(repeats, 'seed')})`;
    case 'hyperband':
      return `Run Hyperband (${configs}, max ${count(maxEpochs ?? spec.training.epochs, 'epoch')}, factor ${factor}`
        + `${iterations > 1 ? `, ${iterations} iterations` : ''})`;
    default:
      return assertNever(strategy, 'sweep strategy');
  }
}

/** The Run lens of a builder-module spec: its discovered names, or discovery under way, or what went wrong. */
function moduleLens(spec: ExperimentSpec, module: ModuleLens): Pick<LensModel, 'title' | 'tooltip'> {
  const name = shownPath(spec.model.module!);
  switch (module.kind) {
    case 'discovering':
      return { title: `$(sync~spin) Discovering the hyperparameters of ${name}…`, tooltip: `${name} is built once with its defaults, in a trainer process` };
    case 'failed':
      return { title: `$(error) ${module.message.length > 120 ? `${module.message.slice(0, 117)}...` : module.message}`, tooltip: module.message };
    case 'discovered':
      return { title: `$(play) ${moduleRunTitle(spec, module.names)}`, tooltip: `${name} asks for ${module.names.join(', ') || 'no hyperparameter'}` };
    default:
      return assertNever(module, 'module lens');
  }
}

/** What Run does for a builder module, by the names its hp calls search: "Run Hyperband over 2 hyperparameters (units, dropout), …". */
export function moduleRunTitle(spec: ExperimentSpec, names: readonly string[]): string {
  const { strategy, repeats, maxEpochs, factor, iterations } = spec.sweep;
  const over = `over ${count(names.length, 'hyperparameter')}${names.length > 0 ? ` (${names.join(', ')})` : ''}`;
  switch (strategy) {
    case 'grid':
      return `Run experiment ${over} × ${count(repeats, 'seed')}`;
    case 'random':
      return `Run random search ${over} × ${count(repeats, 'seed')}`;
    case 'hyperband':
      return `Run Hyperband ${over}, max ${count(maxEpochs ?? spec.training.epochs, 'epoch')}, factor ${factor}`
        + `${iterations > 1 ? `, ${iterations} iterations` : ''}`;
    default:
      return assertNever(strategy, 'sweep strategy');
  }
}

/** "Run only this rate" on each rate of a list, or on the range object once per rate it expands to. */
function rateLenses(root: Node, rates: number[]): LensModel[] {
  const node = findNodeAtLocation(root, ['sweep', 'rates']);
  if (!node) return [];
  if (node.type === 'array') {
    return (node.children ?? []).flatMap((item) => (typeof item.value === 'number' && rates.includes(item.value)
      ? [{ offset: item.offset, title: `$(play) Run only ${item.value}`, command: 'dropoutLab.runRate' as const, args: [item.value] }]
      : []));
  }
  return rates.map((rate, index) => ({
    offset: node.offset, title: `${index === 0 ? 'Run only: ' : ''}${rate}`, command: 'dropoutLab.runRate' as const, args: [rate],
    tooltip: `Run only rate ${rate} (keep p = ${Number((1 - rate).toFixed(6))})`,
  }));
}
