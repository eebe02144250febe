/**
 * `dropout-lab`: the engine from a terminal.
 *   dropout-lab run <spec> [--out DIR] [--backend B] [--workers N] [--rates 0,0.5] [--json] [limits]
 *   dropout-lab validate <spec> [limits]
 *   limits: [--max-parameters N] [--max-memory-mb N]
 *   dropout-lab list [DIR]
 *   dropout-lab resume <sweep dir> [--backend B] [--workers N] [--json]
 *   dropout-lab export <sweep folder | spec> [--out DIR] [--force]
 *   dropout-lab show <sweep folder | spec> [--json]
 *   dropout-lab worker --redis URL [--slots N] [--backend B] [--no-modules]   (worker.ts)
 *   run and resume take --executor redis://… [--max-retries N] to run trials on workers through Redis.
 * Exit codes: 0 success; 1 a trial or the sweep failed; 2 bad usage or an invalid spec; 130 cancelled (Ctrl-C).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_LIMITS, type ResourceLimits } from '../engine/model/estimate';
import { workspaceFiles } from '../workspace/dataFiles';
import { preflight, resolveSpecModel } from '../engine/preflight';
import { formatProblem } from '../engine/spec/format';
import { parseSpec } from '../engine/spec/parse';
import type { ExperimentSpec } from '../core/spec';
import { searchesSpace, sweepConfigCount } from '../engine/sweep/plan';
import { backendChoices, type BackendChoice } from '../core/backend';
import { resumeSweep, startSweep, unfinishedTrials, type PoolOptions, type SweepRun } from '../runner/runner';
import { discoverModuleSpace, resolveModuleSpec } from '../runner/moduleDiscovery';
import { bestModelDir, datasetCacheDir, defaultRunsRoot } from '../store/layout';
import { imageCache } from '../store/datasetCache';
import { exportBestModel, findBestModel } from '../store/bestModel';
import { listSweeps, loadSweep } from '../store/reader';
import type { SweepRecord } from '../core/records';
import { StoreWriteError } from '../store/writer';
import { isRedisUrl, shownRedisUrl } from '../core/redisUrl';
import { checkRedis } from '../runner/redisConnection';
import { ProgressReporter } from './progress';
import { worker, WorkerUsageError, workerUsage } from './worker';
import { jsonSummary, rateTable } from './report';
import { errorMessage } from '../core/errors';

const usage = `Usage:
  dropout-lab run <spec.dropout.json> [--out DIR] [--backend auto|tensorflow|wasm+blas|wasm|cpu] [--workers N] [--rates 0,0.5] [--json] [LIMITS] [EXECUTOR]
  dropout-lab validate <spec.dropout.json> [LIMITS]
  dropout-lab list [RUNS_DIR]
  dropout-lab resume <SWEEP_DIR> [--backend auto|tensorflow|wasm+blas|wasm|cpu] [--workers N] [--json] [EXECUTOR]
  dropout-lab export <SWEEP_DIR | spec.dropout.json> [--out DIR] [--force]
      prints the folder of the sweep's best model (TF.js: model.json + weights.bin); --out copies it there.
      A spec means its latest sweep with a best model (in --runs DIR, default .dropout/runs next to it).
  dropout-lab show <SWEEP_DIR | spec.dropout.json> [--json] [--runs DIR]
      prints a stored sweep's table and verdict (--json: the same JSON as run --json); a spec means its latest sweep.
${workerUsage}

EXECUTOR: --executor redis://[:password@]host:6379[/db] runs the trials on \`dropout-lab worker\` processes
  through that Redis instead of on this machine (password also from DROPOUT_LAB_REDIS_PASSWORD); --max-retries N
  (default 2) retries a trial whose worker's trainer died. A resumed sweep uses the Redis it ran on.

LIMITS: --max-parameters N (default ${DEFAULT_LIMITS.maxParameters}), --max-memory-mb N (default ${DEFAULT_LIMITS.maxMemoryMB}):
  a spec whose model or estimated memory is larger is refused; a trainer using more memory is stopped.

Rates are drop probabilities (Keras convention); the keep probability is p = 1 − rate.`;

class UsageError extends Error {}

/** A spec ready to run, with (model.module) what discovery found: the module's path and hash for sweep.json, its hp names. */
interface LoadedSpec {
  spec: ExperimentSpec;
  text: string;
  module?: { path: string; sha256: string; names: string[] };
}

/**
 * The spec, or undefined after printing every problem: in the text, in its data, against the limits, in its builder
 * module. With `runsRoot` an image folder is decoded into its dataset cache, which the sweep's trainers then read. A
 * builder module runs here (in a trainer process, to discover its space): `run` and `validate` were asked to run it.
 */
async function readSpec(file: string, limits: ResourceLimits, runsRoot?: string): Promise<LoadedSpec | undefined> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${errorMessage(error)}`);
  }
  const { spec, problems } = parseSpec(text);
  for (const problem of problems) process.stderr.write(`${formatProblem(file, problem)}\n`);
  if (!spec) return undefined;
  // Here, once, rather than as a failed trial in every trainer.
  const dataCacheDir = runsRoot ? datasetCacheDir(runsRoot) : undefined;
  const files = workspaceFiles(path.dirname(path.resolve(file)), dataCacheDir ? imageCache(dataCacheDir) : undefined);
  const late = preflight(spec, file, text, limits, files);
  for (const problem of late) process.stderr.write(`${formatProblem(problem.file, problem)}\n`);
  if (late.length > 0) return undefined;
  // The runner stores (and its trainers, resume and the verdict read) the spec with the model's own hyperparameters.
  if (!spec.model.module) return { spec: resolveSpecModel(spec, files), text };
  const discovered = await discoverModuleSpace({
    trainerPath: path.join(__dirname, 'trainer.js'), spec, specDir: path.dirname(path.resolve(file)), ...(dataCacheDir ? { dataCacheDir } : {}),
  });
  const resolved = resolveModuleSpec(spec, file, text, discovered);
  if ('problems' in resolved) {
    for (const problem of resolved.problems) process.stderr.write(`${formatProblem(problem.file, problem)}\n`);
    return undefined;
  }
  for (const warning of resolved.discovery.warnings) process.stderr.write(`warning: ${warning}\n`);
  return { spec: resolved.spec, text, module: { ...resolved.module, names: Object.keys(resolved.discovery.space) } };
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

/** Options `run` and `resume` share: how the trainers run, their memory limit, and how the result is printed. */
const poolArgs = {
  backend: { type: 'string', default: 'auto' }, workers: { type: 'string' }, json: { type: 'boolean', default: false }, ...limitOptions,
  executor: { type: 'string' }, 'max-retries': { type: 'string' },
} as const;

async function poolOptions(
  values: { backend?: string; workers?: string; 'max-parameters'?: string; 'max-memory-mb'?: string; executor?: string; 'max-retries'?: string },
): Promise<Pick<PoolOptions, 'backend' | 'workers' | 'maxMemoryMB' | 'executor' | 'maxRetries'>> {
  if (!backendChoices.includes(values.backend as BackendChoice)) throw new UsageError(`--backend must be one of ${backendChoices.join(', ')}`);
  const workers = values.workers === undefined ? undefined : Number(values.workers);
  if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1)) throw new UsageError('--workers takes a whole number ≥ 1');
  const maxRetries = values['max-retries'] === undefined ? undefined : Number(values['max-retries']);
  if (maxRetries !== undefined && !(Number.isInteger(maxRetries) && maxRetries >= 0)) throw new UsageError('--max-retries takes a whole number ≥ 0');
  const { executor } = values;
  if (executor !== undefined && executor !== '' && !isRedisUrl(executor)) {
    throw new UsageError(`--executor takes a redis:// or rediss:// URL (or nothing, for this machine), got "${shownRedisUrl(executor)}"`);
  }
  // Before anything is created: a Redis that cannot be used is said now, naming its URL.
  if (executor) await checkRedis(executor).catch((error: unknown) => { throw new RedisUnusable(errorMessage(error)); });
  return {
    backend: values.backend as BackendChoice, workers, maxMemoryMB: parseLimits(values).maxMemoryMB,
    ...(executor ? { executor } : {}), ...(maxRetries !== undefined ? { maxRetries } : {}),
  };
}

/** Redis cannot be reached or refuses us: an error of the environment (exit 1), not of usage. */
class RedisUnusable extends Error {}

/** Starts a sweep with live progress on stderr; a store that cannot be written is an error (exit 1), not a usage error. */
function started(json: boolean, start: (onEvent: PoolOptions['onEvent']) => SweepRun): SweepRun | number {
  const progress = new ProgressReporter(process.stderr, Boolean(process.stderr.isTTY) && !json);
  const quiet = json && !process.stderr.isTTY;
  try {
    return start((event) => {
      if (!quiet || event.type === 'log') progress.handle(event);
    });
  } catch (error) {
    if (error instanceof StoreWriteError) {
      process.stderr.write(`dropout-lab: ${error.message}\n`);
      return 1;
    }
    throw new UsageError(errorMessage(error));
  }
}

/** Lines of the store that could not be read, named by file and line. */
function printWarnings(record: SweepRecord): void {
  for (const warning of record.warnings) process.stderr.write(`warning: ${warning}\n`);
}

/** Follows a started sweep to its end: Ctrl-C cancels; prints the table or the JSON summary; returns the exit code. */
async function followSweep(sweep: SweepRun, json: boolean): Promise<number> {
  let interrupts = 0;
  process.on('SIGINT', () => {
    if (++interrupts === 1) {
      process.stderr.write('\nstopping: trials end at their next batch (Ctrl-C again to kill)\n');
      sweep.cancel();
    } else process.exit(130);
  });
  const status = await sweep.finished;
  if (sweep.error) {
    process.stderr.write(`dropout-lab: ${sweep.error}\nThe sweep in ${sweep.dir} is incomplete: trials without a summary line read back as interrupted.\n`);
    return 1;
  }
  const record = loadSweep(sweep.dir);
  printWarnings(record);
  if (json) process.stdout.write(`${JSON.stringify(jsonSummary(record), null, 2)}\n`);
  else {
    const model = record.manifest.bestModel ? `\nbest model (TF.js, trial ${record.manifest.bestModel.trialId}) in ${bestModelDir(sweep.dir)}` : '';
    process.stdout.write(`\n${rateTable(record)}\n\nruns stored in ${sweep.dir}${model}\n`);
  }
  if (status === 'cancelled') return 130;
  if (status === 'interrupted') process.stderr.write(`the sweep was interrupted; finish it with: dropout-lab resume ${sweep.dir}\n`);
  // Trials a budget kept from starting stay pending: that is the budget working, not a failure.
  return status === 'completed' && unfinishedTrials(record).length === 0 ? 0 : 1;
}

async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: { ...poolArgs, out: { type: 'string' }, rates: { type: 'string' } },
  });
  if (positionals.length !== 1) throw new UsageError('run takes one spec file');
  const file = positionals[0];
  const pool = await poolOptions(values);
  const runsRoot = values.out ? path.resolve(values.out) : undefined;
  const loaded = await readSpec(file, parseLimits(values), runsRoot ?? defaultRunsRoot(file));
  if (!loaded) return 2;
  const module = loaded.module && { path: loaded.module.path, sha256: loaded.module.sha256 };
  const sweep = started(values.json, (onEvent) => startSweep({
    spec: loaded.spec, specPath: file, specText: loaded.text, runsRoot,
    rates: parseRates(values.rates), ...(module ? { module } : {}), ...pool, onEvent,
  }));
  return typeof sweep === 'number' ? sweep : followSweep(sweep, values.json);
}

/** A stored sweep, its unreadable lines warned about; a folder that is not a sweep is a usage error. */
function loadSweepFolder(dir: string): SweepRecord {
  let record: SweepRecord;
  try {
    record = loadSweep(dir);
  } catch (error) {
    throw new UsageError(`${dir} is not a sweep folder: ${errorMessage(error)}`);
  }
  printWarnings(record);
  return record;
}

/** Runs the trials of an interrupted sweep that did not complete, into the same folder. */
async function resume(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: poolArgs });
  if (positionals.length !== 1) throw new UsageError('resume takes one sweep folder (see dropout-lab list)');
  const dir = path.resolve(positionals[0]);
  const pool = await poolOptions(values);
  const record = loadSweepFolder(dir);
  const unfinished = unfinishedTrials(record);
  if (unfinished.length === 0) {
    process.stderr.write(`${dir}: every trial completed; nothing to resume\n`);
    return 0;
  }
  process.stderr.write(`resuming ${record.manifest.experiment} ${record.manifest.id}: ${unfinished.length} of ${record.trials.length} trials to finish\n`);
  const sweep = started(values.json, (onEvent) => resumeSweep(dir, { ...pool, onEvent }));
  return typeof sweep === 'number' ? sweep : followSweep(sweep, values.json);
}

async function validate(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: limitOptions });
  if (positionals.length !== 1) throw new UsageError('validate takes one spec file');
  const loaded = await readSpec(positionals[0], parseLimits(values));
  if (loaded) {
    const { sweep } = loaded.spec;
    const configs = sweepConfigCount(sweep);
    const what = searchesSpace(sweep) ? (Number.isFinite(configs) ? `${configs} configurations` : 'configurations drawn from a continuous space')
      : sweep.inputRates ? `${configs} (input rate, rate) pairs` : `${sweep.rates.length} rates`;
    const asks = loaded.module ? `; ${loaded.module.path} asks for ${loaded.module.names.join(', ')}` : '';
    process.stderr.write(`${positionals[0]}: valid (${what} × ${sweep.repeats} seeds${asks})\n`);
  }
  return loaded ? 0 : 2;
}

function list(args: string[]): number {
  const root = args[0] ?? defaultRunsRoot(path.join(process.cwd(), 'x'));
  const sweeps = listSweeps(root);
  if (sweeps.length === 0) process.stderr.write(`no sweeps under ${root}\n`);
  for (const sweep of sweeps) {
    process.stdout.write(`${sweep.startedAt}  ${sweep.status.padEnd(11)}  ${sweep.experiment}  ${sweep.trialCount} trials  ${sweep.dir}\n`);
  }
  const interrupted = sweeps.filter((sweep) => sweep.status === 'interrupted');
  if (interrupted.length > 0) process.stderr.write(`${interrupted.length} interrupted: finish one with dropout-lab resume <dir>\n`);
  return 0;
}

/** The sweep folder `target` names: itself, or for a spec file its newest sweep (that `suits`, when any does). */
function sweepOfTarget(target: string, runsRoot: string | undefined, suits: (dir: string) => boolean = () => true): string {
  if (!fs.existsSync(target)) throw new UsageError(`${target} does not exist`);
  if (fs.statSync(target).isDirectory()) return path.resolve(target);
  const specPath = path.resolve(target);
  const sweeps = listSweeps(runsRoot ? path.resolve(runsRoot) : defaultRunsRoot(specPath))
    .filter((sweep) => path.resolve(sweep.specPath) === specPath);
  if (sweeps.length === 0) throw new UsageError(`${target} has no stored sweep`);
  return (sweeps.find((sweep) => suits(sweep.dir)) ?? sweeps[0]!).dir;
}

/** A stored sweep as `run` ends: the table and the verdict, or with --json the same JSON. */
function show(args: string[]): number {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean', default: false }, runs: { type: 'string' } } });
  if (positionals.length !== 1) throw new UsageError('show takes one sweep folder or spec file');
  const dir = sweepOfTarget(positionals[0]!, values.runs);
  const record = loadSweepFolder(dir);
  process.stdout.write(values.json ? `${JSON.stringify(jsonSummary(record), null, 2)}\n` : `${rateTable(record)}\n\nruns stored in ${dir}\n`);
  return 0;
}

function exportModel(args: string[]): number {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: { out: { type: 'string' }, runs: { type: 'string' }, force: { type: 'boolean', default: false } },
  });
  if (positionals.length !== 1) throw new UsageError('export takes one sweep folder or spec file');
  const sweep = sweepOfTarget(positionals[0]!, values.runs, (dir) => !('problem' in findBestModel(dir)));
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
      throw new UsageError(`${errorMessage(error)}${values.force ? '' : ' (--force replaces it)'}`);
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
      case 'validate': return await validate(rest);
      case 'list': return list(rest);
      case 'resume': return await resume(rest);
      case 'export': return exportModel(rest);
      case 'show': return show(rest);
      case 'worker': return await worker(rest);
      case '--help': case '-h': case 'help': case undefined:
        process.stdout.write(`${usage}\n`);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof RedisUnusable) {
      process.stderr.write(`dropout-lab: ${error.message}\n`);
      return 1;
    }
    if (error instanceof UsageError || error instanceof WorkerUsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`dropout-lab: ${errorMessage(error)}\n\n${usage}\n`);
      return 2;
    }
    throw error;
  }
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (error: unknown) => {
  process.stderr.write(`dropout-lab: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
