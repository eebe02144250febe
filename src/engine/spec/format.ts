import type { SpecProblem } from '../../core/spec';

/** One problem as a single terminal line: `file:line:col path: message` (path omitted when empty). */
export function formatProblem(file: string, p: SpecProblem): string {
  const severity = p.severity === 'warning' ? 'warning: ' : '';
  const path = p.path ? `${p.path}: ` : '';
  return `${file}:${p.line}:${p.column} ${severity}${path}${p.message}`;
}

export interface RateRange {
  min: number;
  max: number;
  step: number;
}

/** How many values `expandRateRange` yields (0 for an unusable range), so callers can bound it before expanding. */
export function rateRangeCount({ min, max, step }: RateRange): number {
  if (![min, max, step].every(Number.isFinite) || step <= 0 || min > max) return 0;
  // The 1e-9 slack keeps max on the grid when (max − min) / step is 7.999999999999999 instead of 8.
  return Math.floor((max - min) / step + 1e-9) + 1;
}

/**
 * keras-tuner `Float(min, max, step)`: min, min + step, … up to and including max when it lands on the grid.
 * Each value is min + i·step (not a running sum, so the error does not accumulate), rounded to the decimals of
 * step and min so that 0.30000000000000004 becomes 0.3. Returns [] for a range `rateRangeCount` rejects.
 */
export function expandRateRange(range: RateRange): number[] {
  const count = rateRangeCount(range);
  const digits = Math.min(100, Math.max(decimals(range.step), decimals(range.min)));
  return Array.from({ length: count }, (_, i) => Number((range.min + i * range.step).toFixed(digits)) + 0);
}

/** Digits after the decimal point in the shortest representation of x (1.5e-7 → 8). */
function decimals(x: number): number {
  const [mantissa = '', exponent = '0'] = String(x).toLowerCase().split('e');
  const fraction = mantissa.split('.')[1]?.length ?? 0;
  return Math.max(0, fraction - Number(exponent));
}
