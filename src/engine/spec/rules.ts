/**
 * The rules of the `*.dropout.json` format, as one table (`SPEC_SHAPES`): each object level lists its fields with
 * kind, bounds, enum values and default. The walker (`walker.ts`) reads a document against it, and the editor's JSON
 * Schema (`schemas/dropout.schema.json`) is generated from it (`jsonSchema.ts`), so neither can drift from it.
 */
import type {
  CirclesDataset, CsvDataset, DatasetType, EarlyStoppingSpec, EvaluationSpec, ExperimentSpec, ImagesDataset, LayerActivation, LayerSpec, LayerType,
  MnistDataset, ModelSpec, MoonsDataset, SpiralsDataset, SweepSpec, TrainingSpec,
} from '../../core/spec';
import { DROPOUT_LAYER_TYPES, SWEEP_OBJECTIVES, SWEEP_SELECTS, SWEEP_STRATEGIES } from '../../core/spec';
import { HP_SAMPLINGS, type HpRef, type HpSpaceEntry, type HpType } from '../../core/hyperparameters';
import { quote } from './messages';
import { MNIST_DIGITS } from './splits';

export interface Bounds {
  min?: number;
  max?: number;
  exclusiveMin?: boolean;
  exclusiveMax?: boolean;
}

/**
 * One field of an object level. `default` is what the resolved spec gets when the field is absent. A `searchable`
 * field may instead name a hyperparameter of `sweep.space` (`{ "hp": "name" }`), whose every possible value must then
 * be one the field accepts (checked in hyperparameterRules.ts).
 */
export type Field = { required?: boolean } & (
  /** `allowed`: the only values accepted (e.g. channels 1 or 3). */
  | ({ kind: 'integer' | 'number'; default?: number; searchable?: boolean; allowed?: readonly number[] } & Bounds)
  /** A drop probability, in [0, 1). Its own kind so that out-of-range values get a message about what a rate is. */
  | { kind: 'rate'; default?: number; searchable?: boolean }
  | { kind: 'string'; minLength?: number; maxLength?: number; check?: (value: string) => string | undefined; default?: string }
  | { kind: 'enum'; values: readonly string[]; noun: string; default?: string; searchable?: boolean }
  | { kind: 'boolean'; default?: boolean }
  /** A hyperparameter's value: a number, a string or a boolean. */
  | { kind: 'scalar' }
  /** A 2-d size as TF.js takes it: one integer (square) or [height, width], each `item`. */
  | { kind: 'size'; item: FieldOf<'integer' | 'number'>; default?: number }
  /** `default: {}` means an absent object resolves to all of its own defaults. */
  | { kind: 'object'; shape: Shape; default?: Record<string, never> }
  | { kind: 'list'; item: Field; noun: string; minItems: number; maxItems: number }
  /** An object whose fields depend on its `type`: a dataset, a layer, a hyperparameter. */
  | { kind: 'variant'; of: VariantName }
  /** An object of named entries (sweep.space): each key an identifier, not one of `reserved`, each value `value`. */
  | { kind: 'map'; value: Field; noun: string; maxEntries: number; reserved: Readonly<Record<string, string>> }
  /** sweep.rates: a list of rates or a `{min, max, step}` range. */
  | { kind: 'rates' }
);

export type FieldOf<K extends Field['kind']> = Extract<Field, { kind: K }>;

export type Shape = Readonly<Record<string, Field>>;
/** A shape with exactly the keys of a resolved type, so the table cannot drift from the spec types. */
type ShapeOf<T> = { readonly [K in keyof T]-?: Field };

export const DATASET_TYPES = ['moons', 'circles', 'spirals', 'mnist', 'csv', 'images'] as const satisfies readonly DatasetType[];
type DropoutLayerType = (typeof DROPOUT_LAYER_TYPES)[number];

export { MNIST_DIGITS };
export const MAX_RATES = 1000;
export const RATE_BOUNDS: Bounds = { min: 0, max: 1, exclusiveMax: true };

/** The `type` field of one type of a variant (a dataset, a layer, a hyperparameter): that value only. */
const typeField = <T extends string>(noun: string) => (type: T): Field => ({ kind: 'enum', values: [type], noun, required: true });
const datasetType = typeField<DatasetType>('dataset type');
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

const imageAugment = {
  flip: { kind: 'boolean', default: false },
  shift: { kind: 'number', min: 0, max: 0.5, default: 0 },
} satisfies ShapeOf<NonNullable<ImagesDataset['augment']>>;

const images = {
  type: datasetType('images'),
  path: nonEmpty(undefined, checkRelativePath),
  size: { kind: 'list', item: { kind: 'integer', min: 1, max: 4096 }, noun: 'dimension', minItems: 2, maxItems: 2 },
  channels: { kind: 'integer', min: 1, max: 3, allowed: [1, 3] },
  augment: { kind: 'object', shape: imageAugment },
  validationFraction: fraction(0.2),
  testFraction,
} satisfies ShapeOf<ImagesDataset>;

/** Units of a dense layer and of each `model.hidden` layer. */
const UNITS = { min: 1, max: 8192 } as const;

const model = {
  hidden: { kind: 'list', item: { kind: 'integer', ...UNITS }, noun: 'layer', minItems: 1, maxItems: 32 },
  layers: { kind: 'list', item: { kind: 'variant', of: 'layer' }, noun: 'layer', minItems: 1, maxItems: 64 },
  activation: { kind: 'enum', values: ['relu', 'tanh', 'sigmoid', 'elu'], noun: 'activation', default: 'relu' },
  inputDropout: { kind: 'rate', default: 0 },
  dropoutStyle: { kind: 'enum', values: ['inverted', 'standard'], noun: 'dropout style', default: 'inverted' },
  module: { kind: 'string', minLength: 1, check: checkRelativePath },
  from: { kind: 'string', minLength: 1, check: checkRelativePath },
  weights: { kind: 'enum', values: ['fresh', 'pretrained'], noun: 'weights' },
} satisfies ShapeOf<Omit<ModelSpec, 'dropoutHps'>>;

// The layers of `model.layers`, with TF.js's option names and TF.js/Keras defaults.
const layerType = typeField<LayerType>('layer type');
const LAYER_ACTIVATIONS = ['linear', 'relu', 'tanh', 'sigmoid', 'elu', 'softmax'] as const satisfies readonly LayerActivation[];
const activation = (defaultValue?: LayerActivation): Field => ({
  kind: 'enum', values: LAYER_ACTIVATIONS, noun: 'activation', searchable: true,
  ...(defaultValue ? { default: defaultValue } : { required: true }),
});
const useBias: Field = { kind: 'boolean', default: true };
const padding: Field = { kind: 'enum', values: ['valid', 'same'], noun: 'padding', default: 'valid' };
const size = (defaultValue?: number): FieldOf<'size'> =>
  ({ kind: 'size', item: { kind: 'integer', min: 1, max: 1024, searchable: true }, ...(defaultValue !== undefined ? { default: defaultValue } : {}) });
/** Without a rate, a dropout-kind layer takes the swept `sweep.rates`. */
const layerRate: Field = { kind: 'rate', searchable: true };

/** The layer spec with type T (the two pooling types share one). */
type Layer<T extends LayerType> = LayerSpec extends infer L ? (L extends { type: infer U } ? (T extends U ? L : never) : never) : never;
const dense = {
  type: layerType('dense'), units: { kind: 'integer', ...UNITS, searchable: true, required: true }, activation: activation('linear'), useBias,
} satisfies ShapeOf<Layer<'dense'>>;
const conv2d = {
  type: layerType('conv2d'),
  filters: { kind: 'integer', min: 1, max: 4096, searchable: true, required: true },
  kernelSize: { ...size(), required: true },
  strides: size(1),
  padding,
  activation: activation('linear'),
  useBias,
} satisfies ShapeOf<Layer<'conv2d'>>;
// strides defaults to poolSize, as in TF.js: left undefined here.
const pooling = (type: 'maxPooling2d' | 'averagePooling2d') =>
  ({ type: layerType(type), poolSize: size(2), strides: size(), padding }) satisfies ShapeOf<Layer<typeof type>>;
const batchNormalization = {
  type: layerType('batchNormalization'),
  momentum: { kind: 'number', min: 0, max: 1, exclusiveMax: true, default: 0.99, searchable: true },
  epsilon: { kind: 'number', min: 0, max: 1, exclusiveMin: true, default: 0.001, searchable: true },
} satisfies ShapeOf<Layer<'batchNormalization'>>;
const dropoutLayer = (type: DropoutLayerType) => ({ type: layerType(type), rate: layerRate }) satisfies ShapeOf<Layer<DropoutLayerType>>;

export const LAYER_SHAPES = {
  dense,
  conv2d,
  maxPooling2d: pooling('maxPooling2d'),
  averagePooling2d: pooling('averagePooling2d'),
  flatten: { type: layerType('flatten') },
  globalAveragePooling2d: { type: layerType('globalAveragePooling2d') },
  batchNormalization,
  activation: { type: layerType('activation'), activation: activation() },
  dropout: dropoutLayer('dropout'),
  spatialDropout2d: dropoutLayer('spatialDropout2d'),
  gaussianDropout: dropoutLayer('gaussianDropout'),
} satisfies { [T in LayerType]: ShapeOf<Layer<T>> };
export const LAYER_TYPES = Object.keys(LAYER_SHAPES) as LayerType[];

const earlyStopping = {
  patience: { kind: 'integer', min: 1, required: true },
  minDelta: { kind: 'number', min: 0, default: 0 },
} satisfies ShapeOf<EarlyStoppingSpec>;

const training = {
  epochs: { kind: 'integer', min: 1, max: 100_000, default: 50 },
  batchSize: { kind: 'integer', min: 1, max: 65_536, default: 32, searchable: true },
  optimizer: { kind: 'enum', values: ['adam', 'sgd', 'rmsprop'], noun: 'optimizer', default: 'adam' },
  learningRate: { kind: 'number', min: 0, max: 10, exclusiveMin: true, default: 0.001, searchable: true },
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

/** `{ "hp": "name" }`, read where a searchable field holds an object. */
const hpRef = {
  hp: { kind: 'string', minLength: 1, required: true },
} satisfies ShapeOf<HpRef>;

// The entries of sweep.space, in keras-tuner's vocabulary. Defaults that depend on other fields (a range's `default`
// is its min, a choice's its first value) and the cross-field rules are in spaceEntries.ts.
const hpType = typeField<HpType>('hyperparameter type');
const sampling: Field = { kind: 'enum', values: HP_SAMPLINGS, noun: 'sampling', default: 'linear' };
type HpEntry<T extends HpType> = Extract<HpSpaceEntry, { type: T }>;
const hpFloat = {
  type: hpType('float'),
  min: { kind: 'number', required: true },
  max: { kind: 'number', required: true },
  step: { kind: 'number', min: 0, exclusiveMin: true },
  sampling,
  default: { kind: 'number' },
} satisfies ShapeOf<HpEntry<'float'>>;
const hpInt = {
  type: hpType('int'),
  min: { kind: 'integer', required: true },
  max: { kind: 'integer', required: true },
  // keras-tuner's default step for linear sampling; with log sampling a step must be written (the factor).
  step: { kind: 'integer', min: 1, default: 1 },
  sampling,
  default: { kind: 'integer' },
} satisfies ShapeOf<HpEntry<'int'>>;
const hpChoice = {
  type: hpType('choice'),
  values: { kind: 'list', item: { kind: 'scalar' }, noun: 'value', minItems: 1, maxItems: MAX_RATES, required: true },
  default: { kind: 'scalar' },
} satisfies ShapeOf<HpEntry<'choice'>>;
const hpBoolean = { type: hpType('boolean'), default: { kind: 'boolean', default: false } } satisfies ShapeOf<HpEntry<'boolean'>>;
const hpFixed = { type: hpType('fixed'), value: { kind: 'scalar', required: true } } satisfies ShapeOf<HpEntry<'fixed'>>;
export const HP_SHAPES = { float: hpFloat, int: hpInt, choice: hpChoice, boolean: hpBoolean, fixed: hpFixed } satisfies Record<HpType, Shape>;

/** Names that trial ids, tables and CSV columns already give to the shorthand's dimensions (core/dropoutConfig.ts). */
const RESERVED_HP_NAMES = {
  rate: 'the rate of sweep.rates', input_rate: 'the rate of sweep.inputRates', input: 'the rate of sweep.inputRates in trial ids',
  seed: "a trial's seed",
};

const sweep = {
  space: { kind: 'map', value: { kind: 'variant', of: 'hp' }, noun: 'hyperparameter', maxEntries: 64, reserved: RESERVED_HP_NAMES },
  // Optional in the table: one of rates and space is required (hyperparameterRules.ts).
  rates: { kind: 'rates' },
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
  dataset: { kind: 'variant', of: 'dataset', required: true },
  model: { kind: 'object', shape: model, required: true },
  training: { kind: 'object', shape: training, default: {} },
  sweep: { kind: 'object', shape: sweep, required: true },
  evaluation: { kind: 'object', shape: evaluation, default: {} },
} satisfies ShapeOf<ExperimentSpec & { $schema?: string }>;

export const DATASET_SHAPES = { moons, circles, spirals, mnist, csv, images } satisfies Record<DatasetType, Shape>;

/**
 * Every object level of the format. A variant's levels are named by its types (the datasets' and layers' as they are,
 * the hyperparameters' with an `hp` prefix: `float` alone would say little).
 */
export const SPEC_SHAPES = {
  root, ...DATASET_SHAPES, imageAugment, model, ...LAYER_SHAPES, training, earlyStopping, sweep, rateRange, hpRef,
  hpFloat, hpInt, hpChoice, hpBoolean, hpFixed, evaluation,
} satisfies Record<string, Shape>;

export type SpecLevel = keyof typeof SPEC_SHAPES;
/** The levels whose `type` chooses them (described once per variant, not per level). */
export type VariantLevel = DatasetType | LayerType | 'hpFloat' | 'hpInt' | 'hpChoice' | 'hpBoolean' | 'hpFixed';

/** The objects whose fields depend on their `type`: each type's shape. */
export const VARIANTS = {
  dataset: { noun: 'dataset type', shapes: DATASET_SHAPES as Readonly<Record<string, Shape>> },
  layer: { noun: 'layer type', shapes: LAYER_SHAPES as Readonly<Record<string, Shape>> },
  hp: { noun: 'hyperparameter type', shapes: HP_SHAPES as Readonly<Record<string, Shape>> },
};
export type VariantName = keyof typeof VARIANTS;

/** The `type` field of a variant, any type allowed: what is read first, to choose the shape. */
export function variantTypeField(of: VariantName): FieldOf<'enum'> {
  return { kind: 'enum', values: Object.keys(VARIANTS[of].shapes), noun: VARIANTS[of].noun, required: true };
}

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
