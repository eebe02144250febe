/**
 * Seeded pseudo-random numbers for everything the engine draws on the host side (data, shuffles, seeds for
 * TF.js ops). One generator per purpose, derived from the trial seed, so that changing how many numbers one
 * purpose consumes never shifts another (common random numbers across rates).
 */

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** Where the generator is, so a paused trial resumes its draws exactly where they stopped. */
  state(): RngState;
}

/** sfc32's four words and the Box–Muller spare (null when there is none): plain JSON. */
export type RngState = [a: number, b: number, c: number, d: number, spareNormal: number | null];

export function isRngState(value: unknown): value is RngState {
  return Array.isArray(value) && value.length === 5 && value.slice(0, 4).every((word) => Number.isInteger(word))
    && (value[4] === null || typeof value[4] === 'number');
}

/**
 * sfc32: small, fast, passes PractRand well beyond what a shuffle or a dataset needs. With `restore`, continues
 * from a saved state instead (the seed is then unused).
 */
export function createRng(seed: number, restore?: RngState): Rng {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const nextUint32 = (): number => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    const t = (a + b + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t;
  };
  let spareNormal: number | undefined;
  if (restore) {
    [a, b, c, d] = restore;
    spareNormal = restore[4] ?? undefined;
  } else {
    for (let i = 0; i < 15; i++) nextUint32(); // let the seed diffuse through the state
  }
  const next = (): number => nextUint32() / 4294967296;
  return {
    next,
    state: () => [a >>> 0, b >>> 0, c >>> 0, d >>> 0, spareNormal ?? null],
    int: (n) => Math.floor(next() * n),
    normal: () => {
      if (spareNormal !== undefined) {
        const value = spareNormal;
        spareNormal = undefined;
        return value;
      }
      let u = 0;
      while (u === 0) u = next();
      const v = next();
      const radius = Math.sqrt(-2 * Math.log(u));
      spareNormal = radius * Math.sin(2 * Math.PI * v);
      return radius * Math.cos(2 * Math.PI * v);
    },
  };
}

/** A seed for one purpose ("split", "init", "batches", "masks"…) derived from a base seed (FNV-1a + murmur finaliser). */
export function deriveSeed(seed: number, purpose: string): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < purpose.length; i++) {
    h ^= purpose.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Fisher–Yates, in place. */
export function shuffleInPlace<T extends { length: number; [i: number]: unknown }>(items: T, rng: Rng): T {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = items[i];
    items[i] = items[j];
    items[j] = tmp;
  }
  return items;
}

/** The first `samples` items of a partial Fisher–Yates shuffle of `pool` (which it reorders): a draw without replacement. */
export function drawWithoutReplacement<T>(pool: T[], samples: number, rng: Rng): T[] {
  for (let i = 0; i < samples; i++) {
    const j = i + rng.int(pool.length - i);
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, samples);
}

/** 0..n-1 in a seeded random order. */
export function permutation(n: number, rng: Rng): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return shuffleInPlace(order, rng);
}
