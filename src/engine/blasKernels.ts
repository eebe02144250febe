/**
 * `wasm+blas`: TF.js's wasm backend with its matrix products (BatchMatMul, _FusedMatMul) computed by the platform's
 * BLAS through a small Node-API addon (native/blas/gemm.c) that works on the wasm heap in place, and Adam's update
 * as one kernel per variable (train/fusedAdam.ts). Everything else (convolutions, element-wise ops) stays on stock
 * wasm kernels.
 *
 * The addon is optional: `loadBlasAddon` says why it is unavailable, and the backend loader falls back to stock wasm.
 * Shapes the addon does not cover (a prelu activation, a bias that is not one row, batch dimensions that broadcast
 * other than one-to-many) go to the stock kernel kept here, so results never depend on what the addon supports.
 */
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** The addon's functions (gemm.c documents the arguments). */
export interface BlasAddon {
  gemm(heap: ArrayBuffer, batch: number, m: number, n: number, k: number, transposeA: number, transposeB: number,
    aOffset: number, aStride: number, bOffset: number, bStride: number, cOffset: number, biasOffset: number,
    activation: number, alpha: number): void;
  adam(heap: ArrayBuffer, n: number, value: number, gradient: number, m: number, v: number, outValue: number, outM: number,
    outV: number, learningRate: number, beta1: number, beta2: number, epsilon: number, oneMinusAccBeta1: number,
    oneMinusAccBeta2: number): void;
}

/** The one-pass Adam update (fusedAdam.ts runs it): inputs value, gradient, m, v; outputs the new value, m and v. */
export const adamKernelName = 'DropoutLabAdam';

export interface AdamAttrs {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  oneMinusAccBeta1: number;
  oneMinusAccBeta2: number;
}

/** Overrides the addon's path (a test points it at a missing or broken file to see the fallback). */
export const blasAddonPathEnv = 'DROPOUT_LAB_BLAS_ADDON';
const addonFile = 'dropout_blas.node';

/** Where the addon is looked for: next to the bundled trainer (dist/native), or dist/native from src/engine. */
function addonCandidates(): string[] {
  const override = process.env[blasAddonPathEnv];
  if (override) return [override];
  return [path.join(__dirname, 'native', addonFile), path.join(__dirname, '..', '..', 'dist', 'native', addonFile)];
}

/**
 * The addon, or why it cannot load (the first line of the loader's error, or where it was looked for). Loaded like
 * any module, by `require` (as the backend loader loads tfjs-node): the engine itself reads no file.
 */
export function loadBlasAddon(): { addon: BlasAddon; file: string } | { reason: string } {
  const candidates = addonCandidates();
  for (const file of candidates) {
    let addon: Partial<BlasAddon>;
    try {
      addon = require(file) as Partial<BlasAddon>;
    } catch (error) {
      const { code, message } = error as { code?: string; message?: string };
      if (code === 'MODULE_NOT_FOUND' && message?.includes(file)) continue;
      return { reason: `${file} did not load: ${String(message ?? error).split('\n')[0]}` };
    }
    const missing = (['gemm', 'adam'] as const).filter((name) => typeof addon[name] !== 'function');
    if (missing.length) return { reason: `${file} lacks ${missing.join(', ')} (an older build: npm run build rebuilds it)` };
    return { addon: addon as BlasAddon, file };
  }
  return { reason: `the BLAS addon is not built (looked for ${candidates.join(', ')}; see docs/backends-and-performance.md)` };
}

/** tfjs-backend-wasm's FusableActivation numbers, minus prelu (which needs its weights: the stock kernel does it). */
const activationCodes: Readonly<Record<string, number>> = { linear: 0, relu: 1, relu6: 2, leakyrelu: 4, sigmoid: 5, elu: 6 };

interface Product {
  batch: number;
  m: number;
  n: number;
  k: number;
  aStride: number;
  bStride: number;
  outShape: number[];
}

/** The product's dimensions, or undefined when its batch dimensions broadcast in a way one gemm call cannot stride. */
function productOf(a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean, transposeB: boolean): Product | undefined {
  const aRank = a.shape.length;
  const bRank = b.shape.length;
  const m = transposeA ? a.shape[aRank - 1] : a.shape[aRank - 2];
  const k = transposeA ? a.shape[aRank - 2] : a.shape[aRank - 1];
  const kB = transposeB ? b.shape[bRank - 1] : b.shape[bRank - 2];
  const n = transposeB ? b.shape[bRank - 2] : b.shape[bRank - 1];
  if (k !== kB || aRank < 2 || bRank < 2) return undefined; // the stock kernel throws tfjs's own message
  const batchA = tf.util.sizeFromShape(a.shape.slice(0, -2));
  const batchB = tf.util.sizeFromShape(b.shape.slice(0, -2));
  const sameBatchDims = tf.util.arraysEqual(a.shape.slice(0, -2), b.shape.slice(0, -2));
  if (!sameBatchDims && batchA !== 1 && batchB !== 1) return undefined;
  const batchShape = batchA >= batchB ? a.shape.slice(0, -2) : b.shape.slice(0, -2);
  return {
    batch: Math.max(batchA, batchB), m, n, k,
    aStride: batchA === 1 ? 0 : m * k, bStride: batchB === 1 ? 0 : k * n,
    outShape: [...batchShape, m, n],
  };
}

type KernelArgs = Parameters<tf.KernelFunc>[0];

/** The wasm heap (HEAPU8 is on every Emscripten module; tfjs's typings leave it out). Read after makeOutput, which may grow it. */
const heapOf = (backend: BackendWasm): ArrayBuffer => (backend.wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8.buffer as ArrayBuffer;

/** The kernels `blas` replaces, with the stock ones they defer to; `restore` puts the stock ones back. */
export interface BlasKernels {
  restore(): void;
}

/** The registered BLAS kernels of this process (the kernel registry is process-wide too). */
let active: BlasKernels | undefined;

/** Whether the wasm backend's matrix products run on BLAS in this process (dense.ts picks its gradient by it). */
export function blasKernelsActive(): boolean {
  return active !== undefined;
}

/** Puts the stock wasm matrix-product kernels back, when BLAS ones are registered. */
export function restoreStockKernels(): void {
  active?.restore();
}

/**
 * Registers BatchMatMul and _FusedMatMul for the `wasm` backend on `blas`. Call after the wasm backend is ready; the
 * stock kernels' setup (their bindings into the wasm module) has run by then, so deferring to them works.
 */
export function registerBlasKernels(blas: BlasAddon): BlasKernels {
  if (active) return active;
  const stockBatchMatMul = tf.getKernel(tf.BatchMatMul, 'wasm');
  const stockFusedMatMul = tf.getKernel(tf._FusedMatMul, 'wasm');
  if (!stockBatchMatMul || !stockFusedMatMul) throw new Error('the wasm backend has no matrix-product kernels to replace');

  const run = (args: KernelArgs, bias: tf.TensorInfo | undefined, activation: number, alpha: number): tf.TensorInfo | undefined => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return undefined;
    if (bias && (bias.shape.length !== 1 || bias.dtype !== 'float32')) return undefined;
    const product = productOf(a, b, transposeA, transposeB);
    if (!product || (bias && bias.shape[0] !== product.n)) return undefined;
    const backend = args.backend as BackendWasm;
    const out = backend.makeOutput(product.outShape, 'float32');
    // After makeOutput: an allocation may grow the heap, which replaces its ArrayBuffer.
    const heap = heapOf(backend);
    const floats = (info: tf.TensorInfo) => backend.getMemoryOffset(info.dataId) / 4;
    blas.gemm(heap, product.batch, product.m, product.n, product.k, transposeA ? 1 : 0, transposeB ? 1 : 0,
      floats(a), product.aStride, floats(b), product.bStride, floats(out), bias ? floats(bias) : -1, activation, alpha);
    return out;
  };

  const replace = (config: tf.KernelConfig, kernelFunc: tf.KernelFunc) => {
    tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel({ kernelName: config.kernelName, backendName: 'wasm', kernelFunc });
  };
  replace(stockBatchMatMul, (args) => run(args, undefined, 0, 0) ?? stockBatchMatMul.kernelFunc(args));
  replace(stockFusedMatMul, (args) => {
    const { bias, preluActivationWeights } = args.inputs as { bias?: tf.TensorInfo; preluActivationWeights?: tf.TensorInfo };
    const { activation, leakyreluAlpha } = args.attrs as unknown as { activation: string; leakyreluAlpha?: number };
    const code = activationCodes[activation];
    const done = code === undefined || preluActivationWeights ? undefined : run(args, bias, code, leakyreluAlpha ?? 0);
    return done ?? stockFusedMatMul.kernelFunc(args);
  });
  tf.registerKernel({
    kernelName: adamKernelName, backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const wasm = backend as BackendWasm;
      const { value, gradient, m, v } = inputs as Record<'value' | 'gradient' | 'm' | 'v', tf.TensorInfo>;
      const a = attrs as unknown as AdamAttrs;
      const outputs = [value, m, v].map((like) => wasm.makeOutput([...like.shape], 'float32'));
      const heap = heapOf(wasm);
      const floats = (info: tf.TensorInfo) => wasm.getMemoryOffset(info.dataId) / 4;
      blas.adam(heap, tf.util.sizeFromShape(value.shape), floats(value), floats(gradient), floats(m), floats(v),
        floats(outputs[0]), floats(outputs[1]), floats(outputs[2]), a.learningRate, a.beta1, a.beta2, a.epsilon, a.oneMinusAccBeta1, a.oneMinusAccBeta2);
      return outputs;
    },
  });
  active = {
    restore() {
      for (const stock of [stockBatchMatMul, stockFusedMatMul]) {
        tf.unregisterKernel(stock.kernelName, 'wasm');
        tf.registerKernel(stock);
      }
      tf.unregisterKernel(adamKernelName, 'wasm');
      active = undefined;
    },
  };
  return active;
}
