import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import type { ImagesDataset } from '../../src/core/spec';
import { imageCacheKey, loadImages, readImageFolder, type DecodedImages, type ImageCache } from '../../src/engine/datasets';
import { DEFAULT_LIMITS } from '../../src/engine/model/estimate';
import { preflight } from '../../src/engine/preflight';
import { parseSpec } from '../../src/engine/spec/parse';
import { imageCache, imageCacheFiles } from '../../src/store/datasetCache';
import { datasetCacheDir } from '../../src/store/layout';
import { workspaceFiles } from '../../src/workspace/dataFiles';
import { tempDir, tinySpec } from '../support/specs';
import { datasetErrorOf } from '../support/datasetErrors';

/** RGBA pixels of a width × height image from a function of (row, column) giving [r, g, b] or [r, g, b, a]. */
function rgba(height: number, width: number, colour: (row: number, column: number) => number[]): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let row = 0; row < height; row++) {
    for (let column = 0; column < width; column++) {
      const [r, g, b, a = 255] = colour(row, column);
      data.set([r!, g!, b!, a], (row * width + column) * 4);
    }
  }
  return data;
}

/** PNG bytes: colorType 0 grey, 2 RGB, 6 RGBA. */
function png(height: number, width: number, colour: (row: number, column: number) => number[], colorType: 0 | 2 | 6 = 2): Buffer {
  const image = new PNG({ width, height });
  rgba(height, width, colour).copy(image.data);
  return PNG.sync.write(image, { colorType });
}

function jpegBytes(height: number, width: number, colour: (row: number, column: number) => number[]): Buffer {
  return jpeg.encode({ width, height, data: rgba(height, width, colour) }, 100).data;
}

const images = (overrides: Partial<ImagesDataset> = {}): ImagesDataset => ({ type: 'images', path: 'pictures', validationFraction: 0.25, ...overrides });

/** A spec folder holding `files` (path → bytes) under pictures/. */
function specFolder(files: Record<string, Buffer | string>): string {
  const dir = tempDir('dropout-lab-images-');
  for (const [name, bytes] of Object.entries(files)) {
    const file = path.join(dir, 'pictures', name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, bytes);
  }
  return dir;
}

const errorOf = datasetErrorOf;

const grey = (level: number) => () => [level, level, level];
const byteLevels = (values: Float32Array): number[] => [...values].map((value) => Math.round(value * 255));

describe('image folders: decoding', () => {
  test('grey PNGs give 1 channel, pixels in [0, 1] HWC row-major, classes sorted, images in file order', () => {
    const dir = specFolder({
      'b/1.png': png(2, 3, (row, column) => [row * 10 + column, row * 10 + column, row * 10 + column], 0),
      'b/0.png': png(2, 3, grey(255), 0),
      'a/x.png': png(2, 3, grey(0), 0),
    });
    const { images: decoded } = readImageFolder(images(), workspaceFiles(dir));
    assert.deepEqual(decoded.shape, [2, 3, 1]);
    assert.deepEqual(decoded.classNames, ['a', 'b']);
    assert.deepEqual(decoded.classCounts, [1, 2]);
    assert.deepEqual(byteLevels(decoded.pixels), [0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255, 0, 1, 2, 10, 11, 12]);
    assert.equal(decoded.pixels[1 * 6 + 0], 1);
  });

  test('RGB and RGBA PNGs give 3 channels (alpha dropped); a grey image among colour ones is replicated', () => {
    const dir = specFolder({
      'a/rgb.png': png(1, 2, (_, column) => [column ? 10 : 200, 20, 30]),
      'a/rgba.png': png(1, 2, () => [40, 50, 60, 0], 6),
      'b/grey.png': png(1, 2, grey(7), 0),
    });
    const { images: decoded } = readImageFolder(images(), workspaceFiles(dir));
    assert.deepEqual(decoded.shape, [1, 2, 3]);
    assert.deepEqual(byteLevels(decoded.pixels), [200, 20, 30, 10, 20, 30, 40, 50, 60, 40, 50, 60, 7, 7, 7, 7, 7, 7]);
  });

  test('channels 3 given on grey images replicates them; channels 1 given on a colour image names that file', () => {
    const dir = specFolder({ 'a/0.png': png(2, 2, grey(9), 0), 'b/0.png': png(2, 2, grey(3), 0), 'b/1.png': png(2, 2, () => [1, 2, 3]) });
    const error = errorOf(() => readImageFolder(images({ channels: 1 }), workspaceFiles(dir)));
    assert.equal(error.location?.file, path.join(dir, 'pictures', 'b', '1.png'));
    assert.equal(error.location?.specField, 'channels');
    assert.match(error.message, /colour pixels, but dataset.channels is 1/);
    fs.rmSync(path.join(dir, 'pictures', 'b', '1.png'));
    const { images: decoded } = readImageFolder(images({ channels: 3 }), workspaceFiles(dir));
    assert.deepEqual(decoded.shape, [2, 2, 3]);
    assert.deepEqual(byteLevels(decoded.pixels.subarray(0, 6)), [9, 9, 9, 9, 9, 9]);
  });

  test('JPEG and PNG files decode side by side; a grey JPEG counts as grey', () => {
    const dir = specFolder({
      'a/0.jpg': jpegBytes(8, 8, grey(100)),
      'b/0.jpeg': jpegBytes(8, 8, grey(200)),
      'b/1.png': png(8, 8, grey(50), 0),
    });
    const { images: decoded } = readImageFolder(images(), workspaceFiles(dir));
    assert.deepEqual(decoded.shape, [8, 8, 1]);
    const levels = byteLevels(decoded.pixels);
    assert.ok(levels.slice(0, 64).every((level) => Math.abs(level - 100) <= 1), `${levels.slice(0, 64)}`);
    assert.ok(levels.slice(64, 128).every((level) => Math.abs(level - 200) <= 1));
    assert.ok(levels.slice(128).every((level) => level === 50));
    const colour = specFolder({ 'a/0.jpg': jpegBytes(8, 8, () => [250, 10, 10]), 'b/0.png': png(8, 8, grey(50), 0) });
    const red = readImageFolder(images(), workspaceFiles(colour)).images;
    assert.deepEqual(red.shape, [8, 8, 3]);
    assert.ok(Math.abs(red.pixels[0]! * 255 - 250) <= 3 && red.pixels[1]! * 255 < 15, `${red.pixels.subarray(0, 3)}`);
  });

  test('size inferred from the first image; another size names the file; dataset.size checked against the first', () => {
    const dir = specFolder({ 'a/0.png': png(4, 5, grey(1)), 'a/1.png': png(4, 5, grey(2)), 'b/0.png': png(5, 4, grey(3)) });
    const error = errorOf(() => readImageFolder(images(), workspaceFiles(dir)));
    const first = path.join(dir, 'pictures', 'a', '0.png');
    assert.equal(error.location?.file, path.join(dir, 'pictures', 'b', '0.png'));
    assert.equal(error.location?.specField, undefined);
    assert.equal(error.detail, `the image is 5×4 (height × width), but the first image (${first}) is 4×5`);
    fs.rmSync(path.join(dir, 'pictures', 'b', '0.png'));
    fs.writeFileSync(path.join(dir, 'pictures', 'b', '0.png'), png(4, 5, grey(3)));
    assert.deepEqual(readImageFolder(images(), workspaceFiles(dir)).images.shape, [4, 5, 1]);
    const given = errorOf(() => readImageFolder(images({ size: [5, 5] }), workspaceFiles(dir)));
    assert.equal(given.location?.file, first);
    assert.equal(given.location?.specField, 'size');
    assert.equal(given.detail, 'the image is 4×5 (height × width), but dataset.size is [5, 5]');
  });

  test('a broken PNG, a truncated JPEG and a text file are each named', () => {
    const good = { 'a/0.png': png(3, 3, grey(1)), 'b/0.png': png(3, 3, grey(1)) };
    const truncatedPng = png(3, 3, grey(1)).subarray(0, 40);
    const brokenPng = errorOf(() => readImageFolder(images(), workspaceFiles(specFolder({ ...good, 'b/1.png': truncatedPng }))));
    assert.match(brokenPng.message, /b[\\/]1\.png: cannot decode this PNG file: /);
    const truncatedJpeg = jpegBytes(16, 16, (row) => [row * 10, 0, 0]).subarray(0, 300);
    const brokenJpeg = errorOf(() => readImageFolder(images(), workspaceFiles(specFolder({ ...good, 'a/1.jpg': truncatedJpeg }))));
    assert.match(brokenJpeg.message, /a[\\/]1\.jpg: cannot decode this JPEG file: /);
    // A PNG whose header claims 100000 × 100000 pixels is refused before it is inflated.
    const huge = png(3, 3, grey(1));
    huge.writeUInt32BE(100000, 16);
    huge.writeUInt32BE(100000, 20);
    const bomb = errorOf(() => readImageFolder(images(), workspaceFiles(specFolder({ ...good, 'a/huge.png': huge }))));
    assert.match(bomb.message, /a[\\/]huge\.png: cannot decode this PNG file: larger than 50 megapixels/);
    const text = errorOf(() => readImageFolder(images(), workspaceFiles(specFolder({ ...good, 'a/notes.txt': 'hello' }))));
    assert.match(text.message, /a[\\/]notes\.txt: not a PNG or JPEG image/);
  });

  test('layout: fewer than 2 classes, an empty class folder, an image outside the class folders; dot files and a README ignored', () => {
    const one = errorOf(() => readImageFolder(images(), workspaceFiles(specFolder({ 'only/0.png': png(2, 2, grey(1)) }))));
    assert.equal(one.detail, 'an images dataset needs at least 2 class subfolders, found 1 ("only")');
    assert.equal(one.location?.specField, 'path');
    const emptyDir = specFolder({ 'a/0.png': png(2, 2, grey(1)), 'b/0.png': png(2, 2, grey(1)) });
    fs.mkdirSync(path.join(emptyDir, 'pictures', 'c'));
    const empty = errorOf(() => readImageFolder(images(), workspaceFiles(emptyDir)));
    assert.equal(empty.message, `${path.join(emptyDir, 'pictures', 'c')}: the class folder "c" has no images`);
    const loose = errorOf(() => readImageFolder(images(), workspaceFiles(specFolder({
      'a/0.png': png(2, 2, grey(1)), 'b/0.png': png(2, 2, grey(1)), 'stray.PNG': png(2, 2, grey(1)),
    }))));
    assert.match(loose.message, /stray\.PNG: this image is directly in the dataset folder/);
    const ignored = specFolder({
      'a/0.png': png(2, 2, grey(1)), 'b/0.png': png(2, 2, grey(1)), 'README.md': '# shapes', 'a/.DS_Store': 'x', '.hidden/0.png': 'x',
    });
    assert.deepEqual(readImageFolder(images(), workspaceFiles(ignored)).images.classCounts, [1, 1]);
  });

  test('confinement: a folder outside the spec folder, a symlinked folder or image leading out, a missing folder', () => {
    const dir = specFolder({ 'a/0.png': png(2, 2, grey(1)), 'b/0.png': png(2, 2, grey(1)) });
    const outside = specFolder({ 'a/0.png': png(2, 2, grey(1)), 'b/0.png': png(2, 2, grey(1)) });
    assert.match(errorOf(() => readImageFolder(images({ path: path.relative(dir, path.join(outside, 'pictures')) }), workspaceFiles(dir))).message,
      /must stay inside the spec's folder/);
    fs.symlinkSync(path.join(outside, 'pictures'), path.join(dir, 'linked'));
    assert.match(errorOf(() => readImageFolder(images({ path: 'linked' }), workspaceFiles(dir))).message, /outside the spec's folder .* symbolic link/);
    fs.symlinkSync(path.join(outside, 'pictures', 'a'), path.join(dir, 'pictures', 'c'));
    const linkedClass = errorOf(() => readImageFolder(images(), workspaceFiles(dir)));
    assert.equal(linkedClass.location?.file, path.join(dir, 'pictures', 'c'));
    assert.match(linkedClass.message, /leads outside the spec's folder/);
    fs.rmSync(path.join(dir, 'pictures', 'c'));
    fs.symlinkSync(path.join(outside, 'pictures', 'a', '0.png'), path.join(dir, 'pictures', 'a', '1.png'));
    assert.match(errorOf(() => readImageFolder(images(), workspaceFiles(dir))).message, /a[\\/]1\.png: leads outside the spec's folder/);
    const missing = errorOf(() => readImageFolder(images({ path: 'nope' }), workspaceFiles(dir)));
    assert.equal(missing.detail, `folder not found: ${path.join(dir, 'nope')}`);
    fs.writeFileSync(path.join(dir, 'file.png'), png(2, 2, grey(1)));
    assert.match(errorOf(() => readImageFolder(images({ path: 'file.png' }), workspaceFiles(dir))).message, /not a folder/);
  });
});

describe('image folders: the dataset cache', () => {
  /** The run store's cache, counting reads that found an entry and writes. */
  function countingCache(dir: string): ImageCache & { hits: number; writes: number } {
    const inner = imageCache(dir);
    const counting = {
      hits: 0,
      writes: 0,
      read: (key: string) => {
        const found = inner.read(key);
        if (found) counting.hits++;
        return found;
      },
      write: (key: string, decoded: DecodedImages) => {
        counting.writes++;
        inner.write(key, decoded);
      },
    };
    return counting;
  }

  test('the first load writes the cache; later loads read it and do not decode; a changed folder makes a new entry', () => {
    const dir = specFolder({ 'a/0.png': png(2, 2, grey(10)), 'a/1.png': png(2, 2, grey(20)), 'b/0.png': png(2, 2, grey(30)), 'b/1.png': png(2, 2, grey(40)) });
    const cacheDir = datasetCacheDir(path.join(dir, '.dropout', 'runs'));
    const cache = countingCache(cacheDir);
    const files = workspaceFiles(dir, cache);
    const first = readImageFolder(images(), files);
    assert.deepEqual([cache.hits, cache.writes], [0, 1]);
    const key = imageCacheKey(first.folder, images());
    const entry = imageCacheFiles(cacheDir, key);
    assert.deepEqual(JSON.parse(fs.readFileSync(entry.header, 'utf8')), { version: 1, key, shape: [2, 2, 1], classNames: ['a', 'b'], classCounts: [2, 2] });
    assert.equal(fs.statSync(entry.pixels).size, 4 * 4 * 4);

    // Overwrite the cached floats: a load that still decoded would not see them.
    const marked = new Float32Array(16).map((_, i) => i / 100);
    fs.writeFileSync(entry.pixels, new Uint8Array(marked.buffer));
    const second = loadImages(images({ validationFraction: 0.5 }), 1, files);
    assert.deepEqual([cache.hits, cache.writes], [1, 1]);
    const seen = [...second.train.x, ...second.validation.x].map((value) => Math.round(value * 100)).sort((a, b) => a - b);
    assert.deepEqual(seen, Array.from({ length: 16 }, (_, i) => i));
    assert.deepEqual(fs.readdirSync(cacheDir).sort(), [`${key}.f32`, `${key}.json`]);

    // Another process (a trainer) with its own cache object finds the same entry.
    const trainerCache = countingCache(cacheDir);
    readImageFolder(images(), workspaceFiles(dir, trainerCache));
    assert.deepEqual([trainerCache.hits, trainerCache.writes], [1, 0]);

    // One changed pixel: a new key, decoded and written beside the old entry.
    fs.writeFileSync(path.join(dir, 'pictures', 'b', '1.png'), png(2, 2, (row) => (row ? [41, 41, 41] : [40, 40, 40])));
    const changed = readImageFolder(images(), files);
    assert.notEqual(imageCacheKey(changed.folder, images()), key);
    assert.deepEqual([cache.hits, cache.writes], [1, 2]);
    assert.deepEqual(byteLevels(changed.images.pixels.subarray(12)), [40, 40, 41, 41]);
    assert.equal(fs.readdirSync(cacheDir).length, 4);

    // Channels asked for change the floats, so they change the key too; a renamed file changes the hash.
    assert.notEqual(imageCacheKey(changed.folder, images({ channels: 3 })), imageCacheKey(changed.folder, images()));
    fs.renameSync(path.join(dir, 'pictures', 'a', '1.png'), path.join(dir, 'pictures', 'a', '2.png'));
    assert.notEqual(readImageFolder(images(), files).folder.contentHash, changed.folder.contentHash);
  });

  test('a cache entry whose pixels do not match its header is decoded again', () => {
    const dir = specFolder({ 'a/0.png': png(2, 2, grey(10)), 'b/0.png': png(2, 2, grey(30)) });
    const cacheDir = path.join(dir, 'cache');
    const cache = countingCache(cacheDir);
    const { folder } = readImageFolder(images(), workspaceFiles(dir, cache));
    fs.truncateSync(imageCacheFiles(cacheDir, imageCacheKey(folder, images())).pixels, 8);
    const again = readImageFolder(images(), workspaceFiles(dir, cache));
    assert.deepEqual([cache.hits, cache.writes], [0, 2]);
    assert.deepEqual(byteLevels(again.images.pixels), [10, 10, 10, 10, 30, 30, 30, 30]);
  });

  test('dataset.size is checked on a cache hit too', () => {
    const dir = specFolder({ 'a/0.png': png(2, 2, grey(10)), 'b/0.png': png(2, 2, grey(30)) });
    const files = workspaceFiles(dir, imageCache(path.join(dir, 'cache')));
    readImageFolder(images(), files);
    const error = errorOf(() => readImageFolder(images({ size: [3, 2] }), files));
    assert.equal(error.location?.specField, 'size');
    assert.equal(error.detail, 'the images are 2×2 (height × width), but dataset.size is [3, 2]');
  });
});

describe('image folders: the dataset', () => {
  const tenPerClass: Record<string, Buffer> = {};
  for (const [classIndex, name] of ['circle', 'square', 'triangle'].entries()) {
    for (let i = 0; i < 10; i++) tenPerClass[`${name}/${String(i).padStart(2, '0')}.png`] = png(3, 2, grey(classIndex * 100 + i));
  }

  test('seeded splits of exact sizes, labels that match the class folders, the image shape and the augmentation', () => {
    const dir = specFolder(tenPerClass);
    const spec = images({ validationFraction: 0.2, testFraction: 0.1, augment: { flip: true, shift: 0.1 } });
    const dataset = loadImages(spec, 7, workspaceFiles(dir));
    assert.deepEqual([dataset.train.count, dataset.validation.count, dataset.test.count], [21, 6, 3]);
    assert.deepEqual(dataset.imageShape, [3, 2, 1]);
    assert.equal(dataset.featureCount, 6);
    assert.deepEqual(dataset.classNames, ['circle', 'square', 'triangle']);
    assert.equal(dataset.classCount, 3);
    assert.equal(dataset.task, 'classification');
    assert.deepEqual(dataset.augment, { flip: true, shift: 0.1 });
    assert.equal(dataset.description, 'pictures (30 images 3×2×1, 3 classes)');
    // Each image's level says its class (hundreds) and its file (units): every image once, with its own label.
    const levels: number[] = [];
    for (const split of [dataset.train, dataset.validation, dataset.test]) {
      for (let row = 0; row < split.count; row++) {
        const level = Math.round(split.x[row * 6]! * 255);
        assert.equal(Math.floor(level / 100), split.y[row], `level ${level} has label ${split.y[row]}`);
        levels.push(level);
      }
    }
    assert.deepEqual(levels.sort((a, b) => a - b), [...Array(10).keys()].flatMap((i) => [i, 100 + i, 200 + i]).sort((a, b) => a - b));
    const again = loadImages(spec, 7, workspaceFiles(dir));
    assert.deepEqual(again.train.y, dataset.train.y);
    assert.notDeepEqual(loadImages(spec, 8, workspaceFiles(dir)).train.y, dataset.train.y);
    assert.equal(loadImages(images(), 7, workspaceFiles(dir)).augment, undefined);
  });
});

describe('image folders: preflight', () => {
  const folder = (): Record<string, Buffer | string> => ({ 'a/0.png': png(4, 4, grey(10)), 'a/1.png': png(4, 4, grey(20)), 'b/0.png': png(4, 4, grey(30)) });

  function check(dir: string, dataset: ImagesDataset, cacheDir?: string, limits = DEFAULT_LIMITS) {
    const text = JSON.stringify(tinySpec({ dataset }), null, 2);
    const spec = { ...parseSpec(JSON.stringify(tinySpec())).spec!, dataset };
    const specFile = path.join(dir, 'shapes.dropout.json');
    return preflight(spec, specFile, text, limits, workspaceFiles(dir, cacheDir ? imageCache(cacheDir) : undefined));
  }

  test('a good folder passes and is decoded into the cache the trainers read', () => {
    const dir = specFolder(folder());
    const cacheDir = datasetCacheDir(path.join(dir, '.dropout', 'runs'));
    assert.deepEqual(check(dir, images(), cacheDir), []);
    assert.equal(fs.readdirSync(cacheDir).filter((name) => name.endsWith('.f32')).length, 1);
  });

  test('a spec refused by the limits writes no cache (no runs folder appears for a spec that cannot run)', () => {
    const dir = specFolder(folder());
    const runsRoot = path.join(dir, '.dropout', 'runs');
    const problems = check(dir, images(), datasetCacheDir(runsRoot), { ...DEFAULT_LIMITS, maxParameters: 10 });
    assert.deepEqual(problems.map((problem) => problem.path), ['model.hidden']);
    assert.equal(fs.existsSync(runsRoot), false);
  });

  test('a broken image is reported at dataset.path, naming the image from the spec folder', () => {
    const dir = specFolder({ ...folder(), 'b/1.png': 'not a picture' });
    const problems = check(dir, images());
    assert.equal(problems.length, 1);
    const [problem] = problems;
    assert.equal(problem!.file, path.join(dir, 'shapes.dropout.json'));
    assert.equal(problem!.path, 'dataset.path');
    const image = path.join(dir, 'pictures', 'b', '1.png');
    assert.equal(problem!.message, `${image}: not a PNG or JPEG image (the folder may hold only images, one subfolder per class)`);
    assert.equal(problem!.severity, 'error');
  });

  test('dataset.size and dataset.channels problems are shown at those fields; a missing folder at dataset.path', () => {
    const dir = specFolder(folder());
    const [size] = check(dir, images({ size: [4, 5] }));
    assert.equal(size!.path, 'dataset.size');
    assert.match(size!.message, /a[\\/]0\.png: the image is 4×4 \(height × width\), but dataset\.size is \[4, 5\]$/);
    fs.writeFileSync(path.join(dir, 'pictures', 'b', '1.png'), png(4, 4, () => [1, 2, 3]));
    const [channels] = check(dir, images({ channels: 1 }));
    assert.equal(channels!.path, 'dataset.channels');
    const [missing] = check(dir, images({ path: 'photos' }));
    assert.equal(missing!.path, 'dataset.path');
    assert.equal(missing!.message, `folder not found: ${path.join(dir, 'photos')}`);
  });
});
