/**
 * The engine's training loop: plain variables and an optimizer rather than `model.fit`, because the dropout
 * styles and Monte-Carlo evaluation need control over every pass. Host syncs: one per epoch, when the epoch's
 * metrics are read back together.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BestEpoch, EpochMetrics, SelectedEpoch, TrialSummary } from '../../core/trial';
import type { Dataset } from '../datasets/types';
import { maskStreams, type DropoutMode } from '../model/dropout';
import { createNetwork, networkConfig, type Network, type NetworkConfig } from '../model/network';
import type { ImportedModel } from '../model/kerasTopology';
import { createRng, deriveSeed, permutation, type Rng, type RngState } from '../random';
import { augmentImages } from '../datasets/augment';
import type { ExperimentSpec, OptimizerName } from '../../core/spec';
import { correctCount, disposeTargets, lossSum, sliceTargets, type Targets } from './metrics';
import { disposeSplit, scoreSplit, scoreTest, toDevice, type DeviceSplit } from './scoring';
import { improves, objectiveValue } from '../../core/objective';
import { selectRuleOf } from '../../core/selection';
import { maxTrialEpochs } from '../sweep/plan';
import { resolveSearchable, type HpAssignment } from '../../core/hyperparameters';
import { FusedAdamOptimizer } from './fusedAdam';

export interface TrialInput {
  spec: ExperimentSpec;
  dataset: Dataset;
  /** Drop probability of the hidden-layer dropout (`sweep.rates`); absent when the sweep searches only a space. */
  rate?: number;
  /** Drop probability on the input features; default model.inputDropout (a sweep searching it sets it per trial). */
  inputRate?: number;
  /** The trial's value of each named hyperparameter (`sweep.space`), which `{ "hp": name }` fields resolve to. */
  hp?: HpAssignment;
  seed: number;
  /** The last epoch to train (1-based, inclusive); default training.epochs. Hyperband sets it per rung. */
  untilEpoch?: number;
  /**
   * Seed of the training dropout masks; default: the trial seed. Everything else (split, initial weights, batch
   * order) still follows `seed`, which is what a common-random-numbers test needs to vary the masks alone.
   */
  maskSeed?: number;
  /** Continue a paused trial: its weights, optimizer slots, random streams and early-stopping state. */
  resumeFrom?: PausedTrial;
  /** The user's own model (what a builder module returned for this trial, or model.from), trained instead of the spec's. */
  ownModel?: ImportedModel;
  /**
   * Initial weights in network.weights order instead of the seeded initialisation (a pretrained model.from). A
   * resumed trial starts from its checkpoint instead.
   */
  initialWeights?: SavedTensor[];
}

export interface TrialCallbacks {
  onStart?(info: { parameterCount: number }): void;
  onEpoch(metrics: EpochMetrics): void;
  /** Polled between batches; the loop also yields to the event loop so a cancel message can arrive. */
  isCancelled(): boolean;
  /**
   * Called after the last epoch of a trial that completed, with everything needed to continue it later (a
   * promoted Hyperband trial). Omit it and nothing is read back from the device for it.
   */
  onPause?(state: PausedTrial): void | Promise<void>;
  /**
   * Called when a trial ends with at least one epoch (completed, stopped early or cancelled, not failed), with the
   * weights of its selected epoch (sweep.select by the objective). Omit it and they are not read back.
   */
  onModel?(model: TrainedModel): void | Promise<void>;
}

/**
 * The weights a trial keeps and exports: those of its selected epoch. With sweep.select `best-epoch` (the default)
 * its best epoch by the sweep objective, not the last epoch's: the sweep ranks trials by their best epoch (the
 * early-stopping optimum), so the model it hands out is the one that earned that rank, and its metrics are the ones
 * reported; keras-tuner's get_best_models does the same (its SaveBestEpoch callback), and Keras's
 * EarlyStopping(restore_best_weights=True). With `final-epoch`, the last epoch's. Keeping them costs one
 * reference-counted clone of each variable per kept epoch, no copy and no host read-back until the end. The test
 * split is scored on these weights, once, when the trial finishes.
 */
export interface TrainedModel {
  config: NetworkConfig;
  epoch: number;
  metrics: EpochMetrics;
  /** network.weights order: the MLP's kernel and bias per layer; a layer list's trainable variables, then its state. */
  weights: SavedTensor[];
}

/** A tensor as plain host data, in a fixed order. */
export interface SavedTensor {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  values: Float32Array | Int32Array;
}

/**
 * A trial stopped after `epoch`, ready to continue exactly where it was: the next epoch draws the same batch order
 * and masks it would have drawn without the pause.
 */
export interface PausedTrial {
  epoch: number;
  /** network.weights in order (trainable variables, then state such as batch-norm moving statistics). */
  variables: SavedTensor[];
  /** tf.Optimizer.getWeights(): the iteration count, then the slots (Adam's m and v, RMSProp's accumulators). */
  optimizer: SavedTensor[];
  rng: {
    batches: RngState; trainingMasks: Record<number, RngState>; evaluationMasks: Record<number, RngState>;
    /** The image augmentation stream, when the dataset augments. */
    augment?: RngState;
  };
  /** Early stopping's state: its last improving epoch by val_loss (more than minDelta), and the epochs since. */
  best?: BestEpoch;
  epochsSinceBest: number;
  /** The selected epoch so far (sweep.select by the objective) and its weights: what onModel will export. */
  bestModel?: { epoch: number; metrics: EpochMetrics; variables: SavedTensor[] };
  /** Training time of the segments before, so the summary's duration covers the whole trial. */
  durationMs: number;
}

/** Rows evaluated per forward pass when scoring a whole split, to bound activation memory. */
/** Batches between yields to the event loop within an epoch. */
const batchesPerYield = 64;

function createOptimizer(name: OptimizerName, learningRate: number): tf.Optimizer {
  switch (name) {
    case 'adam': return new FusedAdamOptimizer(learningRate); // tfjs's own Adam unless the wasm+blas kernels are in force
    case 'sgd': return tf.train.sgd(learningRate);
    case 'rmsprop': return tf.train.rmsprop(learningRate);
  }
}

export async function trainTrial(input: TrialInput, callbacks: TrialCallbacks): Promise<TrialSummary> {
  const { spec, dataset, seed } = input;
  const network = createNetwork(networkConfig(spec, dataset, input), deriveSeed(seed, 'init'));
  const disposables: { dispose(): void }[] = [network];
  try {
    const optimizer = createOptimizer(spec.training.optimizer, resolveSearchable(spec.training.learningRate, input.hp));
    disposables.push(optimizer);
    if (input.resumeFrom) await restore(network, optimizer, input.resumeFrom);
    else if (input.initialWeights) assignWeights(network, input.initialWeights, 'pretrained model');
    const train = toDevice(dataset.train, dataset);
    disposables.push({ dispose: () => disposeSplit(train) });
    const validation = toDevice(dataset.validation, dataset);
    disposables.push({ dispose: () => disposeSplit(validation) });
    callbacks.onStart?.({ parameterCount: network.parameterCount });
    return await fit(input, callbacks, { network, optimizer, train, validation });
  } finally {
    for (const resource of disposables.reverse()) resource.dispose();
  }
}

/** Sets every weight of the network from `saved` (network.weights order), checking count and shapes so a mismatch fails loudly. */
function assignWeights(network: Network, saved: readonly SavedTensor[], what: string): void {
  if (saved.length !== network.weights.length) throw new Error(`the ${what} has ${saved.length} weight tensors, the model ${network.weights.length}`);
  network.weights.forEach((variable, index) => {
    const weight = saved[index]!;
    if (weight.shape.join() !== variable.shape.join()) throw new Error(`${what} weight ${index} has shape [${weight.shape}], the model [${variable.shape}]`);
    tf.tidy(() => variable.assign(tf.tensor(weight.values, weight.shape, weight.dtype)));
  });
}

/** Puts a paused trial's weights and optimizer slots back; checks the shapes so a wrong checkpoint fails loudly. */
async function restore(network: Network, optimizer: tf.Optimizer, paused: PausedTrial): Promise<void> {
  assignWeights(network, paused.variables, 'checkpoint');
  const slots = paused.optimizer.map((saved) => ({ name: saved.name, tensor: tf.tensor(saved.values, saved.shape, saved.dtype) }));
  try {
    await optimizer.setWeights(slots);
  } finally {
    // setWeights makes its own variables from these (sharing the data, reference-counted) and keeps none of them.
    for (const slot of slots) slot.tensor.dispose();
  }
}

async function saveTensor(name: string, tensor: tf.Tensor): Promise<SavedTensor> {
  const dtype = tensor.dtype === 'int32' ? 'int32' : 'float32';
  const data = await tensor.data();
  return { name, shape: [...tensor.shape], dtype, values: dtype === 'int32' ? Int32Array.from(data) : Float32Array.from(data) };
}

function saveWeights(weights: tf.Tensor[]): Promise<SavedTensor[]> {
  return Promise.all(weights.map((weight, index) => saveTensor(`weight/${index}`, weight)));
}

/** The epoch kept so far (sweep.select: the best by the objective, or the last), its weights held on the device. */
interface BestSnapshot {
  epoch: number;
  metrics: EpochMetrics;
  weights: tf.Tensor[];
}

async function pause(
  network: Network, optimizer: tf.Optimizer, state: Omit<PausedTrial, 'variables' | 'optimizer' | 'bestModel'>, snapshot?: BestSnapshot,
): Promise<PausedTrial> {
  const variables = await saveWeights(network.weights);
  const weights = await optimizer.getWeights();
  const slots = await Promise.all(weights.map((weight) => saveTensor(weight.name, weight.tensor)));
  // The first entry is a fresh scalar of the iteration count; the others are the optimizer's own variables.
  weights[0]?.tensor.dispose();
  const bestModel = snapshot && { epoch: snapshot.epoch, metrics: snapshot.metrics, variables: await saveWeights(snapshot.weights) };
  return { ...state, variables, optimizer: slots, ...(bestModel ? { bestModel } : {}) };
}

interface FitState {
  network: Network;
  optimizer: tf.Optimizer;
  train: DeviceSplit;
  validation: DeviceSplit;
}

async function fit(input: TrialInput, callbacks: TrialCallbacks, state: FitState): Promise<TrialSummary> {
  const saved = input.resumeFrom?.bestModel;
  let snapshot: BestSnapshot | undefined = saved && {
    epoch: saved.epoch, metrics: saved.metrics, weights: saved.variables.map((weight) => tf.tensor(weight.values, weight.shape, weight.dtype)),
  };
  try {
    return await fitEpochs(input, callbacks, state, {
      get: () => snapshot,
      keep: (epoch, metrics) => {
        tf.dispose(snapshot?.weights);
        snapshot = { epoch, metrics, weights: state.network.weights.map((variable) => tf.clone(variable)) };
      },
    });
  } finally {
    tf.dispose(snapshot?.weights);
  }
}

async function fitEpochs(
  input: TrialInput, callbacks: TrialCallbacks, { network, optimizer, train, validation }: FitState,
  bestSnapshot: { get(): BestSnapshot | undefined; keep(epoch: number, metrics: EpochMetrics): void },
): Promise<TrialSummary> {
  const { spec, dataset, seed, resumeFrom } = input;
  const objective = spec.sweep.objective;
  const select = selectRuleOf(spec);
  const started = Date.now();
  const classification = dataset.task === 'classification';
  const batchOrder = createRng(deriveSeed(seed, 'batches'), resumeFrom?.rng.batches);
  const trainingStreams = maskStreams(deriveSeed(input.maskSeed ?? seed, 'train'), resumeFrom?.rng.trainingMasks);
  const evaluationStreams = maskStreams(deriveSeed(seed, 'mc'), resumeFrom?.rng.evaluationMasks);
  // Its own stream: augmenting or not leaves the batch order and the masks of a seed unchanged.
  const augmentation = augmentsImages(dataset) ? createRng(deriveSeed(seed, 'augment'), resumeFrom?.rng.augment) : undefined;
  const trainingMasks: DropoutMode = { kind: 'sampled', stream: trainingStreams };
  const evaluationMasks: DropoutMode = { kind: 'sampled', stream: evaluationStreams };
  const deterministic: DropoutMode = { kind: 'deterministic' };
  const { earlyStopping } = spec.training;
  const batchSize = resolveSearchable(spec.training.batchSize, input.hp);
  const lastEpoch = input.untilEpoch ?? spec.training.epochs;
  const mcSamples = spec.evaluation.mcSamples;

  let final: EpochMetrics | undefined;
  let best: BestEpoch | undefined = resumeFrom?.best;
  let epochsSinceBest = resumeFrom?.epochsSinceBest ?? 0;
  let status: TrialSummary['status'] = 'completed';
  let stoppedEarly = false;
  let error: string | undefined;
  const firstEpoch = (resumeFrom?.epoch ?? 0) + 1;

  for (let epoch = firstEpoch; epoch <= lastEpoch; epoch++) {
    const epochStarted = Date.now();
    // The epoch's batches come from one gather; each step then only slices.
    const permuted = Int32Array.from(permutation(train.count, batchOrder));
    const order = tf.tensor1d(permuted, 'int32');
    const epochX = augmentation ? augmentedEpoch(dataset, permuted, augmentation) : tf.gather(train.x, order);
    const epochTargets: Targets = tf.tidy(() => ({
      task: train.targets.task,
      values: tf.gather(train.targets.values, order),
      classes: train.targets.classes ? tf.gather(train.targets.classes, order) : undefined,
    }));
    order.dispose();
    let fitSums: tf.Tensor1D = tf.zeros([2]);
    let batch = 0;
    for (let start = 0; start < train.count; start += batchSize, batch++) {
      if (batch > 0 && batch % batchesPerYield === 0) await yieldToEventLoop();
      if (callbacks.isCancelled()) break;
      const size = Math.min(batchSize, train.count - start);
      let correct: tf.Scalar | undefined;
      const cost = optimizer.minimize(() => {
        const x = tf.slice(epochX, [start, 0], [size, -1]);
        const targets = sliceTargets(epochTargets, start, size);
        const outputs = network.forward(x, trainingMasks, true);
        if (classification) correct = tf.keep(correctCount(outputs, targets));
        return tf.div(lossSum(outputs, targets), size);
      }, true, network.variables)!;
      const next = tf.tidy(() => tf.add(fitSums, tf.stack([tf.mul(cost, size), correct ?? tf.scalar(0)])) as tf.Tensor1D);
      tf.dispose([fitSums, cost, correct as tf.Tensor | undefined].filter((t): t is tf.Tensor => t !== undefined));
      fitSums = next;
    }
    epochX.dispose();
    disposeTargets(epochTargets);
    if (callbacks.isCancelled()) {
      fitSums.dispose();
      status = 'cancelled';
      break;
    }

    const scores = tf.tidy(() => tf.concat([
      fitSums,
      scoreSplit(network, train, deterministic, 1),
      scoreSplit(network, validation, deterministic, 1),
      mcSamples > 0 ? scoreSplit(network, validation, evaluationMasks, mcSamples) : tf.zeros([3]),
    ]));
    fitSums.dispose();
    const values = await scores.data();
    scores.dispose();
    const [fitLoss, fitCorrect, trainLoss, trainCorrect, , valLoss, valCorrect, , mcLoss, mcCorrect, mcUncertainty] = values;
    const metrics: EpochMetrics = {
      epoch,
      loss: fitLoss / train.count,
      train_loss: trainLoss / train.count,
      val_loss: valLoss / validation.count,
      durationMs: Date.now() - epochStarted,
    };
    if (classification) {
      metrics.acc = fitCorrect / train.count;
      metrics.train_acc = trainCorrect / train.count;
      metrics.val_acc = valCorrect / validation.count;
    }
    if (mcSamples > 0) {
      metrics.mc_val_loss = mcLoss / validation.count;
      if (classification) metrics.mc_val_acc = mcCorrect / validation.count;
      metrics.mc_entropy = mcUncertainty / validation.count;
    }
    final = metrics;
    callbacks.onEpoch(metrics);
    const kept = bestSnapshot.get();
    if (select === 'final-epoch' || improves(objective, objectiveValue(metrics, objective), kept && objectiveValue(kept.metrics, objective))) {
      bestSnapshot.keep(epoch, metrics);
    }

    // A non-finite loss on any split ends the trial as diverged (core/selection.ts then keeps it from every vote).
    const nonFinite = (['loss', 'train_loss', 'val_loss'] as const).find((name) => !Number.isFinite(metrics[name]));
    if (nonFinite) {
      status = 'failed';
      error = `training diverged: the ${nonFinite === 'loss' ? 'loss' : nonFinite} is ${metrics[nonFinite]} at epoch ${epoch} (try a smaller learningRate)`;
      break;
    }
    const minDelta = earlyStopping?.minDelta ?? 0;
    if (!best || metrics.val_loss < best.val_loss - minDelta) {
      best = { epoch, val_loss: metrics.val_loss, ...(metrics.val_acc !== undefined ? { val_acc: metrics.val_acc } : {}) };
      epochsSinceBest = 0;
    } else if (earlyStopping && ++epochsSinceBest >= earlyStopping.patience) {
      stoppedEarly = true;
      break;
    }
    await yieldToEventLoop();
  }

  const durationMs = (resumeFrom?.durationMs ?? 0) + Date.now() - started;
  if (status === 'completed' && final && callbacks.onPause) {
    await callbacks.onPause(await pause(network, optimizer, {
      epoch: final.epoch, best, epochsSinceBest, durationMs,
      rng: {
        batches: batchOrder.state(), trainingMasks: trainingStreams.states(), evaluationMasks: evaluationStreams.states(),
        ...(augmentation ? { augment: augmentation.state() } : {}),
      },
    }, bestSnapshot.get()));
  }
  const kept = bestSnapshot.get();
  // Finished: trained to its full length or stopped early (not paused at a Hyperband rung, not cancelled or failed).
  const finished = status === 'completed' && final !== undefined && (stoppedEarly || final.epoch >= maxTrialEpochs(spec));
  const scoring = { dataset, mcSamples: spec.evaluation.mcSamples, seed: input.seed };
  const test = finished && kept && dataset.test.count > 0 ? await scoreTest(scoring, network, kept.weights) : undefined;
  if (status !== 'failed' && kept && callbacks.onModel) {
    await callbacks.onModel({ config: network.config, epoch: kept.epoch, metrics: kept.metrics, weights: await saveWeights(kept.weights) });
  }
  // A failed (diverged) trial counts nowhere, so it reports no selected epoch.
  const keptValue = status !== 'failed' && kept ? objectiveValue(kept.metrics, objective) : undefined;
  const selected: SelectedEpoch | undefined = kept && keptValue !== undefined
    ? { epoch: kept.epoch, objective, rule: select, value: keptValue, ...(test ? { test } : {}) } : undefined;
  return {
    status,
    epochs: final?.epoch ?? resumeFrom?.epoch ?? 0,
    stoppedEarly,
    durationMs,
    ...(final ? { final } : {}),
    ...(selected ? { selected } : {}),
    ...(error ? { error } : {}),
  };
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function augmentsImages(dataset: Dataset): boolean {
  return dataset.imageShape !== undefined && (dataset.augment?.flip === true || (dataset.augment?.shift ?? 0) > 0);
}

/**
 * The epoch's training images in batch order, each flipped and shifted on the host from the augmentation stream and
 * uploaded once (as the plain path gathers once): training batches only, never the splits that are scored.
 */
function augmentedEpoch(dataset: Dataset, order: Int32Array, rng: Rng): tf.Tensor2D {
  const { featureCount, train } = dataset;
  const ordered = new Float32Array(order.length * featureCount);
  order.forEach((row, index) => ordered.set(train.x.subarray(row * featureCount, (row + 1) * featureCount), index * featureCount));
  const augmented = augmentImages(ordered, order.length, dataset.imageShape!, dataset.augment!, rng);
  return tf.tensor2d(augmented, [order.length, featureCount]);
}
