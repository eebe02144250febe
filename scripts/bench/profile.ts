/**
 * `npm run bench -- --profile`: where a training epoch's time goes, per backend and model, from `tf.profile` (every
 * kernel with its time and shapes): kernels and milliseconds per step by kernel group, GFLOP/s per matrix-product
 * shape, and the share of the epoch spent scoring (the training and validation sets, the Monte-Carlo passes) rather
 * than training. One child process per backend and model, one warm-up epoch, then one profiled epoch.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendName } from '../../src/core/backend';
import { initBackend } from '../../src/engine/backend';
import { trainTrial } from '../../src/engine/train/loop';
import { resolveSearchable } from '../../src/core/hyperparameters';
import { modelCase, type ModelName } from './models';

interface KernelRecord {
  name: string;
  kernelTimeMs: number | { error: string };
  inputShapes: number[][];
  outputShapes: number[][];
}

export interface ProfileResult {
  backend: BackendName;
  model: ModelName;
  title: string;
  steps: number;
  kernelsPerStep: number;
  stepMs: number;
  /** Kernel groups of the batch loop, most time first: kernels and ms per step. */
  groups: { name: string; kernels: number; ms: number }[];
  /** Matrix products of the batch loop by shape (M×K×N, batch): calls per step, ms per call, GFLOP/s. */
  products: { shape: string; callsPerStep: number; msPerCall: number; gflops: number }[];
  /** Kernel time of the epoch: the batch loop, and the scoring after it. */
  trainingMs: number;
  scoringMs: number;
  /** The scoring's kernel groups, most time first (ms in the epoch). */
  scoringGroups: { name: string; kernels: number; ms: number }[];
}

/** Kernels by group: count and ms, divided by `per`, most time first. */
function grouped(kernels: KernelRecord[], per: number): { name: string; kernels: number; ms: number }[] {
  const groups = new Map<string, { kernels: number; ms: number }>();
  for (const kernel of kernels) {
    const group = groups.get(groupOf(kernel.name)) ?? { kernels: 0, ms: 0 };
    group.kernels++;
    group.ms += ms(kernel);
    groups.set(groupOf(kernel.name), group);
  }
  return [...groups].map(([name, g]) => ({ name, kernels: g.kernels / per, ms: g.ms / per })).sort((a, b) => b.ms - a.ms);
}

const ms = (k: KernelRecord): number => (typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0);
const products = new Set(['BatchMatMul', '_FusedMatMul']);
/** Kernel names folded into groups a reader can act on. */
const groupOf = (name: string): string => (products.has(name) ? 'matrix products' : name === 'DropoutLabAdam' ? 'Adam (one pass)' : name);

/** In a child: one profiled epoch of `model` on `backend`. */
export async function childProfile(backend: BackendName, model: ModelName): Promise<ProfileResult> {
  const info = await initBackend(backend);
  if (info.name !== backend) throw new Error(`asked for ${backend}, got ${info.name}`);
  const c = modelCase(model, 1);
  const batchSize = resolveSearchable(c.spec.training.batchSize, undefined);
  const steps = Math.ceil(c.dataset.train.count / batchSize);
  const run = async (onLoop?: (phase: 'start' | 'end') => void) => {
    let polls = 0;
    await trainTrial({ spec: c.spec, dataset: c.dataset, rate: c.rate, seed: 1 }, {
      onEpoch: () => {},
      isCancelled: () => {
        const poll = polls++;
        if (poll === 0) onLoop?.('start');
        else if (poll === steps) onLoop?.('end');
        return false;
      },
    });
  };
  await run(); // warm-up: kernels compile, buffers grow
  // Where the batch loop starts and ends in the profile's kernel list (tfjs keeps it on the engine while it records).
  const recorded = () => (tf.engine() as unknown as { state: { activeProfile: { kernels: unknown[] } } }).state.activeProfile.kernels.length;
  const bounds = { start: 0, end: 0 };
  const profile = await tf.profile(() => run((phase) => { bounds[phase] = recorded(); }));
  // A custom gradient's `forward`, a named op's `…__op` and a tidy's `unnamed scope` wrap kernels recorded too: counted once.
  const isWrapper = (kernel: KernelRecord) => kernel.name === 'forward' || kernel.name === 'unnamed scope' || kernel.name.endsWith('__op');
  const all = profile.kernels as unknown as KernelRecord[];
  const wrappersBefore = (index: number) => all.slice(0, index).filter(isWrapper).length;
  bounds.start -= wrappersBefore(bounds.start);
  bounds.end -= wrappersBefore(bounds.end);
  const kernels = all.filter((kernel) => !isWrapper(kernel));
  const loop = kernels.slice(bounds.start, bounds.end);
  const shapes = new Map<string, { calls: number; ms: number; flops: number }>();
  for (const kernel of loop) {
    if (products.has(kernel.name)) {
      const out = kernel.outputShapes[0];
      const [m, n] = out.slice(-2);
      const batch = tf.util.sizeFromShape(out.slice(0, -2));
      const k = tf.util.sizeFromShape(kernel.inputShapes[0]) / (m * batch);
      const key = `${m}×${k}×${n}${batch > 1 ? ` (×${batch})` : ''}`;
      const entry = shapes.get(key) ?? { calls: 0, ms: 0, flops: 0 };
      entry.calls++;
      entry.ms += ms(kernel);
      entry.flops += 2 * m * n * k * batch;
      shapes.set(key, entry);
    }
  }
  const trainingMs = loop.reduce((sum, k) => sum + ms(k), 0);
  return {
    backend, model, title: c.title, steps, kernelsPerStep: loop.length / steps, stepMs: trainingMs / steps,
    groups: grouped(loop, steps),
    products: [...shapes].map(([shape, e]) => ({ shape, callsPerStep: e.calls / steps, msPerCall: e.ms / e.calls, gflops: e.flops / (e.ms * 1e6) }))
      .sort((a, b) => b.msPerCall * b.callsPerStep - a.msPerCall * a.callsPerStep),
    trainingMs,
    scoringMs: kernels.slice(bounds.end).reduce((sum, k) => sum + ms(k), 0),
    scoringGroups: grouped(kernels.slice(bounds.end), 1),
  };
}

const f = (value: number, digits: number) => value.toFixed(digits);

export function printProfiles(results: ProfileResult[]): void {
  const lines: string[] = [];
  for (const r of results) {
    lines.push(`${r.backend}, ${r.title}: ${f(r.kernelsPerStep, 0)} kernels and ${f(r.stepMs, 2)} ms of kernel time a step (${r.steps} steps); `
      + `the epoch's scoring ${f(r.scoringMs, 0)} ms against ${f(r.trainingMs, 0)} ms of training `
      + `(${f((100 * r.scoringMs) / (r.scoringMs + r.trainingMs), 0)}%)`);
    const top = r.groups.slice(0, 8).map((g) => `${g.name} ${f(g.kernels, 0)}× ${f(g.ms, 2)} ms`);
    lines.push(`  per step: ${top.join(' · ')}`);
    lines.push(`  scoring: ${r.scoringGroups.slice(0, 5).map((g) => `${g.name} ${f(g.kernels, 0)}× ${f(g.ms, 1)} ms`).join(' · ')}`);
    for (const p of r.products.slice(0, 6)) {
      lines.push(`  product ${p.shape.padEnd(22)} ${f(p.callsPerStep, 1)}/step  ${f(p.msPerCall, 3)} ms  ${f(p.gflops, 1)} GFLOP/s`);
    }
  }
  console.log(lines.join('\n'));
}
