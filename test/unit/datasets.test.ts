import { describe, test } from 'node:test';
import { workspaceFiles } from '../../src/workspace/dataFiles';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  DatasetError,
  loadDataset,
  loadCsv,
  loadMnist,
  makeCircles,
  makeMoons,
  makeSpirals,
  MNIST_PIXELS,
  mnistSplitOrder,
  splitCounts,
  SPIRAL_START_RADIUS,
  type Dataset,
  type Split,
} from '../../src/engine/datasets';
import type { CirclesDataset, CsvDataset, MoonsDataset, SpiralsDataset } from '../../src/core/spec';
import { tempDir } from '../support/specs';
import { datasetErrorOf } from '../support/datasetErrors';

const moons = (overrides: Partial<MoonsDataset> = {}): MoonsDataset => ({
  type: 'moons', samples: 400, noise: 0.1, validationFraction: 0.25, ...overrides,
});
const circles = (overrides: Partial<CirclesDataset> = {}): CirclesDataset => ({
  type: 'circles', samples: 400, noise: 0.1, factor: 0.5, validationFraction: 0.25, ...overrides,
});
const spirals = (overrides: Partial<SpiralsDataset> = {}): SpiralsDataset => ({
  type: 'spirals', samples: 400, noise: 0.1, classes: 3, turns: 3, validationFraction: 0.25, ...overrides,
});

type SplitSizes = { samples?: number; testFraction?: number };

const bytes = (array: Float32Array): Buffer => Buffer.from(array.buffer, array.byteOffset, array.byteLength);
const sameBytes = (a: Dataset, b: Dataset): boolean =>
  bytes(a.train.x).equals(bytes(b.train.x)) && bytes(a.train.y).equals(bytes(b.train.y)) &&
  bytes(a.validation.x).equals(bytes(b.validation.x)) && bytes(a.validation.y).equals(bytes(b.validation.y));

function rowHashes(split: Split, featureCount: number): string[] {
  return Array.from({ length: split.count }, (_, row) =>
    createHash('sha1').update(split.x.subarray(row * featureCount, (row + 1) * featureCount)).digest('hex'));
}

/** Every (x, y, label) of both splits, in split order. */
function allPoints(dataset: Dataset): { x: number; y: number; label: number }[] {
  return [dataset.train, dataset.validation].flatMap((split) =>
    Array.from({ length: split.count }, (_, i) => ({ x: split.x[2 * i], y: split.x[2 * i + 1], label: split.y[i] })));
}

function classCounts(labels: Float32Array, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const label of labels) counts[label]++;
  return counts;
}

/** Angles of the points, sorted, compared to `count` evenly spaced values from `start` with step `step`. */
function assertEvenlySpaced(angles: number[], start: number, step: number): void {
  const sorted = [...angles].sort((a, b) => a - b);
  sorted.forEach((angle, i) => assert.ok(Math.abs(angle - (start + i * step)) < 1e-5, `angle ${i}: ${angle} vs ${start + i * step}`));
}

const generators = [
  ['moons', (seed: number, noise = 0.1) => makeMoons(moons({ noise, samples: 2000 }), seed)],
  ['circles', (seed: number, noise = 0.1) => makeCircles(circles({ noise, samples: 2000 }), seed)],
  ['spirals', (seed: number, noise = 0.1) => makeSpirals(spirals({ noise, samples: 2000 }), seed)],
] as const;

describe('synthetic datasets', () => {
  for (const [name, make] of generators) {
    test(`${name}: same seed gives byte-identical arrays, another seed different ones`, () => {
      assert.ok(sameBytes(make(7), make(7)));
      assert.ok(!bytes(make(7).train.x).equals(bytes(make(8).train.x)));
      assert.ok(!bytes(make(7).train.y).equals(bytes(make(8).train.y)), 'the shuffle depends on the seed too');
    });

    test(`${name}: train and validation are disjoint and together hold every sample`, () => {
      const dataset = make(3);
      const train = new Set(rowHashes(dataset.train, 2));
      const validation = rowHashes(dataset.validation, 2);
      assert.equal(train.size + new Set(validation).size, 2000, 'no duplicate rows');
      assert.ok(validation.every((hash) => !train.has(hash)));
    });

    test(`${name}: empirical noise std ≈ noise (and the noise does not move the shuffle)`, () => {
      const noise = 0.2;
      const clean = allPoints(make(11, 0));
      const noisy = allPoints(make(11, noise));
      assert.deepEqual(noisy.map((p) => p.label), clean.map((p) => p.label), 'same order and labels whatever the noise');
      const deviations = noisy.flatMap((p, i) => [p.x - clean[i].x, p.y - clean[i].y]);
      const m = deviations.length;
      const mean = deviations.reduce((s, d) => s + d, 0) / m;
      const std = Math.sqrt(deviations.reduce((s, d) => s + (d - mean) ** 2, 0) / (m - 1));
      // The sample std of m normals has relative sd ≈ sqrt(1/(2m)); the mean has sd noise/sqrt(m).
      assert.ok(Math.abs(std / noise - 1) < 4 * Math.sqrt(1 / (2 * m)), `std ${std} vs ${noise}`);
      assert.ok(Math.abs(mean) < (4 * noise) / Math.sqrt(m), `mean ${mean}`);
    });
  }

  for (const [name, make] of [
    ['moons', (spec: SplitSizes, seed: number) => makeMoons(moons(spec), seed)],
    ['circles', (spec: SplitSizes, seed: number) => makeCircles(circles(spec), seed)],
    ['spirals', (spec: SplitSizes, seed: number) => makeSpirals(spirals(spec), seed)],
  ] as const) {
    test(`${name}: a test split disjoint from train and validation; validation unchanged, train a subset of the old one`, () => {
      const without = make({ samples: 1000 }, 5);
      const dataset = make({ samples: 1000, testFraction: 0.2 }, 5);
      assert.deepEqual([dataset.train.count, dataset.validation.count, dataset.test.count], [550, 250, 200]);
      assert.equal(without.test.count, 0, 'no testFraction (a spec stored before test splits): no test split');
      const train = rowHashes(dataset.train, 2);
      const validation = rowHashes(dataset.validation, 2);
      const test = rowHashes(dataset.test, 2);
      assert.equal(new Set([...train, ...validation, ...test]).size, 1000, 'three disjoint splits holding every sample');
      // Same seed and validationFraction: the same validation rows in the same order, and the old training rows
      // split into the new train (first) and test: earlier sweeps' validation figures stay comparable.
      assert.ok(bytes(dataset.validation.x).equals(bytes(without.validation.x)) && bytes(dataset.validation.y).equals(bytes(without.validation.y)));
      assert.deepEqual([...train, ...test], rowHashes(without.train, 2));
    });
  }

  test('split counts: test = round(samples × testFraction), at least 1 when asked for, never the last training row', () => {
    assert.deepEqual(splitCounts(101, 0.2, 0.2), { train: 61, validation: 20, test: 20 });
    assert.deepEqual(splitCounts(101, 0.2, 0), { train: 81, validation: 20, test: 0 });
    assert.deepEqual(splitCounts(101, 0.2), { train: 81, validation: 20, test: 0 });
    assert.deepEqual(splitCounts(10, 0.3, 0.01), { train: 6, validation: 3, test: 1 });
    assert.deepEqual(splitCounts(3, 0.01, 0.01), { train: 1, validation: 1, test: 1 });
    assert.deepEqual(splitCounts(10, 0.5, 0.49), { train: 1, validation: 5, test: 4 });
    assert.throws(() => splitCounts(2, 0.5, 0.2), DatasetError);
  });

  test('split sizes: validation = round(samples × fraction), at least 1 in each split', () => {
    const dataset = makeMoons(moons({ samples: 101, validationFraction: 0.2 }), 1);
    assert.equal(dataset.validation.count, 20);
    assert.equal(dataset.train.count, 81);
    assert.equal(dataset.train.x.length, 81 * 2);
    assert.equal(dataset.validation.y.length, 20);
    const tiny = makeMoons(moons({ samples: 3, validationFraction: 0.01 }), 1);
    assert.equal(tiny.validation.count, 1);
    const mostlyValidation = makeMoons(moons({ samples: 3, validationFraction: 0.99 }), 1);
    assert.equal(mostlyValidation.train.count, 1);
  });

  test('moons, noise 0: class 0 on the upper unit half-circle, class 1 on the shifted lower arc, t evenly spaced', () => {
    const n = 201; // odd: class 0 gets the extra point
    const dataset = makeMoons(moons({ samples: n, noise: 0 }), 5);
    assert.equal(dataset.classCount, 2);
    const points = allPoints(dataset);
    const outer = points.filter((p) => p.label === 0);
    const inner = points.filter((p) => p.label === 1);
    assert.deepEqual([outer.length, inner.length], [101, 100]);
    for (const p of outer) {
      assert.ok(Math.abs(Math.hypot(p.x, p.y) - 1) < 1e-6);
      assert.ok(p.y >= -1e-6);
    }
    for (const p of inner) {
      assert.ok(Math.abs(Math.hypot(p.x - 1, p.y - 0.5) - 1) < 1e-6);
      assert.ok(p.y <= 0.5 + 1e-6);
    }
    assertEvenlySpaced(outer.map((p) => Math.atan2(p.y, p.x)), 0, Math.PI / 100);
    assertEvenlySpaced(inner.map((p) => Math.atan2(0.5 - p.y, 1 - p.x)), 0, Math.PI / 99);
  });

  test('circles, noise 0: radii exactly 1 and factor', () => {
    const dataset = makeCircles(circles({ samples: 300, noise: 0, factor: 0.3 }), 2);
    const points = allPoints(dataset);
    for (const p of points) {
      const radius = Math.hypot(p.x, p.y);
      assert.ok(Math.abs(radius - (p.label === 0 ? 1 : 0.3)) < 1e-6, `label ${p.label} radius ${radius}`);
    }
    assert.deepEqual(classCounts(Float32Array.from(points.map((p) => p.label)), 2), [150, 150]);
    const angle = (p: { x: number; y: number }): number => (Math.atan2(p.y, p.x) + 2 * Math.PI) % (2 * Math.PI);
    assertEvenlySpaced(points.filter((p) => p.label === 0).map(angle), 0, (2 * Math.PI) / 150);
  });

  test('spirals: `classes` classes with balanced counts, each point on its own arm', () => {
    const spec = spirals({ samples: 301, classes: 4, noise: 0, turns: 2 });
    const dataset = makeSpirals(spec, 9);
    assert.equal(dataset.classCount, 4);
    const points = allPoints(dataset);
    assert.deepEqual(classCounts(Float32Array.from(points.map((p) => p.label)), 4), [76, 75, 75, 75]);
    for (const p of points) {
      const radius = Math.hypot(p.x, p.y);
      assert.ok(radius >= SPIRAL_START_RADIUS - 1e-6 && radius <= 1 + 1e-6);
      const progress = (radius - SPIRAL_START_RADIUS) / (1 - SPIRAL_START_RADIUS);
      const expected = progress * spec.turns * Math.PI + (2 * Math.PI * p.label) / spec.classes;
      const difference = Math.atan2(p.y, p.x) - expected;
      const wrapped = Math.atan2(Math.sin(difference), Math.cos(difference));
      assert.ok(Math.abs(wrapped) < 1e-4, `label ${p.label}: angle off by ${wrapped}`);
    }
  });

  test('loadDataset dispatches on the type', () => {
    assert.ok(sameBytes(loadDataset(moons(), { seed: 4, files: workspaceFiles(os.tmpdir()) }), makeMoons(moons(), 4)));
    assert.ok(sameBytes(loadDataset(spirals(), { seed: 4, files: workspaceFiles(os.tmpdir()) }), makeSpirals(spirals(), 4)));
  });
});

describe('mnist', () => {
  /** Rows of the package's own JSON files, parsed independently of the loader: hash → digit. */
  const digitsFolder = path.join(path.dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  const realDigitByHash = new Map<string, number>();
  const realCounts: number[] = [];
  for (let digit = 0; digit < 10; digit++) {
    const data = Float32Array.from(JSON.parse(fs.readFileSync(path.join(digitsFolder, `${digit}.json`), 'utf8')).data as number[]);
    realCounts.push(data.length / MNIST_PIXELS);
    rowHashes({ count: data.length / MNIST_PIXELS, x: data, y: new Float32Array(0) }, MNIST_PIXELS)
      .forEach((hash) => realDigitByHash.set(hash, digit));
  }
  const total = realCounts.reduce((s, c) => s + c, 0);
  const spec = { type: 'mnist', trainSamples: 3000, validationSamples: 1500 } as const;

  test('the package holds 10,000 distinct digits, each class roughly a tenth', () => {
    assert.equal(total, 10000);
    assert.equal(realDigitByHash.size, 10000);
    for (const count of realCounts) assert.ok(count / total > 0.08 && count / total < 0.12);
  });

  test('sizes exact, 784 features as 28×28×1 images, 10 classes; same seed identical, another seed different', () => {
    const dataset = loadMnist(spec, 1, workspaceFiles(os.tmpdir()));
    assert.equal(dataset.featureCount, 784);
    assert.deepEqual(dataset.imageShape, [28, 28, 1]);
    assert.equal(dataset.classCount, 10);
    assert.equal(dataset.train.count, 3000);
    assert.equal(dataset.train.x.length, 3000 * 784);
    assert.equal(dataset.validation.count, 1500);
    assert.equal(dataset.validation.y.length, 1500);
    assert.ok(sameBytes(dataset, loadMnist(spec, 1, workspaceFiles(os.tmpdir()))));
    assert.ok(!bytes(dataset.train.y).equals(bytes(loadMnist(spec, 2, workspaceFiles(os.tmpdir())).train.y)));
  });

  test('real images with their true labels, disjoint splits, classes in proportion', () => {
    const dataset = loadMnist(spec, 3, workspaceFiles(os.tmpdir()));
    const seen = new Set<string>();
    for (const split of [dataset.train, dataset.validation]) {
      for (const value of split.x) assert.ok(value >= 0 && value <= 1);
      rowHashes(split, MNIST_PIXELS).forEach((hash, row) => {
        assert.equal(realDigitByHash.get(hash), split.y[row], `row ${row} is a real digit with its label`);
        assert.ok(!seen.has(hash), 'no image twice, within or across splits');
        seen.add(hash);
      });
      // Drawn without replacement, so Binomial(n, p_k) over-states the spread: 4 sd is a safe bound.
      classCounts(split.y, 10).forEach((count, digit) => {
        const p = realCounts[digit] / total;
        const sd = Math.sqrt(split.count * p * (1 - p));
        assert.ok(count > 0, `digit ${digit} present`);
        assert.ok(Math.abs(count - split.count * p) < 4 * sd, `digit ${digit}: ${count} of ${split.count}`);
      });
    }
  });

  test('asking for more than 10,000 digits is a DatasetError', () => {
    assert.throws(() => loadMnist({ type: 'mnist', trainSamples: 9000, validationSamples: 1001 }, 1, workspaceFiles(os.tmpdir())), DatasetError);
    assert.throws(
      () => loadMnist({ type: 'mnist', trainSamples: 8000, validationSamples: 1000, testSamples: 1001 }, 1, workspaceFiles(os.tmpdir())), DatasetError);
  });

  test('testSamples: a third split of distinct digits; train and validation are the digits they were without it', () => {
    const withTest = { ...spec, testSamples: 2000 };
    // The indices: one permutation of the 10,000 digits, sliced into train, validation and test in that order.
    const order = mnistSplitOrder(total, 3);
    assert.equal(new Set(order).size, total, 'a permutation: no index twice');
    const train = order.subarray(0, 3000);
    const validation = order.subarray(3000, 4500);
    const test = order.subarray(4500, 6500);
    const trainSet = new Set(train);
    const validationSet = new Set(validation);
    assert.ok(test.every((index) => !trainSet.has(index) && !validationSet.has(index)), 'test indices disjoint from train and validation');
    assert.ok(validation.every((index) => !trainSet.has(index)), 'validation indices disjoint from train');
    // The images: what the loader returns is those rows, 10,000 distinct digits, so no image is in two splits.
    const dataset = loadMnist(withTest, 3, workspaceFiles(os.tmpdir()));
    assert.deepEqual([dataset.train.count, dataset.validation.count, dataset.test.count], [3000, 1500, 2000]);
    const hashes = [dataset.train, dataset.validation, dataset.test].map((split) => rowHashes(split, MNIST_PIXELS));
    assert.equal(new Set(hashes.flat()).size, 6500, 'no image in two splits');
    hashes[2]!.forEach((hash, row) => assert.equal(realDigitByHash.get(hash), dataset.test.y[row], `test row ${row} keeps its true label`));
    assert.ok(sameBytes(dataset, loadMnist(spec, 3, workspaceFiles(os.tmpdir()))), 'train and validation as without a test split');
    assert.equal(loadMnist(spec, 3, workspaceFiles(os.tmpdir())).test.count, 0);
  });
});

describe('csv', () => {
  const root = tempDir('dropout-lab-csv-');
  const specDir = path.join(root, 'spec');
  fs.mkdirSync(specDir);
  const write = (name: string, text: string): string => {
    const file = path.join(specDir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return name;
  };
  const csv = (file: string, overrides: Partial<CsvDataset> = {}): CsvDataset => ({
    type: 'csv', path: file, target: 'label', task: 'classification', validationFraction: 0.25, ...overrides,
  });
  const errorOf = datasetErrorOf;

  test('numeric target: classes in numeric order, shuffled split of exact sizes, deterministic', () => {
    // 10 before 2 numerically (but not as strings); class index must follow the numbers.
    const rows = Array.from({ length: 20 }, (_, i) => `${i},${i * 2},${[2, 10, -1][i % 3]}`);
    const file = write('numeric.csv', `a,b,label\n${rows.join('\n')}\n`);
    const dataset = loadCsv(csv(file), 1, workspaceFiles(specDir));
    assert.equal(dataset.classCount, 3);
    assert.equal(dataset.featureCount, 2);
    assert.equal(dataset.validation.count, 5);
    assert.equal(dataset.train.count, 15);
    assert.ok(sameBytes(dataset, loadCsv(csv(file), 1, workspaceFiles(specDir))));
    assert.ok(!bytes(dataset.train.y).equals(bytes(loadCsv(csv(file), 2, workspaceFiles(specDir)).train.y)));
    // Sorted values -1, 2, 10 → classes 0, 1, 2, so raw labels 2, 10, -1 are classes 1, 2, 0. Standardizing keeps
    // the order of feature a (= row number), which lets us find each row again.
    const classOfRow = (i: number): number => [1, 2, 0][i % 3];
    const all = [dataset.train, dataset.validation].flatMap((split) =>
      Array.from({ length: split.count }, (_, i) => ({ a: split.x[2 * i], label: split.y[i] })));
    all.sort((p, q) => p.a - q.a);
    all.forEach((p, i) => assert.equal(p.label, classOfRow(i), `row ${i}`));
  });

  test('string targets, quoted fields with commas and "", CRLF, BOM, blank lines, trimmed cells', () => {
    const text = '\ufeffx, "y, quoted" ,label\r\n' +
      ' 1 ,"2",cat\r\n' +
      '\r\n' +
      '3,4,"dog, ""big"""\r\n' +
      '5,6,cat\r\n' +
      '7,8,ant\r\n';
    const file = write('strings.csv', text);
    const dataset = loadCsv(csv(file, { validationFraction: 0.25 }), 1, workspaceFiles(specDir));
    assert.equal(dataset.featureCount, 2);
    assert.equal(dataset.classCount, 3); // ant, cat, dog, "big"
    assert.equal(dataset.train.count + dataset.validation.count, 4);
    const labels = [...dataset.train.y, ...dataset.validation.y].sort();
    assert.deepEqual(labels, [0, 1, 1, 2]);
    // A quoted header name works as a target too.
    const quotedTarget = write('quoted-target.csv', 'a,"b, quoted"\n1,"2"\n3,4\n5,6\n7,8\n');
    const byQuotedName = loadCsv(csv(quotedTarget, { target: 'b, quoted', task: 'regression' }), 1, workspaceFiles(specDir));
    assert.deepEqual([...byQuotedName.train.y, ...byQuotedName.validation.y].sort(), [2, 4, 6, 8]);
  });

  test('a non-numeric cell names its line and column', () => {
    const file = write('bad-number.csv', 'a,b,label\n1,2,x\n\n3,abc,y\n');
    const error = errorOf(() => loadCsv(csv(file), 1, workspaceFiles(specDir)));
    assert.equal(error.location?.line, 4);
    assert.equal(error.location?.column, 'b');
    assert.equal(error.location?.character, 3, '"abc" starts at the 3rd character of "3,abc,y"');
    assert.match(error.message, /:4: .*"b".*"abc"/);
  });

  test('a missing cell (empty or a short row) names its line and column', () => {
    const empty = errorOf(() => loadCsv(csv(write('empty-cell.csv', 'a,b,label\n1,2,x\n3,,y\n')), 1, workspaceFiles(specDir)));
    assert.deepEqual([empty.location?.line, empty.location?.column, empty.location?.character], [3, 'b', 3]);
    const short = errorOf(() => loadCsv(csv(write('short-row.csv', 'a,b,label\r\n1,2,x\r\n3,4,y\r\n5\r\n')), 1, workspaceFiles(specDir)));
    // The row "5" ends after its 1st character: the missing cell would start at the 2nd.
    assert.deepEqual([short.location?.line, short.location?.column, short.location?.character], [4, 'b', 2]);
    assert.match(short.message, /missing value in column "b"/);
  });

  test('line numbers count line breaks inside quoted cells', () => {
    const error = errorOf(() => loadCsv(csv(write('multiline.csv', 'a,label\n"1",x\n2,"two\nlines"\nzz,y\n')), 1, workspaceFiles(specDir)));
    assert.equal(error.location?.line, 5);
    assert.equal(error.location?.character, 1);
  });

  test('a missing target column lists the columns and suggests the closest', () => {
    const file = write('columns.csv', 'width,height,label\n1,2,a\n3,4,b\n');
    const error = errorOf(() => loadCsv(csv(file, { target: 'lable' }), 1, workspaceFiles(specDir)));
    assert.match(error.message, /did you mean "label"/);
    assert.match(error.message, /width, height, label/);
    const far = errorOf(() => loadCsv(csv(file, { target: 'species' }), 1, workspaceFiles(specDir)));
    assert.doesNotMatch(far.message, /did you mean/);
  });

  test('regression needs a numeric target; classification needs 2 classes; 2 rows needed', () => {
    const text = write('regression.csv', 'a,label\n1,2.5\n2,high\n');
    const regression = errorOf(() => loadCsv(csv(text, { task: 'regression' }), 1, workspaceFiles(specDir)));
    assert.deepEqual([regression.location?.line, regression.location?.column], [3, 'label']);
    assert.match(errorOf(() => loadCsv(csv(write('one-class.csv', 'a,label\n1,x\n2,x\n')), 1, workspaceFiles(specDir))).message, /2 classes/);
    assert.match(errorOf(() => loadCsv(csv(write('one-row.csv', 'a,label\n1,x\n')), 1, workspaceFiles(specDir))).message, /2 data rows/);
  });

  test('paths: .. outside the folder and a symlink pointing outside are refused; a missing file is named', () => {
    fs.writeFileSync(path.join(root, 'outside.csv'), 'a,label\n1,x\n2,y\n');
    assert.match(errorOf(() => loadCsv(csv('../outside.csv'), 1, workspaceFiles(specDir))).message, /inside the spec's folder/);
    assert.match(errorOf(() => loadCsv(csv(path.join(root, 'outside.csv')), 1, workspaceFiles(specDir))).message, /inside the spec's folder/);
    fs.symlinkSync(path.join(root, 'outside.csv'), path.join(specDir, 'link.csv'));
    assert.match(errorOf(() => loadCsv(csv('link.csv'), 1, workspaceFiles(specDir))).message, /outside the spec's folder/);
    fs.symlinkSync(root, path.join(specDir, 'linked-folder'));
    assert.match(errorOf(() => loadCsv(csv('linked-folder/outside.csv'), 1, workspaceFiles(specDir))).message, /outside the spec's folder/);
    // Staying inside through `..` is fine.
    write('sub/inside.csv', 'a,label\n1,x\n2,y\n');
    assert.equal(loadCsv(csv('sub/../sub/inside.csv'), 1, workspaceFiles(specDir)).classCount, 2);
    const missing = errorOf(() => loadCsv(csv('nope/missing.csv'), 1, workspaceFiles(specDir)));
    assert.ok(missing.message.includes(path.join(specDir, 'nope', 'missing.csv')));
  });

  test('testFraction: a disjoint test split, standardized with the train statistics like validation', () => {
    const rows = Array.from({ length: 40 }, (_, i) => `${i},${i % 2 === 0 ? 'a' : 'b'}`);
    const file = write('with-test.csv', `id,label\n${rows.join('\n')}\n`);
    const dataset = loadCsv(csv(file, { testFraction: 0.25 }), 1, workspaceFiles(specDir));
    assert.deepEqual([dataset.train.count, dataset.validation.count, dataset.test.count], [20, 10, 10]);
    const { mean, std } = dataset.inputStandardization!;
    const ids = (split: Split) => Array.from({ length: split.count }, (_, row) => Math.round(split.x[row]! * std[0]! + mean[0]!) + 0);
    const trainIds = ids(dataset.train);
    // The train statistics alone: the mean of the train ids.
    assert.ok(Math.abs(mean[0]! - trainIds.reduce((s, id) => s + id, 0) / trainIds.length) < 1e-9);
    const all = [...trainIds, ...ids(dataset.validation), ...ids(dataset.test)].sort((a, b) => a - b);
    assert.deepEqual(all, Array.from({ length: 40 }, (_, i) => i), 'every row once: the splits are disjoint');
    ids(dataset.test).forEach((id, row) => assert.equal(dataset.test.y[row], id % 2 === 0 ? 0 : 1, `test row ${row} keeps its label`));
  });

  test('standardization: train features have mean 0 and std 1; validation uses the train statistics', () => {
    const rows = Array.from({ length: 200 }, (_, i) => `${i * 3 + 100},${Math.sin(i) * 50},7,${i % 2 ? 'odd' : 'even'}`);
    const file = write('scale.csv', `big,wave,constant,label\n${rows.join('\n')}\n`);
    const dataset = loadCsv(csv(file), 5, workspaceFiles(specDir));
    const columnOf = (split: Split, feature: number): number[] =>
      Array.from({ length: split.count }, (_, row) => split.x[row * dataset.featureCount + feature]);
    for (const feature of [0, 1]) {
      const values = columnOf(dataset.train, feature);
      const mean = values.reduce((s, v) => s + v, 0) / values.length;
      const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
      assert.ok(Math.abs(mean) < 1e-5, `feature ${feature} mean ${mean}`);
      assert.ok(Math.abs(std - 1) < 1e-5, `feature ${feature} std ${std}`);
    }
    // A constant column is centred, not divided by 0.
    for (const value of [...columnOf(dataset.train, 2), ...columnOf(dataset.validation, 2)]) assert.equal(value, 0);
    // Validation goes through the same affine map as train: big = 3i + 100 is evenly spaced, so the union of both
    // splits must still be evenly spaced (own statistics for validation would break the spacing).
    const union = [...columnOf(dataset.train, 0), ...columnOf(dataset.validation, 0)].sort((a, b) => a - b);
    const step = (union[union.length - 1] - union[0]) / (union.length - 1);
    union.forEach((value, i) => assert.ok(Math.abs(value - (union[0] + i * step)) < 1e-5, `value ${i}`));
  });

  test('loadDataset resolves CSV paths against specDir', () => {
    const file = write('dispatch.csv', 'a,label\n1,x\n2,y\n3,x\n');
    assert.ok(sameBytes(loadDataset(csv(file), { seed: 2, files: workspaceFiles(specDir) }), loadCsv(csv(file), 2, workspaceFiles(specDir))));
  });
});
