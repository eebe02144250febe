export { loadDataset, type LoadDatasetOptions } from './load';
export { makeMoons, makeCircles, makeSpirals, balancedClassCounts, SPIRAL_START_RADIUS } from './synthetic';
export { loadMnist, mnistSplitOrder, MNIST_PIXELS, MNIST_CLASSES } from './mnist';
export { loadCsv, parseCsv, type CsvRecord } from './csv';
export { loadImages, readImageFolder, decodeImageFolder, imageCacheKey } from './images';
export { augmentImages, type AugmentOptions } from './augment';
export { splitCounts, validationCount } from './split';
export { DatasetError, type Dataset, type Split, type DecodedImages, type ImageCache, type ImageFolder } from './types';
