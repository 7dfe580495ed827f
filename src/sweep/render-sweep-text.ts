/**
 * The terminal and Markdown reports of a sweep: how the grid maps onto the base policy, the budget,
 * the Pareto frontier (makespan p95 × credits × success rate) and the recommendation. Pure.
 */
import { PLAIN_STYLES, type TimelineStyles } from '../report/timeline-styles.js';
import { formatBudgetMargin, formatBudgetValue } from '../scenario/budget-format.js';
import { renderMarkdownTable, renderTextTable } from '../report/render-text-table.js';
import { formatDurationMs } from '../units/duration.js';
import type { SweepPointResult } from './analyze-sweep.js';
import { describePointAsPolicyJson, isBaseSettings } from './build-sweep-points.js';
import { formatTimeout } from './sweep-grid.js';
import { describeGridMapping, type SweepResult } from './sweep-result.js';

const HEADER = ['workers', 'timeout', 'semantics', 'makespan p50', 'p95', 'credits (mean)', 'success (mean)', '429s (mean)', 'zombies (mean)', 'budget', 'same runs as', ''];
const ALIGN = ['r', 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'l', 'l', 'l'] as const;

/** Renders the sweep for a terminal; `all` adds every grid point. */
export function renderSweepText(options: { result: SweepResult; all?: boolean; styles?: TimelineStyles; reportDir?: string | null }): string {
  const { result } = options;
  const styles = options.styles ?? PLAIN_STYLES;
  const { analysis } = result;
  const out: string[] = [];
  const where = result.threads === 0 ? 'in-process' : `on ${result.threads} thread${result.threads === 1 ? '' : 's'}`;
  out.push(`${styles.heading(`sweep ${result.scenario}`)} — ${analysis.points.length} policies × ${result.seeds.length} seeds (${describeSeeds(result.seeds)}) = ${result.runs} runs ${where} in ${(result.wallMs / 1000).toFixed(1)}s`);
  out.push(`base policy ${result.base.name}: ${result.baseWhy}`);
  out.push(...describeGridMapping(result).map((line) => `  ${line}`));
  out.push(result.budget === null ? 'budget: none (give --budget "makespan p95 < 15m" or add budgets to the scenario to get a recommendation)' : `budget: ${result.budget.thresholds.map((t) => t.text).join('; ')} (from ${result.budget.source})`);
  for (const note of [...result.notes, ...describeInert(result)]) out.push(styles.timeout(`note: ${note}`));
  const shown = distinctFrontier(result);
  const merged = shown.length < analysis.frontier.length ? `; ${shown.length} distinct, policies whose runs were identical are merged` : '';
  out.push('', `Pareto frontier of makespan p95 × credits × success rate: ${analysis.frontier.length} of ${analysis.points.length} policies${merged}`);
  out.push(renderTextTable({ header: HEADER, rows: shown.map((r) => row(result, r)), align: ALIGN, indent: '  ' }));
  if (options.all) {
    out.push('', 'Every policy of the grid (* on the frontier):');
    out.push(renderTextTable({ header: HEADER, rows: analysis.points.map((p) => row(result, p, true)), align: ALIGN, indent: '  ' }));
  }
  out.push('', ...renderRecommendation(result, styles));
  if (options.reportDir) out.push('', `report: ${options.reportDir} (sweep.json, points.csv, frontier.md, the recommended policy's run)`);
  return out.join('\n');
}

function describeSeeds(seeds: readonly number[]): string {
  return seeds.length === 0 ? 'none' : `${seeds[0]}..${seeds[seeds.length - 1]}`;
}

/** Frontier points in grid order, one per group of identical runs. */
function distinctFrontier(result: SweepResult): SweepPointResult[] {
  return result.analysis.frontier.map((i) => result.analysis.points[i] as SweepPointResult).filter((r) => r.sameAs === r.point.index);
}

function describeInert(result: SweepResult): string[] {
  const flag = { workers: '--workers', timeout: '--timeout', semantics: '--semantics' } as const;
  const notes = result.analysis.inert.map((d) => `${flag[d]} changed no run at any point of the grid: on base ${result.base.name} that setting does not matter here`);
  if (result.analysis.inert.includes('timeout') && result.alternatives.length > 0) {
    notes.push(`to see what a call timeout does, sweep a policy that relies on one: --base ${result.alternatives.join(' or --base ')}`);
  }
  return notes;
}

function row(result: SweepResult, r: SweepPointResult, markFrontier = false): string[] {
  const s = r.stats;
  const recommended = r.point.index === result.analysis.recommendation;
  return [
    String(r.point.workers),
    formatTimeout(r.point.callTimeoutMs),
    r.point.timeoutSemantics,
    formatDurationMs(s.makespanP50Ms),
    formatDurationMs(s.makespanP95Ms),
    s.creditsMean.toFixed(1),
    formatBudgetValue('ratio', s.successMean),
    s.throttledMean.toFixed(1),
    s.zombiesMean.toFixed(1),
    describeBudgetCell(r),
    describeSameAs(result, r),
    `${markFrontier && r.onFrontier ? '*' : ''}${recommended ? '← recommended' : ''}`,
  ];
}

function describeSameAs(result: SweepResult, r: SweepPointResult): string {
  if (r.sameAs !== r.point.index) {
    const first = result.analysis.points[r.sameAs]?.point;
    return first ? `${first.workers} · ${formatTimeout(first.callTimeoutMs)} · ${first.timeoutSemantics}` : '';
  }
  const others = result.analysis.points.filter((p) => p.sameAs === r.point.index && p.point.index !== r.point.index).length;
  return others === 0 ? '' : `+${others} more`;
}

function describeBudgetCell(r: SweepPointResult): string {
  if (r.budget === null) return '';
  if (r.budget.met) return 'met';
  return `over: ${r.budget.results.filter((t) => !t.met).map((t) => t.threshold.metric).join(', ')}`;
}

function renderRecommendation(result: SweepResult, styles: TimelineStyles): string[] {
  const { analysis } = result;
  if (result.budget === null) return ['recommendation: none without a budget'];
  if (analysis.recommendation === null) {
    return [styles.stall(`recommendation: none — no policy of the grid meets ${result.budget.thresholds.map((t) => t.text).join('; ')}; widen the grid or relax the budget`)];
  }
  const r = analysis.points[analysis.recommendation] as SweepPointResult;
  const lines = [
    styles.heading(`recommendation: ${r.point.workers} workers, call timeout ${formatTimeout(r.point.callTimeoutMs)}, ${r.point.timeoutSemantics}`) +
      ` — the cheapest policy that meets the budget: ${r.stats.creditsMean.toFixed(1)} credits (mean), makespan p95 ${formatDurationMs(r.stats.makespanP95Ms)}, success ${formatBudgetValue('ratio', r.stats.successMean)} (mean)${r.onFrontier ? ', on the frontier' : ''}`,
  ];
  for (const t of r.budget?.results ?? []) {
    lines.push(`  ${t.threshold.text}: measured ${formatBudgetValue(t.threshold.kind, t.measured)}, margin ${formatBudgetMargin(t.threshold.kind, t.margin)}`);
  }
  if (isBaseSettings({ point: r.point, base: result.base })) lines.push(`  that is the base policy ${result.base.name} as it stands`);
  else lines.push(`  as a scenario policy: ${describePointAsPolicyJson({ point: r.point, base: result.base })}`);
  const twins = result.analysis.points.filter((p) => p.sameAs === r.sameAs && p.point.index !== r.point.index).length;
  if (twins > 0) lines.push(`  ${twins} other grid ${twins === 1 ? 'policy' : 'policies'} ran identically; the first in grid order is shown`);
  return lines;
}

/** The frontier and the recommendation as Markdown (frontier.md). */
export function renderSweepMarkdown(options: { result: SweepResult }): string {
  const { result } = options;
  const { analysis } = result;
  const out: string[] = [`## Sweep of ${result.scenario} over ${result.base.name}`, ''];
  out.push(`${analysis.points.length} policies × ${result.seeds.length} seeds (${describeSeeds(result.seeds)}) = ${result.runs} runs. Base policy \`${result.base.name}\`: ${result.baseWhy}.`, '');
  out.push(...describeGridMapping(result).map((line) => `- ${line}`), '');
  out.push(result.budget === null ? 'Budget: none.' : `Budget: ${result.budget.thresholds.map((t) => `\`${t.text}\``).join(', ')} (from ${result.budget.source}).`, '');
  for (const note of [...result.notes, ...describeInert(result)]) out.push(`> ${note}`, '');
  out.push(`### Pareto frontier (makespan p95 × credits × success rate): ${analysis.frontier.length} of ${analysis.points.length}`, '');
  out.push(renderMarkdownTable({ header: HEADER, rows: distinctFrontier(result).map((r) => row(result, r)), align: [...ALIGN] }), '');
  out.push(...renderRecommendation(result, PLAIN_STYLES).map((line, i) => (i === 0 ? `**${line}**` : `- ${line.trim()}`)));
  return `${out.join('\n')}\n`;
}
