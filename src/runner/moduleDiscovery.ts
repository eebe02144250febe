/**
 * Discovery of a builder module's space before any trial starts, in a trainer process of its own (module code never
 * runs in the extension host or the CLI's process): fork, wait for the backend, send `discover`, take the answer,
 * end the process. A `build` that never returns holds its process; the process is killed after the build timeout.
 */
import { fork } from 'node:child_process';
import * as path from 'node:path';
import { assertNever } from '../core/assertNever';
import type { ExperimentSpec } from '../core/spec';
import { shownPath } from '../core/text';
import type { HpSpaceEntry, HpValue } from '../core/hyperparameters';
import type { SweepManifest } from '../core/records';
import { ownGridProblem, resolveModelSpace } from '../engine/model/modelSpace';
import type { FileProblem } from '../engine/preflight';
import { possibleValues } from '../engine/spec/hyperparameterRules';
import { quote, suggest } from '../engine/spec/messages';
import { problemAt } from '../engine/spec/positions';
import { errorMessage } from '../core/errors';
import { isTrainerEvent, moduleBuildTimeoutMs, type ModuleDiscovery, type ModuleProblem, type TrainerCommand } from '../protocol/trainer';

export interface DiscoveryOptions {
  /** The trainer entry (dist/trainer.js). */
  trainerPath: string;
  spec: ExperimentSpec;
  specDir: string;
  /** The runs folder's decoded image cache, as trainers get it. */
  dataCacheDir?: string;
  /** How long `build` may take (the trainer's own limit for an awaiting build is 30 s, builderModule.ts). */
  buildTimeoutMs?: number;
  /** How long the trainer may take to start its backend. */
  startTimeoutMs?: number;
}

export type DiscoveryResult = { discovery: ModuleDiscovery } | { problem: ModuleProblem };

export function discoverModuleSpace(options: DiscoveryOptions): Promise<DiscoveryResult> {
  const { spec, specDir, dataCacheDir } = options;
  const buildTimeoutMs = options.buildTimeoutMs ?? moduleBuildTimeoutMs;
  const name = shownPath(spec.model.module ?? '');
  // The cpu backend starts fastest, and building a model with its defaults needs no speed.
  const child = fork(options.trainerPath, ['cpu'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], execArgv: [] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-2000); });
  return new Promise<DiscoveryResult>((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const finish = (result: DiscoveryResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill();
      resolve(result);
    };
    const fail = (message: string): void => finish({ problem: { message } });
    const startTimeoutMs = options.startTimeoutMs ?? 60_000;
    timer = setTimeout(() => fail(`${name}: the trainer did not start within ${startTimeoutMs / 1000} s`), startTimeoutMs);
    child.on('message', (message: unknown) => {
      if (!isTrainerEvent(message)) return;
      switch (message.type) {
        case 'ready': {
          const command: TrainerCommand = { type: 'discover', spec, specDir: path.resolve(specDir), ...(dataCacheDir ? { dataCacheDir } : {}) };
          child.send(command);
          clearTimeout(timer);
          // A margin over the trainer's own timer, which answers for a build that awaits forever.
          timer = setTimeout(() => fail(`${name}: build() did not return within ${buildTimeoutMs / 1000} s`), buildTimeoutMs + 2000);
          return;
        }
        case 'discovered': finish({ discovery: message.discovery }); return;
        case 'discoveryFailed': finish({ problem: message.problem }); return;
        case 'fatal': fail(`${name}: the trainer could not start: ${message.message}`); return;
        case 'building': case 'trialStarted': case 'epoch': case 'trialEnded': return; // never sent for `discover`
        default: assertNever(message, 'trainer event');
      }
    });
    child.on('error', (error) => fail(`${name}: the trainer could not start: ${error.message}`));
    child.on('exit', (code, signal) => {
      const last = stderr.trim().split('\n').slice(-3).join(' ');
      fail(`${name}: the trainer ${signal ? `was killed (${signal})` : `exited with code ${code}`} while building the module${last ? `: ${last}` : ''}`);
    });
  });
}

/** A discovery problem as the CLI and the editor show problems: in the module at its line, else at the spec's `model.module`. */
export function moduleFileProblem(problem: ModuleProblem, specFile: string, specText: string): FileProblem {
  if (problem.file && problem.line !== undefined) {
    const { file, line, column = 1 } = problem;
    return { file, path: '', message: problem.detail ?? problem.message, severity: 'error', offset: 0, length: 0, line, column };
  }
  return { file: specFile, ...problemAt(specText, ['model', 'module'], problem.message) };
}

/**
 * Why an override cannot stand for the module's own call (what the call returns, its kind, and the value the
 * override can take that is not of that kind), or undefined: it may change the range, not the kind of value.
 */
function overrideMisfit(own: HpSpaceEntry, override: HpSpaceEntry): string | undefined {
  const kind = own.type === 'int' ? 'an integer' : own.type === 'float' ? 'a number' : own.type === 'boolean' ? 'true or false'
    : `a ${typeof possibleValues(own)[0]}`;
  const fits = (value: HpValue): boolean => own.type === 'int' ? Number.isInteger(value) : own.type === 'float' ? typeof value === 'number'
    : own.type === 'boolean' ? typeof value === 'boolean' : typeof value === typeof possibleValues(own)[0];
  if (own.type === 'int' && override.type === 'float') return `${kind} (hp.Int), but sweep.space makes it a float range`;
  const wrong = possibleValues(override).find((value) => !fits(value));
  return wrong === undefined ? undefined : `${kind} (hp.${callName(own)}), but sweep.space can make it ${JSON.stringify(wrong)}`;
}

function callName(entry: HpSpaceEntry): string {
  return { float: 'Float', int: 'Int', choice: 'Choice', boolean: 'Boolean', fixed: 'Fixed' }[entry.type];
}

/** A module spec ready for the runner, or the problems that stop it. */
export type ModuleSpecResult =
  | { spec: ExperimentSpec; module: NonNullable<SweepManifest['module']>; discovery: ModuleDiscovery }
  | { problems: FileProblem[] };

/**
 * For a spec with `model.module`, between the preflight and the runner, after discovery (discoverModuleSpace): the
 * spec with the module's space merged with `sweep.space` (resolveModelSpace), checked as the parser would have had
 * it known the names: a `sweep.space` entry the module never asks for, a module that asks for nothing, sweep.rates
 * (which no layer of the module would take), a grid without one.
 */
export function resolveModuleSpec(spec: ExperimentSpec, specFile: string, specText: string, result: DiscoveryResult): ModuleSpecResult {
  if ('problem' in result) return { problems: [moduleFileProblem(result.problem, specFile, specText)] };
  const { discovery } = result;
  const name = shownPath(spec.model.module ?? '');
  const asked = Object.keys(discovery.space);
  const at = (field: (string | number)[], message: string): FileProblem => ({ file: specFile, ...problemAt(specText, field, message) });
  const problems: FileProblem[] = [];
  for (const [given, entry] of Object.entries(spec.sweep.space ?? {})) {
    const own = discovery.space[given];
    if (own) {
      const misfit = overrideMisfit(own, entry);
      if (misfit) problems.push(at(['sweep', 'space', given], `${name} asks for ${quote(given)} as ${misfit}`));
      continue;
    }
    const guess = suggest(given, asked);
    problems.push(at(['sweep', 'space', given], `${name} never asks for ${quote(given)}`
      + (guess !== undefined ? ` — did you mean ${quote(guess)}?` : asked.length > 0 ? ` (it asks for ${asked.map((n) => quote(n)).join(', ')})` : '')));
  }
  // The module's dropout layers take the rates it gives them (hp.Float…): a swept rate would reach none of them.
  if (spec.sweep.rates.length > 0) {
    problems.push(at(['sweep', 'rates'], `${name} gives its dropout layers their rates, so sweep.rates would reach none of them: `
      + "remove it and ask for the rate in the module, e.g. hp.Float('dropout', 0, 0.8, { step: 0.1, default: 0.5 })"));
  }
  const searched = Object.values(discovery.space).some((entry) => entry.type !== 'fixed');
  if (!searched) {
    problems.push(at(['model', 'module'], `${name} asks for no hyperparameter to search: give a rate with hp.Float, `
      + "e.g. tf.layers.dropout({ rate: hp.Float('dropout', 0, 0.8, { step: 0.1, default: 0.5 }) })"));
  }
  if (problems.length > 0) return { problems };
  let merged: ExperimentSpec;
  try {
    merged = resolveModelSpace(spec, discovery.space);
  } catch (error) {
    // A random draw over the module's space asking for more configurations than it has.
    if (!errorMessage(error).startsWith('cannot draw')) throw error;
    return { problems: [at(['sweep', 'samples'], `${name}: ${errorMessage(error)}: use fewer samples`)] };
  }
  const resolved = { ...merged, model: { ...merged.model, dropoutHps: discovery.dropoutHps } };
  const gridProblem = ownGridProblem(resolved, name);
  if (gridProblem) return { problems: [at(gridProblem.path, gridProblem.message)] };
  return { spec: resolved, module: { path: spec.model.module!, sha256: discovery.sha256 }, discovery };
}
