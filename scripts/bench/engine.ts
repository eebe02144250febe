/**
 * Training throughput: the engine's loop against tfjs-layers `model.fit` on the same shapes, per backend and model,
 * each pair in a child process of its own (so peak RSS is that process's), interleaved (A B A B …) so that load
 * from other processes hits both alike. Also A/B runs of an engine change (`--ab`).
 */
import { spawnSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs-core';
import type { Sequential } from '@tensorflow/tfjs';
import type { BackendName } from '../../src/core/backend';
import { initBackend } from '../../src/engine/backend';
import { loadBlasAddon, registerBlasKernels, restoreStockKernels } from '../../src/engine/blasKernels';
import { useDenseGradient } from '../../src/engine/model/dense';
import { useFusedAdam } from '../../src/engine/train/fusedAdam';
import { buildLayerListModel } from '../../src/engine/model/layerExport';
import { createNetwork, isLayerList, networkConfig } from '../../src/engine/model/network';
import { trainTrial } from '../../src/engine/train/loop';
import { modelCase, type ModelCase, type ModelName } from './models';
import { benchEntry, childArgs, root, type Options } from './options';
import { flat, spread, type Spread } from './stats';
import { errorMessage } from '../../src/core/errors';
import { resolveSearchable } from '../../src/core/hyperparameters';

interface RunFigures {
  /** Training steps per second, counting only the batch loop (the engine's per-epoch scoring excluded). */
  stepsPerSecond: number;
  /** Steps per second over whole epochs as the engine runs them (with its train/validation scoring). */
  epochStepsPerSecond: number;
  /** tf.memory().numTensors at the end of each epoch. */
  tensorsPerEpoch: number[];
}

/** The bench's specs give numbers, not hyperparameters, for these. */
const batchSizeOf = (c: ModelCase): number => resolveSearchable(c.spec.training.batchSize, undefined);
const learningRateOf = (c: ModelCase): number => resolveSearchable(c.spec.training.learningRate, undefined);

function stepsPerEpoch(c: ModelCase): number {
  return Math.ceil(c.dataset.train.count / batchSizeOf(c));
}

/**
 * The engine's loop. Its `isCancelled` is polled before every batch and once after the batches (synchronous
 * backends have executed every kernel by then), which times the batch loop without touching the engine.
 */
async function runEngine(c: ModelCase): Promise<RunFigures> {
  const batches = stepsPerEpoch(c);
  let polls = 0;
  let loopStarted = 0;
  let loopMs = 0;
  const tensorsPerEpoch: number[] = [];
  const started = performance.now();
  await trainTrial({ spec: c.spec, dataset: c.dataset, rate: c.rate, seed: 1 }, {
    onEpoch: () => tensorsPerEpoch.push(tf.memory().numTensors),
    isCancelled: () => {
      const poll = polls++ % (batches + 1);
      if (poll === 0) loopStarted = performance.now();
      else if (poll === batches) loopMs += performance.now() - loopStarted;
      return false;
    },
  });
  const wallMs = performance.now() - started;
  const steps = batches * c.spec.training.epochs;
  return { stepsPerSecond: steps / (loopMs / 1000), epochStepsPerSecond: steps / (wallMs / 1000), tensorsPerEpoch };
}

/** A layer list as tfjs-layers builds it (the engine's export), with fresh weights. */
function layerListModel(c: ModelCase): Sequential | undefined {
  const config = networkConfig(c.spec, c.dataset, { rate: c.rate });
  if (!isLayerList(config)) return undefined;
  const network = createNetwork(config, 1);
  const weights = network.weights.map((weight, i) => ({
    name: `weight/${i}`, shape: [...weight.shape], dtype: 'float32' as const, values: weight.dataSync() as Float32Array,
  }));
  network.dispose();
  return buildLayerListModel(config, weights, 'classification');
}

/**
 * The baseline: tfjs-layers `model.fit` on the same shapes, dropout layers where the engine drops. Undefined where
 * fit cannot train the model: a convnet on a backend without a conv filter gradient (wasm).
 */
async function runFit(c: ModelCase): Promise<RunFigures | undefined> {
  // The umbrella package: its layers share tfjs-core with the engine (one copy in node_modules).
  const tfl = require('@tensorflow/tfjs') as typeof import('@tensorflow/tfjs');
  const { dataset, spec } = c;
  if (spec.model.layers && !tf.getKernel('Conv2DBackpropFilter', tf.getBackend())) return undefined;
  const model = layerListModel(c) ?? tfl.sequential();
  const sizes = [...spec.model.hidden, dataset.classCount];
  if (!spec.model.layers) sizes.forEach((units, index) => {
    const rate = index === 0 ? spec.model.inputDropout : c.rate;
    const inputShape = index === 0 ? { inputShape: [dataset.featureCount] } : {};
    if (rate > 0) model.add(tfl.layers.dropout({ rate, ...inputShape }));
    const last = index + 1 === sizes.length;
    model.add(tfl.layers.dense({ units, activation: last ? 'softmax' : spec.model.activation, ...(rate > 0 ? {} : inputShape) }));
  });
  model.compile({ optimizer: tfl.train.adam(learningRateOf(c)), loss: 'categoricalCrossentropy' });
  const x = tfl.tensor(dataset.train.x, [dataset.train.count, ...(spec.model.layers && dataset.imageShape ? dataset.imageShape : [dataset.featureCount])]);
  const y = tfl.tidy(() => tfl.oneHot(tfl.tensor1d(Int32Array.from(dataset.train.y), 'int32'), dataset.classCount));
  const tensorsPerEpoch: number[] = [];
  const started = performance.now();
  await model.fit(x, y, {
    batchSize: batchSizeOf(c), epochs: spec.training.epochs, shuffle: true, verbose: 0,
    callbacks: { onEpochEnd: async () => { tensorsPerEpoch.push(tfl.memory().numTensors); } },
  });
  const wallMs = performance.now() - started;
  tfl.dispose([x, y]);
  model.dispose();
  const steps = stepsPerEpoch(c) * spec.training.epochs;
  return { stepsPerSecond: steps / (wallMs / 1000), epochStepsPerSecond: steps / (wallMs / 1000), tensorsPerEpoch };
}

export interface ThroughputResult {
  backend: BackendName;
  model: ModelName;
  title: string;
  available: boolean;
  reason?: string;
  stepsPerEpoch?: number;
  batchSize?: number;
  engine?: { stepsPerSecond: Spread; epochStepsPerSecond: Spread; samplesPerSecond: Spread; tensorsPerEpoch: number[]; tensorsFlat: boolean };
  fit?: { stepsPerSecond: Spread; samplesPerSecond: Spread; tensorsPerEpoch: number[]; tensorsFlat: boolean };
  engineOverFit?: number;
  peakRssMB?: number;
}

/** In a child: throughput of one backend and model. */
export async function childThroughput(backend: BackendName, model: ModelName, options: Options): Promise<ThroughputResult> {
  // The pure-JS cpu backend is 5–20× slower: one epoch keeps the bench short.
  const epochs = backend === 'cpu' ? 1 : options.epochs;
  const c = modelCase(model, epochs);
  const base = { backend, model, title: c.title };
  try {
    const info = await initBackend(backend);
    if (info.name !== backend) throw new Error(`got ${info.name}`);
  } catch (error) {
    return { ...base, available: false, reason: errorMessage(error).split('\n')[0] };
  }
  // Warm-up: first kernels compile and allocate.
  await runEngine(modelCase(model, 1));
  const engineRuns: RunFigures[] = [];
  const fitRuns: RunFigures[] = [];
  for (let rep = 0; rep < options.reps; rep++) {
    engineRuns.push(await runEngine(c));
    const fit = await runFit(c);
    if (fit) fitRuns.push(fit);
  }
  const batch = batchSizeOf(c);
  const engineTensors = engineRuns[engineRuns.length - 1].tensorsPerEpoch;
  const fitTensors = fitRuns.at(-1)?.tensorsPerEpoch ?? [];
  return {
    ...base, available: true, stepsPerEpoch: stepsPerEpoch(c), batchSize: batch,
    engine: {
      stepsPerSecond: spread(engineRuns.map((r) => r.stepsPerSecond)),
      epochStepsPerSecond: spread(engineRuns.map((r) => r.epochStepsPerSecond)),
      samplesPerSecond: spread(engineRuns.map((r) => r.stepsPerSecond * batch)),
      tensorsPerEpoch: engineTensors, tensorsFlat: flat(engineTensors),
    },
    ...(fitRuns.length > 0 ? {
      fit: {
        stepsPerSecond: spread(fitRuns.map((r) => r.stepsPerSecond)), samplesPerSecond: spread(fitRuns.map((r) => r.stepsPerSecond * batch)),
        tensorsPerEpoch: fitTensors, tensorsFlat: flat(fitTensors),
      },
      // Per repetition, then the median: each pair ran back to back under the same load.
      engineOverFit: spread(engineRuns.map((r, i) => r.stepsPerSecond / fitRuns[i]!.stepsPerSecond)).median,
    } : {}),
    peakRssMB: process.resourceUsage().maxRSS / 1024,
  };
}

/** A/B experiments on the engine: each variant is a setup applied before its runs, alternated run by run. */
const abVariants: Record<string, { name: string; apply(): void }[]> = {
  dense: [
    { name: 'autodiff fused.matMul', apply: () => useDenseGradient('autodiff') },
    { name: 'custom-gradient dense', apply: () => useDenseGradient('custom') },
  ],
  // On wasm+blas: tfjs's Adam (~12 kernels a variable) against the one-pass update (1 kernel a variable).
  adam: [
    { name: 'tfjs Adam', apply: () => useFusedAdam(false) },
    { name: 'one-pass Adam', apply: () => useFusedAdam(true) },
  ],
  // wasm+blas against stock wasm in one process, run by run: the kernels swapped in and out of the registry.
  blas: [
    { name: 'wasm', apply: () => restoreStockKernels() },
    { name: 'wasm+blas', apply: () => registerBlasKernels(blasAddonOrThrow()) },
  ],
};

function blasAddonOrThrow() {
  const loaded = loadBlasAddon();
  if ('reason' in loaded) throw new Error(loaded.reason);
  return loaded.addon;
}

export interface AbResult {
  backend: BackendName;
  model: ModelName;
  variants: { name: string; stepsPerSecond: Spread }[];
  /** Per-pair ratios, last variant over first. */
  ratio: Spread;
}

/** In a child: the variants of `--ab` on one backend and model. */
export async function childAb(backend: BackendName, model: ModelName, options: Options): Promise<AbResult> {
  const variants = abVariants[options.ab!];
  if (!variants) throw new Error(`unknown --ab ${options.ab} (known: ${Object.keys(abVariants).join(', ')})`);
  await initBackend(backend);
  const c = modelCase(model, options.epochs);
  for (const variant of variants) {
    variant.apply();
    await runEngine(modelCase(model, 1));
  }
  const runs: number[][] = variants.map(() => []);
  for (let rep = 0; rep < options.reps; rep++) {
    for (const [index, variant] of variants.entries()) {
      variant.apply();
      runs[index].push((await runEngine(c)).stepsPerSecond);
    }
  }
  const last = runs.length - 1;
  return {
    backend, model,
    variants: variants.map((variant, index) => ({ name: variant.name, stepsPerSecond: spread(runs[index]) })),
    ratio: spread(runs[last].map((value, i) => value / runs[0][i])),
  };
}

/** Runs the bench as a child on one backend and model; its result is the last line it prints. */
export function runChild<Result>(options: Options, backend: BackendName, model: ModelName): Result {
  const args = childArgs(options, backend, model);
  const result = spawnSync(process.execPath, ['--import', 'tsx', benchEntry, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const last = result.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last) as Result;
  } catch {
    throw new Error(`bench child ${args.join(' ')} failed (${result.status}): ${result.stderr.slice(-2000)}`);
  }
}

/** Throughput of every backend and model asked for (the cpu backend: `--cpu-models` only). */
export function measureThroughput(options: Options, progress: (line: string) => void): ThroughputResult[] {
  const results: ThroughputResult[] = [];
  for (const backend of options.backends) {
    for (const model of backend === 'cpu' ? options.models.filter((m) => options.cpuModels.includes(m)) : options.models) {
      const result = runChild<ThroughputResult>(options, backend, model);
      results.push(result);
      progress(`measured ${backend} ${model}`);
      if (!result.available) break; // the same reason holds for every model
    }
  }
  return results;
}

export function measureAb(options: Options): AbResult[] {
  return options.backends.flatMap((backend) => options.models.map((model) => runChild<AbResult>(options, backend, model)));
}

/** wasm+blas ÷ wasm per model, paired run by run in one process (`--ab blas` on wasm), or why it was not measured. */
export function measureBlasRatio(options: Options, progress: (line: string) => void): AbResult[] | { error: string } {
  const loaded = loadBlasAddon();
  if ('reason' in loaded) return { error: loaded.reason };
  return options.models.map((model) => {
    const result = runChild<AbResult>({ ...options, ab: 'blas' }, 'wasm', model);
    progress(`measured wasm+blas ÷ wasm ${model}`);
    return result;
  });
}
