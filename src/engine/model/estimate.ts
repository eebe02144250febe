/**
 * What one trial will cost, worked out from the spec and the dataset's shape before any trainer starts: the
 * parameter count exactly, the memory as an estimate of the float32 tensors the training loop holds at its peak,
 * plus the trainer's runtime. The limits refuse a spec on these numbers; the runner also watches the real RSS.
 */
import { splitCounts } from '../datasets/split';
import { MNIST_CLASSES, MNIST_PIXELS } from '../datasets/mnist';
import type { Dataset } from '../datasets/types';
import type { ExperimentSpec, OptimizerName } from '../../core/spec';
import { largestValue, layerListVariants, variantSizes, type LayerListProblem } from './layerListCheck';

/** The sizes the estimate needs from the data. */
export interface DatasetShape {
  featureCount: number;
  /** Image data: one sample's [height, width, channels] (what a layer list starting with a spatial layer reads). */
  imageShape?: [number, number, number];
  /** Units of the output layer: the class count, 1 for regression. */
  outputUnits: number;
  trainRows: number;
  validationRows: number;
  /** The test split, scored once at the end of a trial; absent or 0 without one. */
  testRows?: number;
}

const MIB = 2 ** 20;
const FLOAT_BYTES = 4;
/**
 * A trainer process that is ready, before its first trial: 73–75 MB RSS measured here (wasm and cpu backends,
 * Node 20); the wasm heap then grows in steps, so the estimate rounds up.
 */
export const TRAINER_RUNTIME_BYTES = 128 * MIB;
/** Per-parameter tensors besides the weights and their gradient: Adam's m and v, RMSProp's mean square and moment. */
const OPTIMIZER_SLOTS: Record<OptimizerName, number> = { adam: 2, rmsprop: 2, sgd: 0 };
/** Per unit and sample of a training step: the dropout mask, the masked input, the layer's output and its gradient. */
const TRAINING_COPIES = 4;
/**
 * Per unit, sample and pass when a split is scored: mask, masked input, output. The loop scores a split in chunks
 * (evaluationChunkRows) and frees each pass; the estimate keeps a chunk's passes, an upper bound.
 */
const EVALUATION_COPIES = 3;
/** Activation values one scoring chunk may hold per copy (64 MiB of float32): wide convnets get smaller chunks. */
const EVALUATION_CHUNK_VALUES = 2 ** 24;

/**
 * Rows scored per forward pass for a model of `units` activation values per sample: 2048, fewer when that would hold
 * more than EVALUATION_CHUNK_VALUES (a convnet's feature maps). The scoring (train/scoring.ts) and this estimate share it.
 */
export function evaluationChunkRows(units: number): number {
  return Math.max(1, Math.min(2048, Math.floor(EVALUATION_CHUNK_VALUES / units)));
}
/** The rows of the data: host arrays, device tensors, and each epoch's shuffled copy of the training split. */
const DATA_COPIES = 3;

export interface ResourceEstimate {
  /** Every weight, bias and state value (batch-norm moving statistics); for a searched structure, the largest. */
  parameters: number;
  /** Bytes at the peak of a trial, by what holds them. */
  bytes: {
    /** Weights, gradients and optimizer slots. */
    parameters: number;
    /** Activations of one training step (batch × units × copies). */
    training: number;
    /** Activations while a split is scored (the largest: the training split, or validation × Monte-Carlo passes). */
    evaluation: number;
    data: number;
    runtime: number;
    total: number;
  };
}

/**
 * The shape of the data a spec generates; undefined for `csv` and `images`, whose shapes are known only once the
 * files are read.
 */
export function specDatasetShape(spec: ExperimentSpec): DatasetShape | undefined {
  const { dataset } = spec;
  switch (dataset.type) {
    case 'moons':
    case 'circles':
    case 'spirals': {
      const { train, validation, test } = splitCounts(dataset.samples, dataset.validationFraction, dataset.testFraction);
      const outputUnits = dataset.type === 'spirals' ? dataset.classes : 2;
      return { featureCount: 2, outputUnits, trainRows: train, validationRows: validation, ...(test > 0 ? { testRows: test } : {}) };
    }
    case 'mnist': {
      const testRows = dataset.testSamples ?? 0;
      return {
        featureCount: MNIST_PIXELS, imageShape: [28, 28, 1], outputUnits: MNIST_CLASSES,
        trainRows: dataset.trainSamples, validationRows: dataset.validationSamples,
        ...(testRows > 0 ? { testRows } : {}),
      };
    }
    case 'csv':
    case 'images':
      return undefined;
  }
}

export function loadedDatasetShape(dataset: Dataset): DatasetShape {
  return {
    featureCount: dataset.featureCount,
    ...(dataset.imageShape ? { imageShape: dataset.imageShape } : {}),
    outputUnits: dataset.task === 'classification' ? dataset.classCount : 1,
    trainRows: dataset.train.count,
    validationRows: dataset.validation.count,
    ...(dataset.test.count > 0 ? { testRows: dataset.test.count } : {}),
  };
}

/** "2 → 8192 × 32 → 2": the widths from input to output, repeats counted. */
function layersText(sizes: readonly number[]): string {
  const runs: Array<{ size: number; times: number }> = [];
  for (const size of sizes) {
    const last = runs.at(-1);
    if (last?.size === size) last.times++;
    else runs.push({ size, times: 1 });
  }
  return runs.map(({ size, times }) => (times > 1 ? `${size} × ${times}` : String(size))).join(' → ');
}

/** Layer widths from input to output (the MLP of model.hidden). */
function layerSizes(spec: ExperimentSpec, shape: DatasetShape): number[] {
  return [shape.featureCount, ...spec.model.hidden, shape.outputUnits];
}

/** Parameters and units summed over the layers, for the largest structure the model can take. */
function modelSize(spec: ExperimentSpec, shape: DatasetShape): { parameters: number; units: number } {
  if (!spec.model.layers?.length) {
    const sizes = layerSizes(spec, shape);
    let parameters = 0;
    for (let i = 0; i + 1 < sizes.length; i++) parameters += sizes[i]! * sizes[i + 1]! + sizes[i + 1]!;
    return { parameters, units: sizes.reduce((sum, size) => sum + size, 0) };
  }
  const result = layerListVariants(spec, shape.featureCount, shape.imageShape);
  if ('problem' in result) throw new Error(`${result.problem.message} (check the shapes first: checkShapes)`);
  const sizes = result.variants.map((variant) => variantSizes(variant, shape.outputUnits));
  return { parameters: Math.max(...sizes.map((size) => size.parameters)), units: Math.max(...sizes.map((size) => size.units)) };
}

/** The largest batch a trial trains on (training.batchSize, or the largest value of its hyperparameter). */
function largestBatch(spec: ExperimentSpec, shape: DatasetShape): number {
  return Math.min(largestValue(spec.training.batchSize, spec.sweep.space), shape.trainRows);
}

/** For a spec whose shapes fit (see checkShapes). */
export function estimateResources(spec: ExperimentSpec, shape: DatasetShape): ResourceEstimate {
  const { parameters, units } = modelSize(spec, shape);
  const batch = largestBatch(spec, shape);
  const passes = Math.max(1, spec.evaluation.mcSamples);
  const chunk = evaluationChunkRows(units);
  const scoredRows = Math.max(Math.min(shape.trainRows, chunk), Math.min(shape.validationRows, chunk) * passes, Math.min(shape.testRows ?? 0, chunk) * passes);
  const bytes = {
    parameters: FLOAT_BYTES * parameters * (2 + OPTIMIZER_SLOTS[spec.training.optimizer]),
    training: FLOAT_BYTES * batch * units * TRAINING_COPIES,
    evaluation: FLOAT_BYTES * scoredRows * units * EVALUATION_COPIES,
    data: FLOAT_BYTES * (shape.trainRows + shape.validationRows + (shape.testRows ?? 0)) * (shape.featureCount + shape.outputUnits) * DATA_COPIES,
    runtime: TRAINER_RUNTIME_BYTES,
  };
  const total = bytes.parameters + bytes.training + bytes.evaluation + bytes.data + bytes.runtime;
  return { parameters, bytes: { ...bytes, total } };
}

/**
 * The layer list against the data (image input for a spatial first layer, each layer's input fitting it) for every
 * structure its hyperparameters give; [] for the MLP, whose dense layers read any vector.
 */
export function checkShapes(spec: ExperimentSpec, shape: DatasetShape): LayerListProblem[] {
  if (!spec.model.layers?.length) return [];
  const result = layerListVariants(spec, shape.featureCount, shape.imageShape);
  return 'problem' in result ? [result.problem] : [];
}

/** The limits a trial must stay under; the CLI's flags and the extension's settings set them. */
export interface ResourceLimits {
  maxParameters: number;
  /** For the estimate before a trial, and for the trainer's RSS while it runs. */
  maxMemoryMB: number;
}

export const DEFAULT_LIMITS: ResourceLimits = { maxParameters: 50_000_000, maxMemoryMB: 2048 };

/** "312 MiB", "2.3 GiB". */
export function formatBytes(bytes: number): string {
  return bytes >= 1024 * MIB ? `${Number((bytes / (1024 * MIB)).toFixed(1))} GiB` : `${Math.ceil(bytes / MIB)} MiB`;
}

/** A limit the spec exceeds, at the spec field to change (as a path: `['training', 'batchSize']`, `['model', 'layers', 2]`). */
export type LimitProblem = LayerListProblem;

const count = (n: number): string => n.toLocaleString('en-US');

/** The spec field that most drives the largest share of the memory. */
function memoryField(spec: ExperimentSpec, shape: DatasetShape, estimate: ResourceEstimate): string[] {
  const modelField = ['model', spec.model.layers?.length ? 'layers' : 'hidden'];
  const { parameters, training, evaluation, data } = estimate.bytes;
  const largest = Math.max(parameters, training, evaluation, data);
  if (largest === training) return ['training', 'batchSize'];
  if (largest === evaluation && spec.evaluation.mcSamples > 1 && shape.validationRows * spec.evaluation.mcSamples > shape.trainRows) {
    return ['evaluation', 'mcSamples'];
  }
  if (largest === data) {
    const field = { moons: 'samples', circles: 'samples', spirals: 'samples', mnist: 'trainSamples', csv: 'path', images: 'path' }[spec.dataset.type];
    return ['dataset', field];
  }
  return modelField;
}

/** The shape problems (checkShapes) if any; otherwise the limits the spec's estimate exceeds. */
export function checkLimits(spec: ExperimentSpec, shape: DatasetShape, limits: ResourceLimits): LimitProblem[] {
  const shapeProblems = checkShapes(spec, shape);
  if (shapeProblems.length > 0) return shapeProblems;
  const estimate = estimateResources(spec, shape);
  const problems: LimitProblem[] = [];
  if (estimate.parameters > limits.maxParameters) {
    const layers = spec.model.layers?.length;
    const described = layers ? `${layers} layers and the output layer` : `layers ${layersText(layerSizes(spec, shape))}`;
    problems.push({
      path: ['model', layers ? 'layers' : 'hidden'],
      message: `the model has ${count(estimate.parameters)} parameters (${described}), `
        + `more than the limit of ${count(limits.maxParameters)}; `
        + 'use smaller layers or raise the limit (--max-parameters, setting dropoutLab.limits.maxParameters)',
    });
  }
  const limitBytes = limits.maxMemoryMB * MIB;
  if (estimate.bytes.runtime >= limitBytes) {
    // No spec fits: the limit is about the setting, so the problem is on the whole document.
    problems.push({
      path: [],
      message: `the memory limit of ${formatBytes(limitBytes)} is below what a trainer needs before any model or data `
        + `(${formatBytes(estimate.bytes.runtime)}); raise it (--max-memory-mb, setting dropoutLab.limits.maxMemoryMB)`,
    });
  } else if (estimate.bytes.total > limitBytes) {
    const { bytes } = estimate;
    const field = memoryField(spec, shape, estimate);
    problems.push({
      path: field,
      message: `a trial needs about ${formatBytes(bytes.total)} (weights, gradients and ${spec.training.optimizer} slots ${formatBytes(bytes.parameters)}; `
        + `a training step of ${largestBatch(spec, shape)} rows ${formatBytes(bytes.training)}; `
        + `scoring ${formatBytes(bytes.evaluation)}; `
        + `data ${formatBytes(bytes.data)}; runtime ${formatBytes(bytes.runtime)}), more than the limit of ${formatBytes(limitBytes)}; `
        + `lower ${field.join('.')} or raise the limit (--max-memory-mb, setting dropoutLab.limits.maxMemoryMB)`,
    });
  }
  return problems;
}
