import type { DatasetSpec } from '../../core/spec';
import { loadCsv } from './csv';
import { loadImages } from './images';
import { loadMnist } from './mnist';
import { makeCircles, makeMoons, makeSpirals } from './synthetic';
import type { DataFiles, Dataset } from './types';

export interface LoadDatasetOptions {
  /** The data's seed; the same seed gives the same points, order and split. */
  seed: number;
  /** The files the spec names (relative to its folder), the MNIST digits and the image cache, read for the engine. */
  files: DataFiles;
}

/** Builds or reads the dataset a spec describes. Problems in the data itself throw a DatasetError. */
export function loadDataset(spec: DatasetSpec, options: LoadDatasetOptions): Dataset {
  switch (spec.type) {
    case 'moons':
      return makeMoons(spec, options.seed);
    case 'circles':
      return makeCircles(spec, options.seed);
    case 'spirals':
      return makeSpirals(spec, options.seed);
    case 'mnist':
      return loadMnist(spec, options.seed, options.files);
    case 'csv':
      return loadCsv(spec, options.seed, options.files);
    case 'images':
      return loadImages(spec, options.seed, options.files);
    default: {
      const unreachable: never = spec;
      throw new Error(`unknown dataset type ${JSON.stringify((unreachable as { type: unknown }).type)}`);
    }
  }
}
