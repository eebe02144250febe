/**
 * The experiment spec after parsing and validation, with every default filled in.
 *
 * Convention: every `rate` in this project is a DROP probability, as in Keras/TF.js (`tf.layers.dropout({rate})`).
 * The classic paper (Srivastava et al., 2014) writes p for the KEEP probability: p = 1 − rate.
 */

export type Task = 'classification' | 'regression';

interface SplitOptions {
  /** Fraction of the samples held out for validation, in (0, 1). */
  validationFraction: number;
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
  /** Drop probability on the input features (0 = none), fixed across the sweep. */
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

export interface SweepSpec {
  /** Drop probabilities for the hidden layers, ascending, unique, each in [0, 1). */
  rates: number[];
  /** Seeds per rate. */
  repeats: number;
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
