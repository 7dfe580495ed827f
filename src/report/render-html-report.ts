/**
 * The HTML report of a run: one self-contained page (inline CSS, inline SVG, a few lines of inline
 * script for tooltips; nothing from the network) with every policy on one time axis, hover details
 * per attempt, the metrics table, and per-policy details (domains, slow requests, warnings).
 * Deterministic: the page holds no wall-clock time, only the run's own clock.
 */
import { formatDurationMs } from '../units/duration.js';
import { budgetVerdict, budgetVerdictCell } from './budget-verdict.js';
import type { RunMetrics } from './compute-metrics.js';
import { escapeHtml } from './escape-html.js';
import { PAGE_CSS, PAGE_LEGEND, PAGE_SCRIPT } from './html-report-assets.js';
import { formatClockDateTime, formatClockTime } from './format-clock-time.js';
import { formatMinutes } from './render-run-summary.js';
import { renderSvgTimelineParts } from './render-svg-timeline.js';
import type { ReportContext, ReportRun } from './report-run.js';

/** Long lists in the per-policy details stop after this many rows. */
const MAX_LIST_ROWS = 25;

/** Renders the whole page for `runs` (one per policy, all of one scenario). */
export function renderHtmlReport(options: { runs: readonly ReportRun[] } & ReportContext): string {
  const { runs } = options;
  const first = runs[0];
  const scenario = first?.header.scenario ?? 'run';
  const budgetMs = options.budgetMs ?? null;
  const facts = first
    ? [
        first.header.mode,
        first.header.seed !== null ? `seed ${first.header.seed}` : null,
        `${first.header.transport} transport`,
        `${first.metrics.items} items`,
        `started ${formatClockDateTime(first.header.startMs)} UTC`,
        first.header.accountConcurrency !== null ? `account concurrency ${first.header.accountConcurrency}` : null,
        budgetMs !== null ? `budget ${formatDurationMs(budgetMs)}` : null,
      ].filter((f): f is string => f !== null)
    : [];
  const timeline = renderSvgTimelineParts({ runs });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`${scenario} — batchscope report`)}</title>
<style>${PAGE_CSS}</style>
</head>
<body>
<header>
<h1>${escapeHtml(scenario)}</h1>
<p class="facts">${escapeHtml(facts.join(' · '))}</p>
${options.description ? `<p class="description">${escapeHtml(options.description)}</p>` : ''}
</header>
<section id="timeline">
<h2>Timeline</h2>
<p class="hint">One lane per worker, every policy on the same clock. Hover a mark for its details; drag across the timeline to zoom in on a stretch of time (every policy follows), double-click to zoom out. <button id="zoom-reset" type="button" hidden>Show the whole run</button></p>
<figure class="timeline-figure">
${PAGE_LEGEND}
<div class="scroll">
${timeline.svg}
</div>
</figure>
</section>
<section id="metrics">
<h2>Metrics</h2>
<div class="scroll">${renderMetricsTable(runs.map((r) => r.metrics), budgetMs, runs)}</div>
</section>
<section id="details">
<h2>Per policy</h2>
${runs.map((r) => renderPolicyDetails(r)).join('\n')}
</section>
<div id="tip" role="tooltip" hidden></div>
${timeline.dense ? `<script type="application/json" id="dense-data">${JSON.stringify(timeline.dense).replace(/</g, '\\u003c')}</script>\n` : ''}<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

type Row = [label: string, value: (m: RunMetrics, run: ReportRun) => string, bad?: (m: RunMetrics) => boolean];

function renderMetricsTable(metrics: readonly RunMetrics[], budgetMs: number | null, runs: readonly ReportRun[]): string {
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  const rows: Row[] = [
    ['workers', (m) => String(m.workers)],
    ['execution', (m) => m.execution, (m) => m.execution === 'blocking'],
    ['makespan', (m) => formatDurationMs(m.makespanMs), (m) => budgetMs !== null && m.makespanMs > budgetMs],
    ['start → end', (m) => `${formatClockTime(m.startMs)} → ${formatClockTime(m.endMs)}`],
    ['lower bound', (m) => formatDurationMs(m.lowerBoundMs)],
    ['makespan / lower bound', (m) => m.makespanRatio.toFixed(2), (m) => m.makespanRatio > 1.5],
  ];
  if (budgetMs !== null) rows.push([`within budget ${formatDurationMs(budgetMs)}`, (m) => budgetVerdictCell(budgetVerdict(m, budgetMs)), (m) => budgetVerdict(m, budgetMs) !== 'within']);
  rows.push(
    ['priced', (m) => String(m.counts.priced)],
    ['failed', (m) => String(m.counts.failed), (m) => m.counts.failed > 0],
    ['timed out', (m) => String(m.counts.timedOut), (m) => m.counts.timedOut > 0],
    ['skipped', (m) => String(m.counts.skipped), (m) => m.counts.skipped > 0],
    ['success rate', (m) => pct(m.successRate), (m) => m.successRate < 0.98],
    ['worker utilization', (m) => pct(m.utilization)],
    [`stalled attempts (over ${formatDurationMs(metrics[0]?.stalls.thresholdMs ?? 60_000)})`, (m) => String(m.stalls.count), (m) => m.stalls.count > 0],
    ['worker-minutes blocked by stalls', (m) => formatMinutes(m.stalls.blockedWorkerMs), (m) => m.stalls.blockedWorkerMs > 0],
    ['every worker stalled for', (m) => formatDurationMs(m.stalls.allWorkersStalledMs), (m) => m.stalls.allWorkersStalledMs > 0],
    ['queue wait p50', (m) => formatDurationMs(m.queueWait.p50Ms)],
    ['queue wait p95', (m) => formatDurationMs(m.queueWait.p95Ms)],
    ['queue wait max', (m) => formatDurationMs(m.queueWait.maxMs)],
    ['zombie requests', (m) => String(m.zombies.count), (m) => m.zombies.count > 0],
    ['Scrapfly slot-minutes held by zombies', (m) => formatMinutes(m.zombies.slotMs), (m) => m.zombies.slotMs > 0],
    ['zombies at once (peak)', (m) => String(m.zombies.peakSlots)],
    ['peak Scrapfly concurrency', (m, r) => `${m.scrapfly.peakConcurrency}${r.header.accountConcurrency !== null ? ` / ${r.header.accountConcurrency}` : ''}`],
    ['429 answers', (m) => String(m.scrapfly.throttled), (m) => m.scrapfly.throttled > 0],
    ['requests', (m) => String(m.scrapfly.requests)],
    ['timed-out requests', (m) => String(m.attempts.timeouts), (m) => m.attempts.timeouts > 0],
    ['credits', (m) => String(m.scrapfly.creditsCharged)],
    [`requests over ${formatDurationMs(metrics[0]?.warnings.longRequestThresholdMs ?? 60_000)}`, (m) => String(m.warnings.longRequests.length), (m) => m.warnings.longRequests.length > 0],
    ['domains that keep timing out', (m) => m.warnings.timeoutDomains.join(', ') || '—', (m) => m.warnings.timeoutDomains.length > 0],
  );
  const head = `<tr><th scope="col">metric</th>${metrics.map((m) => `<th scope="col">${escapeHtml(m.policy)}</th>`).join('')}</tr>`;
  const body = rows.map(([label, value, bad]) => {
    const cells = metrics.map((m, i) => `<td${bad?.(m) ? ' class="bad"' : ''}>${escapeHtml(value(m, runs[i] as ReportRun))}</td>`);
    return `<tr><th scope="row">${escapeHtml(label)}</th>${cells.join('')}</tr>`;
  });
  return `<table class="metrics"><thead>${head}</thead><tbody>${body.join('')}</tbody></table>`;
}

function renderPolicyDetails(run: ReportRun): string {
  const m = run.metrics;
  const parts: string[] = [];
  const description = run.header.policy.description;
  parts.push(`<details class="policy-details" data-policy="${escapeHtml(m.policy)}"><summary><strong>${escapeHtml(m.policy)}</strong>${description ? ` — ${escapeHtml(description)}` : ''}</summary>`);
  if (m.warnings.timeoutDomains.length > 0) parts.push(`<p class="warn">Domains that keep timing out: ${escapeHtml(m.warnings.timeoutDomains.join(', '))}</p>`);
  if (m.warnings.slowRequests.length > 0) parts.push(`<p class="warn">${m.warnings.slowRequests.length} slow-request warnings raised during the run.</p>`);
  parts.push('<h3>Domains</h3>');
  parts.push(
    table(
      ['domain', 'items', 'priced', 'attempts', 'timeouts', 'p95 latency'],
      m.domains.map((d) => [d.domain, String(d.items), String(d.priced), String(d.attempts), String(d.timeouts), formatDurationMs(d.p95LatencyMs)]),
    ),
  );
  const long = [...m.warnings.longRequests].sort((a, b) => b.durationMs - a.durationMs || a.startMs - b.startMs);
  parts.push(`<h3>Requests over ${formatDurationMs(m.warnings.longRequestThresholdMs)} (${long.length})</h3>`);
  if (long.length > 0) {
    parts.push(
      table(
        ['machine', 'domain', 'worker', 'tier', 'attempt', 'started', 'duration', 'zombie'],
        long.slice(0, MAX_LIST_ROWS).map((r) => [r.name, r.domain, String(r.worker), `${r.tier} ${r.tierName}`, String(r.attempt), formatClockTime(r.startMs), formatDurationMs(r.durationMs), r.zombie ? 'yes' : '']),
      ),
    );
    if (long.length > MAX_LIST_ROWS) parts.push(`<p class="hint">… and ${long.length - MAX_LIST_ROWS} more (metrics.json lists them all).</p>`);
  }
  parts.push('<h3>Workers</h3>');
  parts.push(table(['worker', 'items', 'busy', 'utilization'], m.workerStats.slice(0, 200).map((w) => [String(w.worker), String(w.items), formatDurationMs(w.busyMs), `${(w.utilization * 100).toFixed(0)}%`])));
  parts.push('</details>');
  return parts.join('\n');
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const head = header.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('');
  return `<table class="list"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}
