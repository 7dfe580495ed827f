/**
 * Whether a run kept to a time budget: `within` or `exceeded` by its makespan, or `stopped` when
 * the outage breaker stopped the batch. A stopped batch did not finish: its makespan is the time
 * to the stop, not the batch's, and its unpriced items wait for a resume, so it is neither within
 * nor over the budget. Pure.
 */
import type { RunMetrics } from './compute-metrics.js';

/** The verdict of one run against a time budget. */
export type BudgetVerdict = 'within' | 'exceeded' | 'stopped';

/** The verdict of a run (its makespan in ms, whether the outage breaker stopped it) against `budgetMs` (ms). */
export function budgetVerdict(metrics: Pick<RunMetrics, 'makespanMs' | 'outage'>, budgetMs: number): BudgetVerdict {
  if (metrics.outage !== null) return 'stopped';
  return metrics.makespanMs <= budgetMs ? 'within' : 'exceeded';
}

/** The verdict as a table cell: `yes`, `no`, or `stopped` (by the outage breaker). */
export function budgetVerdictCell(verdict: BudgetVerdict): string {
  return verdict === 'within' ? 'yes' : verdict === 'exceeded' ? 'no' : 'stopped';
}
