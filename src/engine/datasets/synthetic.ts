/**
 * Two-dimensional toy sets. Moons and circles follow scikit-learn's make_moons / make_circles geometry; spirals
 * are the classic interleaved arms. Points are generated class by class, noise is added, then rows are shuffled
 * and split. Noise and shuffle draw from separate derived seeds, so the same seed with a different `noise` gives
 * the same row order and labels (the points differ only by the noise).
 */
import type { CirclesDataset, MoonsDataset, SpiralsDataset } from '../../core/spec';
import { createRng, deriveSeed } from '../random';
import { shuffleAndSplit, splitCounts } from './split';
import { DatasetError, type Dataset } from './types';

/** Where a spiral arm starts; > 0 so that the arms do not all begin at the same point. */
export const SPIRAL_START_RADIUS = 0.05;

/** `samples` split as evenly as possible into `classes`; the remainder goes to the first classes. */
export function balancedClassCounts(samples: number, classes: number): number[] {
  const base = Math.floor(samples / classes);
  const remainder = samples % classes;
  return Array.from({ length: classes }, (_, k) => base + (k < remainder ? 1 : 0));
}

/** The i-th of `count` evenly spaced values from `start` to `stop`, with or without `stop` (numpy.linspace). */
function linspaceAt(start: number, stop: number, count: number, i: number, includeStop: boolean): number {
  if (count === 1) return start;
  return start + (i * (stop - start)) / (includeStop ? count - 1 : count);
}

type PointOnCurve = (classIndex: number, pointIndex: number, classCount: number) => [number, number];

/** Lays out the noiseless points class by class, adds noise, shuffles and splits. */
function buildTwoDimensional(
  name: string,
  description: string,
  samples: number,
  classes: number,
  noise: number,
  fractions: { validationFraction: number; testFraction?: number },
  seed: number,
  pointOnCurve: PointOnCurve,
): Dataset {
  if (!Number.isInteger(samples) || samples < Math.max(2, classes)) {
    throw new DatasetError(`${name}: need at least ${Math.max(2, classes)} samples, got ${samples}`);
  }
  const counts = splitCounts(samples, fractions.validationFraction, fractions.testFraction);
  const dataSeed = deriveSeed(seed, 'dataset');
  const noiseRng = createRng(deriveSeed(dataSeed, 'noise'));
  const x = new Float32Array(samples * 2);
  const y = new Float32Array(samples);
  let row = 0;
  balancedClassCounts(samples, classes).forEach((count, classIndex) => {
    for (let i = 0; i < count; i++, row++) {
      const [px, py] = pointOnCurve(classIndex, i, count);
      // Always draw, even when noise is 0, so that the stream does not depend on the noise level.
      x[row * 2] = px + noise * noiseRng.normal();
      x[row * 2 + 1] = py + noise * noiseRng.normal();
      y[row] = classIndex;
    }
  });
  const splits = shuffleAndSplit(x, y, 2, counts, createRng(deriveSeed(dataSeed, 'split')));
  return { description, task: 'classification', featureCount: 2, classCount: classes, ...splits };
}

export function makeMoons(spec: MoonsDataset, seed: number): Dataset {
  return buildTwoDimensional(
    'moons',
    `moons (${spec.samples} samples, noise ${spec.noise})`,
    spec.samples,
    2,
    spec.noise,
    spec,
    seed,
    (classIndex, i, count) => {
      const t = linspaceAt(0, Math.PI, count, i, true);
      // Class 0: upper half of the unit circle; class 1: the lower arc shifted right by 1 and up by 0.5.
      return classIndex === 0 ? [Math.cos(t), Math.sin(t)] : [1 - Math.cos(t), 1 - Math.sin(t) - 0.5];
    },
  );
}

export function makeCircles(spec: CirclesDataset, seed: number): Dataset {
  return buildTwoDimensional(
    'circles',
    `circles (${spec.samples} samples, noise ${spec.noise}, factor ${spec.factor})`,
    spec.samples,
    2,
    spec.noise,
    spec,
    seed,
    (classIndex, i, count) => {
      // Without the endpoint, as scikit-learn does: 2π would repeat the point at 0.
      const t = linspaceAt(0, 2 * Math.PI, count, i, false);
      const radius = classIndex === 0 ? 1 : spec.factor;
      return [radius * Math.cos(t), radius * Math.sin(t)];
    },
  );
}

export function makeSpirals(spec: SpiralsDataset, seed: number): Dataset {
  return buildTwoDimensional(
    'spirals',
    `spirals (${spec.samples} samples, ${spec.classes} arms, ${spec.turns} half-turns, noise ${spec.noise})`,
    spec.samples,
    spec.classes,
    spec.noise,
    spec,
    seed,
    (classIndex, i, count) => {
      const progress = linspaceAt(0, 1, count, i, true);
      const radius = SPIRAL_START_RADIUS + (1 - SPIRAL_START_RADIUS) * progress;
      const angle = progress * spec.turns * Math.PI + (2 * Math.PI * classIndex) / spec.classes;
      return [radius * Math.cos(angle), radius * Math.sin(angle)];
    },
  );
}
