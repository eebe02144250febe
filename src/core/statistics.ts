/**
 * Statistics over seeds: a mean with its exact Student-t interval, the paired t-test over the seeds two
 * configurations share, and Welch's unequal-variance t-test for groups that share none. Pure and dependency-free
 * apart from the t distribution itself, so the CLI, the extension and the webview bundle the same code.
 *
 * The t distribution comes from stdlib (`@stdlib/stats-base-dists-t-quantile` and `-cdf`), chosen because:
 * - it is maintained: part of the stdlib-js project, released in 2026. jstat, the other candidate (smaller: one
 *   file, ~50 kB minified, no dependencies), had its last release, 1.9.6, in November 2022 and its last commit a
 *   month later; its maintainer writes that he has "no background in statistics and just maintain[s] the library"
 *   (jstat issue #264), and its studentt.inv is known to drift at large df (issue #283);
 * - it is exact to double precision for any real df > 0, fractional ones included (Welch–Satterthwaite): the
 *   quantile inverts the regularised incomplete beta with Boost's algorithm (`kernel-betaincinv`), the CDF
 *   evaluates it (`betainc`); no table, no rounding of df;
 * - it is plain CommonJS JavaScript with no native code (`gypfile: false`, no install scripts) and ships its own
 *   TypeScript declarations, so esbuild bundles it for node and for the browser.
 * Its costs: the two functions pull in about 230 small stdlib packages (dev dependencies: esbuild inlines them),
 * about 190 kB minified in each bundle that imports this module; and one of them (gammaincinv) requires `debug`,
 * whose node entry needs `tty`, so a browser bundle must honour package.json's `browser` field — esbuild's
 * `mainFields: ['browser', 'module', 'main']` for the webview (the current webview bundle is byte-identical
 * with it). Only this file imports the package: swapping it is two functions below.
 *
 * Conventions: values that are not finite numbers (NaN, ±Infinity: a diverged loss) are left out of every
 * computation here and counted where a result has room to say so. "Distinguishable" means the two-sided 95%
 * interval of the mean difference excludes 0 — for a t-test the same as p < 0.05.
 */
import tCdfImpl from '@stdlib/stats-base-dists-t-cdf';
import tQuantileImpl from '@stdlib/stats-base-dists-t-quantile';

/** Closed interval [low, high]. */
export interface Interval {
  low: number;
  high: number;
}

export interface MeanStd {
  mean: number;
  /** Sample standard deviation (n − 1 in the denominator); 0 for a single value; NaN for none. */
  std: number;
  /** How many finite values the figures are made of. */
  n: number;
  /** 95% Student-t interval of the mean, mean ± t(0.975, n − 1)·std/√n; only when n ≥ 2. */
  ci95?: Interval;
}

/** Lower is better (losses) or higher is better (accuracies). */
export type Direction = 'min' | 'max';

/**
 * One configuration's values keyed by seed: a Map, or a plain object (what survives JSON and postMessage).
 * Seeds are compared as strings, so `{ 1: x }` and `new Map([[1, x]])` name the same seed.
 */
export type PerSeed = ReadonlyMap<number | string, number> | Readonly<Record<string, number>>;

/** Why a comparison has no test (no p, no interval). */
export type NoTestReason = 'no-values' | 'one-seed' | 'no-shared-seeds' | 'one-shared-seed';

/**
 * The paired t-test of a − b over the seeds both sides have a finite value for: the per-seed differences' mean,
 * its 95% interval, t = mean/(sd/√n) with n − 1 degrees of freedom, and the two-sided p.
 */
export interface PairedComparison {
  kind: 'paired';
  /** Seeds used: present with a finite value on both sides, in ascending order. */
  seeds: string[];
  n: number;
  /** Seeds present on one side only, or whose value on either side is not finite: left out. */
  dropped: number;
  /** Mean of a − b over the shared seeds (NaN when there are none). */
  meanDiff: number;
  /** Sample standard deviation of the differences (n − 1); undefined below two seeds. */
  sdDiff?: number;
  ci95?: Interval;
  t?: number;
  df?: number;
  /** Two-sided p-value; undefined when there is no test (see `reason`). */
  p?: number;
  /** Seeds in which a is strictly better than b by the direction; `worse` strictly worse; `ties` equal. */
  better: number;
  worse: number;
  ties: number;
  /** The 95% interval excludes 0 (equivalently p < 0.05); false when there is no test. */
  distinguishable: boolean;
  reason?: NoTestReason;
  /**
   * Set when every difference is the same: `constant-nonzero` (the interval collapses onto that value, t is ±∞
   * and p = 0, the limit of the test as the spread shrinks) or `all-zero` (t = 0, p = 1: no difference at all).
   * An infinite t becomes null in JSON; this flag says why.
   */
  degenerate?: 'constant-nonzero' | 'all-zero';
}

/** Welch's unequal-variance t-test of mean(a) − mean(b), for groups that do not share seeds. */
export interface WelchComparison {
  kind: 'welch';
  nA: number;
  nB: number;
  /** Non-finite values left out of either group. */
  dropped: number;
  meanDiff: number;
  ci95?: Interval;
  t?: number;
  /** Welch–Satterthwaite degrees of freedom, fractional. */
  df?: number;
  p?: number;
  distinguishable: boolean;
  reason?: NoTestReason;
  /** Both groups have zero spread: as in the paired test, p = 0 when the means differ and 1 when they are equal. */
  degenerate?: 'constant-nonzero' | 'all-zero';
}

export type Comparison = PairedComparison | WelchComparison;

/** The p-quantile of Student's t with df degrees of freedom (any real df > 0); NaN outside the domain. */
export function tQuantile(p: number, df: number): number {
  return tQuantileImpl(p, df);
}

/** P(T ≤ t) for Student's t with df degrees of freedom (any real df > 0); NaN outside the domain. */
export function tCdf(t: number, df: number): number {
  return tCdfImpl(t, df);
}

/**
 * Two-sided p-value of a t statistic: 2·P(T ≤ −|t|), computed on the lower tail so small p-values keep their
 * precision (1 − CDF would round them to 0). p = 0 for t = ±∞.
 */
export function tTwoSidedP(t: number, df: number): number {
  if (Number.isNaN(t)) return NaN;
  return Math.min(1, 2 * tCdfImpl(-Math.abs(t), df));
}

export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** The finite numbers of a list, in order. */
export function finiteValues(values: Iterable<number>): number[] {
  const finite: number[] = [];
  for (const value of values) if (isFiniteNumber(value)) finite.push(value);
  return finite;
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** Sample variance (n − 1); needs n ≥ 2. Two-pass, so large offsets do not cancel the spread away. */
function sampleVariance(values: readonly number[], centre: number): number {
  return values.reduce((sum, value) => sum + (value - centre) ** 2, 0) / (values.length - 1);
}

/** Mean, sample std and the exact 95% t interval of the finite values; non-finite ones are left out of n. */
export function meanStd(values: Iterable<number>): MeanStd {
  const finite = finiteValues(values);
  const n = finite.length;
  if (n === 0) return { mean: NaN, std: NaN, n };
  const m = mean(finite);
  if (n === 1) return { mean: m, std: 0, n };
  const std = Math.sqrt(sampleVariance(finite, m));
  const halfWidth = tQuantile(0.975, n - 1) * std / Math.sqrt(n);
  return { mean: m, std, n, ci95: { low: m - halfWidth, high: m + halfWidth } };
}

/** A PerSeed as a Map keyed by the seed's string form. */
export function seedMap(values: PerSeed): Map<string, number> {
  const entries: Iterable<readonly [number | string, number]> = values instanceof Map
    ? values.entries()
    : Object.entries(values as Readonly<Record<string, number>>);
  const map = new Map<string, number>();
  for (const [seed, value] of entries) map.set(String(seed), value);
  return map;
}

/** Numeric seeds ascending, then any others by string order. */
function compareSeeds(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  if (Number.isFinite(na) !== Number.isFinite(nb)) return Number.isFinite(na) ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Paired t-test of a − b over the seeds both have a finite value for (others are `dropped`), and in how many of
 * them a beats b by the direction ('min': a lower; 'max': a higher).
 *
 * Edge cases:
 * - fewer than two shared seeds: no test (no t, p or interval; `reason` says why), `distinguishable` false;
 * - all differences equal and nonzero (zero spread): t = ±∞, p = 0, the interval is the single point; this is the
 *   limit of the t-test as the spread shrinks with the mean fixed, and what a nearly-constant shift would get
 *   anyway (a spread of 1e-12 gives p ≈ 0), so the test is continuous there; `degenerate` flags it;
 * - all differences zero: t = 0, p = 1, interval [0, 0], not distinguishable.
 */
export function pairedComparison(a: PerSeed, b: PerSeed, direction: Direction): PairedComparison {
  const mapA = seedMap(a);
  const mapB = seedMap(b);
  const seeds = [...mapA.keys()]
    .filter((seed) => mapB.has(seed) && isFiniteNumber(mapA.get(seed)) && isFiniteNumber(mapB.get(seed)))
    .sort(compareSeeds);
  const allSeeds = new Set([...mapA.keys(), ...mapB.keys()]);
  const differences = seeds.map((seed) => mapA.get(seed)! - mapB.get(seed)!);
  const n = differences.length;
  const sign = direction === 'min' ? -1 : 1;
  const better = differences.filter((d) => sign * d > 0).length;
  const worse = differences.filter((d) => sign * d < 0).length;
  const base = { kind: 'paired' as const, seeds, n, dropped: allSeeds.size - n, better, worse, ties: n - better - worse };
  if (n < 2) {
    return { ...base, meanDiff: n === 1 ? differences[0]! : NaN, distinguishable: false, reason: n === 0 ? 'no-shared-seeds' : 'one-shared-seed' };
  }
  const meanDiff = mean(differences);
  const sdDiff = Math.sqrt(sampleVariance(differences, meanDiff));
  const df = n - 1;
  if (sdDiff === 0) return { ...base, ...degenerateTest(meanDiff, df), sdDiff };
  const standardError = sdDiff / Math.sqrt(n);
  const t = meanDiff / standardError;
  const halfWidth = tQuantile(0.975, df) * standardError;
  const ci95 = { low: meanDiff - halfWidth, high: meanDiff + halfWidth };
  return { ...base, meanDiff, sdDiff, ci95, t, df, p: tTwoSidedP(t, df), distinguishable: excludesZero(ci95) };
}

/**
 * Welch's t-test of mean(a) − mean(b) over the finite values of each group: t = Δ/√(va/na + vb/nb) with the
 * Welch–Satterthwaite df = (sa + sb)² / (sa²/(na − 1) + sb²/(nb − 1)), sa = va/na, sb = vb/nb (fractional).
 * No test when either group has fewer than two values. When both groups have zero spread the df formula is 0/0:
 * df is then na + nb − 2 (the pooled test's), p = 0 for different means and 1 for equal ones, as in the paired test.
 */
export function welchComparison(a: Iterable<number>, b: Iterable<number>): WelchComparison {
  const listA = [...a];
  const listB = [...b];
  const finiteA = finiteValues(listA);
  const finiteB = finiteValues(listB);
  const nA = finiteA.length;
  const nB = finiteB.length;
  const meanDiff = nA && nB ? mean(finiteA) - mean(finiteB) : NaN;
  const base = { kind: 'welch' as const, nA, nB, dropped: listA.length - nA + listB.length - nB, meanDiff };
  if (nA === 0 || nB === 0) return { ...base, distinguishable: false, reason: 'no-values' };
  if (nA < 2 || nB < 2) return { ...base, distinguishable: false, reason: 'one-seed' };
  const sa = sampleVariance(finiteA, mean(finiteA)) / nA;
  const sb = sampleVariance(finiteB, mean(finiteB)) / nB;
  if (sa + sb === 0) return { ...base, ...degenerateTest(meanDiff, nA + nB - 2) };
  const standardError = Math.sqrt(sa + sb);
  const t = meanDiff / standardError;
  const df = (sa + sb) ** 2 / (sa ** 2 / (nA - 1) + sb ** 2 / (nB - 1));
  const halfWidth = tQuantile(0.975, df) * standardError;
  const ci95 = { low: meanDiff - halfWidth, high: meanDiff + halfWidth };
  return { ...base, ci95, t, df, p: tTwoSidedP(t, df), distinguishable: excludesZero(ci95) };
}

/** The test's figures when the difference has no spread at all (see pairedComparison). */
function degenerateTest(meanDiff: number, df: number) {
  const ci95 = { low: meanDiff, high: meanDiff };
  if (meanDiff === 0) return { meanDiff, ci95, t: 0, df, p: 1, distinguishable: false, degenerate: 'all-zero' as const };
  return { meanDiff, ci95, t: meanDiff > 0 ? Infinity : -Infinity, df, p: 0, distinguishable: true, degenerate: 'constant-nonzero' as const };
}

/** Whether a two-sided interval lies wholly on one side of 0. */
export function excludesZero(interval: Interval): boolean {
  return interval.low > 0 || interval.high < 0;
}
