/** `npm run bench`'s command line (node:util parseArgs), and where the bench finds the repository. */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { BackendName } from '../../src/core/backend';
import type { ModelName } from './models';

export const root = path.resolve(__dirname, '..', '..');
/** The bench's entry: the parent runs it again as a child per backend and model (`--child BACKEND MODEL`). */
export const benchEntry = path.join(root, 'scripts', 'bench.ts');

export interface Options {
  json: boolean;
  saveJson?: string;
  backends: BackendName[];
  models: ModelName[];
  cpuModels: ModelName[];
  reps: number;
  epochs: number;
  sweepEpochs?: number;
  sweep: boolean;
  /** The MNIST example's whole sweep on wasm, on wasm+blas, and in PyTorch (bench/mnistSweep.ts). */
  mnistSweep: boolean;
  queue: boolean;
  ui: boolean;
  torch: boolean;
  extension: boolean;
  ab?: string;
  /** `--profile`: a profiled epoch per backend and model instead of the report (bench/profile.ts). */
  profile: boolean;
  /** Set in a child process: the backend and model it measures. */
  child?: { backend: BackendName; model: ModelName };
}

const backendNames: readonly string[] = ['wasm+blas', 'wasm', 'cpu', 'tensorflow'];
const modelNames: readonly string[] = ['small', 'wide', 'mnist', 'cnn'];

/** A comma-separated list of known names; empty entries are dropped, so `--models ,` measures none. */
function list<Name extends string>(flag: string, value: string, known: readonly string[]): Name[] {
  const names = value.split(',').filter(Boolean);
  const unknown = names.filter((name) => !known.includes(name));
  if (unknown.length) throw new Error(`--${flag}: unknown ${unknown.join(', ')} (known: ${known.join(', ')})`);
  return names as Name[];
}

function count(flag: string, value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new Error(`--${flag} takes a whole number ≥ 1, not "${value}"`);
  return number;
}

/** Throws on an unknown flag or a bad value (the message names the flag). */
export function parseOptions(argv: string[]): Options {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      'save-json': { type: 'string' },
      backends: { type: 'string', default: 'wasm+blas,wasm,cpu,tensorflow' },
      models: { type: 'string', default: 'small,wide,mnist,cnn' },
      'cpu-models': { type: 'string', default: 'small' },
      reps: { type: 'string', default: '3' },
      epochs: { type: 'string', default: '3' },
      'sweep-epochs': { type: 'string' },
      'no-sweep': { type: 'boolean', default: false },
      'no-mnist-sweep': { type: 'boolean', default: false },
      'no-queue': { type: 'boolean', default: false },
      'no-ui': { type: 'boolean', default: false },
      'no-torch': { type: 'boolean', default: false },
      'no-extension': { type: 'boolean', default: false },
      ab: { type: 'string' },
      profile: { type: 'boolean', default: false },
      child: { type: 'boolean', default: false },
    },
  });
  let child: Options['child'];
  if (values.child) {
    const [backend, model, ...rest] = positionals;
    if (backend === undefined || model === undefined || rest.length) throw new Error('--child takes a backend and a model');
    child = { backend: list<BackendName>('child', backend, backendNames)[0]!, model: list<ModelName>('child', model, modelNames)[0]! };
  } else if (positionals.length) throw new Error(`unexpected argument "${positionals[0]}"`);
  return {
    json: values.json,
    saveJson: values['save-json'],
    backends: list('backends', values.backends, backendNames),
    models: list('models', values.models, modelNames),
    cpuModels: list('cpu-models', values['cpu-models'], modelNames),
    reps: count('reps', values.reps),
    epochs: count('epochs', values.epochs),
    sweepEpochs: values['sweep-epochs'] === undefined ? undefined : count('sweep-epochs', values['sweep-epochs']),
    sweep: !values['no-sweep'],
    mnistSweep: !values['no-mnist-sweep'],
    queue: !values['no-queue'],
    ui: !values['no-ui'],
    torch: !values['no-torch'],
    extension: !values['no-extension'],
    ab: values.ab,
    profile: values.profile,
    child,
  };
}

/** The options a child measures with. */
export function childArgs(options: Options, backend: BackendName, model: ModelName): string[] {
  return ['--child', backend, model, '--reps', String(options.reps), '--epochs', String(options.epochs), ...(options.ab ? ['--ab', options.ab] : []),
    ...(options.profile ? ['--profile'] : [])];
}
