/**
 * The Markdown summary of a budget check, for a CI step summary (e.g. `--summary
 * "$GITHUB_STEP_SUMMARY"`) or a pull-request comment. Deterministic: no wall-clock times. Pure.
 */
import { formatDurationMs } from '../units/duration.js';
import { countVerdicts, describeThresholdOutcome, describeVerdict, formatThresholdRow, type BudgetCheckResult } from './budget-check-result.js';
import { formatShare } from './budget-format.js';
import { renderMarkdownTable } from '../report/render-text-table.js';

/** Renders the check as Markdown. */
export function renderBudgetCheckMarkdown(options: { result: BudgetCheckResult }): string {
  const { result } = options;
  const counts = countVerdicts(result);
  const out: string[] = [];
  const status = counts.total === 0 ? 'nothing to check' : counts.failed === 0 ? 'passed' : `FAILED (${counts.failed} of ${counts.total} budgeted policies not as expected)`;
  out.push(`## Budget check: ${status}`, '');
  out.push(`${result.scenarios.length} scenario${result.scenarios.length === 1 ? '' : 's'}, ${counts.total} budgeted polic${counts.total === 1 ? 'y' : 'ies'}, ${result.runs} simulated runs.`);
  for (const scenario of result.scenarios) {
    out.push('', `### ${scenario.name}`, '');
    const seeds = scenario.seeds.length === 0 ? '' : ` · seeds ${scenario.seeds[0]}..${scenario.seeds[scenario.seeds.length - 1]} (${scenario.seeds.length})`;
    out.push(`\`${scenario.source}\`${seeds}`, '');
    if (scenario.verdicts.length === 0) {
      out.push('No budgets: nothing to check.');
      continue;
    }
    out.push(
      renderMarkdownTable({
        header: ['policy', 'expect', 'makespan p50', 'p95', 'p99', 'runs over budget', 'verdict'],
        align: ['l', 'l', 'r', 'r', 'r', 'r', 'l'],
        rows: scenario.verdicts.map((v) => [
          `\`${v.policy}\``,
          v.expect,
          formatDurationMs(v.makespan.p50Ms),
          formatDurationMs(v.makespan.p95Ms),
          formatDurationMs(v.makespan.p99Ms),
          `${formatShare(v.runs === 0 ? 0 : v.runsOver / v.runs)} (${v.runsOver}/${v.runs})`,
          v.ok ? describeVerdict(v) : `**${describeVerdict(v)}**`,
        ]),
      }),
      '',
      renderMarkdownTable({
        header: ['policy', 'budget', 'measured', 'margin', 'runs over', 'result'],
        align: ['l', 'l', 'r', 'r', 'r', 'l'],
        rows: scenario.verdicts.flatMap((v) =>
          v.thresholds.map((t) => {
            const f = formatThresholdRow(t);
            const outcome = describeThresholdOutcome(v, t);
            return [`\`${v.policy}\``, `\`${f.budget}\``, f.measured, f.margin, f.over, outcome === 'FAIL' ? '**FAIL**' : outcome];
          }),
        ),
      }),
    );
    if (scenario.unbudgeted.length > 0) out.push('', `Not budgeted (not run): ${scenario.unbudgeted.map((p) => `\`${p}\``).join(', ')}.`);
  }
  return `${out.join('\n')}\n`;
}
