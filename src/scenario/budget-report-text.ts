/**
 * The terminal report of a budget check: per scenario, the makespan distribution of each budgeted
 * policy and the share of runs over its budget; then one table of scenario, policy, budget,
 * measured value and margin; then the verdict. Pure: colour comes in as styles.
 */
import { PLAIN_STYLES, type TimelineStyles } from '../report/timeline-styles.js';
import { formatDurationMs } from '../units/duration.js';
import { countVerdicts, describeThresholdOutcome, describeVerdict, formatThresholdRow, listFailedVerdicts, type BudgetCheckResult, type ScenarioCheck } from './budget-check-result.js';
import { formatBudgetMargin, formatBudgetValue, formatShare } from './budget-format.js';
import { renderTextTable } from '../report/render-text-table.js';

/** Renders the whole check. */
export function renderBudgetCheckText(options: { result: BudgetCheckResult; styles?: TimelineStyles }): string {
  const { result } = options;
  const styles = options.styles ?? PLAIN_STYLES;
  const counts = countVerdicts(result);
  const out: string[] = [];
  const where = result.threads === 0 ? 'in-process' : `on ${result.threads} thread${result.threads === 1 ? '' : 's'}`;
  const scenarioCount = `${result.scenarios.length} scenario${result.scenarios.length === 1 ? '' : 's'}`;
  out.push(`${styles.heading('batchscope check')} — ${scenarioCount}, ${counts.total} budgeted polic${counts.total === 1 ? 'y' : 'ies'}, ${result.runs} runs ${where} in ${(result.wallMs / 1000).toFixed(1)}s`);
  for (const scenario of result.scenarios) out.push('', ...renderScenario(scenario, styles));
  const rows = result.scenarios.flatMap((s) =>
    s.verdicts.flatMap((v) =>
      v.thresholds.map((t) => {
        const f = formatThresholdRow(t);
        const outcome = describeThresholdOutcome(v, t);
        return [s.name, v.policy, v.expect, f.budget, f.measured, f.margin, f.over, outcome === 'FAIL' ? styles.stall(outcome) : outcome];
      }),
    ),
  );
  if (rows.length > 0) {
    out.push('', renderTextTable({ header: ['scenario', 'policy', 'expect', 'budget', 'measured', 'margin', 'runs over', 'result'], rows, align: ['l', 'l', 'l', 'l', 'r', 'r', 'r', 'l'] }));
  }
  out.push('', ...renderConclusion(result, styles));
  return out.join('\n');
}

function renderScenario(scenario: ScenarioCheck, styles: TimelineStyles): string[] {
  const seeds = scenario.seeds.length === 0 ? 'no runs' : `${scenario.seeds.length} seeds (${scenario.seeds[0]}..${scenario.seeds[scenario.seeds.length - 1]})`;
  const lines = [`${styles.heading(scenario.name)}  ${scenario.source} · ${seeds}`];
  if (scenario.verdicts.length === 0) {
    lines.push('  no budgets: nothing to check (add "budgets" to the scenario)');
    return lines;
  }
  const rows = scenario.verdicts.map((v) => {
    const verdict = describeVerdict(v);
    return [
      v.policy,
      v.expect,
      formatDurationMs(v.makespan.p50Ms),
      formatDurationMs(v.makespan.p95Ms),
      formatDurationMs(v.makespan.p99Ms),
      `${formatShare(v.runs === 0 ? 0 : v.runsOver / v.runs)} (${v.runsOver}/${v.runs})`,
      v.ok ? verdict : styles.stall(verdict),
    ];
  });
  lines.push(renderTextTable({ header: ['policy', 'expect', 'makespan p50', 'p95', 'p99', 'runs over budget', 'verdict'], rows, align: ['l', 'l', 'r', 'r', 'r', 'r', 'l'], indent: '  ' }));
  if (scenario.unbudgeted.length > 0) lines.push(`  not budgeted (not run): ${scenario.unbudgeted.join(', ')}`);
  if (scenario.reportDir) lines.push(`  report: ${scenario.reportDir}`);
  return lines;
}

function renderConclusion(result: BudgetCheckResult, styles: TimelineStyles): string[] {
  const counts = countVerdicts(result);
  if (counts.total === 0) return ['check: no budgets found, nothing was checked'];
  const failed = listFailedVerdicts(result);
  if (failed.length === 0) {
    return [`check passed: ${counts.total} budgeted polic${counts.total === 1 ? 'y' : 'ies'} as expected (${counts.pass} within budget, ${counts.exceed} counter-example${counts.exceed === 1 ? '' : 's'} over budget)`];
  }
  const lines = [styles.stall(`check FAILED: ${failed.length} of ${counts.total} budgeted policies not as expected`)];
  for (const { scenario, verdict } of failed) {
    if (verdict.expect === 'pass') {
      for (const t of verdict.thresholds.filter((row) => !row.met)) {
        lines.push(
          `  ${scenario.name} / ${verdict.policy}: "${t.threshold.text}" measured ${formatBudgetValue(t.threshold.kind, t.measured)} (margin ${formatBudgetMargin(t.threshold.kind, t.margin)}; ${formatShare(t.overShare)} of ${t.runs} runs over)`,
        );
      }
    } else {
      lines.push(`  ${scenario.name} / ${verdict.policy}: expected to exceed ${verdict.entry.path} (a counter-example), but every threshold was met; the counter-example no longer shows the problem`);
    }
  }
  return lines;
}
