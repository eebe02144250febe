export { loadDataset, type LoadDatasetOptions } from './load';
export { makeMoons, makeCircles, makeSpirals, balancedClassCounts, SPIRAL_START_RADIUS } from './synthetic';
export { loadMnist, mnistSplitOrder, MNIST_PIXELS, MNIST_CLASSES } from './mnist';
export { loadCsv, parseCsv, type CsvRecord } from './csv';
export { splitCounts, validationCount } from './split';
export { DatasetError, type Dataset, type Split } from './types';
