/**
 * Per-sample losses and scores, as tensors: nothing here reads values back to the host.
 * Classification uses softmax cross-entropy on logits; regression the squared error.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Task } from '../../core/spec';

/** Targets on the device: one-hot rows for classification, a column for regression. */
export interface Targets {
  task: Task;
  /** [n, classes] one-hot, or [n, 1] values. */
  values: tf.Tensor2D;
  /** Class indices [n] (classification only), for accuracy. */
  classes?: tf.Tensor1D;
}

export function makeTargets(task: Task, y: Float32Array, classCount: number): Targets {
  return tf.tidy(() => {
    if (task === 'regression') return { task, values: tf.tensor2d(y, [y.length, 1]) };
    const classes = tf.tensor1d(Int32Array.from(y), 'int32');
    return { task, values: tf.cast(tf.oneHot(classes, classCount), 'float32') as tf.Tensor2D, classes };
  });
}

export function disposeTargets(targets: Targets): void {
  targets.values.dispose();
  targets.classes?.dispose();
}

/** Rows [start, start+size) of the targets, as a view for one batch. */
export function sliceTargets(targets: Targets, start: number, size: number): Targets {
  return {
    task: targets.task,
    values: tf.slice(targets.values, [start, 0], [size, -1]),
    classes: targets.classes ? tf.slice(targets.classes, [start], [size]) : undefined,
  };
}

/** Sum over the batch of the per-sample loss, from logits/predictions [n, k]. */
export function lossSum(outputs: tf.Tensor2D, targets: Targets): tf.Scalar {
  if (targets.task === 'regression') return tf.sum(tf.squaredDifference(outputs, targets.values)) as tf.Scalar;
  return tf.neg(tf.sum(tf.mul(targets.values, tf.logSoftmax(outputs)))) as tf.Scalar;
}

/** Number of correctly classified rows given scores [n, classes] (logits or log-probabilities). */
export function correctCount(scores: tf.Tensor2D, targets: Targets): tf.Scalar {
  if (!targets.classes) throw new Error('accuracy is defined for classification only');
  return tf.sum(tf.cast(tf.equal(tf.argMax(scores, 1), targets.classes), 'float32'));
}

/**
 * Monte-Carlo dropout: the prediction is the mean over T stochastic passes. For classification the mean of the
 * softmax probabilities, computed in log space: log p̄ = logsumexp_t(log p_t) − log T.
 * Returns the loss sum and (classification) the correct count of that averaged prediction, and the sum over samples
 * of its predictive uncertainty: classification the entropy H[p̄] = −Σ_k p̄_k log p̄_k (nats); regression the
 * variance of the T passes' predictions (divided by T, the spread of this ensemble itself).
 */
export function monteCarloScores(passes: tf.Tensor2D[], targets: Targets): { lossSum: tf.Scalar; correct?: tf.Scalar; uncertaintySum: tf.Scalar } {
  if (targets.task === 'regression') {
    const { mean, variance } = tf.moments(tf.stack(passes), 0);
    return { lossSum: lossSum(mean as tf.Tensor2D, targets), uncertaintySum: tf.sum(variance) as tf.Scalar };
  }
  const logProbabilities = tf.stack(passes.map((logits) => tf.logSoftmax(logits)));
  const logMean = tf.sub(tf.logSumExp(logProbabilities, 0), Math.log(passes.length)) as tf.Tensor2D;
  return {
    lossSum: tf.neg(tf.sum(tf.mul(targets.values, logMean))) as tf.Scalar,
    correct: correctCount(logMean, targets),
    uncertaintySum: entropySum(logMean),
  };
}

/** Σ over rows of the entropy −Σ_k p_k log p_k (nats) of the distributions given as log-probabilities [n, k]. */
export function entropySum(logProbabilities: tf.Tensor2D): tf.Scalar {
  return tf.neg(tf.sum(tf.mul(tf.exp(logProbabilities), logProbabilities))) as tf.Scalar;
}
