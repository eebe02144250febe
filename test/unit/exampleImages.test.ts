import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { parse } from 'jsonc-parser';
import type { ImagesDataset } from '../../src/core/spec';
import { decodeImage } from '../../src/engine/datasets/imageDecode';
import { loadImages } from '../../src/engine/datasets';
import { workspaceFiles } from '../../src/workspace/dataFiles';
import { encodeImage, exampleImages, IMAGE_SIDE, IMAGES_PER_CLASS, SHAPE_CLASSES } from '../../scripts/make-example-images';
import { repoRoot } from '../support/specs';

const examples = path.join(repoRoot, 'examples', 'images');
const committed = path.join(examples, 'shapes');

test('scripts/make-example-images.ts draws the committed pictures: same files, same pixels (JPEGs byte for byte)', () => {
  const drawn = exampleImages();
  const files = SHAPE_CLASSES.flatMap((shape) => fs.readdirSync(path.join(committed, shape)).map((name) => `${shape}/${name}`)).sort();
  assert.deepEqual(drawn.map(({ name }) => name).sort(), files);
  assert.equal(files.length, SHAPE_CLASSES.length * IMAGES_PER_CLASS);
  for (const { name, format, canvas } of drawn) {
    const bytes = fs.readFileSync(path.join(committed, name));
    const fresh = encodeImage(canvas, format);
    // zlib may deflate a PNG differently in another Node; the pixels must not differ. jpeg-js is plain JS.
    if (format === 'jpg') assert.ok(bytes.equals(fresh), `${name} differs`);
    const pixels = decodeImage(bytes, name);
    assert.deepEqual([pixels.height, pixels.width], [IMAGE_SIDE, IMAGE_SIDE]);
    assert.deepEqual(pixels.rgba, decodeImage(fresh, name).rgba, `${name}: other pixels`);
    if (format === 'png') assert.deepEqual([...pixels.rgba].filter((_, i) => i % 4 === 0), [...canvas], `${name}: not the drawn levels`);
  }
});

test('the example spec\'s dataset loads the committed folder: 180 grey 16×16 images in 3 classes', () => {
  const spec = parse(fs.readFileSync(path.join(examples, 'shapes.dropout.json'), 'utf8')) as { dataset: ImagesDataset };
  const dataset = loadImages(spec.dataset, 1, workspaceFiles(examples));
  assert.deepEqual(dataset.imageShape, [16, 16, 1]);
  assert.deepEqual(dataset.classNames, ['circle', 'square', 'triangle']);
  assert.deepEqual([dataset.train.count, dataset.validation.count, dataset.test.count], [108, 36, 36]);
  assert.deepEqual(dataset.augment, { flip: true, shift: 0.1 });
});
