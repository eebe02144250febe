/**
 * An image folder: one subfolder per class (class names = subfolder names, sorted), PNG and JPEG files of one size.
 * Decoding is the slow part, so a folder is decoded once and kept in the DataFiles' image cache (the run store's
 * `.cache/`) under a key naming its content and the decoding options: trainers of a sweep read floats, and a changed
 * folder gets a new key. Every problem is a DatasetError naming the file (or the class folder) at fault.
 */
import * as path from 'node:path';
import type { ImagesDataset } from '../../core/spec';
import { createRng, deriveSeed } from '../random';
import { decodeImage, isGrey, writePixels, type DecodedImage } from './imageDecode';
import { shuffleAndSplit, splitCounts } from './split';
import { DatasetError, type DataFiles, type Dataset, type DecodedImages, type ImageFolder } from './types';

/** Bumped when decoding changes what a folder decodes to, so older cache entries are not read. */
const DECODING_VERSION = 1;

const IMAGE_EXTENSION = /\.(png|jpe?g)$/i;

const sizeText = (height: number, width: number): string => `${height}×${width}`;

/** The folder must hold class subfolders with images in each; images at its top level are a misplaced class. */
function checkLayout(folder: ImageFolder): void {
  const looseImage = folder.looseFiles.find((file) => IMAGE_EXTENSION.test(file));
  if (looseImage) {
    throw new DatasetError('this image is directly in the dataset folder; images go in one subfolder per class', { file: looseImage });
  }
  if (folder.classes.length < 2) {
    const found = folder.classes.map(({ name }) => `"${name}"`).join(', ');
    throw new DatasetError(`an images dataset needs at least 2 class subfolders, found ${folder.classes.length}${found ? ` (${found})` : ''}`, {
      file: folder.folder,
      specField: 'path',
    });
  }
  for (const { name, files } of folder.classes) {
    if (files.length === 0) throw new DatasetError(`the class folder "${name}" has no images`, { file: path.join(folder.folder, name) });
  }
}

/** Decodes every file, checks that all have one size (dataset.size, else the first image's) and fit `channels`. */
export function decodeImageFolder(folder: ImageFolder, spec: Pick<ImagesDataset, 'size' | 'channels'>): DecodedImages {
  const decoded: DecodedImage[] = [];
  let expected: { height: number; width: number; file: string } | undefined = spec.size
    ? { height: spec.size[0], width: spec.size[1], file: '' }
    : undefined;
  let allGrey = true;
  for (const { files } of folder.classes) {
    for (const { file, bytes } of files) {
      const image = decodeImage(bytes, file);
      expected ??= { height: image.height, width: image.width, file };
      if (image.height !== expected.height || image.width !== expected.width) {
        const against = expected.file
          ? `the first image (${expected.file}) is ${sizeText(expected.height, expected.width)}`
          : `dataset.size is [${expected.height}, ${expected.width}]`;
        throw new DatasetError(`the image is ${sizeText(image.height, image.width)} (height × width), but ${against}`, {
          file,
          ...(expected.file || decoded.length > 0 ? {} : { specField: 'size' as const }),
        });
      }
      const grey = isGrey(image);
      if (!grey && spec.channels === 1) {
        throw new DatasetError('the image has colour pixels, but dataset.channels is 1 (grey); set channels to 3 or leave it out', {
          file,
          specField: 'channels',
        });
      }
      allGrey &&= grey;
      decoded.push(image);
    }
  }
  const { height, width } = expected!;
  const channels = spec.channels ?? (allGrey ? 1 : 3);
  const imageValues = height * width * channels;
  const pixels = new Float32Array(decoded.length * imageValues);
  decoded.forEach((image, index) => writePixels(image, channels, pixels, index * imageValues));
  return {
    shape: [height, width, channels],
    classNames: folder.classes.map(({ name }) => name),
    classCounts: folder.classes.map(({ files }) => files.length),
    pixels,
  };
}

/** The cache key: the folder's content, the channels asked for (they change the floats), the decoding's version. */
export function imageCacheKey(folder: ImageFolder, spec: Pick<ImagesDataset, 'channels'>): string {
  return `${folder.contentHash}-c${spec.channels ?? 'auto'}-v${DECODING_VERSION}`;
}

/** The folder's images, from the cache when it has them (size checked again: the cache knows no dataset.size). */
export function readImageFolder(spec: ImagesDataset, files: DataFiles): { folder: ImageFolder; images: DecodedImages } {
  const folder = files.imageFolder(spec.path, 'path');
  checkLayout(folder);
  const key = imageCacheKey(folder, spec);
  let images = files.imageCache?.read(key);
  if (!images) {
    images = decodeImageFolder(folder, spec);
    files.imageCache?.write(key, images);
  }
  const [height, width] = images.shape;
  if (spec.size && (spec.size[0] !== height || spec.size[1] !== width)) {
    throw new DatasetError(`the images are ${sizeText(height, width)} (height × width), but dataset.size is [${spec.size[0]}, ${spec.size[1]}]`, {
      file: folder.classes[0]!.files[0]!.file,
      specField: 'size',
    });
  }
  return { folder, images };
}

/** The folder's images split into train / validation / test by a seeded shuffle, as a CSV's rows are. */
export function loadImages(spec: ImagesDataset, seed: number, files: DataFiles): Dataset {
  const { folder, images } = readImageFolder(spec, files);
  const [height, width, channels] = images.shape;
  const featureCount = height * width * channels;
  const count = images.classCounts.reduce((sum, classCount) => sum + classCount, 0);
  const labels = new Float32Array(count);
  let start = 0;
  images.classCounts.forEach((classCount, classIndex) => {
    labels.fill(classIndex, start, start + classCount);
    start += classCount;
  });
  const counts = splitCounts(count, spec.validationFraction, spec.testFraction);
  const splits = shuffleAndSplit(images.pixels, labels, featureCount, counts, createRng(deriveSeed(deriveSeed(seed, 'dataset'), 'split')));
  const classCount = images.classNames.length;
  return {
    description: `${path.basename(folder.folder)} (${count} images ${height}×${width}×${channels}, ${classCount} classes)`,
    task: 'classification',
    featureCount,
    imageShape: [height, width, channels],
    classCount,
    classNames: images.classNames,
    ...splits,
    ...(spec.augment ? { augment: { ...spec.augment } } : {}),
  };
}
