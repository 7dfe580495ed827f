/**
 * One Monte Carlo run for the CI gate and sweeps: simulates a policy with one seed on the direct
 * mock face and reduces the run to a RunSample. Deterministic for a given scenario, policy and seed.
 */
import type { Policy } from '../engine/policy.js';
import { measureRun, sampleValue, type RunSample } from './budget-metrics.js';
import type { Scenario } from './scenario-types.js';
import { simulateAndMeasure } from '../report/build-simulation-report-runs.js';

/** Simulates `policy` on `scenario` with `seed` and measures it. The caller owns `signal`. */
export async function sampleBudgetRun(options: { scenario: Scenario; policy: Policy; seed: number; stallThresholdMs?: number; signal?: AbortSignal }): Promise<RunSample> {
  const { metrics } = await simulateAndMeasure({ ...options, runLog: false });
  return measureRun({ metrics, seed: options.seed });
}

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
