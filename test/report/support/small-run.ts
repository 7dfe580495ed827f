/** The small fixed run of the golden tests: test/report/fixtures/small-run.json, every policy. */
import { readFileSync } from 'node:fs';
import { buildSimulationReportRuns } from '../../../src/report/build-simulation-report-runs.js';
import { computeMetrics } from '../../../src/report/compute-metrics.js';
import type { ReportRun } from '../../../src/report/report-run.js';
import { parseScenarioText } from '../../../src/scenario/parse-scenario.js';
import type { Scenario } from '../../../src/scenario/scenario-types.js';
import { simulatePolicy } from '../../../src/simulation/simulate-policy.js';

/** Loads a scenario file of the repository by its path from the root. */
export function loadRepoScenario(path: string): Scenario {
  return parseScenarioText({ text: readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8'), source: path });
}

/** Simulates every policy (or the named ones) of `scenario` and returns the report input. */
export async function simulateReportRuns(scenario: Scenario, policies?: readonly string[]): Promise<ReportRun[]> {
  const runs = [];
  for (const policy of scenario.policies) {
    if (policies && !policies.includes(policy.name)) continue;
    const run = await simulatePolicy({ scenario, policy });
    runs.push({ run, metrics: computeMetrics(run.events, { policy, items: scenario.items }) });
  }
  return buildSimulationReportRuns({ scenario, runs });
}

let cached: Promise<{ scenario: Scenario; runs: ReportRun[] }> | null = null;

/** The small run, simulated once per test file. */
export function loadSmallRun(): Promise<{ scenario: Scenario; runs: ReportRun[] }> {
  cached ??= (async () => {
    const scenario = loadRepoScenario('test/report/fixtures/small-run.json');
    return { scenario, runs: await simulateReportRuns(scenario) };
  })();
  return cached;
}
