/**
 * Adam with its update in one kernel per variable (the addon's `adam`, registered on wasm+blas) instead of tfjs's
 * ~12 element-wise kernels per variable: on the small MLP those were 72 of ~170 kernels per step. The update is
 * tfjs-core's own, operation for operation (gemm.c), and the state is the stock optimizer's (the same slots, names
 * and bias-correction scalars), so checkpoints and resume work unchanged and either optimizer can continue the
 * other's run.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NamedTensor, NamedVariableMap } from '@tensorflow/tfjs-core/dist/tensor_types';
import { adamKernelName, blasKernelsActive, type AdamAttrs } from '../blasKernels';

/** The parts of tfjs's AdamOptimizer that TypeScript calls private. */
interface AdamState {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: { originalName: string; variable: tf.Variable }[];
  accumulatedSecondMoment: { originalName: string; variable: tf.Variable }[];
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

let fusedAdamEnabled = true;

/** Turns the one-pass update off for this process (the bench's A/B: `--ab adam`). */
export function useFusedAdam(enabled: boolean): void {
  fusedAdamEnabled = enabled;
}

export class FusedAdamOptimizer extends tf.AdamOptimizer {
  constructor(learningRate: number) {
    super(learningRate, 0.9, 0.999); // tf.train.adam's defaults; epsilon: the backend's (1e-7)
  }

  override applyGradients(variableGradients: NamedVariableMap | NamedTensor[]): void {
    if (!blasKernelsActive() || !fusedAdamEnabled) {
      super.applyGradients(variableGradients);
      return;
    }
    const self = this as unknown as AdamState;
    const names = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
    tf.tidy(() => {
      // 1 − β^t as the stock update has it: float32 scalars on the device, kept up to date below.
      const [oneMinusAccBeta1, oneMinusAccBeta2] = [self.accBeta1, self.accBeta2].map((acc) => Math.fround(1 - acc.dataSync()[0]));
      names.forEach((name, i) => {
        const value = tf.engine().registeredVariables[name];
        self.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        self.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        const gradient = Array.isArray(variableGradients) ? variableGradients[i].tensor : variableGradients[name];
        if (gradient == null) return;
        const m = self.accumulatedFirstMoment[i].variable;
        const v = self.accumulatedSecondMoment[i].variable;
        const attrs: AdamAttrs = {
          learningRate: self.learningRate, beta1: self.beta1, beta2: self.beta2, epsilon: self.epsilon, oneMinusAccBeta1, oneMinusAccBeta2,
        };
        const [newValue, newM, newV] = tf.engine().runKernel(adamKernelName, { value, gradient, m, v }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
        m.assign(newM);
        v.assign(newV);
        value.assign(newValue);
      });
      self.accBeta1.assign(tf.mul(self.accBeta1, self.beta1));
      self.accBeta2.assign(tf.mul(self.accBeta2, self.beta2));
    });
    this.incrementIterations();
  }
}
