/**
 * The metrics a budget can name, read from one run's RunMetrics, and the compact per-run sample the
 * CI gate and sweeps aggregate over seeds. Pure.
 */
import type { RunMetrics } from '../report/compute-metrics.js';

/**
 * How a metric's values are written and shown: `duration` in ms ("15m"), `ratio` in [0, 1]
 * ("98%"), `count` a non-negative number ("1200"), `number` a plain number ("1.5").
 */
export type BudgetMetricKind = 'duration' | 'ratio' | 'count' | 'number';

/** One metric a budget expression can name. */
export interface BudgetMetric {
  name: string;
  kind: BudgetMetricKind;
  /** What it measures, for --help and the README. */
  description: string;
  read: (metrics: RunMetrics) => number;
}

/** Every budget metric, in the order they are documented. */
export const BUDGET_METRICS: readonly BudgetMetric[] = [
  { name: 'makespan', kind: 'duration', description: 'first item start to last item end', read: (m) => m.makespanMs },
  { name: 'makespan-ratio', kind: 'number', description: 'makespan / lower bound (1 is perfect)', read: (m) => m.makespanRatio },
  { name: 'success', kind: 'ratio', description: 'priced items / all items', read: (m) => m.successRate },
  { name: 'priced', kind: 'count', description: 'items priced', read: (m) => m.counts.priced },
  { name: 'failed', kind: 'count', description: 'items failed', read: (m) => m.counts.failed },
  { name: 'timed-out', kind: 'count', description: 'items that hit their deadline', read: (m) => m.counts.timedOut },
  { name: 'skipped', kind: 'count', description: 'items skipped (batch deadline, circuit breaker)', read: (m) => m.counts.skipped },
  { name: 'credits', kind: 'count', description: 'Scrapfly credits charged', read: (m) => m.scrapfly.creditsCharged },
  { name: 'requests', kind: 'count', description: 'requests sent to Scrapfly', read: (m) => m.scrapfly.requests },
  { name: 'throttled', kind: 'count', description: '429 answers', read: (m) => m.scrapfly.throttled },
  { name: 'peak-concurrency', kind: 'count', description: 'highest Scrapfly account concurrency', read: (m) => m.scrapfly.peakConcurrency },
  { name: 'zombies', kind: 'count', description: 'requests still running after the client stopped waiting', read: (m) => m.zombies.count },
  { name: 'zombie-time', kind: 'duration', description: 'Scrapfly slot time held by zombie requests', read: (m) => m.zombies.slotMs },
  { name: 'stalls', kind: 'count', description: 'attempts longer than the stall threshold', read: (m) => m.stalls.count },
  { name: 'stalled-worker-time', kind: 'duration', description: 'worker time lost to stalled attempts', read: (m) => m.stalls.blockedWorkerMs },
  { name: 'all-stalled', kind: 'duration', description: 'time during which every worker was stalled', read: (m) => m.stalls.allWorkersStalledMs },
  { name: 'stopped', kind: 'count', description: '1 when the outage breaker stopped the run (the batch did not finish), else 0', read: (m) => (m.outage === null ? 0 : 1) },
];

/** Other spellings accepted in expressions. */
const ALIASES: Record<string, string> = { '429s': 'throttled', 'success-rate': 'success' };

/** The metric called `name` (case-insensitive, aliases allowed), or undefined. */
export function findBudgetMetric(name: string): BudgetMetric | undefined {
  const key = name.toLowerCase();
  const canonical = ALIASES[key] ?? key;
  return BUDGET_METRICS.find((m) => m.name === canonical);
}

/** One simulated run reduced to the values budgets and sweeps need: every budget metric by name. */
export interface RunSample {
  seed: number;
  values: Record<string, number>;
}

/** Reduces one run's metrics to a sample. */
export function measureRun(options: { metrics: RunMetrics; seed: number }): RunSample {
  const values: Record<string, number> = {};
  for (const metric of BUDGET_METRICS) values[metric.name] = metric.read(options.metrics);
  return { seed: options.seed, values };
}

/** The value of `metric` in `sample` (0 when missing, which only a hand-built sample can be). */
export function sampleValue(sample: RunSample, metric: string): number {
  return sample.values[metric] ?? 0;
}
