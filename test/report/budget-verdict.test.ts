/**
 * A batch the outage breaker stopped did not finish: its makespan (the time to the stop) says
 * nothing of the budget, so every report shows it as stopped, never as within the budget.
 */
import { describe, expect, it } from 'vitest';
import { budgetVerdict } from '../../src/report/budget-verdict.js';
import { renderHtmlReport } from '../../src/report/render-html-report.js';
import { renderMarkdownSummary } from '../../src/report/render-markdown-summary.js';
import { renderComparisonTable, renderRunSummary } from '../../src/report/render-run-summary.js';
import { PLAIN_STYLES } from '../../src/report/timeline-styles.js';
import { outagePolicy, outageScenario } from '../support/outage-scenario.js';
import { simulateReportRuns } from './support/small-run.js';

const scenario = outageScenario([outagePolicy('breaker', { outageBreaker: { consecutiveFailures: 5 } }), outagePolicy('no-breaker')], { budget: '15m' });

describe('the budget verdict of a batch the outage breaker stopped', () => {
  it('is "stopped" in the terminal, Markdown and HTML reports, while a finished batch keeps its verdict by makespan', async () => {
    const runs = await simulateReportRuns(scenario);
    const [stopped, finished] = runs.map((r) => r.metrics);
    // The stopped batch is far inside the budget by its makespan: the verdict must not say so.
    expect(stopped!.outage).not.toBeNull();
    expect(stopped!.makespanMs).toBeLessThan(60_000);
    expect(budgetVerdict(stopped!, 900_000)).toBe('stopped');
    expect(finished!.outage).toBeNull();
    expect(budgetVerdict(finished!, 900_000)).toBe('within');
    expect(budgetVerdict(finished!, 60_000)).toBe('exceeded');

    const table = renderComparisonTable({ rows: [stopped!, finished!], budgetMs: 900_000 }).split('\n');
    expect(table.find((l) => l.startsWith('breaker '))).toMatch(/ stopped$/);
    expect(table.find((l) => l.startsWith('no-breaker'))).toMatch(/ yes$/);
    expect(renderRunSummary({ metrics: stopped!, budgetMs: 900_000, styles: PLAIN_STYLES })).toContain('budget 15m00s: not finished (stopped by the outage breaker)');

    const md = renderMarkdownSummary({ runs, budgetMs: 900_000 });
    expect(md).toMatch(/\| \*\*breaker\*\* \|.*\| \*\*stopped\*\* \|\n/);
    const html = renderHtmlReport({ runs, budgetMs: 900_000 });
    expect(html).toContain('within budget 15m00s</th><td class="bad">stopped</td><td>yes</td>');
  });
});
