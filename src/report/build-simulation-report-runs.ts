/**
 * Simulated runs as measured report input. Every command that simulates (simulate, check, sweep,
 * replay, the screenshot script) measures its runs here, so a run's metrics never depend on which
 * command produced them: the item deadline of its policy caps the lower bound, and the scenario's
 * items name those that never started.
 */
import type { EventSink } from '../ports.js';
import type { Policy } from '../engine/policy.js';
import type { Scenario } from '../scenario/scenario-types.js';
import { describeSimulationRun, simulatePolicy, type MockFace, type SimulationRun } from '../scenario/simulate-policy.js';
import { computeMetrics, DEFAULT_STALL_THRESHOLD_MS, type RunMetrics } from './compute-metrics.js';
import type { ReportRun } from './report-run.js';

/** The metrics of a simulated run of `scenario`. */
export function measureSimulationRun(options: { scenario: Scenario; run: SimulationRun; stallThresholdMs?: number }): RunMetrics {
  return computeMetrics(options.run.events, {
    stallThresholdMs: options.stallThresholdMs ?? DEFAULT_STALL_THRESHOLD_MS,
    policy: options.run.policy,
    items: options.scenario.items,
  });
}

/** A run as report input: its run log header, events and metrics. */
export function toReportRun(options: { scenario: Scenario; run: SimulationRun; metrics: RunMetrics }): ReportRun {
  return { header: describeSimulationRun(options.scenario, options.run), events: options.run.events, metrics: options.metrics };
}

/** One `ReportRun` per simulated run of `scenario`, with metrics already measured. */
export function buildSimulationReportRuns(options: { scenario: Scenario; runs: ReadonlyArray<{ run: SimulationRun; metrics: RunMetrics }> }): ReportRun[] {
  return options.runs.map(({ run, metrics }) => toReportRun({ scenario: options.scenario, run, metrics }));
}

/** Simulates `policy` with `seed` and measures it. The caller owns `signal`. */
export async function simulateAndMeasure(options: {
  scenario: Scenario;
  policy: Policy;
  seed: number;
  face?: MockFace;
  stallThresholdMs?: number;
  signal?: AbortSignal;
  /** Also receives every event as it happens (progress). */
  sink?: EventSink;
}): Promise<{ run: SimulationRun; metrics: RunMetrics }> {
  const run = await simulatePolicy({ scenario: options.scenario, policy: options.policy, seed: options.seed, face: options.face ?? 'direct', signal: options.signal, sink: options.sink });
  return { run, metrics: measureSimulationRun({ scenario: options.scenario, run, stallThresholdMs: options.stallThresholdMs }) };
}
