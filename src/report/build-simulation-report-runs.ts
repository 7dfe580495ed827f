/** Simulated runs as report input: each policy's run with its run log header and metrics. */
import { RUN_LOG_VERSION, type RunLogHeader } from '../events/run-log.js';
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
    const header: RunLogHeader = {
      type: 'run.meta',
      version: RUN_LOG_VERSION,
      mode: 'simulation',
      scenario: scenario.name,
      seed: options.seed,
      transport: options.face,
      startMs: scenario.startMs,
      batchId: run.result.batchId,
      policy: run.policy,
      items: scenario.items,
      accountConcurrency: scenario.world.account.concurrency,
    };
    return { header, events: run.events, metrics };
  });
}
