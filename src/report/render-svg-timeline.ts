/**
 * The starvation timeline as inline SVG: every policy of a run on one clock-time axis, one lane per
 * worker (items, and the attempts inside them coloured by how they ended), lanes of zombie work,
 * and charts of the account's concurrency at Scrapfly and of the queue. Each mark carries a
 * `<title>` with its details (machine, tier, duration, outcome, error code) for hovering.
 */
import type { TierEscalateEvent } from '../events/batch-event.js';
import { formatDurationMs } from '../units/duration.js';
import { isTimeoutAttempt, type AttemptRecord, type ItemRecord, type RunRecords } from './attempt-records.js';
import { computeSeries, peakOf, type SeriesPoint } from './compute-series.js';
import { escapeHtml } from './escape-html.js';
import { groupBy } from './group-by.js';
import { formatClockTime } from './format-clock-time.js';
import { layoutZombieLanes, type ZombiePiece } from './layout-zombie-lanes.js';
import { findTimeSpan, type ReportRun } from './report-run.js';
import { indexProjection, type ProjectionIndex } from './projection-index.js';
import { computeTimeTicks } from './time-axis.js';
import { aggregateLane, DENSE_MARKS, DENSE_STATES, denseLaneData, type DenseLaneData } from './dense-lane.js';

const WIDTH = 1200;
const LABEL = 118;
const PLOT = WIDTH - LABEL - 12;
const AXIS = 24;
const TITLE = 26;
const LANE = 14;
const GAP = 3;
const ZLANE = 8;
const CHART = 28;
const BLOCK_GAP = 16;
/** Worker lanes beyond this many are left out (with a note) to keep the page usable. */
const MAX_WORKER_LANES = 200;

/** How an attempt is drawn; the CSS of the page colours each class. */
export type AttemptState = 'ok' | 'error' | 'timeout' | 'stall' | 'throttled' | 'cut';

/** What the page's script needs to show dense lanes: their requests, and the item names of each policy. */
export interface DenseTimelineData {
  /** The time the lanes' offsets count from, ms since the epoch. */
  originMs: number;
  /** By lane id (`<policy index>:<worker>`). */
  lanes: Record<string, DenseLaneData>;
  /** Item names by policy index. */
  names: Record<string, string[]>;
}

/** Renders the SVG element (no XML prolog) for `runs`. */
export function renderSvgTimeline(options: { runs: readonly ReportRun[] }): string {
  return renderSvgTimelineParts(options).svg;
}

/** The SVG element and, when a policy's lanes are dense, the data its script needs (else null). */
export function renderSvgTimelineParts(options: { runs: readonly ReportRun[] }): { svg: string; dense: DenseTimelineData | null } {
  const span = findTimeSpan(options.runs);
  const x = (atMs: number) => LABEL + ((atMs - span.startMs) / (span.endMs - span.startMs)) * PLOT;
  const body: string[] = [];
  const dense: DenseTimelineData = { originMs: span.startMs, lanes: {}, names: {} };
  let y = AXIS;
  options.runs.forEach((run, blockIndex) => {
    const block = renderPolicyBlock({ run, x, top: y, blockIndex, dense });
    body.push(block.svg);
    y += block.height + BLOCK_GAP;
  });
  const height = y - BLOCK_GAP + AXIS;
  const ticks = computeTimeTicks({ startMs: span.startMs, endMs: span.endMs, maxTicks: 12 });
  const grid = ticks.map((t) => `<line class="grid" x1="${n(x(t.atMs))}" y1="${AXIS - 4}" x2="${n(x(t.atMs))}" y2="${height - AXIS + 4}"/>`);
  const labels = ticks.flatMap((t) => [
    `<text class="tick" x="${n(x(t.atMs))}" y="${AXIS - 8}" text-anchor="middle">${t.label}</text>`,
    `<text class="tick" x="${n(x(t.atMs))}" y="${height - 6}" text-anchor="middle">${t.label}</text>`,
  ]);
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="Timeline of ${options.runs.length} policies, one lane per worker" data-start-ms="${span.startMs}" data-end-ms="${span.endMs}" data-plot-x="${LABEL}" data-plot-width="${PLOT}" data-axis-height="${AXIS}">`,
    `<defs><clipPath id="plot-clip"><rect x="${LABEL}" y="0" width="${PLOT}" height="${height}"/></clipPath></defs>`,
    `<g class="axis">${grid.join('')}${labels.join('')}</g>`,
    ...body,
    `</svg>`,
  ].join('\n');
  return { svg, dense: Object.keys(dense.lanes).length > 0 ? dense : null };
}

function renderPolicyBlock(options: { run: ReportRun; x: (atMs: number) => number; top: number; blockIndex: number; dense: DenseTimelineData }): { svg: string; height: number } {
  const { run, x } = options;
  const m = run.metrics;
  const policy = escapeHtml(m.policy);
  const { records } = run.projection;
  const thresholdMs = m.stalls.thresholdMs;
  const isDense = records.attempts.length + records.items.length > DENSE_MARKS;
  const out: string[] = [`<g class="policy" data-policy="${policy}">`];
  let y = options.top;
  out.push(
    `<text class="policy-title" x="4" y="${y + 16}"><tspan class="policy-name">${policy}</tspan>  makespan ${formatDurationMs(m.makespanMs)} · lower bound ${formatDurationMs(m.lowerBoundMs)} (ratio ${m.makespanRatio.toFixed(2)}) · ${m.workers} workers, ${m.execution} · ${m.counts.priced}/${m.items} priced${isDense ? ` · ${records.attempts.length} requests drawn per pixel column: zoom in to see each` : ''}</text>`,
  );
  if (isDense) options.dense.names[options.blockIndex] = run.header.items.map((i) => i.name);
  y += TITLE;
  const lanesTop = y;
  const byWorker = new Map<number, { items: ItemRecord[]; attempts: AttemptRecord[] }>();
  for (let w = 1; w <= m.workers; w++) byWorker.set(w, { items: [], attempts: [] });
  for (const item of records.items) if (item.worker !== null && item.startMs !== null) byWorker.get(item.worker)?.items.push(item);
  for (const a of records.attempts) if (!a.startedAsZombie) byWorker.get(a.worker)?.attempts.push(a);
  const shown = Math.min(m.workers, MAX_WORKER_LANES);
  const index = indexProjection(run.projection);
  const backoffs = collectWorkerBackoffs(run, records, index);
  const escalations = groupBy(
    run.projection.marks.flatMap((m): TierEscalateEvent[] => (m.event.type === 'tier.escalate' ? [m.event] : [])),
    (e) => index.items.get(e.item)?.worker ?? null,
  );
  for (let w = 1; w <= shown; w++) {
    const lane = byWorker.get(w) as { items: ItemRecord[]; attempts: AttemptRecord[] };
    if (isDense) {
      const laneId = `${options.blockIndex}:${w}`;
      const requests = lane.attempts.map((a) => ({ startMs: a.startMs, endMs: a.clientEndMs ?? a.endMs ?? records.endMs, state: classifyAttempt(a, thresholdMs), record: a }));
      const columns = aggregateLane({ items: lane.items, attempts: requests, columns: Math.ceil(PLOT), column: (atMs) => x(atMs) - LABEL, runEndMs: records.endMs });
      const parts = [
        ...columns.items.map(([c, count]) => `<rect class="item" x="${n(LABEL + c)}" y="${y}" width="${count}" height="${LANE}"/>`),
        ...columns.attempts.map(([c, count, k]) => `<rect class="a-${DENSE_STATES[k] as string}" x="${n(LABEL + c)}" y="${y + 2}" width="${count}" height="${LANE - 4}"/>`),
      ];
      options.dense.lanes[laneId] = denseLaneData(requests, options.dense.originMs);
      out.push(
        `<g class="lane" data-lane="worker" data-worker="${w}" data-dense="${laneId}" data-policy-index="${options.blockIndex}"><text class="lane-label" x="${LABEL - 6}" y="${y + LANE - 3}" text-anchor="end">worker ${w}</text><rect class="lane-bg" x="${LABEL}" y="${y}" width="${PLOT}" height="${LANE}"/>${marks(parts)}<g class="detail" clip-path="url(#plot-clip)"></g></g>`,
      );
      y += LANE + GAP;
      continue;
    }
    const parts: string[] = [];
    for (const item of lane.items) parts.push(rect('item', x(item.startMs as number), y, x(item.endMs ?? records.endMs), LANE, describeItem(item)));
    for (const b of backoffs.get(w) ?? []) parts.push(rect('backoff', x(b.startMs), y + LANE / 2 - 1.5, x(b.endMs), 3, `backoff ${formatDurationMs(b.endMs - b.startMs)} (${b.layer} retry) after ${b.errorClass}`));
    for (const a of lane.attempts) {
      const stopMs = a.clientEndMs ?? a.endMs ?? records.endMs;
      const state = classifyAttempt(a, thresholdMs);
      parts.push(rect(`a-${state}`, x(a.startMs), y + 2, x(stopMs), LANE - 4, describeAttempt(a, index, records.endMs, thresholdMs)));
      if (a.abandonedAtMs !== null || isTimeoutAttempt(a)) {
        const cx = x(stopMs);
        parts.push(`<path class="tmark" d="M${n(cx - 3)} ${n(y + 1)}L${n(cx + 3)} ${n(y + LANE - 1)}M${n(cx + 3)} ${n(y + 1)}L${n(cx - 3)} ${n(y + LANE - 1)}"/>`);
      }
    }
    for (const e of escalations.get(w) ?? []) {
      const ex = x(e.atMs);
      parts.push(`<path class="esc" d="M${n(ex - 4)} ${y + LANE}L${n(ex + 4)} ${y + LANE}L${n(ex)} ${y + LANE - 7}Z"><title>${escapeHtml(`escalation of item ${e.item} at ${formatClockTime(e.atMs)}: tier ${e.fromTier} → ${e.toTier} after ${e.errorClass}${e.errorCode ? ` (${e.errorCode})` : ''}`)}</title></path>`);
    }
    out.push(
      `<g class="lane" data-lane="worker" data-worker="${w}"><text class="lane-label" x="${LABEL - 6}" y="${y + LANE - 3}" text-anchor="end">worker ${w}</text><rect class="lane-bg" x="${LABEL}" y="${y}" width="${PLOT}" height="${LANE}"/>${marks(parts)}</g>`,
    );
    y += LANE + GAP;
  }
  if (shown < m.workers) {
    out.push(`<text class="note" x="${LABEL}" y="${y + 10}">… ${m.workers - shown} more workers not drawn</text>`);
    y += 14;
  }
  if (m.execution === 'blocking') {
    // A blocking call freezes the one event loop: every worker is stuck while it runs.
    const bands: string[] = [];
    for (const a of records.attempts) {
      const stopMs = a.clientEndMs ?? a.endMs;
      if (a.startedAsZombie || stopMs === null || stopMs - a.startMs <= thresholdMs) continue;
      bands.push(`<rect class="blocked" x="${n(x(a.startMs))}" y="${lanesTop}" width="${n(Math.max(1, x(stopMs) - x(a.startMs)))}" height="${y - GAP - lanesTop}"/>`);
    }
    out.push(marks(bands));
  }
  const zombieLanes = layoutZombieLanes(run.projection);
  zombieLanes.forEach((chains, laneIndex) => {
    const parts: string[] = [];
    for (const chain of chains) for (const piece of chain.pieces) parts.push(rect(`z-${piece.kind}`, x(piece.startMs), y, x(piece.endMs), ZLANE, describeZombie(piece, index)));
    const label = laneIndex === 0 ? `<text class="lane-label" x="${LABEL - 6}" y="${y + ZLANE}" text-anchor="end">zombies</text>` : '';
    out.push(`<g class="lane" data-lane="zombie">${label}<rect class="lane-bg zombie-bg" x="${LABEL}" y="${y}" width="${PLOT}" height="${ZLANE}"/>${marks(parts)}</g>`);
    y += ZLANE + 2;
  });
  const series = computeSeries(run.projection);
  const limit = run.header.accountConcurrency;
  if (series.scrapflyConcurrency.length > 0) {
    const peak = peakOf(series.scrapflyConcurrency);
    // Headroom above the plan limit so that its line sits inside the chart.
    const top = Math.max(1, peak, limit ?? 0) * 1.2;
    y += 4;
    out.push(`<g class="chart" data-chart="scrapfly"><text class="lane-label" x="${LABEL - 6}" y="${y + 12}" text-anchor="end">scrapfly</text><text class="chart-note" x="${LABEL - 6}" y="${y + 24}" text-anchor="end">peak ${peak}${limit ? `/${limit}` : ''}</text>`);
    out.push(`<rect class="lane-bg" x="${LABEL}" y="${y}" width="${PLOT}" height="${CHART}"/>`);
    out.push(marks([`<path class="area-scrapfly" d="${stepArea(series.scrapflyConcurrency, x, y + CHART, CHART / top, records.endMs)}"><title>${escapeHtml(`Requests in flight at Scrapfly (account concurrency), peak ${peak}${limit ? ` of ${limit}` : ''}`)}</title></path>`]));
    if (limit) out.push(`<line class="limit" x1="${LABEL}" x2="${LABEL + PLOT}" y1="${n(y + CHART - (CHART * limit) / top)}" y2="${n(y + CHART - (CHART * limit) / top)}"/>`);
    out.push(`</g>`);
    y += CHART + GAP;
  }
  if (m.items > 0) {
    out.push(`<g class="chart" data-chart="queue"><text class="lane-label" x="${LABEL - 6}" y="${y + 14}" text-anchor="end">queue</text>`);
    out.push(`<rect class="lane-bg" x="${LABEL}" y="${y}" width="${PLOT}" height="${CHART - 8}"/>`);
    out.push(marks([`<path class="area-queue" d="${stepArea(series.queueDepth, x, y + CHART - 8, (CHART - 8) / m.items, records.endMs)}"><title>${escapeHtml(`Items waiting for a worker (${m.items} at the start)`)}</title></path>`]));
    out.push(`</g>`);
    y += CHART - 8;
  }
  out.push(`</g>`);
  return { svg: out.join('\n'), height: y - options.top };
}

/** How an attempt ended, for its colour. A 429 wins, then a stall, then a timeout. */
export function classifyAttempt(a: AttemptRecord, stallThresholdMs: number): AttemptState {
  const stopMs = a.clientEndMs ?? a.endMs;
  if (a.status === 429) return 'throttled';
  if (stopMs !== null && stopMs - a.startMs > stallThresholdMs) return 'stall';
  if (a.abandonedAtMs !== null || isTimeoutAttempt(a)) return 'timeout';
  if (a.result === 'cut') return 'cut';
  if (a.result === 'ok' && a.errorClass === null) return 'ok';
  return 'error';
}

function collectWorkerBackoffs(run: ReportRun, records: RunRecords, index: ProjectionIndex): Map<number, Array<{ startMs: number; endMs: number; layer: string; errorClass: string }>> {
  const out = new Map<number, Array<{ startMs: number; endMs: number; layer: string; errorClass: string }>>();
  for (const { event: e } of run.projection.marks) {
    if (e.type !== 'backoff') continue;
    const failed = index.attempt(e.item, e.attempt);
    if (!failed || (e.layer === 'client' && (failed.startedAsZombie || failed.abandonedAtMs !== null))) continue;
    // The wait ends early when the item moves on (an abandoned call) or ends.
    const next = index.attemptsOfItem.get(e.item)?.find((a) => !a.startedAsZombie && a.startMs >= e.atMs && a.attempt > e.attempt);
    const endMs = Math.min(e.atMs + e.delayMs, next?.startMs ?? Infinity, index.items.get(e.item)?.endMs ?? records.endMs);
    const list = out.get(failed.worker) ?? [];
    const previous = list[list.length - 1];
    // A wait cut short by what follows it (a cut call, the next call's wait) ends there.
    if (previous && previous.endMs > e.atMs) previous.endMs = Math.max(previous.startMs, e.atMs);
    list.push({ startMs: e.atMs, endMs, layer: e.layer, errorClass: e.errorClass });
    out.set(failed.worker, list);
  }
  return out;
}

function describeItem(item: ItemRecord): string {
  const endMs = item.endMs ?? item.startMs ?? 0;
  const lines = [
    `${item.name} (item ${item.item}, ${item.domain})`,
    `worker ${item.worker} · ${formatClockTime(item.startMs ?? 0)} → ${formatClockTime(endMs)} · ${formatDurationMs(endMs - (item.startMs ?? endMs))} · queued ${formatDurationMs(item.queuedMs)}`,
    `${item.outcome ?? 'unfinished'}${item.reason ? ` (${item.reason})` : ''}${item.errorCode ? ` · ${item.errorCode}` : ''}${item.price !== null ? ` · price ${item.price}` : ''} · ${item.attempts} attempts, last tier ${item.tier}`,
  ];
  return lines.join('\n');
}

function describeAttempt(a: AttemptRecord, index: ProjectionIndex, runEndMs: number, thresholdMs: number): string {
  const item = index.items.get(a.item);
  const stopMs = a.clientEndMs ?? a.endMs ?? runEndMs;
  const waited = stopMs - a.startMs;
  const lines = [
    `${item?.name ?? `item ${a.item}`} (item ${a.item}${item?.domain ? `, ${item.domain}` : ''})`,
    `worker ${a.worker} · tier ${a.tier} ${a.tierName} · attempt ${a.attempt} (call ${a.call})`,
    `${formatClockTime(a.startMs)} → ${formatClockTime(stopMs)} · ${formatDurationMs(waited)}${waited > thresholdMs ? ` · STALL (> ${formatDurationMs(thresholdMs)})` : ''}`,
    `${a.result ?? 'unfinished'}${a.status !== null ? ` · HTTP ${a.status}` : ''}${a.errorClass ? ` · ${a.errorClass}` : ''}${a.errorCode ? ` · ${a.errorCode}` : ''}${a.costCredits ? ` · ${a.costCredits} credits` : ''}`,
  ];
  if (a.abandonedAtMs !== null) lines.push(`abandoned (${a.cutReason}); ran on until ${formatClockTime(a.serverEndMs ?? a.endMs ?? stopMs)}`);
  else if (a.cutReason) lines.push(`cut by ${a.cutReason}`);
  if (a.serverEndMs !== null && a.endMs !== null && a.serverEndMs > a.endMs) lines.push(`still running at Scrapfly until ${formatClockTime(a.serverEndMs)} (+${formatDurationMs(a.serverEndMs - a.endMs)})`);
  return lines.join('\n');
}

function describeZombie(piece: ZombiePiece, index: ProjectionIndex): string {
  const a = piece.attempt;
  const item = index.items.get(a.item);
  const what =
    piece.kind === 'server'
      ? 'request still running at Scrapfly after the client closed it'
      : piece.kind === 'abandoned'
        ? `abandoned request running on (${a.cutReason ?? 'abandoned'})`
        : piece.kind === 'backoff'
          ? 'the abandoned call backing off before its next retry'
          : 'retry made by an abandoned call';
  return [
    `zombie: ${what}`,
    `${item?.name ?? `item ${a.item}`} (item ${a.item}) · worker ${a.worker} · tier ${a.tier} ${a.tierName} · attempt ${a.attempt}`,
    `${formatClockTime(piece.startMs)} → ${formatClockTime(piece.endMs)} · ${formatDurationMs(piece.endMs - piece.startMs)}`,
    piece.kind === 'backoff' ? '' : `${a.result ?? 'unfinished'}${a.errorCode ? ` · ${a.errorCode}` : ''}`,
  ]
    .filter(Boolean)
    .join('\n');
}

/** Marks drawn in the plot area, clipped to it (the page's zoom moves them). */
function marks(parts: readonly string[]): string {
  return parts.length === 0 ? '' : `<g class="marks" clip-path="url(#plot-clip)">${parts.join('')}</g>`;
}

/** A bar from x1 to x2, at least 1.2 px wide; `data-w` keeps the true width of a widened one for zooming. */
function rect(cls: string, x1: number, y: number, x2: number, h: number, title: string): string {
  const w = Math.max(1.2, x2 - x1);
  const trueWidth = w > x2 - x1 ? ` data-w="${n(Math.max(0, x2 - x1))}"` : '';
  return `<rect class="${cls}" x="${n(x1)}" y="${n(y)}" width="${n(w)}" height="${n(h)}"${trueWidth}><title>${escapeHtml(title)}</title></rect>`;
}

/**
 * A series with at most one point per pixel column: each column keeps its highest value, so peaks
 * stay visible (a chart of 200,000 steps is drawn at the resolution it is seen at).
 */
function perColumn(series: readonly SeriesPoint[], x: (atMs: number) => number): SeriesPoint[] {
  if (series.length <= 4 * PLOT) return series as SeriesPoint[];
  const out: SeriesPoint[] = [];
  let column = -Infinity;
  let carried = 0;
  for (const p of series) {
    const c = Math.floor(x(p.atMs));
    if (c !== column) {
      out.push({ atMs: p.atMs, value: Math.max(carried, p.value) });
      column = c;
    } else {
      const last = out[out.length - 1] as SeriesPoint;
      last.value = Math.max(last.value, p.value);
    }
    // The value the next column starts from: the last one of this column.
    carried = p.value;
  }
  return out;
}

/** A closed step-area path of `series` with baseline `baseY` and `scale` px per unit. */
function stepArea(all: readonly SeriesPoint[], x: (atMs: number) => number, baseY: number, scale: number, endMs: number): string {
  const series = perColumn(all, x);
  if (series.length === 0) return '';
  const first = series[0] as SeriesPoint;
  let d = `M${n(x(first.atMs))} ${n(baseY)}`;
  let value = 0;
  for (const p of series) {
    d += `L${n(x(p.atMs))} ${n(baseY - value * scale)}L${n(x(p.atMs))} ${n(baseY - p.value * scale)}`;
    value = p.value;
  }
  const last = series[series.length - 1] as SeriesPoint;
  const stopMs = Math.max(endMs, last.atMs);
  return `${d}L${n(x(stopMs))} ${n(baseY - value * scale)}L${n(x(stopMs))} ${n(baseY)}Z`;
}

/** A coordinate with at most one decimal, so that output is compact and stable. */
function n(v: number): string {
  return String(Math.round(v * 10) / 10);
}
