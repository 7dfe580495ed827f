/** The statistics of one sweep point over its Monte Carlo sample, and the sweep's three objectives. Pure. */
import { quantileSorted } from '../report/quantile.js';
import { sampleValue, type RunSample } from '../scenario/budget-metrics.js';
import type { Objective } from './find-pareto-frontier.js';

/** One point's sample summarised. Durations in ms; success a ratio in [0, 1]. */
export interface SweepStats {
  runs: number;
  makespanP50Ms: number;
  makespanP95Ms: number;
  makespanP99Ms: number;
  /** Mean credits per batch: the expected cost. */
  creditsMean: number;
  creditsP95: number;
  /** Mean share of items priced. */
  successMean: number;
  /** The share of items priced that 95% of runs reach (the 5th percentile). */
  successP95: number;
  throttledMean: number;
  zombiesMean: number;
}

/** Summarises `samples` (at least one). */
export function summarizeSweepPoint(options: { samples: readonly RunSample[] }): SweepStats {
  const { samples } = options;
  const sorted = (metric: string) => samples.map((s) => sampleValue(s, metric)).sort((a, b) => a - b);
  const mean = (metric: string) => (samples.length === 0 ? 0 : samples.reduce((sum, s) => sum + sampleValue(s, metric), 0) / samples.length);
  const makespan = sorted('makespan');
  const credits = sorted('credits');
  const success = sorted('success');
  return {
    runs: samples.length,
    makespanP50Ms: quantileSorted(makespan, 0.5),
    makespanP95Ms: quantileSorted(makespan, 0.95),
    makespanP99Ms: quantileSorted(makespan, 0.99),
    creditsMean: mean('credits'),
    creditsP95: quantileSorted(credits, 0.95),
    successMean: mean('success'),
    successP95: quantileSorted([...success].reverse(), 0.95),
    throttledMean: mean('throttled'),
    zombiesMean: mean('zombies'),
  };
}

/** The sweep's frontier: makespan p95 (lower is better) × mean credits (lower) × mean success rate (higher). */
export const SWEEP_OBJECTIVES: readonly Objective<SweepStats>[] = [
  { name: 'makespan p95', value: (s) => s.makespanP95Ms, better: 'lower' },
  { name: 'credits (mean)', value: (s) => s.creditsMean, better: 'lower' },
  { name: 'success (mean)', value: (s) => s.successMean, better: 'higher' },
];
