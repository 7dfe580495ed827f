/**
 * Simulated runs as measured report input. Every command that simulates (simulate, check, sweep,
 * replay, diagnose, the screenshot script) measures its runs here (src/simulation/simulate-and-measure.ts
 * runs and measures one), so a run's metrics never depend
 * on which command produced them: the item deadline of its policy caps the lower bound, and the
 * scenario's items name those that never started.
 */
import { formatEventLines } from '../events/run-log.js';
import type { Scenario } from '../scenario/scenario-types.js';
import { describeSimulationRun, type SimulationRun } from '../events/simulation-run.js';
import { computeProjectionMetrics, DEFAULT_STALL_THRESHOLD_MS, type RunMetrics } from './compute-metrics.js';
import type { ReportRun } from './report-run.js';
import { projectRun, type RunProjection } from './run-projection.js';

/** A simulated run, projected and measured; `eventLines` is null when its run log was not kept. */
export interface MeasuredSimulation {
  run: SimulationRun;
  projection: RunProjection;
  metrics: RunMetrics;
  eventLines: (() => Iterable<string>) | null;
}

/** The metrics of a simulated run's projection. */
export function measureProjection(options: { scenario: Scenario; run: Pick<SimulationRun, 'policy'>; projection: RunProjection; stallThresholdMs?: number }): RunMetrics {
  return computeProjectionMetrics(options.projection, { stallThresholdMs: options.stallThresholdMs ?? DEFAULT_STALL_THRESHOLD_MS, policy: options.run.policy });
}

/** The metrics of a simulated run of `scenario` whose events were kept. */
export function measureSimulationRun(options: { scenario: Scenario; run: SimulationRun; stallThresholdMs?: number }): RunMetrics {
  return measureProjection({ ...options, projection: projectRun(options.run.events, { items: options.scenario.items }) });
}

/** A run as report input: its run log header, projection, metrics and event lines (from the kept events unless given). */
export function toReportRun(options: { scenario: Scenario; run: SimulationRun; metrics: RunMetrics; projection?: RunProjection; eventLines?: (() => Iterable<string>) | null }): ReportRun {
  const { run } = options;
  const eventLines = options.eventLines ?? (() => formatEventLines(run.events));
  return { header: describeSimulationRun(options.scenario, run), projection: options.projection ?? projectRun(run.events, { items: options.scenario.items }), metrics: options.metrics, eventLines };
}

/** One `ReportRun` per simulated run of `scenario`, with metrics already measured. */
export function buildSimulationReportRuns(options: { scenario: Scenario; runs: ReadonlyArray<MeasuredSimulation | { run: SimulationRun; metrics: RunMetrics }> }): ReportRun[] {
  return options.runs.map((r) => toReportRun({ scenario: options.scenario, ...r }));
}
