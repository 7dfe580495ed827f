/**
 * One policy's run as the report renderers see it: the run log header (scenario, seed, policy,
 * items), the run's projection, the metrics computed from it, and its events as run-log lines.
 * Every command that writes a report folder (simulate, replay, check, run, diagnose) hands over a
 * list of these, one per policy. The events themselves need not be kept: a simulation projects
 * them and writes their lines as they happen.
 */
import type { BatchEvent } from '../events/batch-event.js';
import { formatEventLines, type RunLogHeader } from '../events/run-log.js';
import { computeProjectionMetrics, type MetricsOptions, type RunMetrics } from './compute-metrics.js';
import { projectRun, type RunProjection } from './run-projection.js';

export interface ReportRun {
  header: RunLogHeader;
  projection: RunProjection;
  metrics: RunMetrics;
  /** The run's events as run-log lines (one JSON object and a newline each), in order, header excluded. */
  eventLines: () => Iterable<string>;
}

/** A report run from kept events: projects them and, unless given, measures them. */
export function reportRunOfEvents(options: { header: RunLogHeader; events: readonly BatchEvent[]; metrics?: RunMetrics; metricsOptions?: MetricsOptions }): ReportRun {
  const projection = projectRun(options.events, { items: options.header.items });
  const { events } = options;
  return { header: options.header, projection, metrics: options.metrics ?? computeProjectionMetrics(projection, options.metricsOptions), eventLines: () => formatEventLines(events) };
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
    if (run.projection.eventCount > 0) endMs = Math.max(endMs, run.projection.lastEventMs);
  }
  if (!Number.isFinite(startMs)) return { startMs: 0, endMs: 1 };
  return { startMs, endMs: Math.max(endMs, startMs + 1) };
}
