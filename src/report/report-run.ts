/**
 * One policy's run as the report renderers see it: the run log header (scenario, seed, policy,
 * items), the events in order, and the metrics computed from them. Every command that writes a
 * report folder (simulate, replay, check, run) hands over a list of these, one per policy.
 */
import type { BatchEvent } from '../events/batch-event.js';
import type { RunLogHeader } from '../events/run-log.js';
import type { RunMetrics } from './compute-metrics.js';

export interface ReportRun {
  header: RunLogHeader;
  events: readonly BatchEvent[];
  metrics: RunMetrics;
}

/** What a report says about the runs as a whole; every field is optional. */
export interface ReportContext {
  /** The scenario's time budget of a batch, ms, for a verdict per policy. */
  budgetMs?: number | null;
  /** One line saying what the scenario is. */
  description?: string | null;
}

/** The earliest start and the latest event of `runs`, ms: one time axis for every policy. */
export function findTimeSpan(runs: readonly ReportRun[]): { startMs: number; endMs: number } {
  let startMs = Infinity;
  let endMs = -Infinity;
  for (const run of runs) {
    startMs = Math.min(startMs, run.metrics.startMs);
    endMs = Math.max(endMs, run.metrics.endMs);
    const last = run.events[run.events.length - 1];
    if (last) endMs = Math.max(endMs, last.atMs);
  }
  if (!Number.isFinite(startMs)) return { startMs: 0, endMs: 1 };
  return { startMs, endMs: Math.max(endMs, startMs + 1) };
}
