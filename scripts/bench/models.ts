/** The models the throughput bench trains: specs through the real parser, on data whose content does not matter. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ExperimentSpec, LayerSpec } from '../../src/core/spec';
import { loadDataset, type Dataset } from '../../src/engine/datasets';
import { createRng } from '../../src/engine/random';
import { parseSpec } from '../../src/engine/spec/parse';
import { workspaceFiles } from '../../src/workspace/dataFiles';
import { root } from './options';

export type ModelName = 'small' | 'wide' | 'mnist' | 'cnn';

export interface ModelCase {
  name: ModelName;
  title: string;
  /** A spec through the real parser, so the engine runs exactly what a user's file would. */
  spec: ExperimentSpec;
  dataset: Dataset;
  /** Hidden-layer dropout rate trained (a layer list: the rate of its dropout layers). */
  rate: number;
}

/** The convnet of examples/mnist-cnn: conv 32 → pool → conv 64 → pool → dense 128, spatial dropout after the convs. */
const convnet: LayerSpec[] = [
  { type: 'conv2d', filters: 32, kernelSize: 3, strides: 1, padding: 'valid', activation: 'relu', useBias: true },
  { type: 'maxPooling2d', poolSize: 2, padding: 'valid' },
  { type: 'spatialDropout2d' },
  { type: 'conv2d', filters: 64, kernelSize: 3, strides: 1, padding: 'valid', activation: 'relu', useBias: true },
  { type: 'maxPooling2d', poolSize: 2, padding: 'valid' },
  { type: 'spatialDropout2d' },
  { type: 'flatten' },
  { type: 'dense', units: 128, activation: 'relu', useBias: true },
  { type: 'dropout' },
];

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

/** A spec of the repository's examples, or one written here, through the parser (which fills the defaults). */
export function specOf(source: { example: string } | object): ExperimentSpec {
  const text = 'example' in source ? fs.readFileSync(path.join(root, 'examples', `${source.example}.dropout.json`), 'utf8') : JSON.stringify(source);
  const { spec, problems } = parseSpec(text);
  if (!spec) throw new Error(`bench spec is invalid: ${JSON.stringify(problems)}`);
  return spec;
}

export function modelCase(name: ModelName, epochs: number): ModelCase {
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
      const parsed = specOf({ example: 'mnist' });
      const spec: ExperimentSpec = { ...parsed, training: { ...parsed.training, epochs } };
      const dataset = loadDataset(spec.dataset, { seed: spec.training.seed, files: workspaceFiles(path.join(root, 'examples')) });
      const hidden = spec.model.hidden.join('-');
      return {
        name, title: `MNIST example 784-${hidden}-10, batch ${spec.training.batchSize as number}`, spec, dataset,
        rate: spec.sweep.rates[spec.sweep.rates.length - 1],
      };
    }
    case 'cnn': {
      // The parser's defaults for the rest; the layer list is set on the parsed spec (as the parser gives it).
      const parsed = specOf({
        name, dataset: { type: 'moons', samples: 100 }, model: { hidden: [8] },
        training: { ...training, batchSize: 64 }, sweep: { rates: [0.25] }, evaluation: { mcSamples: 0 },
      });
      const spec: ExperimentSpec = { ...parsed, model: { ...parsed.model, hidden: [], layers: convnet } };
      const dataset: Dataset = { ...randomDataset(784, 10, 1024, 256), imageShape: [28, 28, 1] };
      return { name, title: 'CNN 28×28 conv32-pool-conv64-pool-128-10, batch 64', spec, dataset, rate: 0.25 };
    }
  }
}
