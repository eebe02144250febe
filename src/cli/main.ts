/**
 * `dropout-lab`: the engine from a terminal.
 *   dropout-lab run <spec> [--out DIR] [--backend B] [--workers N] [--rates 0,0.5] [--json] [limits]
 *   dropout-lab validate <spec> [limits]
 *   limits: [--max-parameters N] [--max-memory-mb N]
 *   dropout-lab list [DIR]
 * Exit codes: 0 success; 1 a trial or the sweep failed; 2 bad usage or an invalid spec; 130 cancelled (Ctrl-C).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_LIMITS, type ResourceLimits } from '../engine/model/estimate';
import { preflight } from '../engine/preflight';
import { formatProblem } from '../engine/spec/format';
import { parseSpec } from '../engine/spec/parse';
import type { ExperimentSpec } from '../engine/spec/types';
import { backendChoices, type BackendChoice } from '../protocol/messages';
import { startSweep } from '../runner/runner';
import { defaultRunsRoot } from '../store/layout';
import { listSweeps, loadSweep } from '../store/reader';
import { ProgressReporter } from './progress';
import { jsonSummary, rateTable } from './report';

const usage = `Usage:
  dropout-lab run <spec.dropout.json> [--out DIR] [--backend auto|tensorflow|wasm|cpu] [--workers N] [--rates 0,0.5] [--json] [LIMITS]
  dropout-lab validate <spec.dropout.json> [LIMITS]
  dropout-lab list [RUNS_DIR]

LIMITS: --max-parameters N (default ${DEFAULT_LIMITS.maxParameters}), --max-memory-mb N (default ${DEFAULT_LIMITS.maxMemoryMB}):
  a spec whose model or estimated memory is larger is refused; a trainer using more memory is stopped.

Rates are drop probabilities (Keras convention); the keep probability is p = 1 − rate.`;

class UsageError extends Error {}

/** The spec, or undefined after printing every problem: in the text, in its data, against the limits. */
function readSpec(file: string, limits: ResourceLimits): { spec: ExperimentSpec; text: string } | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const { spec, problems } = parseSpec(text);
  for (const problem of problems) process.stderr.write(`${formatProblem(file, problem)}\n`);
  if (!spec) return undefined;
  // Here, once, rather than as a failed trial in every trainer.
  const late = preflight(spec, file, text, limits);
  for (const problem of late) process.stderr.write(`${formatProblem(problem.file, problem)}\n`);
  return late.length === 0 ? { spec, text } : undefined;
}

const limitOptions = { 'max-parameters': { type: 'string' }, 'max-memory-mb': { type: 'string' } } as const;

function parseLimits(values: { 'max-parameters'?: string; 'max-memory-mb'?: string }): ResourceLimits {
  const positive = (flag: string, value: string | undefined, fallback: number): number => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!(Number.isFinite(n) && n > 0)) throw new UsageError(`--${flag} takes a number > 0, got "${value}"`);
    return n;
  };
  return {
    maxParameters: positive('max-parameters', values['max-parameters'], DEFAULT_LIMITS.maxParameters),
    maxMemoryMB: positive('max-memory-mb', values['max-memory-mb'], DEFAULT_LIMITS.maxMemoryMB),
  };
}

function parseRates(value: string | undefined): number[] | undefined {
  if (value === undefined) return undefined;
  const rates = value.split(',').map((part) => Number(part.trim()));
  if (rates.some((rate) => !Number.isFinite(rate))) throw new UsageError(`--rates takes comma-separated numbers, got "${value}"`);
  return rates;
}

async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: {
      out: { type: 'string' }, backend: { type: 'string', default: 'auto' }, workers: { type: 'string' },
      rates: { type: 'string' }, json: { type: 'boolean', default: false }, ...limitOptions,
    },
  });
  if (positionals.length !== 1) throw new UsageError('run takes one spec file');
  const file = positionals[0];
  if (!backendChoices.includes(values.backend as BackendChoice)) throw new UsageError(`--backend must be one of ${backendChoices.join(', ')}`);
  const workers = values.workers === undefined ? undefined : Number(values.workers);
  if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1)) throw new UsageError('--workers takes a whole number ≥ 1');
  const limits = parseLimits(values);
  const loaded = readSpec(file, limits);
  if (!loaded) return 2;

  const progress = new ProgressReporter(process.stderr, Boolean(process.stderr.isTTY) && !values.json);
  const quiet = values.json && !process.stderr.isTTY;
  let sweep;
  try {
    sweep = startSweep({
      spec: loaded.spec, specPath: file, specText: loaded.text, runsRoot: values.out ? path.resolve(values.out) : undefined,
      backend: values.backend as BackendChoice, workers, rates: parseRates(values.rates), maxMemoryMB: limits.maxMemoryMB,
      onEvent: (event) => {
        if (!quiet || event.type === 'log') progress.handle(event);
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  let interrupts = 0;
  process.on('SIGINT', () => {
    if (++interrupts === 1) {
      process.stderr.write('\nstopping: trials end at their next batch (Ctrl-C again to kill)\n');
      sweep.cancel();
    } else process.exit(130);
  });
  const status = await sweep.finished;
  const record = loadSweep(sweep.dir);
  if (values.json) process.stdout.write(`${JSON.stringify(jsonSummary(record), null, 2)}\n`);
  else process.stdout.write(`\n${rateTable(record)}\n\nruns stored in ${sweep.dir}\n`);
  if (status === 'cancelled') return 130;
  // Trials a budget kept from starting stay pending: that is the budget working, not a failure.
  const budgetSkipped = (state: string): boolean => state === 'pending' && record.manifest.budgetExhausted !== undefined;
  return status === 'completed' && record.trials.every((trial) => trial.status === 'completed' || budgetSkipped(trial.status)) ? 0 : 1;
}

function validate(args: string[]): number {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: limitOptions });
  if (positionals.length !== 1) throw new UsageError('validate takes one spec file');
  const loaded = readSpec(positionals[0], parseLimits(values));
  if (loaded) process.stderr.write(`${positionals[0]}: valid (${loaded.spec.sweep.rates.length} rates × ${loaded.spec.sweep.repeats} seeds)\n`);
  return loaded ? 0 : 2;
}

function list(args: string[]): number {
  const root = args[0] ?? defaultRunsRoot(path.join(process.cwd(), 'x'));
  const sweeps = listSweeps(root);
  if (sweeps.length === 0) process.stderr.write(`no sweeps under ${root}\n`);
  for (const sweep of sweeps) process.stdout.write(`${sweep.startedAt}  ${sweep.status.padEnd(11)}  ${sweep.experiment}  ${sweep.trialCount} trials  ${sweep.dir}\n`);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'run': return await run(rest);
      case 'validate': return validate(rest);
      case 'list': return list(rest);
      case '--help': case '-h': case 'help': case undefined:
        process.stdout.write(`${usage}\n`);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`dropout-lab: ${(error as Error).message}\n\n${usage}\n`);
      return 2;
    }
    throw error;
  }
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (error: unknown) => {
  process.stderr.write(`dropout-lab: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
