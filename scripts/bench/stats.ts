/** How the bench summarizes repeated measurements. */

export interface Spread {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], n: sorted.length };
}

/** The value below which 95% of `values` lie (nearest rank, on the sorted values). */
export function p95(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(0.95 * (sorted.length - 1))];
}

/** Tensor counts are flat when every epoch after the first ends with as many tensors as the second. */
export function flat(counts: number[]): boolean {
  return counts.slice(1).every((count) => count === counts[1]);
}
