/** Quantiles of samples (nearest-rank on sorted values). */

/** The q-quantile (0 ≤ q ≤ 1) of `sorted` (ascending), or 0 when empty. */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] as number;
}

/** p50, p95 and max of `values` (any order). */
export function summarize(values: readonly number[]): { p50: number; p95: number; max: number; count: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: quantileSorted(sorted, 0.5), p95: quantileSorted(sorted, 0.95), max: sorted[sorted.length - 1] ?? 0, count: sorted.length };
}
