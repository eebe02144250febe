/**
 * `npm run bench`: how fast Dropout Lab trains, measured, not asserted (benchmarks never run in the tests).
 *
 *   npm run bench [-- options]
 *     --json                 print one JSON object instead of the table
 *     --save-json FILE       also write that JSON object to FILE
 *     --backends wasm,cpu    backends to measure (default: wasm,cpu,tensorflow; unavailable ones are reported)
 *     --models small,wide,mnist
 *     --cpu-models small     models measured on the cpu backend (default: small only; it runs 1 step/s on the wide ones)
 *     --reps N               interleaved repetitions per measurement (default 3; median and range reported)
 *     --epochs N             epochs per training run (default 3; the cpu backend runs 1)
 *     --sweep-epochs N       epochs per trial of the sweep measurement (default: the example's 150); --no-sweep skips it
 *     --no-ui                skip the webview measurement (a live 50-trial × 500-epoch sweep in headless Chromium)
 *     --no-torch             skip the PyTorch reference; --no-extension skips the activation measurement
 *     --ab NAME              A/B of an engine change instead of the report (see `abVariants`)
 *
 * Throughput is measured in a child process per backend and model (so peak RSS is that process's own), with the
 * engine's loop and `model.fit` interleaved (A B A B …) so that load from other processes hits both alike.
 * Needs `npm run build` first (the sweep forks dist/trainer.js, activation loads dist/extension.js).
 */
import { workspaceFiles } from '../src/workspace/dataFiles';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/engine/backend';
import { loadDataset, type Dataset } from '../src/engine/datasets';
import { useDenseGradient } from '../src/engine/model/dense';
import { parseSpec } from '../src/engine/spec/parse';
import type { ExperimentSpec } from '../src/core/spec';
import { trainTrial } from '../src/engine/train/loop';
import { createRng } from '../src/engine/random';
import type { BackendName } from '../src/core/backend';
import { startSweep } from '../src/runner/runner';

const root = path.resolve(__dirname, '..');

// ---------------------------------------------------------------------------------------------------------------
// Options

interface Options {
  json: boolean;
  saveJson?: string;
  backends: BackendName[];
  models: ModelName[];
  cpuModels: ModelName[];
  reps: number;
  epochs: number;
  sweepEpochs?: number;
  sweep: boolean;
  ui: boolean;
  torch: boolean;
  extension: boolean;
  ab?: string;
}

function parseOptions(argv: string[]): Options {
  const value = (name: string): string | undefined => {
    const index = argv.indexOf(name);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const list = (name: string, fallback: string): string[] => (value(name) ?? fallback).split(',').filter(Boolean);
  return {
    json: argv.includes('--json'),
    saveJson: value('--save-json'),
    backends: list('--backends', 'wasm,cpu,tensorflow') as BackendName[],
    models: list('--models', 'small,wide,mnist') as ModelName[],
    cpuModels: list('--cpu-models', 'small') as ModelName[],
    reps: Number(value('--reps') ?? 3),
    epochs: Number(value('--epochs') ?? 3),
    sweepEpochs: value('--sweep-epochs') === undefined ? undefined : Number(value('--sweep-epochs')),
    sweep: !argv.includes('--no-sweep'),
    ui: !argv.includes('--no-ui'),
    torch: !argv.includes('--no-torch'),
    extension: !argv.includes('--no-extension'),
    ab: value('--ab'),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Models and data

type ModelName = 'small' | 'wide' | 'mnist';

interface ModelCase {
  name: ModelName;
  title: string;
  /** A spec through the real parser, so the engine runs exactly what a user's file would. */
  spec: ExperimentSpec;
  dataset: Dataset;
  /** Hidden-layer dropout rate trained. */
  rate: number;
}

/** Gaussian features and random labels: throughput does not depend on what is learnt. */
function randomDataset(featureCount: number, classCount: number, trainCount: number, validationCount: number): Dataset {
  const rng = createRng(1234);
  const split = (count: number) => ({
    count,
    x: Float32Array.from({ length: count * featureCount }, () => rng.normal()),
    y: Float32Array.from({ length: count }, () => Math.floor(rng.next() * classCount)),
  });
  return {
    description: `random ${featureCount}→${classCount}`, task: 'classification', featureCount, classCount,
    train: split(trainCount), validation: split(validationCount), test: split(0),
  };
}

function specOf(doc: object): ExperimentSpec {
  const { spec, problems } = parseSpec(JSON.stringify(doc));
  if (!spec) throw new Error(`bench spec is invalid: ${JSON.stringify(problems)}`);
  return spec;
}

function modelCase(name: ModelName, epochs: number): ModelCase {
  const training = { epochs, optimizer: 'adam', learningRate: 0.001, seed: 1 };
  switch (name) {
    case 'small': {
      const spec = specOf({
        name, dataset: { type: 'moons', samples: 100 }, model: { hidden: [256, 256] },
        training: { ...training, batchSize: 32 }, sweep: { rates: [0.5] }, evaluation: { mcSamples: 0 },
      });
      return { name, title: 'MLP 20-256-256-2, batch 32', spec, dataset: randomDataset(20, 2, 2048, 256), rate: 0.5 };
    }
    case 'wide': {
      const spec = specOf({
        name, dataset: { type: 'moons', samples: 100 }, model: { hidden: [512, 512] },
        training: { ...training, batchSize: 128 }, sweep: { rates: [0.5] }, evaluation: { mcSamples: 0 },
      });
      return { name, title: 'MLP 784-512-512-10, batch 128', spec, dataset: randomDataset(784, 10, 1024, 256), rate: 0.5 };
    }
    case 'mnist': {
      const file = path.join(root, 'examples', 'mnist.dropout.json');
      const parsed = parseSpec(fs.readFileSync(file, 'utf8')).spec!;
      const spec: ExperimentSpec = { ...parsed, training: { ...parsed.training, epochs } };
      const dataset = loadDataset(spec.dataset, { seed: spec.training.seed, files: workspaceFiles(path.dirname(file)) });
      const hidden = spec.model.hidden.join('-');
      return {
        name, title: `MNIST example 784-${hidden}-10, batch ${spec.training.batchSize}`, spec, dataset,
        rate: spec.sweep.rates[spec.sweep.rates.length - 1],
      };
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// One training run of the engine and of model.fit

interface RunFigures {
  /** Training steps per second, counting only the batch loop (the engine's per-epoch scoring excluded). */
  stepsPerSecond: number;
  /** Steps per second over whole epochs as the engine runs them (with its train/validation scoring). */
  epochStepsPerSecond: number;
  /** tf.memory().numTensors at the end of each epoch. */
  tensorsPerEpoch: number[];
}

function stepsPerEpoch(c: ModelCase): number {
  return Math.ceil(c.dataset.train.count / c.spec.training.batchSize);
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

/** The baseline: tfjs-layers `model.fit` on the same shapes, dropout layers where the engine drops. */
async function runFit(c: ModelCase): Promise<RunFigures> {
  // The umbrella package: its layers share tfjs-core with the engine (one copy in node_modules).
  const tfl = require('@tensorflow/tfjs') as typeof import('@tensorflow/tfjs');
  const { dataset, spec } = c;
  const model = tfl.sequential();
  const sizes = [...spec.model.hidden, dataset.classCount];
  sizes.forEach((units, index) => {
    const rate = index === 0 ? spec.model.inputDropout : c.rate;
    const inputShape = index === 0 ? { inputShape: [dataset.featureCount] } : {};
    if (rate > 0) model.add(tfl.layers.dropout({ rate, ...inputShape }));
    const last = index + 1 === sizes.length;
    model.add(tfl.layers.dense({ units, activation: last ? 'softmax' : spec.model.activation, ...(rate > 0 ? {} : inputShape) }));
  });
  model.compile({ optimizer: tfl.train.adam(spec.training.learningRate), loss: 'categoricalCrossentropy' });
  const x = tfl.tensor2d(dataset.train.x, [dataset.train.count, dataset.featureCount]);
  const y = tfl.tidy(() => tfl.oneHot(tfl.tensor1d(Int32Array.from(dataset.train.y), 'int32'), dataset.classCount));
  const tensorsPerEpoch: number[] = [];
  const started = performance.now();
  await model.fit(x, y, {
    batchSize: spec.training.batchSize, epochs: spec.training.epochs, shuffle: true, verbose: 0,
    callbacks: { onEpochEnd: async () => { tensorsPerEpoch.push(tfl.memory().numTensors); } },
  });
  const wallMs = performance.now() - started;
  tfl.dispose([x, y]);
  model.dispose();
  const steps = stepsPerEpoch(c) * spec.training.epochs;
  return { stepsPerSecond: steps / (wallMs / 1000), epochStepsPerSecond: steps / (wallMs / 1000), tensorsPerEpoch };
}

// ---------------------------------------------------------------------------------------------------------------
// Statistics

interface Spread {
  median: number;
  min: number;
  max: number;
  n: number;
}

function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], n: sorted.length };
}

/** Tensor counts are flat when every epoch after the first ends with as many tensors as the second. */
function flat(counts: number[]): boolean {
  return counts.slice(1).every((count) => count === counts[1]);
}

// ---------------------------------------------------------------------------------------------------------------
// Child: throughput of one backend and model

interface ThroughputResult {
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

/** A/B experiments on the engine: each variant is a setup applied before its runs, alternated run by run. */
const abVariants: Record<string, { name: string; apply(): void }[]> = {
  dense: [
    { name: 'autodiff fused.matMul', apply: () => useDenseGradient('autodiff') },
    { name: 'custom-gradient dense', apply: () => useDenseGradient('custom') },
  ],
};

async function childThroughput(backend: BackendName, model: ModelName, options: Options): Promise<ThroughputResult> {
  // The pure-JS cpu backend is 5–20× slower: one epoch keeps the bench short.
  const epochs = backend === 'cpu' ? 1 : options.epochs;
  const c = modelCase(model, epochs);
  const base = { backend, model, title: c.title };
  try {
    const info = await initBackend(backend);
    if (info.name !== backend) throw new Error(`got ${info.name}`);
  } catch (error) {
    return { ...base, available: false, reason: error instanceof Error ? error.message.split('\n')[0] : String(error) };
  }
  // Warm-up: first kernels compile and allocate.
  await runEngine(modelCase(model, 1));
  const engineRuns: RunFigures[] = [];
  const fitRuns: RunFigures[] = [];
  for (let rep = 0; rep < options.reps; rep++) {
    engineRuns.push(await runEngine(c));
    fitRuns.push(await runFit(c));
  }
  const batch = c.spec.training.batchSize;
  const engineSteps = spread(engineRuns.map((r) => r.stepsPerSecond));
  const fitSteps = spread(fitRuns.map((r) => r.stepsPerSecond));
  const engineTensors = engineRuns[engineRuns.length - 1].tensorsPerEpoch;
  const fitTensors = fitRuns[fitRuns.length - 1].tensorsPerEpoch;
  return {
    ...base, available: true, stepsPerEpoch: stepsPerEpoch(c), batchSize: batch,
    engine: {
      stepsPerSecond: engineSteps,
      epochStepsPerSecond: spread(engineRuns.map((r) => r.epochStepsPerSecond)),
      samplesPerSecond: spread(engineRuns.map((r) => r.stepsPerSecond * batch)),
      tensorsPerEpoch: engineTensors, tensorsFlat: flat(engineTensors),
    },
    fit: {
      stepsPerSecond: fitSteps, samplesPerSecond: spread(fitRuns.map((r) => r.stepsPerSecond * batch)),
      tensorsPerEpoch: fitTensors, tensorsFlat: flat(fitTensors),
    },
    // Per repetition, then the median: each pair ran back to back under the same load.
    engineOverFit: spread(engineRuns.map((r, i) => r.stepsPerSecond / fitRuns[i].stepsPerSecond)).median,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
  };
}

interface AbResult {
  backend: BackendName;
  model: ModelName;
  variants: { name: string; stepsPerSecond: Spread }[];
  /** Per-pair ratios, last variant over first. */
  ratio: Spread;
}

async function childAb(backend: BackendName, model: ModelName, options: Options): Promise<AbResult> {
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

function runChild(args: string[]): unknown {
  const result = spawnSync(process.execPath, ['--import', 'tsx', __filename, ...args], {
    cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024,
  });
  const last = result.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last);
  } catch {
    throw new Error(`bench child ${args.join(' ')} failed (${result.status}): ${result.stderr.slice(-2000)}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Sweep scaling and epoch-to-listener delay

interface SweepFigures {
  rates: number;
  epochsPerTrial: number;
  oneTrainerSeconds: Spread;
  twoTrainersSeconds: Spread;
  /** Per interleaved pair, two trainers over one; the target is ≤ 0.6. */
  scalingRatio: Spread;
  /** From the trainer having an epoch's metrics to the runner's listener receiving them, in ms. */
  epochToListenerMs: Spread & { p95: number };
}

async function timeSweep(spec: ExperimentSpec, workers: number, runsRoot: string, delays: number[]): Promise<number> {
  const specPath = path.join(root, 'examples', 'moons.dropout.json');
  const started = performance.now();
  const run = startSweep({
    spec, specPath, specText: JSON.stringify(spec), runsRoot, backend: 'wasm', workers,
    trainerPath: path.join(root, 'dist', 'trainer.js'),
    onEvent: (event) => {
      if (event.type === 'epoch' && event.endedAt !== undefined) delays.push(performance.timeOrigin + performance.now() - event.endedAt);
    },
  });
  const status = await run.finished;
  if (status !== 'completed') throw new Error(`bench sweep ended ${status}`);
  return (performance.now() - started) / 1000;
}

async function measureSweep(options: Options): Promise<SweepFigures> {
  const example = parseSpec(fs.readFileSync(path.join(root, 'examples', 'moons.dropout.json'), 'utf8')).spec!;
  const spec: ExperimentSpec = { ...example, training: { ...example.training, epochs: options.sweepEpochs ?? example.training.epochs } };
  const runsRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'dropout-lab-bench-'));
  const one: number[] = [];
  const two: number[] = [];
  const delays: number[] = [];
  try {
    const pairs = 2;
    for (let rep = 0; rep < pairs; rep++) {
      one.push(await timeSweep(spec, 1, runsRoot, delays));
      two.push(await timeSweep(spec, 2, runsRoot, delays));
    }
  } finally {
    fs.rmSync(runsRoot, { recursive: true, force: true });
  }
  const sortedDelays = [...delays].sort((a, b) => a - b);
  return {
    rates: spec.sweep.rates.length, epochsPerTrial: spec.training.epochs,
    oneTrainerSeconds: spread(one), twoTrainersSeconds: spread(two),
    scalingRatio: spread(two.map((seconds, i) => seconds / one[i])),
    epochToListenerMs: { ...spread(delays), p95: sortedDelays[Math.floor(0.95 * (sortedDelays.length - 1))] },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Extension activation and bundle sizes

interface ExtensionFigures {
  bundleKB: Record<string, number>;
  /** `require('dist/extension.js')` with a stub `vscode` module, in a fresh process. */
  requireMs?: number;
  /** `activate(fakeContext)` after the require; absent when activation needs more of VS Code than the stub has. */
  activateMs?: number;
  note: string;
}

function measureExtension(): ExtensionFigures {
  const bundleKB: Record<string, number> = {};
  for (const name of ['extension.js', 'trainer.js', 'cli.js', 'webview.js']) {
    const file = path.join(root, 'dist', name);
    if (fs.existsSync(file)) bundleKB[name] = Math.round(fs.statSync(file).size / 102.4) / 10;
  }
  const out = spawnSync(process.execPath, [__filename.replace(/\.ts$/, '-activate.cjs'), path.join(root, 'dist', 'extension.js')], { encoding: 'utf8' });
  try {
    const figures = JSON.parse(out.stdout.trim().split('\n').pop() ?? '');
    return { bundleKB, ...figures };
  } catch {
    return { bundleKB, note: `activation not measured: ${out.stderr.split('\n')[0]}` };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Webview: a long live sweep in the panel

interface UiFigures {
  trials: number;
  epochs: number;
  curvePointsDrawn: number;
  replaySeconds: number;
  batches: number;
  eventsPerBatch: number;
  handlerMs: { median: number; p95: number; max: number };
  redraws: number;
  redrawMs: { median: number; p95: number; max: number };
  lastRedrawMs: number;
  mainThreadBusy: number;
  openCompleteMs: number;
}

function measureUi(): UiFigures | { error: string } {
  const out = spawnSync(process.execPath, [path.join(__dirname, 'webview-preview', 'cli.mjs'), '--ui-bench', '50x500'],
    { encoding: 'utf8', cwd: root, timeout: 600_000 });
  const line = out.stdout.split('\n').find((text) => text.startsWith('UI_BENCH '));
  if (!line) return { error: (out.stderr.trim().split('\n').pop() ?? '') || `exit ${out.status}` };
  return JSON.parse(line.slice('UI_BENCH '.length)) as UiFigures;
}

// ---------------------------------------------------------------------------------------------------------------
// PyTorch reference

interface TorchFigures {
  available: boolean;
  reason?: string;
  python?: string;
  version?: string;
  /** The BLAS library torch's process mapped after a matmul (Debian's torch uses the libblas.so.3 alternative). */
  blas?: string;
  /** model → threads → steps/s (median of reps). */
  stepsPerSecond?: Record<string, Record<string, number>>;
}

const torchProbe = `
import os, torch
torch.ones(64, 64) @ torch.ones(64, 64)
blas = sorted({os.path.realpath(line.split()[-1]) for line in open('/proc/self/maps') if 'blas' in line.lower() and '/' in line})
print(torch.__version__)
print(', '.join(blas) or 'unknown')
`;

function findTorchPython(): { python: string; version: string; blas: string } | { reason: string } {
  // pyenv shims may shadow the system interpreter that Debian's python3-torch installs into.
  for (const python of ['python3', '/usr/bin/python3']) {
    try {
      const [version, blas] = execFileSync(python, ['-c', torchProbe], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n');
      return { python, version, blas };
    } catch { /* try the next */ }
  }
  return { reason: 'no python3 here imports torch (Debian: apt-get install python3-torch libopenblas0-pthread)' };
}

function measureTorch(options: Options): TorchFigures {
  const found = findTorchPython();
  if ('reason' in found) return { available: false, reason: found.reason };
  const stepsPerSecond: Record<string, Record<string, number>> = {};
  for (const model of options.models) {
    stepsPerSecond[model] = {};
    for (const threads of [1, 2]) {
      const out = execFileSync(found.python, [path.join(__dirname, 'bench_torch.py'), model, String(threads), String(options.reps)], {
        encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: String(threads) }, cwd: root,
      });
      stepsPerSecond[model][String(threads)] = JSON.parse(out.trim().split('\n').pop()!).stepsPerSecond;
    }
  }
  return { available: true, python: found.python, version: found.version, blas: found.blas, stepsPerSecond };
}

// ---------------------------------------------------------------------------------------------------------------
// Report

interface Report {
  date: string;
  machine: { cpus: number; model: string; node: string; loadAverage: number[] };
  options: Omit<Options, 'json'>;
  throughput: ThroughputResult[];
  sweep?: SweepFigures | { error: string };
  extension?: ExtensionFigures;
  torch?: TorchFigures;
  ui?: UiFigures | { error: string };
}

const fmt = (value: number | undefined, digits = 0): string => (value === undefined ? '–' : value.toFixed(digits));
const range = (s: Spread | undefined, digits = 0): string =>
  (s ? `${fmt(s.median, digits)} (${fmt(s.min, digits)}–${fmt(s.max, digits)})` : '–');

function printTable(report: Report): void {
  const lines: string[] = [];
  const { machine } = report;
  const load = machine.loadAverage.map((l) => l.toFixed(1)).join(' ');
  lines.push(`Dropout Lab bench, ${report.date}: ${machine.cpus} × ${machine.model}, node ${machine.node}, load ${load}`);
  lines.push(`Medians of ${report.options.reps} interleaved runs (min–max). Engine steps/s count its batch loop only; "epoch" includes its per-epoch scoring.`);
  lines.push('');
  const torch = report.torch?.available ? report.torch.stepsPerSecond : undefined;
  const header = [
    'backend', 'model', 'engine steps/s', 'engine samples/s', 'fit steps/s', 'engine/fit', 'engine epoch steps/s', 'tensors (flat?)', 'peak RSS MB',
    'torch 1T / 2T steps/s', 'engine/torch 1T, 2T',
  ];
  const rows: string[][] = [header];
  const unavailable: string[] = [];
  for (const r of report.throughput) {
    if (!r.available) {
      unavailable.push(`${r.backend}: not available (${r.reason})`);
      continue;
    }
    const t = torch?.[r.model];
    const ours = r.engine!.stepsPerSecond.median;
    rows.push([
      r.backend, r.title, range(r.engine!.stepsPerSecond), fmt(r.engine!.samplesPerSecond.median), range(r.fit!.stepsPerSecond),
      `${fmt(r.engineOverFit, 2)}×`, fmt(r.engine!.epochStepsPerSecond.median),
      `${r.engine!.tensorsPerEpoch.at(-1)} ${r.engine!.tensorsFlat ? 'flat' : 'GROWS'} `
        + `/ fit ${r.fit!.tensorsPerEpoch.at(-1)} ${r.fit!.tensorsFlat ? 'flat' : 'GROWS'}`,
      fmt(r.peakRssMB),
      t ? `${fmt(t['1'])} / ${fmt(t['2'])}` : '–',
      t ? `${fmt(ours / t['1'], 2)}, ${fmt(ours / t['2'], 2)}` : '–',
    ]);
  }
  const widths = header.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  for (const row of rows) lines.push(row.map((cell, i) => (cell ?? '').padEnd(widths[i])).join('  ').trimEnd());
  lines.push(...unavailable);
  lines.push('');
  if (report.torch && !report.torch.available) lines.push(`PyTorch reference: not run (${report.torch.reason}).`);
  else if (report.torch) {
    lines.push(`PyTorch reference: torch ${report.torch.version} (${report.torch.python}, BLAS ${report.torch.blas}), `
      + 'OMP_NUM_THREADS 1 and 2, same shapes, Adam, dropout.');
  }
  const sweep = report.sweep;
  if (sweep && 'error' in sweep) lines.push(`Sweep: failed: ${sweep.error}`);
  else if (sweep) {
    lines.push(`Sweep (moons example, ${sweep.rates} rates × ${sweep.epochsPerTrial} epochs, wasm): 1 trainer ${range(sweep.oneTrainerSeconds, 1)} s, `
      + `2 trainers ${range(sweep.twoTrainersSeconds, 1)} s, ratio ${range(sweep.scalingRatio, 2)} (target ≤ 0.60)`);
    const delay = sweep.epochToListenerMs;
    lines.push(`Epoch end → runner listener: median ${fmt(delay.median, 2)} ms, p95 ${fmt(delay.p95, 2)} ms, max ${fmt(delay.max, 2)} ms (n = ${delay.n})`);
  }
  const ui = report.ui;
  if (ui && 'error' in ui) lines.push(`Webview: not measured: ${ui.error}`);
  else if (ui) {
    lines.push(`Webview, live sweep of ${ui.trials} trials × ${ui.epochs} epochs (${ui.curvePointsDrawn} loss-curve points at the end) `
      + `replayed in ${fmt(ui.replaySeconds, 1)} s, ${ui.batches} batches of ~${fmt(ui.eventsPerBatch)} events:`);
    lines.push(`  message handling median ${fmt(ui.handlerMs.median, 1)} ms (p95 ${fmt(ui.handlerMs.p95, 1)}, max ${fmt(ui.handlerMs.max, 1)}); `
      + `${ui.redraws} redraws, median ${fmt(ui.redrawMs.median, 1)} ms (p95 ${fmt(ui.redrawMs.p95, 1)}, max ${fmt(ui.redrawMs.max, 1)}), `
      + `last ${fmt(ui.lastRedrawMs, 1)} ms; main thread busy ${fmt(100 * ui.mainThreadBusy)}%; opening the complete sweep ${fmt(ui.openCompleteMs, 1)} ms`);
  }
  const ext = report.extension;
  if (ext) {
    lines.push(`Bundles (KB): ${Object.entries(ext.bundleKB).map(([name, kb]) => `${name} ${kb}`).join(', ')}`);
    lines.push(`Extension: require ${fmt(ext.requireMs, 1)} ms, activate ${fmt(ext.activateMs, 1)} ms (${ext.note})`);
  }
  console.log(lines.join('\n'));
}

function printAb(results: AbResult[]): void {
  for (const r of results) {
    const variants = r.variants.map((v) => `${v.name} ${range(v.stepsPerSecond, 1)}`).join(' | ');
    console.log(`${r.backend} ${r.model}: ${variants} steps/s; ratio ${range(r.ratio, 2)} (n = ${r.ratio.n})`);
  }
}

// ---------------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const childIndex = argv.indexOf('--child');
  const options = parseOptions(argv);
  if (childIndex >= 0) {
    const [backend, model] = [argv[childIndex + 1] as BackendName, argv[childIndex + 2] as ModelName];
    const result = options.ab ? await childAb(backend, model, options) : await childThroughput(backend, model, options);
    console.log(JSON.stringify(result));
    return;
  }
  const passOn = ['--reps', String(options.reps), '--epochs', String(options.epochs), ...(options.ab ? ['--ab', options.ab] : [])];
  if (options.ab) {
    const results: AbResult[] = [];
    for (const backend of options.backends) {
      for (const model of options.models) results.push(runChild(['--child', backend, model, ...passOn]) as AbResult);
    }
    if (options.json) console.log(JSON.stringify(results, null, 2));
    else printAb(results);
    return;
  }
  const report: Report = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? '?', node: process.versions.node, loadAverage: os.loadavg() },
    options: { ...options, json: undefined } as Omit<Options, 'json'>,
    // (saveJson is recorded too: where this report was written)
    throughput: [],
  };
  for (const backend of options.backends) {
    for (const model of backend === 'cpu' ? options.models.filter((m) => options.cpuModels.includes(m)) : options.models) {
      const result = runChild(['--child', backend, model, ...passOn]) as ThroughputResult;
      report.throughput.push(result);
      if (!options.json) process.stderr.write(`measured ${backend} ${model}\n`);
      if (!result.available) break; // the same reason holds for every model
    }
  }
  if (options.torch) report.torch = measureTorch(options);
  if (options.sweep) {
    try {
      report.sweep = await measureSweep(options);
    } catch (error) {
      report.sweep = { error: error instanceof Error ? error.message : String(error) };
    }
  }
  if (options.extension) report.extension = measureExtension();
  if (options.ui) report.ui = measureUi();
  if (options.saveJson) fs.writeFileSync(options.saveJson, `${JSON.stringify(report, null, 2)}\n`);
  if (options.json) console.log(JSON.stringify(report, null, 2));
  else printTable(report);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
