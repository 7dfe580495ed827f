/**
 * Writes the report folder of a sweep: sweep.json (every point, the frontier, the recommendation),
 * points.csv, frontier.md, and the run of the recommended policy (else the base's first grid
 * point) at its representative seed (events.jsonl, metrics.json).
 */
import type { RunSample } from '../scenario/budget-metrics.js';
import { pickRepresentativeSeed } from '../scenario/budget-sample.js';
import type { Scenario } from '../scenario/scenario-types.js';
import { renderSweepMarkdown } from '../sweep/render-sweep-text.js';
import { buildSweepCsv, buildSweepJson, type SweepResult } from '../sweep/sweep-result.js';
import { writeRunReport, type RunReportInput, type WrittenReport } from './write-run-report.js';
import { toReportRun } from '../report/build-simulation-report-runs.js';
import { simulateAndMeasure } from '../simulation/simulate-and-measure.js';

/** Writes the folder `<rootDir>/<scenario>/<runId>/`. The caller owns `signal`. */
export async function writeSweepReport(options: {
  result: SweepResult;
  scenario: Scenario;
  samples: readonly (readonly RunSample[])[];
  rootDir: string;
  runId: string;
  stallThresholdMs?: number;
  signal?: AbortSignal;
}): Promise<WrittenReport> {
  const { result, scenario } = options;
  const shown = result.analysis.recommendation ?? result.analysis.frontier[0] ?? 0;
  const point = result.analysis.points[shown]?.point;
  const runs: RunReportInput[] = [];
  const seed = pickRepresentativeSeed(options.samples[shown] ?? []);
  if (point && seed !== null) {
    runs.push(toReportRun({ scenario, ...(await simulateAndMeasure({ scenario, policy: point.policy, seed, stallThresholdMs: options.stallThresholdMs, signal: options.signal })) }));
  }
  return writeRunReport({
    rootDir: options.rootDir,
    scenario: scenario.name,
    runId: options.runId,
    runs,
    budgetMs: scenario.budgetMs,
    ifExists: 'suffix',
    extraFiles: {
      'sweep.json': `${JSON.stringify(buildSweepJson(result), null, 2)}\n`,
      'points.csv': buildSweepCsv(result),
      'frontier.md': renderSweepMarkdown({ result }),
    },
  });
}
