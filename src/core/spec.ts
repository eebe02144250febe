/**
 * The experiment spec after parsing and validation, with every default filled in.
 *
 * Convention: every `rate` in this project is a DROP probability, as in Keras/TF.js (`tf.layers.dropout({rate})`).
 * The classic paper (Srivastava et al., 2014) writes p for the KEEP probability: p = 1 − rate. That holds for the
 * input layer too: an input rate of 0.2 keeps p = 0.8 of the features (the paper's usual input keep is 0.8).
 */
import type { DropoutConfig } from './dropoutConfig';
import { isHpRef, type HpSpace, type Searchable } from './hyperparameters';

export type Task = 'classification' | 'regression';

/**
 * Three disjoint splits: train fits the weights; validation chooses (the epoch a trial keeps, the configuration, the
 * trial whose model is published); test is scored once per finished trial on the weights it keeps and chooses
 * nothing (see core/selection.ts).
 */
interface SplitOptions {
  /** Fraction of the samples held out for validation, in (0, 1). */
  validationFraction: number;
  /**
   * Fraction of the samples held out for the test split, in [0, 1); validationFraction + testFraction < 1. 0 opts
   * out (every verdict then warns that its figures are validation figures). The parser's default is 0.2; absent
   * only in specs stored before test splits existed, which have none (a resumed old sweep keeps its splits).
   */
  testFraction?: number;
}

export interface MoonsDataset extends SplitOptions {
  type: 'moons';
  samples: number;
  /** Standard deviation of the Gaussian noise added to each coordinate. */
  noise: number;
}

export interface CirclesDataset extends SplitOptions {
  type: 'circles';
  samples: number;
  noise: number;
  /** Radius of the inner circle relative to the outer one, in (0, 1). */
  factor: number;
}

export interface SpiralsDataset extends SplitOptions {
  type: 'spirals';
  samples: number;
  noise: number;
  /** Number of arms, one class each. */
  classes: number;
  /** How many half-turns each arm makes. */
  turns: number;
}

export interface MnistDataset {
  type: 'mnist';
  trainSamples: number;
  validationSamples: number;
  /**
   * Digits held out for the test split, disjoint from train and validation (0 opts out); the three together at most
   * the 10,000 digits the package ships. The parser's default is 1000; absent only in specs stored before test splits.
   */
  testSamples?: number;
}

export interface CsvDataset extends SplitOptions {
  type: 'csv';
  /** Relative to the folder of the spec file; must stay inside it. */
  path: string;
  /** Header name of the target column. */
  target: string;
  task: Task;
}

/**
 * A folder with one subfolder per class, each holding PNG or JPEG images (relative to the spec's folder and confined
 * to it). Decoded once per sweep into a float32 cache in the run store; pixel values scaled to [0, 1].
 */
export interface ImagesDataset extends SplitOptions {
  type: 'images';
  path: string;
  /** Height and width every image must have (or is resized to? no: must have); inferred from the first image when absent. */
  size?: [number, number];
  /** 1 (grey) or 3 (RGB); inferred from the first image when absent (grey if every image is grey). */
  channels?: 1 | 3;
  /** Training-time augmentation, off by default; drawn from seeded host streams (common random numbers). */
  augment?: { flip?: boolean; shift?: number };
}

export type DatasetSpec = MoonsDataset | CirclesDataset | SpiralsDataset | MnistDataset | CsvDataset | ImagesDataset;
export type DatasetType = DatasetSpec['type'];

/** Only a CSV dataset can be a regression; the generated ones and MNIST are classification. */
export function taskOf(dataset: DatasetSpec): Task {
  return dataset.type === 'csv' ? dataset.task : 'classification';
}

export type Activation = 'relu' | 'tanh' | 'sigmoid' | 'elu';
/** Activations a layer-list entry may name (TF.js names); `linear` is none. */
export type LayerActivation = Activation | 'linear' | 'softmax';

/**
 * inverted: train x·mask/(1−rate), test x (Keras/TF.js).
 * standard: train x·mask, test W_test = p·W with p = 1 − rate (Srivastava et al.).
 */
export type DropoutStyle = 'inverted' | 'standard';

/** A size given as one number (square) or [height, width], as TF.js accepts it. */
export type Size2d = Searchable<number> | [Searchable<number>, Searchable<number>];

/**
 * One entry of `model.layers`: TF.js's own option names (`tf.layers.conv2d({ filters, kernelSize, … })`). Numeric
 * fields may name a hyperparameter of `sweep.space`. A dropout-kind layer without `rate` takes the swept rate
 * (`sweep.rates`), so the shorthand still works with layer lists.
 */
export type LayerSpec =
  | { type: 'dense'; units: Searchable<number>; activation: Searchable<LayerActivation>; useBias: boolean }
  | {
    type: 'conv2d'; filters: Searchable<number>; kernelSize: Size2d; strides: Size2d; padding: 'valid' | 'same';
    activation: Searchable<LayerActivation>; useBias: boolean;
  }
  | { type: 'maxPooling2d' | 'averagePooling2d'; poolSize: Size2d; strides?: Size2d; padding: 'valid' | 'same' }
  | { type: 'flatten' }
  | { type: 'globalAveragePooling2d' }
  | { type: 'batchNormalization'; momentum: Searchable<number>; epsilon: Searchable<number> }
  | { type: 'activation'; activation: Searchable<LayerActivation> }
  /** Bernoulli dropout on every unit (Keras Dropout). */
  | { type: 'dropout'; rate?: Searchable<number> }
  /** Bernoulli dropout of whole feature maps (channels) of an image-shaped input (Keras SpatialDropout2D). */
  | { type: 'spatialDropout2d'; rate?: Searchable<number> }
  /** Multiplicative Gaussian noise with the variance of Bernoulli dropout at `rate` (Keras GaussianDropout). */
  | { type: 'gaussianDropout'; rate?: Searchable<number> };
export type LayerType = LayerSpec['type'];
export const DROPOUT_LAYER_TYPES = ['dropout', 'spatialDropout2d', 'gaussianDropout'] as const satisfies readonly LayerType[];

/**
 * The named hyperparameters that are drop rates: those a dropout-kind layer's `rate` refers to (`{ "hp": "conv_rate" }`),
 * then those of a model of the user's own (`dropoutHps`), in layer order, each once. A configuration with all of them
 * (and the shorthand's rates) at 0 trains without dropout.
 */
export function dropoutRateNames(model: Pick<ModelSpec, 'layers' | 'dropoutHps'> | undefined): string[] {
  const names = new Set<string>();
  for (const layer of model?.layers ?? []) {
    if ((DROPOUT_LAYER_TYPES as readonly string[]).includes(layer.type) && 'rate' in layer && isHpRef(layer.rate)) names.add(layer.rate.hp);
  }
  for (const name of model?.dropoutHps ?? []) names.add(name);
  return [...names];
}

export interface ModelSpec {
  /**
   * Units of each hidden layer; the swept rate applies to the input of every hidden-to-next layer. Shorthand for a
   * dense stack; empty when `layers` is given.
   */
  hidden: number[];
  /** A sequential layer list (the output layer is appended: softmax over the classes, or one linear unit). */
  layers?: LayerSpec[];
  /**
   * A keras-tuner-style builder module (relative to the spec's folder, confined to it; .js/.mjs/.cjs/.ts) exporting
   * `build(hp, tf, data)` that returns a tf.LayersModel. Its `hp` calls define the space (discovered before any
   * trial starts; `sweep.space` entries override a name's range). Runs only in trainer processes of trusted
   * workspaces.
   */
  module?: string;
  /**
   * An existing TF.js Layers model (`model.json` + its weight files, relative to the spec's folder): every Dropout
   * layer of it becomes a hyperparameter (`dropout_1`, … by position, or its layer name).
   */
  from?: string;
  /** With `from`: `fresh` re-initialises the weights from the trial's seed; `pretrained` fine-tunes the file's. */
  weights?: 'fresh' | 'pretrained';
  /**
   * Resolved, not written by users (engine/model/modelSpace.ts): with `from` (or `module`), the named hyperparameter
   * that sets the rate of each dropout-kind layer of the model, in layer order (two layers may share one).
   */
  dropoutHps?: string[];
  activation: Activation;
  /**
   * Drop probability on the input features (0 = none), fixed across the sweep. To search it instead, leave it 0
   * and list `sweep.inputRates`.
   */
  inputDropout: number;
  dropoutStyle: DropoutStyle;
}

export type OptimizerName = 'adam' | 'sgd' | 'rmsprop';

export interface EarlyStoppingSpec {
  /** Epochs without a validation-loss improvement greater than minDelta before the trial stops. */
  patience: number;
  minDelta: number;
}

export interface TrainingSpec {
  epochs: number;
  batchSize: Searchable<number>;
  optimizer: OptimizerName;
  learningRate: Searchable<number>;
  /** Base seed; repeat k of a rate trains with seed + k. */
  seed: number;
  earlyStopping?: EarlyStoppingSpec;
}

/**
 * grid: every rate of `rates`. random: `samples` rates drawn (seeded) from the range or the list, then run as a
 * grid. hyperband: keras-tuner's Hyperband over the rates (successive halving, promoted trials resumed).
 */
export type SweepStrategy = 'grid' | 'random' | 'hyperband';
export const SWEEP_STRATEGIES = ['grid', 'random', 'hyperband'] as const satisfies readonly SweepStrategy[];

/** What "best" means: val_loss is minimised, val_acc (classification only) maximised. */
export type SweepObjective = 'val_loss' | 'val_acc';
export const SWEEP_OBJECTIVES = ['val_loss', 'val_acc'] as const satisfies readonly SweepObjective[];

/**
 * Which epoch of a trial counts (its selected epoch: the weights it keeps, exports and scores on the test split).
 * best-epoch: the best by the objective, keras-tuner's behaviour (dropout compared with ideal early stopping);
 * final-epoch: the last epoch trained (dropout compared at a fixed training length).
 */
export type SweepSelect = 'best-epoch' | 'final-epoch';
export const SWEEP_SELECTS = ['best-epoch', 'final-epoch'] as const satisfies readonly SweepSelect[];

export interface SweepSpec {
  /**
   * Named hyperparameters (keras-tuner's vocabulary) that spec fields refer to with `{ "hp": "name" }`. Searched
   * jointly with `rates` / `inputRates` when those are given too.
   */
  space?: HpSpace;
  /**
   * Drop probabilities for the hidden layers, ascending, unique, each in [0, 1). With `random` these are the rates
   * drawn at parse time, so everything downstream of the spec sees a plain list. Empty when only `space` is searched.
   */
  rates: number[];
  /**
   * Drop probabilities on the input features, searched jointly with `rates` (each trial is one pair, input rate ×
   * hidden rate); same forms and rules as `rates`. Absent: the input rate is `model.inputDropout`, fixed. With
   * `random` these are the distinct input rates of the drawn pairs.
   */
  inputRates?: number[];
  /**
   * Resolved, not written by users: with `random` and `inputRates`, the (input, hidden) pairs drawn at parse time.
   * Grid and Hyperband search the cross product of `inputRates` and `rates` instead.
   */
  drawnConfigs?: DropoutConfig[];
  /** Seeds per rate (per configuration when two rates are searched). */
  repeats: number;
  strategy: SweepStrategy;
  objective: SweepObjective;
  /** Which epoch of each trial counts; the parser's default is best-epoch (absent in specs stored before it: best-epoch). */
  select?: SweepSelect;
  /** random: how many rates to draw (how many (input, hidden) pairs with `inputRates`). */
  samples?: number;
  /** random: the seed of the draw; defaults to training.seed. */
  seed: number;
  /** hyperband: the most epochs one trial trains (keras-tuner `max_epochs`); replaces training.epochs. */
  maxEpochs?: number;
  /** hyperband: reduction factor of trials and epochs between rounds (keras-tuner `factor`). */
  factor: number;
  /** hyperband: how many times the whole set of brackets runs (keras-tuner `hyperband_iterations`). */
  iterations: number;
  /** Budget: at most this many trials are started. */
  maxTrials?: number;
  /** Budget: no trial is started after this many minutes. */
  maxMinutes?: number;
}

export interface EvaluationSpec {
  /** T stochastic passes for Monte-Carlo dropout evaluation; 0 turns it off. */
  mcSamples: number;
}

export interface ExperimentSpec {
  name: string;
  dataset: DatasetSpec;
  model: ModelSpec;
  training: TrainingSpec;
  sweep: SweepSpec;
  evaluation: EvaluationSpec;
}

/** A problem found in a spec file, positioned for an editor and a terminal. */
export interface SpecProblem {
  /** Where in the document, e.g. `training.epochs` or `sweep.rates[2]`; empty for the whole document. */
  path: string;
  message: string;
  severity: 'error' | 'warning';
  /** 0-based character offset and length in the text. */
  offset: number;
  length: number;
  /** 1-based line and column of `offset`. */
  line: number;
  column: number;
}

export interface ParsedSpec {
  /** Present only when there is no error (warnings allowed). */
  spec?: ExperimentSpec;
  problems: SpecProblem[];
}
