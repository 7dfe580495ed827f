/**
 * Plain-text summaries of simulated runs: a block of metrics per policy and a comparison table.
 * Pure: colour comes in as styles.
 */
import { formatDurationMs } from '../units/duration.js';
import { budgetVerdict, budgetVerdictCell } from './budget-verdict.js';
import type { RunMetrics } from './compute-metrics.js';
import { formatClockTime } from './format-clock-time.js';
import type { TimelineStyles } from './timeline-styles.js';
import { renderTextTable } from './render-text-table.js';

/** The metrics block of one run. `budgetMs` adds a verdict line; `accountConcurrency` a denominator. */
export function renderRunSummary(options: { metrics: RunMetrics; description?: string; budgetMs?: number | null; accountConcurrency?: number | null; styles: TimelineStyles }): string {
  const { metrics: m, styles } = options;
  const lines: string[] = [];
  lines.push(styles.heading(`Policy ${m.policy}`) + (options.description ? ` — ${options.description}` : ''));
  const verdict = options.budgetMs === null || options.budgetMs === undefined ? null : budgetVerdict(m, options.budgetMs);
  const budget =
    verdict === null
      ? ''
      : `   budget ${formatDurationMs(options.budgetMs as number)}: ${verdict === 'within' ? 'within' : verdict === 'exceeded' ? styles.stall('EXCEEDED') : styles.stall('not finished (stopped by the outage breaker)')}`;
  lines.push(
    `  makespan   ${formatDurationMs(m.makespanMs)} (${formatClockTime(m.startMs)} → ${formatClockTime(m.endMs)})   lower bound ${formatDurationMs(m.lowerBoundMs)} (ratio ${m.makespanRatio.toFixed(2)})${budget}`,
  );
  if (m.outage !== null) {
    // A batch the breaker stopped looks short and cheap: say so before its numbers are read.
    lines.push(
      `  ${styles.stall('outage')}     the outage breaker stopped the batch at ${formatClockTime(m.outage.atMs)} (${formatDurationMs(m.outage.atMs - m.startMs)} in): ${m.outage.consecutiveFailures} requests in a row failed as in an outage (last: ${m.outage.lastError}); ${m.outage.unpriced} ${m.outage.unpriced === 1 ? 'item' : 'items'} left unpriced (reason outage)`,
    );
  }
  lines.push(
    `  items      ${m.counts.priced} priced · ${m.counts.failed} failed · ${m.counts.timedOut} timed out · ${m.counts.skipped} skipped   (${(m.successRate * 100).toFixed(1)}% priced, ${m.workers} workers, ${m.execution}, utilization ${(m.utilization * 100).toFixed(0)}%)`,
  );
  lines.push(
    `  stalls     ${m.stalls.count} attempts over ${formatDurationMs(m.stalls.thresholdMs)} · ${formatMinutes(m.stalls.blockedWorkerMs)} worker-min lost · all workers stalled for ${formatDurationMs(m.stalls.allWorkersStalledMs)}`,
  );
  lines.push(
    `  zombies    ${m.zombies.count} ${m.zombies.count === 1 ? 'request' : 'requests'} still running after the client stopped waiting · ${formatMinutes(m.zombies.slotMs)} slot-min held at Scrapfly`,
  );
  const limit = options.accountConcurrency ? `/${options.accountConcurrency}` : '';
  lines.push(
    `  scrapfly   peak concurrency ${m.scrapfly.peakConcurrency}${limit} · ${m.scrapfly.throttled} × 429 · ${m.scrapfly.requests} requests · ${m.scrapfly.creditsCharged} credits`,
  );
  if (m.direct.requests > 0) {
    lines.push(
      `  direct     ${m.direct.requests} direct fetches (no credits) · ${m.direct.blocked} refused (403 or a challenge page) · ${m.direct.throttled} × 429 · ${m.direct.networkErrors} connection failures`,
    );
  }
  lines.push(`  queue wait p50 ${formatDurationMs(m.queueWait.p50Ms)} · p95 ${formatDurationMs(m.queueWait.p95Ms)} · max ${formatDurationMs(m.queueWait.maxMs)}`);
  if (m.warnings.timeoutDomains.length > 0) lines.push(`  timeouts   domains that keep timing out: ${m.warnings.timeoutDomains.join(', ')}`);
  const longest = m.warnings.longRequests.reduce<RunMetrics['warnings']['longRequests'][number] | null>((max, r) => (max === null || r.durationMs > max.durationMs ? r : max), null);
  const warned = m.warnings.slowRequests.length > 0 ? ` · ${m.warnings.slowRequests.length} slow-request warnings raised` : '';
  if (longest) {
    lines.push(
      `  slow       ${m.warnings.longRequests.length} requests over ${formatDurationMs(m.warnings.longRequestThresholdMs)}, longest ${formatDurationMs(longest.durationMs)} (${longest.name}, tier ${longest.tier} ${longest.tierName})${warned}`,
    );
  } else if (warned) {
    lines.push(`  slow       ${warned.slice(3)}`);
  }
  return lines.join('\n');
}

/** A comparison table of runs, one row per policy. */
export function renderComparisonTable(options: { rows: readonly RunMetrics[]; budgetMs?: number | null }): string {
  const header = ['policy', 'makespan', 'ratio', 'priced', 'failed', 'timed out', 'skipped', 'stall w-min', 'zombies', 'peak conc', '429s', 'credits'];
  // Runs with direct tiers get their direct fetches and the sites' refusals (403, challenge pages, 429s).
  const direct = options.rows.some((m) => m.direct.requests > 0);
  if (direct) header.push('direct', 'refused');
  if (options.budgetMs !== null && options.budgetMs !== undefined) header.push(`makespan ≤ ${formatDurationMs(options.budgetMs)}`);
  const rows = options.rows.map((m) => {
    const row = [
      m.policy,
      formatDurationMs(m.makespanMs),
      m.makespanRatio.toFixed(2),
      String(m.counts.priced),
      String(m.counts.failed),
      String(m.counts.timedOut),
      String(m.counts.skipped),
      formatMinutes(m.stalls.blockedWorkerMs),
      String(m.zombies.count),
      String(m.scrapfly.peakConcurrency),
      String(m.scrapfly.throttled),
      String(m.scrapfly.creditsCharged),
    ];
    if (direct) row.push(String(m.direct.requests), String(m.direct.blocked + m.direct.throttled));
    if (options.budgetMs !== null && options.budgetMs !== undefined) row.push(budgetVerdictCell(budgetVerdict(m, options.budgetMs)));
    return row;
  });
  return renderTextTable({ header, rows, align: header.map((_, i) => (i === 0 ? 'l' : 'r')) });
}

/** Minutes with one decimal, e.g. "167.6". */
export function formatMinutes(ms: number): string {
  return (ms / 60_000).toFixed(1);
}
