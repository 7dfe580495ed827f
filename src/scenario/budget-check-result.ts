/**
 * The result of a budget check over one or more scenarios, and its plain-data JSON form (check.json
 * in the report folder). Pure.
 */
import type { BudgetVerdict, ThresholdResult } from './budget-evaluation.js';
import { formatBudgetMargin, formatBudgetValue, formatShare } from './budget-format.js';

/** One scenario's budgets, judged. */
export interface ScenarioCheck {
  name: string;
  /** The file it came from, as the user named it. */
  source: string;
  seeds: number[];
  /** One per (budget entry, policy), entries in file order. */
  verdicts: BudgetVerdict[];
  /** Policies of the scenario that no budget names (not run). */
  unbudgeted: string[];
  /** Folder of the report written for it, if any. */
  reportDir: string | null;
}

export interface BudgetCheckResult {
  scenarios: ScenarioCheck[];
  /** Simulations run. */
  runs: number;
  /** Worker threads used (0: in-process). */
  threads: number;
  /** Real time the runs took, ms. */
  wallMs: number;
}

/** Every verdict that is not what its budget expects. */
export function listFailedVerdicts(result: Pick<BudgetCheckResult, 'scenarios'>): Array<{ scenario: ScenarioCheck; verdict: BudgetVerdict }> {
  return result.scenarios.flatMap((scenario) => scenario.verdicts.filter((v) => !v.ok).map((verdict) => ({ scenario, verdict })));
}

/** Counts of verdicts: all, failed, and by expectation. */
export function countVerdicts(result: Pick<BudgetCheckResult, 'scenarios'>): { total: number; failed: number; pass: number; exceed: number } {
  const all = result.scenarios.flatMap((s) => s.verdicts);
  return { total: all.length, failed: all.filter((v) => !v.ok).length, pass: all.filter((v) => v.expect === 'pass').length, exceed: all.filter((v) => v.expect === 'exceed').length };
}

/** How one threshold row reads: `met`, `FAIL`, `exceeds (expected)` or `met (expected to exceed)`. */
export function describeThresholdOutcome(verdict: Pick<BudgetVerdict, 'expect'>, row: ThresholdResult): string {
  if (verdict.expect === 'pass') return row.met ? 'met' : 'FAIL';
  return row.met ? 'met' : 'exceeds (expected)';
}

/** How one verdict reads, e.g. `ok: within budget`, `FAIL: expected to exceed, met every threshold`. */
export function describeVerdict(verdict: BudgetVerdict): string {
  if (verdict.expect === 'pass') {
    if (!verdict.exceeded) return 'ok: within budget';
    const broken = verdict.thresholds.filter((t) => !t.met).map((t) => t.threshold.text);
    return `FAIL: over budget (${broken.join('; ')})`;
  }
  return verdict.exceeded ? 'ok: exceeds as expected' : 'FAIL: expected to exceed, but met every threshold';
}

/** One threshold row as display strings. */
export function formatThresholdRow(row: ThresholdResult): { budget: string; measured: string; margin: string; over: string } {
  const kind = row.threshold.kind;
  return {
    budget: row.threshold.text,
    measured: formatBudgetValue(kind, row.measured),
    margin: formatBudgetMargin(kind, row.margin),
    over: `${formatShare(row.overShare)} (${row.runsOver}/${row.runs})`,
  };
}

/** The check as plain data, for check.json and `--json`. Values keep their units (ms, ratios). */
export function buildBudgetCheckJson(result: BudgetCheckResult): unknown {
  const counts = countVerdicts(result);
  return {
    ok: counts.failed === 0,
    verdicts: counts.total,
    failed: counts.failed,
    runs: result.runs,
    scenarios: result.scenarios.map((s) => ({
      name: s.name,
      source: s.source,
      seeds: { first: s.seeds[0] ?? null, count: s.seeds.length },
      unbudgeted: s.unbudgeted,
      verdicts: s.verdicts.map((v) => ({
        budget: v.entry.path,
        policy: v.policy,
        expect: v.expect,
        ok: v.ok,
        exceeded: v.exceeded,
        runsOver: v.runsOver,
        runs: v.runs,
        makespanMs: { p50: v.makespan.p50Ms, p95: v.makespan.p95Ms, p99: v.makespan.p99Ms, max: v.makespan.maxMs },
        thresholds: v.thresholds.map((t) => ({
          expression: t.threshold.text,
          metric: t.threshold.metric,
          aggregate: t.threshold.aggregate,
          operator: t.threshold.operator,
          bound: t.threshold.bound,
          measured: t.measured,
          margin: t.margin,
          met: t.met,
          runsOver: t.runsOver,
        })),
      })),
    })),
  };
}
