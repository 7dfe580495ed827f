/** Everything a replay found, as the text and JSON renderers receive it. */
import type { BatchEvent } from '../events/batch-event.js';
import type { RunMetrics } from '../report/compute-metrics.js';
import type { ReplayComparison } from './compare-replay.js';
import type { Diagnosis } from './diagnosis-types.js';
import type { FittedWorldSummary } from './fitted-world.js';
import type { LogFormat, LogLineCounts, LoggedRun } from './log-records.js';
import type { LogDialect } from './read-log-envelope.js';

/** A one-line summary of a run found in the file. */
export interface RunSummary {
  index: number;
  batchId: string | null;
  policy: string | null;
  startMs: number;
  items: number;
  firstLine: number;
}

/** A policy the logged batch was replayed under. */
export interface CounterfactualRun {
  policy: string;
  description: string;
  metrics: RunMetrics;
  comparison: ReplayComparison;
}

export interface ReplayOutcome {
  source: string;
  format: LogFormat;
  /** How the file was read: its dialect, the precision of its times, the zone of naive times. */
  read: { dialect: LogDialect; resolutionMs: number; naiveLines: number; naiveZone: string };
  lines: LogLineCounts;
  runs: RunSummary[];
  diagnosis: Diagnosis;
  duplicateNames: LoggedRun['duplicateNames'];
  /** Events to draw the timeline with: the run log's own, or ones synthesized from the reconstruction. */
  timelineEvents: BatchEvent[] | null;
  /** How the replay scenario's baseline compares with the log, when it was run. */
  reproduction: ReplayComparison | null;
  /** Where the replay scenario (the exact, per-item world) was written, if it was. */
  scenarioFile: string | null;
  /** The fitted world (lognormal body, stalls, failures, fitted to one or several logs) and its runs over seeds, when built. */
  fitted: FittedWorldSummary | null;
  /** Runs under other policies (counterfactual replay). */
  counterfactuals: CounterfactualRun[];
  /** Where the run report was written, if it was. */
  reportDir: string | null;
  /** Remarks for the reader (assumptions the replay made). */
  notes: string[];
}

/** One-line summaries of the runs of a parsed log. */
export function summarizeRuns(runs: readonly LoggedRun[]): RunSummary[] {
  return runs.map((r) => ({ index: r.index, batchId: r.batchId, policy: r.policyName, startMs: r.startMs, items: r.items.length, firstLine: r.firstLine }));
}
