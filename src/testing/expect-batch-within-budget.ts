/**
 * A budget assertion for a team's own test suite (vitest, jest, node:test):
 *
 * ```ts
 * import { expectBatchWithinBudget } from 'batchscope/testing';
 *
 * it('prices the nightly batch within 15 minutes', async () => {
 *   await expectBatchWithinBudget('scenarios/nightly.json', 'fixed', '15m');
 *   await expectBatchWithinBudget(scenario, policy, ['makespan p95 < 15m', 'success p95 >= 98%'], { seeds: 50 });
 * });
 * ```
 *
 * It simulates the policy over a Monte Carlo sample of seeds and rejects with BudgetExceededError
 * when a threshold is not met; the message shows the measured distribution and the seeds of the
 * worst runs (replay one with `batchscope simulate <scenario> -p <policy> --seed N`). A bare
 * duration (`'15m'`, or a number of ms) means `makespan <= 15m` in every run; anything else is a
 * budget expression (see the README). A run the outage breaker stopped fails it, as in `check`.
 * Runs on worker threads when the package is built, in-process
 * otherwise.
 */
import { loadScenarioFile } from '../cli/load-scenario-file.js';
import type { Policy } from '../engine/policy.js';
import { BatchscopeError, UsageError } from '../errors.js';
import { runSimulationPool } from '../node/run-simulation-pool.js';
import { evaluateThreshold, summarizeMakespan, withImplicitThresholds, type MakespanSummary, type ThresholdResult } from '../scenario/budget-evaluation.js';
import { isUpperBound, meetsBound, parseBudgetExpression, type BudgetThreshold } from '../scenario/budget-expression.js';
import { formatBudgetMargin, formatBudgetValue, formatShare } from '../scenario/budget-format.js';
import { sampleValue, type RunSample } from '../scenario/budget-metrics.js';
import { listSeeds } from '../scenario/budget-sample.js';
import type { Scenario } from '../scenario/scenario-types.js';
import { quantileSorted } from '../report/quantile.js';
import { formatDurationMs, parseDurationMs } from '../units/duration.js';

/** The default Monte Carlo sample of the helper (smaller than `check`'s, to keep suites fast). */
export const DEFAULT_EXPECT_SEEDS = 20;

export interface ExpectBudgetOptions {
  /** Seeds to run (default 20). */
  seeds?: number;
  /** First seed (default: the scenario's). */
  firstSeed?: number;
  /** Worker threads (default: the CPU cores when built; 0 runs in-process). */
  threads?: number;
  /** Stall threshold for the stall metrics, ms (default 60 s). */
  stallThresholdMs?: number;
  /** Resolves a scenario path (default: the process's working directory). */
  cwd?: string;
  /** Cancels the runs; the caller owns it. */
  signal?: AbortSignal;
}

/** What was measured: returned when the budget holds, carried by the error when it does not. */
export interface BudgetReport {
  scenario: string;
  policy: string;
  seeds: number[];
  thresholds: ThresholdResult[];
  makespan: MakespanSummary;
  samples: RunSample[];
}

/** A batch that does not meet its budget. `report` holds every measurement. */
export class BudgetExceededError extends BatchscopeError {
  readonly report: BudgetReport;

  constructor(message: string, report: BudgetReport) {
    super('BUDGET_EXCEEDED', message);
    this.report = report;
  }
}

/**
 * Resolves with the measurements when `policy` meets `budget` on `scenario`; rejects with
 * BudgetExceededError otherwise, and with UsageError for an unknown policy or a bad expression.
 */
export async function expectBatchWithinBudget(
  scenario: Scenario | string,
  policy: Policy | string,
  budget: string | number | readonly string[],
  options: ExpectBudgetOptions = {},
): Promise<BudgetReport> {
  const loaded = typeof scenario === 'string' ? loadScenarioFile(scenario, options.cwd ?? process.cwd()) : scenario;
  const chosen = typeof policy === 'string' ? findPolicy(loaded, policy) : policy;
  const thresholds = readBudget(budget, loaded.budgetMs);
  const seeds = listSeeds({ firstSeed: options.firstSeed ?? loaded.seed, count: options.seeds ?? DEFAULT_EXPECT_SEEDS });
  const { samples } = await runSimulationPool({
    scenarios: [loaded],
    jobs: seeds.map((seed) => ({ scenario: 0, policy: chosen, seed })),
    threads: options.threads,
    stallThresholdMs: options.stallThresholdMs,
    signal: options.signal,
  });
  const report: BudgetReport = {
    scenario: loaded.name,
    policy: chosen.name,
    seeds,
    thresholds: withImplicitThresholds(thresholds, samples).map((threshold) => evaluateThreshold({ threshold, samples })),
    makespan: summarizeMakespan(samples),
    samples,
  };
  if (report.thresholds.every((t) => t.met)) return report;
  throw new BudgetExceededError(describeFailure(report), report);
}

function findPolicy(scenario: Scenario, name: string): Policy {
  const found = scenario.policies.find((p) => p.name === name);
  if (!found) throw new UsageError(`Unknown policy "${name}" in scenario ${scenario.source}: choose one of ${scenario.policies.map((p) => p.name).join(', ')}`);
  return found;
}

function readBudget(budget: string | number | readonly string[], budgetMs: number | null): BudgetThreshold[] {
  const texts: string[] = typeof budget === 'number' ? [`${budget}ms`] : typeof budget === 'string' ? [budget] : [...budget];
  if (texts.length === 0) throw new UsageError('expectBatchWithinBudget needs a budget: a duration such as "15m" or expressions such as "makespan p95 < 15m"');
  return texts.map((text) => {
    const ms = /[<>]/.test(text) ? null : parseDurationMs(text);
    const expression = ms !== null && ms > 0 ? `makespan <= ${formatDurationMs(ms)}` : text;
    const parsed = parseBudgetExpression({ text: expression, budgetMs });
    if (!parsed.ok) throw new UsageError(`Budget "${text}" is not a valid budget expression: it ${parsed.reason}`);
    // Keep the exact bound of a bare duration (the formatted text may round it).
    return ms !== null && ms > 0 ? { ...parsed.threshold, bound: ms } : parsed.threshold;
  });
}

function describeFailure(report: BudgetReport): string {
  const seeds = `${report.seeds.length} seeds (${report.seeds[0]}..${report.seeds[report.seeds.length - 1]})`;
  const lines = [`Batch over budget: ${report.scenario} / ${report.policy} over ${seeds}`];
  for (const t of report.thresholds) {
    const kind = t.threshold.kind;
    const status = t.met ? 'met' : 'NOT MET';
    lines.push(`  ${t.threshold.text}: ${status} — measured ${formatBudgetValue(kind, t.measured)}, margin ${formatBudgetMargin(kind, t.margin)}, ${t.runsOver} of ${t.runs} runs over (${formatShare(t.overShare)})`);
    if (t.met) continue;
    const values = report.samples.map((s) => sampleValue(s, t.threshold.metric)).sort((a, b) => a - b);
    const f = (v: number) => formatBudgetValue(kind, v);
    lines.push(
      `    ${t.threshold.metric} distribution: min ${f(values[0] ?? 0)} · p50 ${f(quantileSorted(values, 0.5))} · p95 ${f(quantileSorted(values, 0.95))} · p99 ${f(quantileSorted(values, 0.99))} · max ${f(values[values.length - 1] ?? 0)}`,
    );
    const worst = report.samples
      .filter((s) => !meetsBound(sampleValue(s, t.threshold.metric), t.threshold.operator, t.threshold.bound))
      .sort((a, b) => (isUpperBound(t.threshold) ? -1 : 1) * (sampleValue(a, t.threshold.metric) - sampleValue(b, t.threshold.metric)) || a.seed - b.seed)
      .slice(0, 5);
    lines.push(`    worst runs: ${worst.map((s) => `seed ${s.seed} (${f(sampleValue(s, t.threshold.metric))})`).join(', ')}`);
  }
  const m = report.makespan;
  if (report.thresholds.some((t) => !t.met && t.threshold.metric === 'makespan')) return lines.join('\n');
  lines.push(`  makespan: p50 ${formatDurationMs(m.p50Ms)} · p95 ${formatDurationMs(m.p95Ms)} · p99 ${formatDurationMs(m.p99Ms)} · max ${formatDurationMs(m.maxMs)}`);
  return lines.join('\n');
}
