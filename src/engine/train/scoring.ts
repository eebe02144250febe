/**
 * Scoring a whole split in chunks (deterministic rule or T Monte-Carlo passes), and the test split's one scoring
 * when a trial has finished. The training loop (loop.ts) scores train and validation every epoch with these.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TestMetrics } from '../../core/trial';
import type { Dataset, Split } from '../datasets/types';
import { maskStreams, type DropoutMode } from '../model/dropout';
import type { Network } from '../model/network';
import { evaluationChunkRows } from '../model/estimate';
import { deriveSeed } from '../random';
import { correctCount, disposeTargets, lossSum, makeTargets, monteCarloScores, sliceTargets, type Targets } from './metrics';


export interface DeviceSplit {
  count: number;
  x: tf.Tensor2D;
  targets: Targets;
}

export function toDevice(split: Split, dataset: Dataset): DeviceSplit {
  return {
    count: split.count,
    x: tf.tensor2d(split.x, [split.count, dataset.featureCount]),
    targets: makeTargets(dataset.task, split.y, dataset.classCount),
  };
}

export function disposeSplit(split: DeviceSplit): void {
  split.x.dispose();
  disposeTargets(split.targets);
}

/**
 * [lossSum, correct, uncertaintySum] over a whole split, evaluated in chunks, with T stochastic passes when mode is
 * sampled (uncertaintySum: see monteCarloScores; 0 for the deterministic rule).
 */
export function scoreSplit(network: Network, split: DeviceSplit, mode: DropoutMode, passes: number): tf.Tensor1D {
  let total: tf.Tensor1D = tf.zeros([3]);
  const chunk = evaluationChunkRows(network.activationsPerSample);
  for (let start = 0; start < split.count; start += chunk) {
    // A tidy per chunk, and one per Monte-Carlo pass: only a pass's outputs outlive its activations.
    const next = tf.tidy(() => {
      const size = Math.min(chunk, split.count - start);
      const x = tf.slice(split.x, [start, 0], [size, -1]);
      const targets = sliceTargets(split.targets, start, size);
      let loss: tf.Scalar;
      let correct: tf.Scalar | undefined;
      let uncertainty: tf.Scalar | undefined;
      if (mode.kind === 'sampled') {
        const outputs = Array.from({ length: passes }, () => tf.tidy(() => network.forward(x, mode)));
        ({ lossSum: loss, correct, uncertaintySum: uncertainty } = monteCarloScores(outputs, targets));
      } else {
        const outputs = network.forward(x, mode);
        loss = lossSum(outputs, targets);
        correct = targets.classes ? correctCount(outputs, targets) : undefined;
      }
      return tf.add(total, tf.stack([loss, correct ?? tf.scalar(0), uncertainty ?? tf.scalar(0)])) as tf.Tensor1D;
    });
    total.dispose();
    total = next;
  }
  return total;
}

/**
 * The test split scored once, on the kept weights (written into the model, which the trial no longer trains): the
 * deterministic inference rule, and Monte-Carlo dropout with evaluation.mcSamples passes drawn from their own mask
 * stream. Called only when the trial has finished, after every choice was made; nothing reads it back into one.
 */
export async function scoreTest(
  { dataset, mcSamples, seed }: { dataset: Dataset; mcSamples: number; seed: number }, network: Network, weights: tf.Tensor[],
): Promise<TestMetrics> {
  network.weights.forEach((variable, index) => variable.assign(weights[index]!));
  const test = toDevice(dataset.test, dataset);
  try {
    const masks: DropoutMode = { kind: 'sampled', stream: maskStreams(deriveSeed(seed, 'mc-test')) };
    const scores = tf.tidy(() => tf.concat([
      scoreSplit(network, test, { kind: 'deterministic' }, 1),
      mcSamples > 0 ? scoreSplit(network, test, masks, mcSamples) : tf.zeros([3]),
    ]));
    const [loss, correct, , mcLoss, mcCorrect] = await scores.data();
    scores.dispose();
    const classification = dataset.task === 'classification';
    const count = test.count;
    return {
      loss: loss / count,
      ...(classification ? { acc: correct / count } : {}),
      ...(mcSamples > 0 ? { mc_loss: mcLoss / count, ...(classification ? { mc_acc: mcCorrect / count } : {}) } : {}),
      samples: count,
    };
  } finally {
    disposeSplit(test);
  }
}
