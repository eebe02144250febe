/**
 * The experiment spec after parsing and validation, with every default filled in.
 *
 * Convention: every `rate` in this project is a DROP probability, as in Keras/TF.js (`tf.layers.dropout({rate})`).
 * The classic paper (Srivastava et al., 2014) writes p for the KEEP probability: p = 1 − rate. That holds for the
 * input layer too: an input rate of 0.2 keeps p = 0.8 of the features (the paper's usual input keep is 0.8).
 */
import type { DropoutConfig } from './dropoutConfig';

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

export type DatasetSpec = MoonsDataset | CirclesDataset | SpiralsDataset | MnistDataset | CsvDataset;
export type DatasetType = DatasetSpec['type'];

/** Only a CSV dataset can be a regression; the generated ones and MNIST are classification. */
export function taskOf(dataset: DatasetSpec): Task {
  return dataset.type === 'csv' ? dataset.task : 'classification';
}

export type Activation = 'relu' | 'tanh' | 'sigmoid' | 'elu';

/**
 * inverted: train x·mask/(1−rate), test x (Keras/TF.js).
 * standard: train x·mask, test W_test = p·W with p = 1 − rate (Srivastava et al.).
 */
export type DropoutStyle = 'inverted' | 'standard';

export interface ModelSpec {
  /** Units of each hidden layer; the swept rate applies to the input of every hidden-to-next layer. */
  hidden: number[];
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
  batchSize: number;
  optimizer: OptimizerName;
  learningRate: number;
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
   * Drop probabilities for the hidden layers, ascending, unique, each in [0, 1). With `random` these are the rates
   * drawn at parse time, so everything downstream of the spec sees a plain list.
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
