/**
 * Judges budgets over a Monte Carlo sample of runs (one per seed): the measured value of each
 * threshold, its margin, the share of runs whose own value breaks the bound, and the verdict of a
 * budgeted policy against its expectation. Pure.
 */
import { quantileSorted } from '../report/quantile.js';
import type { BudgetEntry, BudgetExpectation } from './budget-entries.js';
import { isUpperBound, meetsBound, type BudgetThreshold } from './budget-expression.js';
import { sampleValue, type RunSample } from './budget-metrics.js';

/** One threshold judged over the runs. Values are in the metric's unit (ms, ratio or number). */
export interface ThresholdResult {
  threshold: BudgetThreshold;
  /** The aggregate of the runs' values that is compared with the bound. */
  measured: number;
  /** Headroom: positive when within the bound, negative when over it (bound − measured for upper bounds). */
  margin: number;
  /** Runs whose own value breaks the bound. */
  runsOver: number;
  runs: number;
  /** runsOver / runs. */
  overShare: number;
  /** Whether the measured value meets the bound. */
  met: boolean;
}

/** Judges one threshold over `samples` (at least one). */
export function evaluateThreshold(options: { threshold: BudgetThreshold; samples: readonly RunSample[] }): ThresholdResult {
  const { threshold, samples } = options;
  const values = samples.map((s) => sampleValue(s, threshold.metric));
  const upper = isUpperBound(threshold);
  let runsOver = 0;
  for (const v of values) if (!meetsBound(v, threshold.operator, threshold.bound)) runsOver++;
  const measured = aggregateValues(values, threshold, upper);
  return {
    threshold,
    measured,
    margin: upper ? threshold.bound - measured : measured - threshold.bound,
    runsOver,
    runs: values.length,
    overShare: values.length === 0 ? 0 : runsOver / values.length,
    met: meetsBound(measured, threshold.operator, threshold.bound),
  };
}

function aggregateValues(values: readonly number[], threshold: BudgetThreshold, upper: boolean): number {
  if (values.length === 0) return 0;
  const ascending = [...values].sort((a, b) => a - b);
  switch (threshold.aggregate.kind) {
    case 'every':
      return upper ? (ascending[ascending.length - 1] as number) : (ascending[0] as number);
    case 'mean':
      return values.reduce((sum, v) => sum + v, 0) / values.length;
    case 'min':
      return ascending[0] as number;
    case 'max':
      return ascending[ascending.length - 1] as number;
    case 'percentile': {
      // Counted from the good end, so that pN means "the bound holds in N% of runs".
      const q = threshold.aggregate.percent / 100;
      return upper ? quantileSorted(ascending, q) : quantileSorted([...ascending].reverse(), q);
    }
  }
}

/** The makespan distribution of a sample, ms (nearest rank). */
export interface MakespanSummary {
  runs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** p50/p95/p99/max of the makespans of `samples`. */
export function summarizeMakespan(samples: readonly RunSample[]): MakespanSummary {
  const sorted = samples.map((s) => sampleValue(s, 'makespan')).sort((a, b) => a - b);
  return { runs: sorted.length, p50Ms: quantileSorted(sorted, 0.5), p95Ms: quantileSorted(sorted, 0.95), p99Ms: quantileSorted(sorted, 0.99), maxMs: sorted[sorted.length - 1] ?? 0 };
}

/** One budgeted policy judged against its expectation. */
export interface BudgetVerdict {
  entry: BudgetEntry;
  policy: string;
  expect: BudgetExpectation;
  thresholds: ThresholdResult[];
  /** Whether at least one threshold is not met. */
  exceeded: boolean;
  /** Whether the outcome is what the entry expects (`pass` and not exceeded, or `exceed` and exceeded). */
  ok: boolean;
  /** Runs that break at least one threshold's bound on their own. */
  runsOver: number;
  runs: number;
  makespan: MakespanSummary;
}

/**
 * The threshold every budget holds without saying so: no run stopped by the outage breaker (a
 * stopped batch did not finish, so its makespan, the time to the stop, meets any time bound).
 * Added only where a run was stopped and the budget does not name `stopped` itself.
 */
export const IMPLICIT_STOP_THRESHOLD: BudgetThreshold = {
  text: 'stopped max <= 0 (implied: a batch the outage breaker stopped did not finish)',
  metric: 'stopped',
  kind: 'count',
  aggregate: { kind: 'max' },
  operator: '<=',
  bound: 0,
};

/** `thresholds`, with IMPLICIT_STOP_THRESHOLD when a run of `samples` was stopped and none names `stopped`. */
export function withImplicitThresholds(thresholds: readonly BudgetThreshold[], samples: readonly RunSample[]): readonly BudgetThreshold[] {
  if (thresholds.some((t) => t.metric === 'stopped') || !samples.some((s) => sampleValue(s, 'stopped') > 0)) return thresholds;
  return [...thresholds, IMPLICIT_STOP_THRESHOLD];
}

/** Judges `entry` for `policy` over that policy's `samples`. */
export function evaluateBudget(options: { entry: BudgetEntry; policy: string; samples: readonly RunSample[] }): BudgetVerdict {
  const { entry, samples } = options;
  const judged = withImplicitThresholds(entry.thresholds, samples);
  const thresholds = judged.map((threshold) => evaluateThreshold({ threshold, samples }));
  const exceeded = thresholds.some((t) => !t.met);
  let runsOver = 0;
  for (const sample of samples) {
    if (judged.some((t) => !meetsBound(sampleValue(sample, t.metric), t.operator, t.bound))) runsOver++;
  }
  return {
    entry,
    policy: options.policy,
    expect: entry.expect,
    thresholds,
    exceeded,
    ok: entry.expect === 'pass' ? !exceeded : exceeded,
    runsOver,
    runs: samples.length,
    makespan: summarizeMakespan(samples),
  };
}

/** Whether every threshold in `thresholds` is met over `samples` (for sweeps and the test helper). */
export function meetsThresholds(options: { thresholds: readonly BudgetThreshold[]; samples: readonly RunSample[] }): { met: boolean; results: ThresholdResult[] } {
  const results = withImplicitThresholds(options.thresholds, options.samples).map((threshold) => evaluateThreshold({ threshold, samples: options.samples }));
  return { met: results.every((r) => r.met), results };
}
