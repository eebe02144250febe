/**
 * `dropout-lab`: the engine from a terminal.
 *   dropout-lab run <spec> [--out DIR] [--backend B] [--workers N] [--rates 0,0.5] [--json]
 *   dropout-lab validate <spec>
 *   dropout-lab list [DIR]
 *   dropout-lab export <sweep folder | spec> [--out DIR] [--force]
 * Exit codes: 0 success; 1 a trial or the sweep failed; 2 bad usage or an invalid spec; 130 cancelled (Ctrl-C).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { DatasetError, resolveCsvPath } from '../engine/datasets';
import { formatProblem } from '../engine/spec/format';
import { parseSpec } from '../engine/spec/parse';
import type { ExperimentSpec } from '../engine/spec/types';
import { backendChoices, type BackendChoice } from '../protocol/messages';
import { startSweep } from '../runner/runner';
import { bestModelDir, defaultRunsRoot } from '../store/layout';
import { exportBestModel, findBestModel } from '../store/bestModel';
import { listSweeps, loadSweep } from '../store/reader';
import { ProgressReporter } from './progress';
import { jsonSummary, rateTable } from './report';

const usage = `Usage:
  dropout-lab run <spec.dropout.json> [--out DIR] [--backend auto|tensorflow|wasm|cpu] [--workers N] [--rates 0,0.5] [--json]
  dropout-lab validate <spec.dropout.json>
  dropout-lab list [RUNS_DIR]
  dropout-lab export <SWEEP_DIR | spec.dropout.json> [--out DIR] [--force]
      prints the folder of the sweep's best model (TF.js: model.json + weights.bin); --out copies it there.
      A spec means its latest sweep with a best model (in --runs DIR, default .dropout/runs next to it).

Rates are drop probabilities (Keras convention); the keep probability is p = 1 − rate.`;

class UsageError extends Error {}

function readSpec(file: string): { spec: ExperimentSpec; text: string } | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const { spec, problems } = parseSpec(text);
  for (const problem of problems) process.stderr.write(`${formatProblem(file, problem)}\n`);
  if (!spec) return undefined;
  if (spec.dataset.type === 'csv') {
    // Fail here, once, rather than in every trainer.
    try {
      const csvPath = resolveCsvPath(spec.dataset.path, path.dirname(path.resolve(file)));
      if (!fs.existsSync(csvPath)) throw new DatasetError(`the CSV file ${csvPath} does not exist`);
    } catch (error) {
      process.stderr.write(`${file}: dataset.path: ${(error as Error).message}\n`);
      return undefined;
    }
  }
  return { spec, text };
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
      rates: { type: 'string' }, json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) throw new UsageError('run takes one spec file');
  const file = positionals[0];
  if (!backendChoices.includes(values.backend as BackendChoice)) throw new UsageError(`--backend must be one of ${backendChoices.join(', ')}`);
  const workers = values.workers === undefined ? undefined : Number(values.workers);
  if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1)) throw new UsageError('--workers takes a whole number ≥ 1');
  const loaded = readSpec(file);
  if (!loaded) return 2;

  const progress = new ProgressReporter(process.stderr, Boolean(process.stderr.isTTY) && !values.json);
  const quiet = values.json && !process.stderr.isTTY;
  let sweep;
  try {
    sweep = startSweep({
      spec: loaded.spec, specPath: file, specText: loaded.text, runsRoot: values.out ? path.resolve(values.out) : undefined,
      backend: values.backend as BackendChoice, workers, rates: parseRates(values.rates),
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
  else {
    const model = record.manifest.bestModel ? `\nbest model (TF.js, trial ${record.manifest.bestModel.trialId}) in ${bestModelDir(sweep.dir)}` : '';
    process.stdout.write(`\n${rateTable(record)}\n\nruns stored in ${sweep.dir}${model}\n`);
  }
  if (status === 'cancelled') return 130;
  // Trials a budget kept from starting stay pending: that is the budget working, not a failure.
  const budgetSkipped = (state: string): boolean => state === 'pending' && record.manifest.budgetExhausted !== undefined;
  return status === 'completed' && record.trials.every((trial) => trial.status === 'completed' || budgetSkipped(trial.status)) ? 0 : 1;
}

function validate(args: string[]): number {
  if (args.length !== 1) throw new UsageError('validate takes one spec file');
  const loaded = readSpec(args[0]);
  if (loaded) process.stderr.write(`${args[0]}: valid (${loaded.spec.sweep.rates.length} rates × ${loaded.spec.sweep.repeats} seeds)\n`);
  return loaded ? 0 : 2;
}

function list(args: string[]): number {
  const root = args[0] ?? defaultRunsRoot(path.join(process.cwd(), 'x'));
  const sweeps = listSweeps(root);
  if (sweeps.length === 0) process.stderr.write(`no sweeps under ${root}\n`);
  for (const sweep of sweeps) process.stdout.write(`${sweep.startedAt}  ${sweep.status.padEnd(11)}  ${sweep.experiment}  ${sweep.trialCount} trials  ${sweep.dir}\n`);
  return 0;
}

/** The sweep folder `target` names: itself, or for a spec file its newest sweep that has a best model. */
function sweepOfExportTarget(target: string, runsRoot: string | undefined): string {
  if (!fs.existsSync(target)) throw new UsageError(`${target} does not exist`);
  if (fs.statSync(target).isDirectory()) return path.resolve(target);
  const specPath = path.resolve(target);
  const sweeps = listSweeps(runsRoot ? path.resolve(runsRoot) : defaultRunsRoot(specPath))
    .filter((sweep) => path.resolve(sweep.specPath) === specPath);
  if (sweeps.length === 0) throw new UsageError(`${target} has no stored sweep`);
  return (sweeps.find((sweep) => !('problem' in findBestModel(sweep.dir))) ?? sweeps[0]!).dir;
}

function exportModel(args: string[]): number {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: { out: { type: 'string' }, runs: { type: 'string' }, force: { type: 'boolean', default: false } },
  });
  if (positionals.length !== 1) throw new UsageError('export takes one sweep folder or spec file');
  const sweep = sweepOfExportTarget(positionals[0]!, values.runs);
  const found = findBestModel(sweep);
  if ('problem' in found) {
    process.stderr.write(`dropout-lab: ${found.problem}\n`);
    return 1;
  }
  const { trialId, epoch, objective, value } = found.choice;
  let dir = found.dir;
  if (values.out) {
    dir = path.resolve(values.out);
    try {
      exportBestModel(sweep, dir, values.force);
    } catch (error) {
      throw new UsageError(`${(error as Error).message}${values.force ? '' : ' (--force replaces it)'}`);
    }
  }
  process.stderr.write(`best model: trial ${trialId}, epoch ${epoch}, ${objective} ${value.toFixed(4)}\n`);
  process.stdout.write(`${dir}\n`);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'run': return await run(rest);
      case 'validate': return validate(rest);
      case 'list': return list(rest);
      case 'export': return exportModel(rest);
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
