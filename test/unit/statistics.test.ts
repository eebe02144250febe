import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  meanStd, pairedComparison, tCdf, tQuantile, tTwoSidedP, welchComparison,
} from '../../src/core/statistics';

/** |actual − expected| ≤ tolerance, with both numbers in the message. */
function near(actual: number | undefined, expected: number, tolerance: number, what = ''): void {
  assert.ok(actual !== undefined && Math.abs(actual - expected) <= tolerance, `${what} ${actual} is not within ${tolerance} of ${expected}`);
}

/**
 * An implementation of the t CDF that shares nothing with the package: with t = √ν·tan θ the density becomes
 * ∝ cos^(ν−1) θ on (−π/2, π/2), so F(t) = 1/2 + ∫₀^atan(t/√ν) cos^(ν−1) θ dθ / (2 ∫₀^(π/2) cos^(ν−1) θ dθ);
 * both integrals by composite Simpson (20 000 panels: error far below 1e-6 for ν ≥ 1). Inverted by bisection.
 */
function simpsonIntegral(upper: number, nu: number): number {
  const panels = 20_000;
  const h = upper / panels;
  const f = (theta: number): number => Math.max(Math.cos(theta), 0) ** (nu - 1);
  let sum = f(0) + f(upper);
  for (let i = 1; i < panels; i++) sum += (i % 2 ? 4 : 2) * f(i * h);
  return sum * h / 3;
}

function simpsonTCdf(t: number, nu: number, whole = simpsonIntegral(Math.PI / 2, nu)): number {
  return 0.5 + simpsonIntegral(Math.atan(t / Math.sqrt(nu)), nu) / (2 * whole);
}

function simpsonTQuantile(p: number, nu: number): number {
  const whole = simpsonIntegral(Math.PI / 2, nu);
  let low = 0;
  let high = 64;
  for (let i = 0; i < 40; i++) {
    const mid = (low + high) / 2;
    if (simpsonTCdf(mid, nu, whole) < p) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

describe('Student t distribution', () => {
  /**
   * t(0.975, df), rounded to 4 decimals. Sources:
   * - df 1, 2, 4: closed forms of the quantile (Hill 1970; Wikipedia, "Student's t-distribution", quantile function):
   *   ν=1: tan(π(p − ½)) = 12.70620…; ν=2: (2p − 1)/√(2p(1 − p)) = 0.95/√0.04875 = 4.30265…;
   *   ν=4: α = 4p(1 − p) = 0.0975, q = cos(⅓·arccos √α)/√α = 2.92707…, t = 2√(q − 1) = 2.77645…;
   * - df 10, 30: NIST/SEMATECH e-Handbook §1.3.6.7.2 prints 2.228 and 2.042 (3 decimals); the 4th decimal
   *   (2.2281, 2.0423) from scipy 1.17.1's stats.t.ppf (2.22813885, 2.04227246) and the Simpson inversion below;
   * - df 2.5 (fractional, as Welch's df are): no table has it; scipy's stats.t.ppf(0.975, 2.5) = 3.57465484,
   *   confirmed below by the Simpson inversion, which shares no code with the package.
   */
  const published: Array<[df: number, t: string]> = [
    [1, '12.7062'], [2, '4.3027'], [4, '2.7764'], [10, '2.2281'], [30, '2.0423'], [2.5, '3.5747'],
  ];

  test('t(0.975, df) agrees with published values to 4 decimals, fractional df included', () => {
    for (const [df, expected] of published) assert.equal(tQuantile(0.975, df).toFixed(4), expected, `df ${df}`);
  });

  test('the closed forms for df 1, 2 and 4 agree to 1e-9, and the quantile is symmetric', () => {
    const p = 0.975;
    near(tQuantile(p, 1), Math.tan(Math.PI * (p - 0.5)), 1e-9, 'df 1');
    near(tQuantile(p, 2), (2 * p - 1) / Math.sqrt(2 * p * (1 - p)), 1e-9, 'df 2');
    const alpha = 4 * p * (1 - p);
    const q = Math.cos(Math.acos(Math.sqrt(alpha)) / 3) / Math.sqrt(alpha);
    near(tQuantile(p, 4), 2 * Math.sqrt(q - 1), 1e-9, 'df 4');
    for (const df of [1, 2.5, 7, 30]) near(tQuantile(0.025, df), -tQuantile(0.975, df), 1e-9, `symmetry df ${df}`);
  });

  test('an independent Simpson inversion reproduces the fractional and large-df references', () => {
    assert.equal(simpsonTQuantile(0.975, 2.5).toFixed(4), '3.5747');
    assert.equal(simpsonTQuantile(0.975, 10).toFixed(4), '2.2281');
    near(tQuantile(0.975, 2.5), simpsonTQuantile(0.975, 2.5), 1e-6, 'df 2.5');
  });

  test('the CDF matches closed forms for df 1, 2, 3 and 4', () => {
    // ν=1 (Cauchy): ½ + atan(t)/π.  ν=2: ½ + t/(2√(2 + t²)).  ν=3: ½ + (x/(1 + x²) + atan x)/π with x = t/√3.
    // ν=4: ½ + ¾·u − u³/4 with u = t/√(4 + t²).
    for (const t of [-3, -0.7, 0, 1.5, 6]) {
      near(tCdf(t, 1), 0.5 + Math.atan(t) / Math.PI, 1e-12, `df 1 t ${t}`);
      near(tCdf(t, 2), 0.5 + t / (2 * Math.sqrt(2 + t * t)), 1e-12, `df 2 t ${t}`);
      const x = t / Math.sqrt(3);
      near(tCdf(t, 3), 0.5 + (x / (1 + x * x) + Math.atan(x)) / Math.PI, 1e-12, `df 3 t ${t}`);
      const u = t / Math.sqrt(4 + t * t);
      near(tCdf(t, 4), 0.5 + 0.75 * u - u ** 3 / 4, 1e-12, `df 4 t ${t}`);
    }
    near(tCdf(1.5, 2.5), simpsonTCdf(1.5, 2.5), 1e-8, 'df 2.5');
    assert.equal(tCdf(tQuantile(0.975, 2.5), 2.5).toFixed(10), '0.9750000000');
  });

  test('two-sided p keeps small values (lower tail) and is 0 for an infinite t', () => {
    // df 1: p = 1 − 2·atan(|t|)/π = 2·atan(1/|t|)/π, which for t = 1e6 is 6.366e-7 — no cancellation in that form.
    near(tTwoSidedP(1e6, 1), 2 * Math.atan(1e-6) / Math.PI, 1e-18, 'df 1 t 1e6');
    assert.equal(tTwoSidedP(-Infinity, 3), 0);
    assert.equal(tTwoSidedP(0, 3), 1);
    assert.ok(Number.isNaN(tTwoSidedP(NaN, 3)));
  });
});

describe('meanStd', () => {
  test('mean, sample std (n − 1) and the exact 95% t interval', () => {
    // [1, 2, 3, 4]: mean 2.5, variance (2.25 + 0.25 + 0.25 + 2.25)/3 = 5/3, std 1.290994; half-width
    // t(0.975, 3)·std/√4 = 3.182446·0.645497 = 2.054260 (t(0.975, 3) = 3.182 in the NIST table; 3.1824463 from
    // scipy). The old table's rounding would have given 3.182·0.645497 = 2.053972: off by 3e-4.
    const summary = meanStd([1, 2, 3, 4]);
    assert.equal(summary.n, 4);
    assert.equal(summary.mean, 2.5);
    near(summary.std, Math.sqrt(5 / 3), 1e-12, 'std');
    near(summary.ci95?.low, 2.5 - 2.054260, 1e-6, 'low');
    near(summary.ci95?.high, 2.5 + 2.054260, 1e-6, 'high');
  });

  test('NaN and ±Infinity are left out; one value has no interval; none has NaN figures', () => {
    const summary = meanStd([1, NaN, 2, Infinity, 3, -Infinity]);
    assert.deepEqual({ mean: summary.mean, std: summary.std, n: summary.n }, { mean: 2, std: 1, n: 3 });
    assert.deepEqual(meanStd([0.3]), { mean: 0.3, std: 0, n: 1 });
    const empty = meanStd([NaN]);
    assert.equal(empty.n, 0);
    assert.ok(Number.isNaN(empty.mean) && empty.ci95 === undefined);
  });
});

describe('pairedComparison', () => {
  /**
   * Paired beats Welch. Five seeds with a large between-seed spread (0.30 … 0.70) and a small, consistent shift:
   * a = [0.30, 0.40, 0.50, 0.60, 0.70], d = a − b = [−0.010, −0.012, −0.008, −0.011, −0.009], b = a − d.
   *
   * Paired: mean d = −0.050/5 = −0.010; deviations 0, −0.002, 0.002, −0.001, 0.001, sum of squares 1.0e-5,
   * sd = √(1.0e-5/4) = 0.0015811, SE = sd/√5 = 7.0711e-4, t = −0.010/7.0711e-4 = −10√2 = −14.142, df 4.
   * With the closed-form CDF for ν = 4 (u = |t|/√(4 + t²) = √(200/204)), p = 2(1 − F) = 1 − 1.5u + 0.5u³ = 1.451e-4.
   * 95% CI: −0.010 ± 2.7764·7.0711e-4 = −0.010 ± 0.001963 → [−0.011963, −0.008037].
   *
   * Welch: mean a = 0.50, var a = (0.04 + 0.01 + 0 + 0.01 + 0.04)/4 = 0.025; b = [0.31, 0.412, 0.508, 0.611,
   * 0.709], mean 0.51, squared deviations 0.04, 0.009604, 0.000004, 0.010201, 0.039601 → var 0.0248525.
   * SE = √(0.025/5 + 0.0248525/5) = √0.0099705 = 0.099852, t = −0.010/0.099852 = −0.10015,
   * df = 0.0099705²/((0.005² + 0.0049705²)/4) = 7.99993. |t| ≈ 0.1 at ~8 df: p ≈ 0.923 (scipy's ttest_ind with
   * equal_var=False: 0.92269). The seed-to-seed spread (sd 0.158) swamps a shift of 0.010 unless seeds are paired.
   */
  const a = [0.30, 0.40, 0.50, 0.60, 0.70];
  const d = [-0.010, -0.012, -0.008, -0.011, -0.009];
  const b = a.map((value, i) => value - d[i]!);
  const bySeed = (values: number[]) => new Map(values.map((value, i) => [i + 1, value]));

  test('separates two configurations that Welch cannot (derived in the comment)', () => {
    const paired = pairedComparison(bySeed(a), bySeed(b), 'min');
    assert.equal(paired.n, 5);
    near(paired.meanDiff, -0.010, 1e-12, 'mean diff');
    near(paired.t, -10 * Math.SQRT2, 1e-6, 't');
    assert.equal(paired.df, 4);
    const u = Math.sqrt(200 / 204);
    near(paired.p, 1 - 1.5 * u + 0.5 * u ** 3, 1e-9, 'p');
    assert.ok(paired.p! < 0.05);
    near(paired.ci95?.low, -0.011963, 1e-6, 'ci low');
    near(paired.ci95?.high, -0.008037, 1e-6, 'ci high');
    assert.equal(paired.distinguishable, true);
    assert.equal(paired.better, 5);

    const welch = welchComparison(a, b);
    near(welch.t, -0.10015, 1e-5, 'welch t');
    near(welch.df, 7.99993, 1e-5, 'welch df');
    near(welch.p, 0.92269, 1e-5, 'welch p');
    assert.ok(welch.p! > 0.5);
    assert.equal(welch.distinguishable, false);
  });

  test('the MNIST figures of issue 12: differences −0.025, −0.022, −0.037 give t ≈ −6.11, p ≈ 0.026', () => {
    // mean −0.028; deviations 0.003, 0.006, −0.009, sum of squares 1.26e-4, sd = √6.3e-5 = 0.0079373,
    // SE = 0.0045826, t = −6.1101, df 2; for ν = 2, p = 1 − |t|/√(2 + t²) = 0.025755.
    const comparison = pairedComparison({ 1: 0.375, 2: 0.378, 3: 0.363 }, { 1: 0.4, 2: 0.4, 3: 0.4 }, 'min');
    near(comparison.meanDiff, -0.028, 1e-12, 'mean diff');
    near(comparison.t, -6.1101, 1e-4, 't');
    near(comparison.p, 1 - 6.110100926607787 / Math.sqrt(2 + 6.110100926607787 ** 2), 1e-9, 'p');
    assert.equal(comparison.p!.toFixed(4), '0.0258');
    assert.deepEqual([comparison.better, comparison.worse, comparison.ties], [3, 0, 0]);
  });

  test('uses only the seeds both sides have with finite values, Maps and objects alike', () => {
    const comparison = pairedComparison(
      new Map<number, number>([[1, 0.5], [2, 0.6], [3, 0.7], [4, NaN], [5, 0.9]]),
      { 1: 0.6, 2: 0.8, 3: 0.7, 4: 0.1, 6: 0.2 },
      'min',
    );
    assert.deepEqual(comparison.seeds, ['1', '2', '3']);
    assert.equal(comparison.dropped, 3); // seed 4 (NaN), 5 (only in a), 6 (only in b)
    near(comparison.meanDiff, -0.1, 1e-12, 'mean diff');
    assert.deepEqual([comparison.better, comparison.worse, comparison.ties], [2, 0, 1]);
  });

  test('counts "better" by the direction: higher is better for accuracies', () => {
    const comparison = pairedComparison({ 1: 0.9, 2: 0.8, 3: 0.85 }, { 1: 0.85, 2: 0.82, 3: 0.80 }, 'max');
    assert.deepEqual([comparison.better, comparison.worse], [2, 1]);
  });

  test('fewer than two shared seeds: no test, with the reason', () => {
    const one = pairedComparison({ 1: 0.3, 2: 0.4 }, { 1: 0.5, 3: 0.1 }, 'min');
    assert.equal(one.n, 1);
    assert.equal(one.reason, 'one-shared-seed');
    assert.equal(one.p, undefined);
    assert.equal(one.ci95, undefined);
    assert.equal(one.distinguishable, false);
    near(one.meanDiff, -0.2, 1e-12, 'single difference');
    const none = pairedComparison({ 1: 0.3 }, { 2: 0.4 }, 'min');
    assert.equal(none.reason, 'no-shared-seeds');
    assert.ok(Number.isNaN(none.meanDiff));
  });

  test('every difference the same and nonzero: p = 0, t = −∞, a one-point interval, distinguishable', () => {
    // 0.25 − 0.5 etc. are exact in binary, so the spread is exactly 0.
    const comparison = pairedComparison({ 1: 0.25, 2: 0.5, 3: 0.75 }, { 1: 0.5, 2: 0.75, 3: 1 }, 'min');
    assert.equal(comparison.degenerate, 'constant-nonzero');
    assert.equal(comparison.p, 0);
    assert.equal(comparison.t, -Infinity);
    assert.deepEqual(comparison.ci95, { low: -0.25, high: -0.25 });
    assert.equal(comparison.distinguishable, true);
  });

  test('every difference zero: p = 1, not distinguishable', () => {
    const comparison = pairedComparison({ 1: 0.3, 2: 0.4 }, { 1: 0.3, 2: 0.4 }, 'min');
    assert.equal(comparison.degenerate, 'all-zero');
    assert.equal(comparison.p, 1);
    assert.equal(comparison.t, 0);
    assert.equal(comparison.distinguishable, false);
    assert.equal(comparison.ties, 2);
  });
});

describe('welchComparison', () => {
  test('fractional Welch–Satterthwaite df and the exact t at that df', () => {
    // a = [1, 2, 3]: mean 2, var 1, sa = 1/3. b = [1, 3, 5, 7, 9]: mean 5, var 10, sb = 2.
    // t = (2 − 5)/√(7/3) = −1.963961; df = (7/3)²/((1/3)²/2 + 2²/4) = (49/9)/(1/18 + 1) = 98/19 = 5.157895.
    // p = 2·F(−1.963961; 98/19) = 0.104989 (scipy ttest_ind, equal_var=False: 0.10498875); not distinguishable.
    const welch = welchComparison([1, 2, 3], [1, 3, 5, 7, 9]);
    near(welch.t, -3 / Math.sqrt(7 / 3), 1e-12, 't');
    near(welch.df, 98 / 19, 1e-12, 'df');
    near(welch.p, 0.10498875, 1e-7, 'p');
    const halfWidth = tQuantile(0.975, 98 / 19) * Math.sqrt(7 / 3);
    near(welch.ci95?.low, -3 - halfWidth, 1e-12, 'ci low');
    assert.equal(welch.distinguishable, false);
  });

  test('non-finite values are dropped; a group of one has no test; zero spread on both sides is degenerate', () => {
    const dropped = welchComparison([1, 2, NaN, 3], [Infinity, 1, 3, 5, 7, 9]);
    assert.equal(dropped.dropped, 2);
    near(dropped.df, 98 / 19, 1e-12, 'df without the non-finite values');
    const single = welchComparison([0.3], [0.4, 0.5]);
    assert.equal(single.reason, 'one-seed');
    assert.equal(single.p, undefined);
    assert.equal(single.distinguishable, false);
    const flat = welchComparison([0.5, 0.5], [0.75, 0.75, 0.75]);
    assert.equal(flat.degenerate, 'constant-nonzero');
    assert.equal(flat.p, 0);
    assert.equal(flat.df, 3);
  });
});
