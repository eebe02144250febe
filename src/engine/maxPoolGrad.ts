/**
 * MaxPoolGrad for the wasm backend, replacing tfjs-backend-wasm 4.22's, which routes the gradient to the wrong
 * inputs for most shapes (off by up to 1.6 on a 1×4×4×3 input against a hand computation and the cpu backend;
 * blasKernels.test.ts keeps the check). Like the cpu backend: dy goes to the first largest input of each window
 * (row-major). Plain JavaScript on the wasm heap: a few ms a call on the bench's convnet, where the stock kernel took 17.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

function maxPoolGrad({ inputs, attrs, backend }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as tf.MaxPoolGradAttrs;
  const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const wasm = backend as BackendWasm;
  const out = wasm.makeOutput([...input.shape], 'float32');
  // Views taken after makeOutput: an allocation may grow the heap and detach older views.
  const x = wasm.typedArrayFromHeap(input) as Float32Array;
  const dyValues = wasm.typedArrayFromHeap(dy) as Float32Array;
  const dx = wasm.typedArrayFromHeap(out) as Float32Array;
  dx.fill(0);
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth, strideHeight, strideWidth } = info;
  const { effectiveFilterHeight: filterHeight, effectiveFilterWidth: filterWidth, padInfo } = info;
  for (let b = 0; b < batchSize; b++) {
    const base = b * inHeight * inWidth * channels;
    for (let oh = 0; oh < outHeight; oh++) {
      const top = oh * strideHeight - padInfo.top;
      for (let ow = 0; ow < outWidth; ow++) {
        const left = ow * strideWidth - padInfo.left;
        const dyBase = ((b * outHeight + oh) * outWidth + ow) * channels;
        for (let c = 0; c < channels; c++) {
          let best = -Infinity;
          let where = -1;
          for (let fh = 0; fh < filterHeight; fh++) {
            const ih = top + fh;
            if (ih < 0 || ih >= inHeight) continue;
            for (let fw = 0; fw < filterWidth; fw++) {
              const iw = left + fw;
              if (iw < 0 || iw >= inWidth) continue;
              const at = base + (ih * inWidth + iw) * channels + c;
              if (where < 0 || x[at] > best) {
                best = x[at];
                where = at;
              }
            }
          }
          if (where >= 0) dx[where] += dyValues[dyBase + c];
        }
      }
    }
  }
  return out;
}

/** The stock kernel this one replaced (a test checks it is still wrong, so that the day it is fixed, ours can go). */
let replaced: tf.KernelConfig | undefined;

export function replacedMaxPoolGrad(): tf.KernelConfig | undefined {
  return replaced;
}

/** Puts the corrected kernel in place of the stock one (once per process; the registry is process-wide). */
export function registerMaxPoolGrad(): void {
  const current = tf.getKernel(tf.MaxPoolGrad, 'wasm');
  if (current?.kernelFunc === maxPoolGrad) return;
  replaced = current;
  tf.unregisterKernel(tf.MaxPoolGrad, 'wasm');
  tf.registerKernel({ kernelName: tf.MaxPoolGrad, backendName: 'wasm', kernelFunc: maxPoolGrad });
}
