/** Simulated runs as report input: each policy's run with its run log header and metrics. */
import { describeSimulationRun } from '../scenario/simulate-policy.js';
import type { Scenario } from '../scenario/scenario-types.js';
import type { MockFace, SimulationRun } from '../scenario/simulate-policy.js';
import type { RunMetrics } from './compute-metrics.js';
import type { ReportRun } from './report-run.js';

/** One `ReportRun` per simulated policy of `scenario` (all with the same seed and face). */
export function buildSimulationReportRuns(options: {
  scenario: Scenario;
  seed: number;
  face: MockFace;
  runs: ReadonlyArray<{ run: SimulationRun; metrics: RunMetrics }>;
}): ReportRun[] {
  const { scenario } = options;
  return options.runs.map(({ run, metrics }) => {
    const header = { ...describeSimulationRun(scenario, run), seed: options.seed, transport: options.face };
    return { header, events: run.events, metrics };
  });
}
