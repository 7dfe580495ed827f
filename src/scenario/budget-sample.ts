/**
 * The seeds of a Monte Carlo sample for the CI gate and sweeps, and the representative run of a
 * sample (src/simulation/sample-budget-run.ts runs one seed). Pure.
 */
import { sampleValue, type RunSample } from './budget-metrics.js';

/** The seeds of a Monte Carlo sample: `count` consecutive seeds from `firstSeed`. */
export function listSeeds(options: { firstSeed: number; count: number }): number[] {
  return Array.from({ length: options.count }, (_, i) => options.firstSeed + i);
}

/**
 * The seed of the run whose makespan is the median of `samples` (nearest rank; the lowest seed on
 * ties): the run a report shows as representative of a Monte Carlo sample.
 */
export function pickRepresentativeSeed(samples: readonly RunSample[]): number | null {
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => sampleValue(a, 'makespan') - sampleValue(b, 'makespan') || a.seed - b.seed);
  return (sorted[Math.max(0, Math.ceil(0.5 * sorted.length) - 1)] as RunSample).seed;
}
