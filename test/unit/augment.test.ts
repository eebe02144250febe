import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { augmentImages } from '../../src/engine/datasets/augment';
import { createRng, type Rng } from '../../src/engine/random';

/** An Rng that returns the given uniforms in order (int(n) = floor(u·n), as the real one) and fails when they run out. */
function scripted(uniforms: number[]): Rng & { left: () => number } {
  const queue = [...uniforms];
  const next = (): number => {
    assert.ok(queue.length > 0, 'drew more numbers than scripted');
    return queue.shift()!;
  };
  return { next, int: (n) => Math.floor(next() * n), normal: () => assert.fail('no normal draws'), state: () => [0, 0, 0, 0, null], left: () => queue.length };
}

describe('augmentImages', () => {
  // Two 2×3 grey samples: rows [1 2 3] [4 5 6], and the same + 10.
  const x = Float32Array.from([1, 2, 3, 4, 5, 6, 11, 12, 13, 14, 15, 16]);

  test('flip: a draw below 0.5 mirrors the sample left–right, one at 0.5 or above leaves it; the input is untouched', () => {
    const rng = scripted([0.3, 0.5]);
    const out = augmentImages(x, 2, [2, 3, 1], { flip: true }, rng);
    assert.deepEqual([...out], [3, 2, 1, 6, 5, 4, 11, 12, 13, 14, 15, 16]);
    assert.deepEqual([...x], [1, 2, 3, 4, 5, 6, 11, 12, 13, 14, 15, 16]);
    assert.equal(rng.left(), 0);
  });

  test('shift: dy in [−round(shift·h), round(shift·h)] then dx likewise with w, moved in as zeros', () => {
    // shift 0.5: dy in [−1, 1] (int(3) − 1), dx in [−2, 2] (int(5) − 2). Sample 1: dy +1, dx −1. Sample 2: dy −1, dx +2.
    const rng = scripted([0.7, 0.3, 0.1, 0.9]);
    const out = augmentImages(x, 2, [2, 3, 1], { shift: 0.5 }, rng);
    assert.deepEqual([...out], [0, 0, 0, 2, 3, 0, 0, 0, 14, 0, 0, 0]);
    assert.equal(rng.left(), 0);
  });

  test('flip then shift, channels kept together', () => {
    // One 1×3 sample of 2 channels; flipped (0.2), dy 0 (int(3) = 1), dx +1 (int(5) = 3).
    const out = augmentImages(Float32Array.from([1, 10, 2, 20, 3, 30]), 1, [1, 3, 2], { flip: true, shift: 0.5 }, scripted([0.2, 0.4, 0.7]));
    assert.deepEqual([...out], [0, 0, 3, 30, 2, 20]);
  });

  test('no options: a copy, no draws', () => {
    const out = augmentImages(x, 2, [2, 3, 1], {}, scripted([]));
    assert.deepEqual(out, x);
    assert.notEqual(out, x);
  });

  test('seeded: the same stream gives the same samples; every displacement of the range occurs', () => {
    // A 5×5 image with one lit pixel in the middle: where it lands is the displacement.
    const count = 400;
    const images = new Float32Array(count * 25);
    for (let sample = 0; sample < count; sample++) images[sample * 25 + 12] = 1;
    const out = augmentImages(images, count, [5, 5, 1], { shift: 0.3 }, createRng(5));
    assert.deepEqual(out, augmentImages(images, count, [5, 5, 1], { shift: 0.3 }, createRng(5)));
    const landed = new Set<number>();
    for (let sample = 0; sample < count; sample++) {
      const lit = out.subarray(sample * 25, sample * 25 + 25).indexOf(1);
      landed.add(lit);
    }
    // round(0.3 · 5) = 2: every one of the 25 positions (dy, dx in [−2, 2]).
    assert.deepEqual([...landed].sort((a, b) => a - b), [...Array(25).keys()]);
  });
});
