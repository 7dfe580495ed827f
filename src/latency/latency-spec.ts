/**
 * Latency distributions as they appear in scenario files. All durations are milliseconds.
 * A point mass is a `fixed` model; a stall is a `mixture` with a small-weight point mass (the
 * `stalls` shorthand of the scenario format is turned into components when loading).
 */
export type LatencySpec =
  | { type: 'fixed'; ms: number }
  | { type: 'uniform'; minMs: number; maxMs: number }
  | { type: 'lognormal'; medianMs: number; sigma: number; minMs?: number; maxMs?: number }
  | { type: 'empirical'; samplesMs: number[] }
  | { type: 'mixture'; components: MixtureComponent[] };

/** One weighted component of a mixture; weights are normalised when the model is built. */
export interface MixtureComponent {
  weight: number;
  model: LatencySpec;
}

/** The z-score of the 95th percentile of a standard normal distribution. */
export const Z95 = 1.6448536269514722;

/** Sigma of a lognormal distribution with the given median and 95th percentile (ms). */
export function lognormalSigmaFromP95(options: { p50Ms: number; p95Ms: number }): number {
  return Math.log(options.p95Ms / options.p50Ms) / Z95;
}
