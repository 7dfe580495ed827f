/**
 * Simulated runs as measured report input. Every command that simulates (simulate, check, sweep,
 * replay, diagnose, the screenshot script) measures its runs here, so a run's metrics never depend
 * on which command produced them: the item deadline of its policy caps the lower bound, and the
 * scenario's items name those that never started.
 */
import type { EventSink } from '../ports.js';
import type { Policy } from '../engine/policy.js';
import { createEventLineSpool, type EventLineSpoolFactory } from '../events/event-line-spool.js';
import { createFanOutSink } from '../events/collect-events.js';
import { formatEventLines } from '../events/run-log.js';
import type { Scenario } from '../scenario/scenario-types.js';
import { describeSimulationRun, simulatePolicy, type MockFace, type SimulationRun } from '../scenario/simulate-policy.js';
import { computeProjectionMetrics, DEFAULT_STALL_THRESHOLD_MS, type RunMetrics } from './compute-metrics.js';
import type { ReportRun } from './report-run.js';
import { createRunProjector, projectRun, type RunProjection } from './run-projection.js';

/** A simulated run, projected and measured; `eventLines` is null when its run log was not kept. */
export interface MeasuredSimulation {
  run: SimulationRun;
  projection: RunProjection;
  metrics: RunMetrics;
  eventLines: (() => Iterable<string>) | null;
}

/** The metrics of a simulated run's projection. */
function measureProjection(options: { scenario: Scenario; run: Pick<SimulationRun, 'policy'>; projection: RunProjection; stallThresholdMs?: number }): RunMetrics {
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

/**
 * Simulates `policy` with `seed`, projects and measures it. The events are not kept
 * (`run.events` is empty) unless `keepEvents`; their run-log lines are kept unless `runLog` is
 * false. The caller owns `signal`.
 */
export async function simulateAndMeasure(options: {
  scenario: Scenario;
  policy: Policy;
  seed: number;
  face?: MockFace;
  stallThresholdMs?: number;
  signal?: AbortSignal;
  /** Also receives every event as it happens (progress). */
  sink?: EventSink;
  /** Keep the event objects in `run.events` (default false). */
  keepEvents?: boolean;
  /** Keep the events as run-log lines for a report (default true). */
  runLog?: boolean;
  /** Where those lines are kept (default: in memory). */
  spool?: EventLineSpoolFactory;
}): Promise<MeasuredSimulation> {
  const projector = createRunProjector({ items: options.scenario.items });
  const spool = options.runLog === false ? null : (options.spool ?? createEventLineSpool)();
  const sinks: EventSink[] = [projector.sink];
  if (spool) sinks.push(spool.sink);
  if (options.sink) sinks.push(options.sink);
  const run = await simulatePolicy({ scenario: options.scenario, policy: options.policy, seed: options.seed, face: options.face ?? 'direct', signal: options.signal, sink: createFanOutSink(sinks), keepEvents: options.keepEvents === true });
  const projection = projector.finish();
  return { run, projection, metrics: measureProjection({ scenario: options.scenario, run, projection, stallThresholdMs: options.stallThresholdMs }), eventLines: spool ? () => spool.lines() : null };
}
