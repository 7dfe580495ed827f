/**
 * Writes the report folder of a budget check, one per scenario with budgets: for each budgeted
 * policy, the run of one representative seed (the median makespan of its sample) re-simulated with
 * its events (events.jsonl, metrics.json), plus check.json (every verdict) and check.md (the
 * Markdown summary of the check), beside the report files writeRunReport renders.
 */
import { buildBudgetCheckJson, type BudgetCheckResult } from '../scenario/budget-check-result.js';
import type { RunSample } from '../scenario/budget-metrics.js';
import { renderBudgetCheckMarkdown } from '../scenario/budget-report-markdown.js';
import { pickRepresentativeSeed } from '../scenario/budget-sample.js';
import type { Scenario } from '../scenario/scenario-types.js';
import { writeRunReport, type RunReportInput } from './write-run-report.js';
import { toReportRun } from '../report/build-simulation-report-runs.js';
import { simulateAndMeasure } from '../simulation/simulate-and-measure.js';

/**
 * Writes the folders under `rootDir` and records each folder in `result` (`reportDir`). Scenarios
 * without budgets get no folder. Returns the folders written. The caller owns `signal`.
 */
export async function writeCheckReports(options: {
  result: BudgetCheckResult;
  scenarios: readonly Scenario[];
  samples: ReadonlyArray<ReadonlyMap<string, readonly RunSample[]>>;
  rootDir: string;
  runId: string;
  stallThresholdMs?: number;
  signal?: AbortSignal;
}): Promise<string[]> {
  const written: string[] = [];
  for (const [index, check] of options.result.scenarios.entries()) {
    const scenario = options.scenarios[index] as Scenario;
    const byPolicy = options.samples[index] ?? new Map<string, readonly RunSample[]>();
    if (byPolicy.size === 0) continue;
    const runs: RunReportInput[] = [];
    const representativeSeeds: Record<string, number> = {};
    for (const policy of scenario.policies) {
      const seed = pickRepresentativeSeed(byPolicy.get(policy.name) ?? []);
      if (seed === null) continue;
      representativeSeeds[policy.name] = seed;
      runs.push(toReportRun({ scenario, ...(await simulateAndMeasure({ scenario, policy, seed, stallThresholdMs: options.stallThresholdMs, signal: options.signal })) }));
    }
    const single: BudgetCheckResult = { ...options.result, scenarios: [check] };
    const report = writeRunReport({
      rootDir: options.rootDir,
      scenario: scenario.name,
      runId: options.runId,
      runs,
      budgetMs: scenario.budgetMs,
      ifExists: 'suffix',
      extraFiles: {
        'check.json': `${JSON.stringify({ ...(buildBudgetCheckJson(single) as object), representativeSeeds }, null, 2)}\n`,
        'check.md': renderBudgetCheckMarkdown({ result: single }),
      },
    });
    check.reportDir = report.dir;
    written.push(report.dir);
  }
  return written;
}
