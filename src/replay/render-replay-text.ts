/**
 * The replay as text for the terminal: what the log holds, the verdict, the effective
 * concurrency, stalls and gaps, each hypothesis with its evidence and implications, the latency
 * fit, the timeline (worker lanes and items in flight), and, when they were run, the reproduction
 * and the counterfactual policies with per-item differences. Pure: colour comes in as styles.
 */
import { formatClockDateTime, formatClockTime } from '../report/format-clock-time.js';
import { projectRun } from '../report/run-projection.js';
import { renderTerminalTimeline } from '../report/render-terminal-timeline.js';
import type { TimelineStyles } from '../report/timeline-styles.js';
import { formatDurationMs } from '../units/duration.js';
import type { ReplayComparison } from './compare-replay.js';
import type { Hypothesis } from './diagnosis-types.js';
import type { LatencyFit } from './fit-latency.js';
import type { ReplayOutcome } from './replay-outcome.js';
import { describeCandidates, formatProbability } from './evaluate-hypotheses.js';
import type { LogDialect } from './read-log-envelope.js';
import type { StallCandidate } from './stall-candidates.js';

const DIALECT_LABEL: Record<LogDialect, string> = {
  text: 'the seed\'s "YYYY-MM-DD HH:MM:SS - message" text',
  'python-logging': "Python logging",
  iso8601: 'ISO 8601 text',
  json: 'JSON lines',
  'docker-json': "Docker's JSON wrapper",
  logfmt: 'logfmt',
  pattern: '--line-pattern',
  'run-log': 'run log',
};

/** "xTool S1 22%, Epilog Fusion 20%, …" */
export function describeStallCandidates(candidates: readonly StallCandidate[]): string {
  return candidates.map((c) => `${c.machine} ${formatProbability(c.probability)}`).join(', ');
}
import { renderTextTable } from '../report/render-text-table.js';
import type { FittedWorldSummary } from './fitted-world.js';

const LABEL_WIDTH = 10;
const VERDICT_LABEL: Record<Hypothesis['verdict'], string> = { fits: 'FITS', unlikely: 'UNLIKELY', rejected: 'REJECTED' };

/** Renders `outcome` in `width` columns; `timeline: false` leaves the lanes out. */
export function renderReplayText(options: { outcome: ReplayOutcome; width: number; styles: TimelineStyles; timeline: boolean }): string {
  const { outcome: o, styles } = options;
  const d = o.diagnosis;
  const out: string[] = [];
  out.push(`${styles.heading(o.source)} — ${o.format === 'text' ? `application log (${DIALECT_LABEL[o.read.dialect]}, ${o.read.resolutionMs >= 1000 ? 'whole seconds' : `${formatDurationMs(o.read.resolutionMs)} resolution`})` : 'run log'}, ${describeLines(o)}`);
  for (const warning of describeWarnings(o)) out.push(styles.timeout(`note: ${warning}`));
  const declared = [d.declaredItems !== null ? `${d.declaredItems} items` : null, d.declaredWorkers !== null ? `${d.declaredWorkers} workers` : null, d.declaredExecution ? `execution "${d.declaredExecution}"` : null].filter(Boolean);
  const lastStart = d.timeline.items[d.timeline.items.length - 1]?.startMs;
  out.push(
    `Run ${d.run.index} of ${o.runs.length}${d.run.batchId ? ` (${d.run.batchId})` : ''}: started ${formatClockDateTime(d.startMs)}` +
      `${declared.length > 0 ? `, ${declared.join(', ')} declared` : ''}; ${d.loggedItems} started${lastStart !== undefined ? ` (last start ${formatClockTime(lastStart)})` : ''}` +
      `${d.skippedItems > 0 ? `, ${d.skippedItems} never started` : ''}${d.endMs !== null ? `; ended ${formatClockTime(d.endMs)}` : ''}`,
  );
  if (o.runs.length > 1) out.push(styles.label(`  other runs in the file: ${o.runs.filter((r) => r.index !== d.run.index).map((r) => `${r.index}${r.policy ? ` (${r.policy})` : ''}`).join(', ')}; choose one with --run`));
  out.push('');
  out.push(`${styles.heading('Verdict')}  ${d.verdict}`);
  out.push('');
  const c = d.concurrency;
  out.push(
    `  effective concurrency  ${d.effectiveConcurrency}${d.declaredWorkers !== null ? ` of ${d.declaredWorkers} declared workers` : ''}` +
      ` (${c.method === 'overlap' ? `most items in flight at once, from logged starts and ends` : 'INFERRED from the starts alone: the log has no result lines'})`,
  );
  const likely = describeCandidates(c);
  if (likely) out.push(`      ${likely}`);
  out.push(`  ${`stalls (> ${formatDurationMs(d.stallThresholdMs)})`.padEnd(22)} ${d.stalls.length === 0 ? 'none' : d.stalls.length}`);
  for (const s of d.stalls.slice(0, 10)) {
    const held = s.workersHeld > 1 ? `, held all ${s.workersHeld} workers` : '';
    const attempts = s.attempts ? `, ${s.attempts.count} requests (${s.attempts.timeouts} timed out)` : '';
    const span = `${formatClockTime(s.startMs)} → ${s.endMs === null ? 'still running' : formatClockTime(s.endMs)}`;
    if (s.candidates && s.candidates.length > 1) {
      const why = s.tail ? 'the batch ended long after the last start, so the machine that finished last' : 'a worker';
      const starts = s.candidates.map((x) => x.startMs);
      const from = Math.min(...starts);
      const to = Math.max(...starts);
      const held = from === to ? `from about ${span}` : `from between ${formatClockTime(from)} and ${formatClockTime(to)} (as the machine) until ${s.endMs === null ? 'the log stops' : formatClockTime(s.endMs)}`;
      out.push(`      ${styles.stall('#')} one worker was held ${held}: ${why} stalled; which machine, the log cannot say`);
      out.push(`          candidates: ${describeStallCandidates(s.candidates)}`);
    } else {
      const inferred = s.inferred ? ' (inferred from the starts)' : '';
      out.push(`      ${styles.stall('#')} ${s.machines.join(', ')}: ${span}, ${s.censored ? 'at least ' : ''}${formatDurationMs(s.durationMs)}${inferred}${held}${attempts}`);
    }
  }
  if (d.stalls.length > 10) out.push(`      … ${d.stalls.length - 10} more`);
  out.push(`  gaps                   ${d.gaps.length === 0 ? 'none: something started at least every ' + formatDurationMs(d.stallThresholdMs) : `${d.gaps.length} with nothing started while machines were queued`}`);
  for (const g of d.gaps.slice(0, 5)) out.push(`      ${formatClockTime(g.fromMs)} → ${formatClockTime(g.toMs)} (${formatDurationMs(g.durationMs)}${g.queued !== null ? `, ${g.queued} queued` : ''})`);
  if (d.gaps.length > 5) out.push(`      … ${d.gaps.length - 5} more`);
  out.push('');
  out.push(styles.heading('Hypotheses'));
  for (const h of d.hypotheses) {
    const label = VERDICT_LABEL[h.verdict].padEnd(9);
    const styled = h.verdict === 'fits' ? styles.busy(label) : h.verdict === 'unlikely' ? styles.timeout(label) : styles.stall(label);
    out.push(`  ${styled} ${h.title}`);
    h.evidence.forEach((e, i) => out.push(`            ${i === 0 ? 'evidence' : '        '}  ${e}`));
    h.implies.forEach((e, i) => out.push(`            ${i === 0 ? 'implies ' : '        '}  ${e}`));
  }
  out.push('');
  out.push(`${styles.heading('Latency fit')}  machine durations: ${describeFit(d.fit.items)}`);
  if (d.fit.attempts) out.push(`             requests: ${describeFit(d.fit.attempts)}`);
  if (options.timeline && o.timelineEvents) {
    out.push('');
    out.push(renderTerminalTimeline({ projection: projectRun(o.timelineEvents), width: options.width, styles, stallThresholdMs: d.stallThresholdMs }));
    out.push(renderInFlightLane({ outcome: o, width: options.width, styles }));
  }
  if (o.reproduction) {
    out.push('');
    out.push(`${styles.heading('Reproduction')}  the replay scenario's baseline on the engine: ${describeComparison(o.reproduction)}`);
  }
  if (o.scenarioFile) out.push(`  exact world (per item, reproduces the night) written to ${o.scenarioFile}`);
  if (o.fitted) {
    const f = o.fitted;
    const body = f.lognormal ? `lognormal median ${formatDurationMs(f.lognormal.medianMs)} σ ${f.lognormal.sigma}${f.ks ? ` (KS distance ${f.ks.distance} on ${f.ks.samples} uncensored durations)` : ''}` : `no lognormal body (${f.failure ?? 'no fit'})`;
    out.push('');
    out.push(`${styles.heading('Fitted world')}  ${body}; ${f.stalls} stall${f.stalls === 1 ? '' : 's'} (${(f.stallShare * 100).toFixed(1)}%); failures ${(f.failureShare * 100).toFixed(1)}%; fitted to ${f.sources.length === 1 ? f.sources[0] : `${f.sources.length} runs (${f.sources.join(', ')})`}`);
    out.push(
      `  over ${f.seeds} seeds the baseline's makespan is p50 ${formatDurationMs(f.makespanP50Ms)}, p95 ${formatDurationMs(f.makespanP95Ms)} (${formatDurationMs(f.makespanMinMs)}–${formatDurationMs(f.makespanMaxMs)}); the night took ${formatDurationMs(f.nightMakespanMs)}, at or above ${Math.round(f.nightPercentile * 100)}% of the fitted runs`,
    );
    out.push(...describeFittedGroups(f));
    if (f.file) out.push(`  fitted world written to ${f.file}`);
  }
  if (o.counterfactuals.length > 0) {
    out.push('');
    out.push(styles.heading('What this batch would have done under other policies'));
    out.push(...renderCounterfactualTable(o));
    for (const cf of o.counterfactuals) {
      const top = [...cf.comparison.differences].filter((x) => x.deltaEndMs !== null || x.deltaStartMs !== null).sort((a, b) => Math.abs(b.deltaEndMs ?? b.deltaStartMs ?? 0) - Math.abs(a.deltaEndMs ?? a.deltaStartMs ?? 0)).slice(0, 3);
      if (top.length === 0) continue;
      out.push(`  ${cf.policy}: largest per-item differences (simulated − logged)`);
      for (const x of top) {
        out.push(
          `      ${x.name}: start ${x.startMs === null ? 'never' : formatClockTime(x.startMs)} (${signed(x.deltaStartMs)}), end ${formatClockTime(x.endMs)} (${x.deltaEndMs === null ? 'log has no end' : signed(x.deltaEndMs)}), ${x.outcome}`,
        );
      }
    }
  }
  for (const note of o.notes) out.push(styles.label(`note: ${note}`));
  if (o.reportDir) out.push(`report: ${o.reportDir}`);
  return out.join('\n');
}

function describeLines(o: ReplayOutcome): string {
  const l = o.lines;
  const parts = [`${l.used} used`];
  if (l.other > 0) parts.push(`${l.other} other (${l.otherKinds.slice(0, 3).map((k) => `${k.count}× "${k.kind}"`).join(', ')}${l.otherKinds.length > 3 ? ', …' : ''})`);
  if (l.untimed.count > 0) parts.push(`${l.untimed.count} without a timestamp`);
  if (l.comments > 0) parts.push(`${l.comments} comments`);
  if (l.blank > 0) parts.push(`${l.blank} blank`);
  if (l.malformed.count > 0) parts.push(`${l.malformed.count} malformed, skipped (first: line ${l.malformed.firstLine}: ${l.malformed.firstReason})`);
  return `${l.total} lines: ${parts.join(', ')}`;
}

function describeWarnings(o: ReplayOutcome): string[] {
  const l = o.lines;
  const out: string[] = [];
  if (l.truncatedLastLine !== null) out.push(`the last line (${l.truncatedLastLine}) is cut short and was ignored (a log still being written?)`);
  if (l.outOfOrder.count > 0) out.push(`${l.outOfOrder.count} line(s) have a timestamp earlier than the line before (first: line ${l.outOfOrder.firstLine}); items are taken in time order`);
  if (l.binary.count > 0) out.push(`${l.binary.count} line(s) hold binary data (first: line ${l.binary.firstLine}) and were ignored`);
  if (o.duplicateNames.length > 0) {
    const shown = o.duplicateNames.slice(0, 3).map((x) => `"${x.name}" ×${x.count}`).join(', ');
    out.push(`${o.duplicateNames.length} machine name(s) start more than once (${shown}${o.duplicateNames.length > 3 ? ', …' : ''}); each start counts as its own item`);
  }
  return out;
}

function describeFit(fit: LatencyFit): string {
  const body = fit.lognormal ? `lognormal median ${formatDurationMs(fit.lognormal.medianMs)} σ ${fit.lognormal.sigma} (p95 ${formatDurationMs(fit.lognormal.p95Ms)})` : 'too few durations for a lognormal';
  const stalls = fit.stalls.length === 0 ? 'no stall' : `stall point masses ${fit.stalls.slice(0, 4).map((s) => `${s.censored ? '≥' : ''}${formatDurationMs(s.ms)}${s.count > 1 ? `×${s.count}` : ''}`).join(', ')}${fit.stalls.length > 4 ? ', …' : ''} (${(fit.stallShare * 100).toFixed(1)}%)`;
  return `${body}; ${stalls}; ${fit.observed} durations${fit.censored > 0 ? `, ${fit.censored} censored (cut off or still running: lower bounds, not durations)` : ''}`;
}

function describeComparison(c: ReplayComparison): string {
  const basis = c.makespan.basis === 'batch-end' ? 'makespan' : 'time to the last start';
  return (
    `|Δstart| median ${formatDurationMs(c.medianAbsStartDiffMs)}, max ${formatDurationMs(c.maxAbsStartDiffMs)} over ${c.items} items; ` +
    `${basis} ${formatDurationMs(c.makespan.replayMs)} vs ${formatDurationMs(c.makespan.logMs)} logged (error ${(c.makespan.errorRatio * 100).toFixed(1)}%)`
  );
}

function renderCounterfactualTable(o: ReplayOutcome): string[] {
  const header = ['policy', 'makespan', 'vs log', 'priced', 'failed', 'timed out', 'skipped', 'stalls', '429s', 'zombies'];
  // The reproduction's makespan stands for the log's: a starts-only log does not say when its last items ended.
  const logMs = o.reproduction?.replayMakespanMs ?? (o.diagnosis.endMs !== null ? o.diagnosis.endMs - o.diagnosis.startMs : null);
  const rows = o.counterfactuals.map((cf) => {
    const m = cf.metrics;
    return [
      cf.policy,
      formatDurationMs(m.makespanMs),
      logMs === null || logMs <= 0 ? '' : `${((m.makespanMs / logMs) * 100).toFixed(0)}%`,
      String(m.counts.priced),
      String(m.counts.failed),
      String(m.counts.timedOut),
      String(m.counts.skipped),
      String(m.stalls.count),
      String(m.scrapfly.throttled),
      String(m.zombies.count),
    ];
  });
  return renderTextTable({ header, rows, align: header.map((_, i) => (i === 0 ? 'l' : 'r')), indent: '  ' }).split('\n');
}

/** Items in flight per column, aligned with the terminal timeline's columns. */
function renderInFlightLane(options: { outcome: ReplayOutcome; width: number; styles: TimelineStyles }): string {
  const { outcome: o, styles } = options;
  const steps = o.diagnosis.timeline.inFlight.steps;
  const t0 = o.diagnosis.timeline.startMs;
  const end = o.timelineEvents?.find((e) => e.type === 'batch.end')?.atMs ?? o.diagnosis.observedUntilMs;
  const cols = Math.max(20, Math.floor(options.width) - LABEL_WIDTH - 2);
  const bucketMs = Math.max(1, end - t0) / cols;
  const lane = new Array<number>(cols).fill(0);
  let level = 0;
  let k = 0;
  for (let col = 0; col < cols; col++) {
    const toMs = t0 + (col + 1) * bucketMs;
    let max = level;
    while (k < steps.length && (steps[k] as { atMs: number }).atMs < toMs) {
      level = (steps[k] as { count: number }).count;
      max = Math.max(max, level);
      k++;
    }
    lane[col] = max;
  }
  const digits = lane.map((n) => (n <= 0 ? styles.idle('·') : styles.busy(n < 10 ? String(n) : '+'))).join('');
  return `${styles.label('in flight'.padEnd(LABEL_WIDTH))}|${digits}|`;
}

function signed(ms: number | null): string {
  if (ms === null) return '—';
  return `${ms >= 0 ? '+' : ''}${formatDurationMs(ms)}`;
}

/** The fitted world's groups, a line each (none when the pooled model is the whole world). */
function describeFittedGroups(f: FittedWorldSummary): string[] {
  const groups = f.groups.filter((g) => g.body !== 'all-pooled');
  if (groups.length === 0) return [];
  const shown = groups.slice(0, MAX_GROUP_LINES).map((g) => {
    const body = g.body === 'own' && g.lognormal ? `lognormal median ${formatDurationMs(g.lognormal.medianMs)} σ ${g.lognormal.sigma}${g.ks ? ` (KS distance ${g.ks.distance} on ${g.ks.samples})` : ''}` : 'the pooled body';
    return `    ${g.domain}${g.level ? ` ${g.level}` : ''}: ${g.samples} ${f.basis === 'requests' ? 'requests' : 'machines'}${g.censored > 0 ? ` (${g.censored} censored)` : ''}, ${body}; ${g.stalls} stall${g.stalls === 1 ? '' : 's'}; failures ${(g.failureShare * 100).toFixed(1)}%`;
  });
  const more = groups.length > MAX_GROUP_LINES ? [`    … and ${groups.length - MAX_GROUP_LINES} more (in the JSON)`] : [];
  const head = f.basis === 'requests' ? "  per domain and tier, from the run log's requests (its baseline is the policy the header records):" : '  per domain:';
  return [head, ...shown, ...more];
}

const MAX_GROUP_LINES = 8;
