/**
 * The Markdown summary of a run, sized for a CI step summary (GitHub's `$GITHUB_STEP_SUMMARY`):
 * a comparison table of the policies (and their direct fetches when they made some), the warnings
 * that explain them (slow requests, domains that keep timing out, zombies, 429s), and collapsed
 * sections with the timelines and per-domain stats.
 */
import { formatDurationMs } from '../units/duration.js';
import { budgetVerdict, budgetVerdictCell } from './budget-verdict.js';
import type { RunMetrics } from './compute-metrics.js';
import { formatClockDateTime, formatClockTime } from './format-clock-time.js';
import { formatMinutes } from './render-run-summary.js';
import { renderTerminalTimeline } from './render-terminal-timeline.js';
import type { ReportContext, ReportRun } from './report-run.js';
import { PLAIN_STYLES } from './timeline-styles.js';

/** Lists in the summary stop after this many entries. */
const MAX_LIST = 5;
/** Timelines are drawn this wide (columns). */
const TIMELINE_WIDTH = 100;

/** Renders the summary of `runs` (one per policy, all of one scenario). */
export function renderMarkdownSummary(options: { runs: readonly ReportRun[]; timelines?: boolean } & ReportContext): string {
  const { runs } = options;
  const budgetMs = options.budgetMs ?? null;
  const first = runs[0];
  const out: string[] = [];
  out.push(`## ${escapeCell(first?.header.scenario ?? 'run')}`);
  out.push('');
  if (first) {
    const facts = [
      first.header.mode,
      first.header.seed !== null ? `seed ${first.header.seed}` : null,
      `${first.metrics.items} items`,
      `started ${formatClockDateTime(first.header.startMs)} UTC`,
      first.header.accountConcurrency !== null ? `account concurrency ${first.header.accountConcurrency}` : null,
      budgetMs !== null ? `budget ${formatDurationMs(budgetMs)}` : null,
    ].filter((f): f is string => f !== null);
    out.push(facts.join(' · '));
    out.push('');
  }
  if (options.description) out.push(options.description, '');
  const header = ['policy', 'makespan', 'lower bound', 'ratio', 'priced', 'failed', 'timed out', 'skipped', 'stall worker-min', 'all stalled', 'zombies', 'peak conc', '429s', 'credits'];
  // Runs with direct tiers get their direct fetches and the sites' refusals (403, challenge pages, 429s).
  const direct = runs.some((run) => run.metrics.direct.requests > 0);
  if (direct) header.push('direct', 'refused');
  if (budgetMs !== null) header.push(`≤ ${formatDurationMs(budgetMs)}`);
  out.push(`| ${header.join(' | ')} |`);
  out.push(`|${header.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`);
  for (const run of runs) {
    const m = run.metrics;
    const limit = run.header.accountConcurrency;
    const row = [
      `**${escapeCell(m.policy)}**`,
      formatDurationMs(m.makespanMs),
      formatDurationMs(m.lowerBoundMs),
      m.makespanRatio.toFixed(2),
      String(m.counts.priced),
      String(m.counts.failed),
      String(m.counts.timedOut),
      String(m.counts.skipped),
      formatMinutes(m.stalls.blockedWorkerMs),
      formatDurationMs(m.stalls.allWorkersStalledMs),
      String(m.zombies.count),
      `${m.scrapfly.peakConcurrency}${limit !== null ? `/${limit}` : ''}`,
      String(m.scrapfly.throttled),
      String(m.scrapfly.creditsCharged),
    ];
    if (direct) row.push(String(m.direct.requests), String(m.direct.blocked + m.direct.throttled));
    if (budgetMs !== null) {
      const verdict = budgetVerdict(m, budgetMs);
      row.push(verdict === 'within' ? 'yes' : `**${budgetVerdictCell(verdict)}**`);
    }
    out.push(`| ${row.join(' | ')} |`);
  }
  out.push('');
  if (direct) {
    for (const { metrics: m } of runs) {
      if (m.direct.requests === 0) continue;
      out.push(`- **${escapeCell(m.policy)}** direct: ${plural(m.direct.requests, 'direct fetch', 'direct fetches')} (no credits) · ${m.direct.blocked} refused (403 or a challenge page) · ${m.direct.throttled} × 429 · ${plural(m.direct.networkErrors, 'connection failure')}`);
    }
    out.push('');
  }
  out.push('### What to look at');
  out.push('');
  for (const run of runs) out.push(`- **${escapeCell(run.metrics.policy)}**: ${describeFindings(run.metrics)}`);
  out.push('');
  if (options.timelines !== false && runs.length > 0) {
    out.push('<details><summary>Timelines (one lane per worker)</summary>', '');
    for (const run of runs) {
      out.push(`**${escapeCell(run.metrics.policy)}**`, '', '```text');
      out.push(renderTerminalTimeline({ projection: run.projection, width: TIMELINE_WIDTH, styles: PLAIN_STYLES, stallThresholdMs: run.metrics.stalls.thresholdMs }));
      out.push('```', '');
    }
    out.push('</details>', '');
  }
  out.push('<details><summary>Per-domain stats</summary>', '');
  for (const run of runs) {
    out.push(`**${escapeCell(run.metrics.policy)}**`, '');
    out.push('| domain | items | priced | attempts | timeouts | p95 latency |', '| --- | ---: | ---: | ---: | ---: | ---: |');
    for (const d of run.metrics.domains) out.push(`| ${escapeCell(d.domain)} | ${d.items} | ${d.priced} | ${d.attempts} | ${d.timeouts} | ${formatDurationMs(d.p95LatencyMs)} |`);
    out.push('');
  }
  out.push('</details>', '');
  return `${out.join('\n').trimEnd()}\n`;
}

/** One line of what explains a policy's result: stalls, slow requests, timeouts, zombies, 429s. */
function describeFindings(m: RunMetrics): string {
  const parts: string[] = [];
  if (m.stalls.count > 0) {
    parts.push(
      `${plural(m.stalls.count, 'stalled attempt')} (over ${formatDurationMs(m.stalls.thresholdMs)}) blocked ${formatMinutes(m.stalls.blockedWorkerMs)} worker-minutes` +
        (m.stalls.allWorkersStalledMs > 0 ? `; every worker was stalled for ${formatDurationMs(m.stalls.allWorkersStalledMs)}` : ''),
    );
  }
  const long = m.warnings.longRequests;
  if (long.length > 0) {
    const longest = long.reduce((max, r) => (r.durationMs > max.durationMs ? r : max));
    const byDomain = new Map<string, number>();
    for (const r of long) byDomain.set(r.domain, (byDomain.get(r.domain) ?? 0) + 1);
    const domains = [...byDomain.entries()].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1));
    const where = domains.slice(0, MAX_LIST).map(([d, n]) => `${escapeCell(d)} ${n}`).join(', ') + (domains.length > MAX_LIST ? ', …' : '');
    const zombies = long.filter((r) => r.zombie).length;
    parts.push(
      `${plural(long.length, 'request')} over ${formatDurationMs(m.warnings.longRequestThresholdMs)} (by domain: ${where}; longest ${formatDurationMs(longest.durationMs)}, ${escapeCell(longest.name)} at ${formatClockTime(longest.startMs)} on tier ${longest.tier} ${longest.tierName}${zombies > 0 ? `; ${zombies} of them ran on as zombies` : ''})`,
    );
  }
  if (m.warnings.timeoutDomains.length > 0) parts.push(`Domains that keep timing out: ${m.warnings.timeoutDomains.slice(0, MAX_LIST).map(escapeCell).join(', ')}`);
  if (m.zombies.count > 0) parts.push(`${plural(m.zombies.count, 'zombie request')} held ${formatMinutes(m.zombies.slotMs)} Scrapfly slot-minutes (up to ${m.zombies.peakSlots} at once)`);
  if (m.scrapfly.throttled > 0) parts.push(`${m.scrapfly.throttled} × HTTP 429`);
  if (m.counts.failed + m.counts.timedOut + m.counts.skipped > 0) parts.push(`${(m.successRate * 100).toFixed(1)}% priced`);
  return parts.length > 0 ? `${parts.join('. ')}.` : 'nothing unusual.';
}

function plural(n: number, noun: string, nouns = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : nouns}`;
}

/** Text safe inside a Markdown table cell. */
function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/[\r\n]+/g, ' ');
}
