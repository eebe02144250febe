/**
 * The rules of the `*.dropout.json` format, as one table (`SPEC_SHAPES`): each object level lists its fields with
 * kind, bounds, enum values and default. The walker (`walker.ts`) reads a document against it, and the editor's JSON
 * Schema (`schemas/dropout.schema.json`) is generated from it (`jsonSchema.ts`), so neither can drift from it.
 */
import type {
  CirclesDataset, CsvDataset, DatasetType, EarlyStoppingSpec, EvaluationSpec, ExperimentSpec, MnistDataset, ModelSpec, MoonsDataset,
  SpiralsDataset, SweepSpec, TrainingSpec,
} from '../../core/spec';
import { SWEEP_OBJECTIVES, SWEEP_SELECTS, SWEEP_STRATEGIES } from '../../core/spec';
import { quote } from './messages';

export interface Bounds {
  min?: number;
  max?: number;
  exclusiveMin?: boolean;
  exclusiveMax?: boolean;
}

/** One field of an object level. `default` is what the resolved spec gets when the field is absent. */
export type Field = { required?: boolean } & (
  | ({ kind: 'integer' | 'number'; default?: number } & Bounds)
  /** A drop probability, in [0, 1). Its own kind so that out-of-range values get a message about what a rate is. */
  | { kind: 'rate'; default?: number }
  | { kind: 'string'; minLength?: number; maxLength?: number; check?: (value: string) => string | undefined; default?: string }
  | { kind: 'enum'; values: readonly string[]; noun: string; default?: string }
  /** `default: {}` means an absent object resolves to all of its own defaults. */
  | { kind: 'object'; shape: Shape; default?: Record<string, never> }
  | { kind: 'list'; item: Field; noun: string; minItems: number; maxItems: number }
  /** The dataset object, whose fields depend on its `type`. */
  | { kind: 'dataset' }
  /** sweep.rates: a list of rates or a `{min, max, step}` range. */
  | { kind: 'rates' }
);

export type FieldOf<K extends Field['kind']> = Extract<Field, { kind: K }>;

export type Shape = Readonly<Record<string, Field>>;
/** A shape with exactly the keys of a resolved type, so the table cannot drift from the spec types. */
type ShapeOf<T> = { readonly [K in keyof T]-?: Field };

export const DATASET_TYPES = ['moons', 'circles', 'spirals', 'mnist', 'csv'] as const satisfies readonly DatasetType[];
import { MNIST_DIGITS } from './splits';

export { MNIST_DIGITS };
export const MAX_RATES = 1000;
export const RATE_BOUNDS: Bounds = { min: 0, max: 1, exclusiveMax: true };

const datasetType = (type: DatasetType): Field => ({ kind: 'enum', values: [type], noun: 'dataset type', required: true });
const samples: Field = { kind: 'integer', min: 10, max: 1_000_000, default: 400 };
const noise: Field = { kind: 'number', min: 0, max: 10, default: 0.2 };
const fraction = (defaultValue: number): Field =>
  ({ kind: 'number', min: 0, max: 1, exclusiveMin: true, exclusiveMax: true, default: defaultValue });
/** The test split's share: 0 (no test split) allowed; validationFraction + testFraction < 1 is checked in splits.ts. */
const testFraction: Field = { kind: 'number', min: 0, max: 1, exclusiveMax: true, default: 0.2 };
const nonEmpty = (maxLength?: number, check?: (value: string) => string | undefined): Field =>
  ({ kind: 'string', minLength: 1, maxLength, check, required: true });

const moons = {
  type: datasetType('moons'), samples, noise, validationFraction: fraction(0.3), testFraction,
} satisfies ShapeOf<MoonsDataset>;

const circles = {
  type: datasetType('circles'), samples, noise, factor: fraction(0.5), validationFraction: fraction(0.3), testFraction,
} satisfies ShapeOf<CirclesDataset>;

const spirals = {
  type: datasetType('spirals'),
  samples,
  noise,
  classes: { kind: 'integer', min: 2, max: 20, default: 3 },
  turns: { kind: 'number', min: 0, max: 10, exclusiveMin: true, default: 1.5 },
  validationFraction: fraction(0.3),
  testFraction,
} satisfies ShapeOf<SpiralsDataset>;

// Train and validation need at least 10 digits each, so neither can exceed MNIST_DIGITS − 10 and the test split
// MNIST_DIGITS − 20 (0: none); the sums are checked in splits.ts.
const mnist = {
  type: datasetType('mnist'),
  trainSamples: { kind: 'integer', min: 10, max: MNIST_DIGITS - 10, default: 1000 },
  validationSamples: { kind: 'integer', min: 10, max: MNIST_DIGITS - 10, default: 1000 },
  testSamples: { kind: 'integer', min: 0, max: MNIST_DIGITS - 20, default: 1000 },
} satisfies ShapeOf<MnistDataset>;

const csv = {
  type: datasetType('csv'),
  path: nonEmpty(undefined, checkRelativePath),
  target: nonEmpty(),
  task: { kind: 'enum', values: ['classification', 'regression'], noun: 'task', default: 'classification' },
  validationFraction: fraction(0.2),
  testFraction,
} satisfies ShapeOf<CsvDataset>;

const model = {
  hidden: { kind: 'list', item: { kind: 'integer', min: 1, max: 8192 }, noun: 'layer', minItems: 1, maxItems: 32, required: true },
  activation: { kind: 'enum', values: ['relu', 'tanh', 'sigmoid', 'elu'], noun: 'activation', default: 'relu' },
  inputDropout: { kind: 'rate', default: 0 },
  dropoutStyle: { kind: 'enum', values: ['inverted', 'standard'], noun: 'dropout style', default: 'inverted' },
} satisfies ShapeOf<ModelSpec>;

const earlyStopping = {
  patience: { kind: 'integer', min: 1, required: true },
  minDelta: { kind: 'number', min: 0, default: 0 },
} satisfies ShapeOf<EarlyStoppingSpec>;

const training = {
  epochs: { kind: 'integer', min: 1, max: 100_000, default: 50 },
  batchSize: { kind: 'integer', min: 1, max: 65_536, default: 32 },
  optimizer: { kind: 'enum', values: ['adam', 'sgd', 'rmsprop'], noun: 'optimizer', default: 'adam' },
  learningRate: { kind: 'number', min: 0, max: 10, exclusiveMin: true, default: 0.001 },
  seed: { kind: 'integer', min: 0, max: 2 ** 31 - 1, default: 0 },
  earlyStopping: { kind: 'object', shape: earlyStopping },
} satisfies ShapeOf<TrainingSpec>;

// step is optional in the table because `random` draws from the continuous interval without one; every other
// strategy needs the grid, which the sweep rules check once the strategy is known.
const rateRange = {
  min: { kind: 'rate', required: true },
  max: { kind: 'rate', required: true },
  step: { kind: 'number', min: 0, exclusiveMin: true },
} satisfies Shape;

const sweep = {
  rates: { kind: 'rates', required: true },
  inputRates: { kind: 'rates' },
  repeats: { kind: 'integer', min: 1, max: 100, default: 1 },
  strategy: { kind: 'enum', values: SWEEP_STRATEGIES, noun: 'strategy', default: 'grid' },
  objective: { kind: 'enum', values: SWEEP_OBJECTIVES, noun: 'objective', default: 'val_loss' },
  select: { kind: 'enum', values: SWEEP_SELECTS, noun: 'select rule', default: 'best-epoch' },
  samples: { kind: 'integer', min: 1, max: MAX_RATES },
  // Its default is training.seed, filled in by the sweep rules.
  seed: { kind: 'integer', min: 0, max: 2 ** 31 - 1 },
  maxEpochs: { kind: 'integer', min: 1, max: 100_000 },
  factor: { kind: 'integer', min: 2, max: 100, default: 3 },
  iterations: { kind: 'integer', min: 1, max: 100, default: 1 },
  maxTrials: { kind: 'integer', min: 1, max: 1_000_000 },
  maxMinutes: { kind: 'number', min: 0, max: 525_600, exclusiveMin: true },
} satisfies ShapeOf<Omit<SweepSpec, 'drawnConfigs'>>;

const evaluation = {
  mcSamples: { kind: 'integer', min: 0, max: 10_000, default: 0 },
} satisfies ShapeOf<EvaluationSpec>;

const root = {
  $schema: { kind: 'string' },
  name: nonEmpty(100),
  dataset: { kind: 'dataset', required: true },
  model: { kind: 'object', shape: model, required: true },
  training: { kind: 'object', shape: training, default: {} },
  sweep: { kind: 'object', shape: sweep, required: true },
  evaluation: { kind: 'object', shape: evaluation, default: {} },
} satisfies ShapeOf<ExperimentSpec & { $schema?: string }>;

/** Every object level of the format. */
export const SPEC_SHAPES = {
  root, moons, circles, spirals, mnist, csv, model, training, earlyStopping, sweep, rateRange, evaluation,
} satisfies Record<string, Shape>;

export type SpecLevel = keyof typeof SPEC_SHAPES;

export const DATASET_SHAPES: Record<DatasetType, Shape> = { moons, circles, spirals, mnist, csv };
export const DATASET_TYPE_FIELD: Field = { kind: 'enum', values: DATASET_TYPES, noun: 'dataset type', required: true };
export const RATE_LIST: FieldOf<'list'> = { kind: 'list', item: { kind: 'rate' }, noun: 'rate', minItems: 1, maxItems: MAX_RATES };

/** The file-system checks (existence, symlinks) happen when the dataset is loaded; this is the lexical part. */
function checkRelativePath(path: string): string | undefined {
  if (/^([a-zA-Z]:|[\\/])/.test(path)) {
    return `must be relative to the spec's folder, found the absolute path ${quote(path)}`;
  }
  let depth = 0;
  for (const segment of path.split(/[\\/]+/)) {
    if (segment === '..') depth -= 1;
    else if (segment !== '.' && segment !== '') depth += 1;
    if (depth < 0) return `must stay inside the spec's folder, but ${quote(path)} leads out of it through ".."`;
  }
  return undefined;
}
