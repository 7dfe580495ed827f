/**
 * A run as a Chrome JSON trace (the trace event format), written so that the importers in use
 * read it the same way: Perfetto (ui.perfetto.dev), Catapult (chrome://tracing) and, for slices,
 * the trace engine of Chrome DevTools. One process per policy, one thread track per worker holding
 * its items as complete events ("X") with their attempts, backoffs and escalations nested one
 * level inside, each item's attempts linked by a v2 flow (`bind_id`), zombie work on tracks of its
 * own, and one counter name per series (requests in flight, zombies, queue depth, Scrapfly
 * concurrency).
 *
 * The rules that keep importers in agreement (see the README's "Reports"):
 * - Timestamps are integer microseconds since the earliest run's start. On one track no slice is
 *   shorter than 1 µs and each starts at least 1 µs after the previous sibling ends: instantaneous
 *   things (a 429 answered at once, an escalation) are 1 µs slices laid one after the other, and a
 *   child starts at least 1 µs after its item. Where the milliseconds of the run tie, slices move later
 *   by a few microseconds; nothing nests by accident, so depth stays at most 2 (zombie tracks) and
 *   every attempt's parent is its item in Catapult's closed-interval rule and Perfetto's sorter.
 * - Escalations are 1 µs slices, not instants: DevTools shows no lowercase `i` events.
 * - No argument is null (Perfetto drops nulls): absent means none.
 * - Metadata sits in a top-level `metadata` object, which Perfetto reads and Catapult lists.
 */
import type { BackoffEvent, BatchEvent, TierEscalateEvent } from '../events/batch-event.js';
import { buildRunRecords, isTimeoutAttempt, type AttemptRecord, type ItemRecord } from './attempt-records.js';
import { computeSeries, type SeriesPoint } from './compute-series.js';
import { layoutZombieLanes, type ZombieChain } from './layout-zombie-lanes.js';
import { groupBy } from './group-by.js';
import { findTimeSpan, type ReportRun } from './report-run.js';

/** One trace event. Fields follow the trace event format; `ts` and `dur` are microseconds. */
export interface TraceEvent {
  name: string;
  ph: 'X' | 'C' | 'M';
  ts: number;
  pid: number;
  tid: number;
  cat?: string;
  dur?: number;
  s?: 't';
  args?: Record<string, unknown>;
  bind_id?: number;
  flow_in?: boolean;
  flow_out?: boolean;
}

export interface PerfettoTrace {
  traceEvents: TraceEvent[];
  displayTimeUnit: 'ms';
  metadata: Record<string, string | number>;
}

/** The counter names of a trace, one per series; each event holds `{value}`. */
export const COUNTER_NAMES = { inFlight: 'requests in flight', zombies: 'zombies (requests still running at Scrapfly)', queueDepth: 'queue depth', scrapflyConcurrency: 'Scrapfly concurrency' } as const;

/** Tids of one policy live in their own block so that threads never collide across processes. */
const TIDS_PER_POLICY = 100_000;
const ZOMBIE_TID_OFFSET = 50_000;

/** Builds the trace object of `runs` (one process per run). */
export function buildPerfettoTrace(options: { runs: readonly ReportRun[] }): PerfettoTrace {
  const span = findTimeSpan(options.runs);
  const us = (atMs: number) => Math.round((atMs - span.startMs) * 1000);
  const events: TraceEvent[] = [];
  let nextFlowId = 1;
  options.runs.forEach((run, index) => {
    const pid = index + 1;
    const records = buildRunRecords(run.events, { items: run.header.items });
    const workerTid = (w: number) => pid * TIDS_PER_POLICY + w;
    const mainTid = workerTid(1);
    const m = run.metrics;
    events.push(meta('process_name', pid, mainTid, { name: `${m.policy} (${m.workers} workers, ${m.execution})` }));
    events.push(meta('process_sort_index', pid, mainTid, { sort_index: pid }));
    for (let w = 1; w <= m.workers; w++) {
      events.push(meta('thread_name', pid, workerTid(w), { name: `worker ${w}` }));
      events.push(meta('thread_sort_index', pid, workerTid(w), { sort_index: w }));
    }
    const attemptsOfItem = groupBy(records.attempts, (a) => a.item);
    const byItem = groupItemEvents(run.events);
    const itemById = new Map(records.items.map((i) => [i.item, i]));
    const itemsByWorker = groupBy(records.items, (item) => (item.startMs === null ? null : item.worker));
    for (const [worker, items] of [...itemsByWorker.entries()].sort((a, b) => a[0] - b[0])) {
      items.sort((a, b) => (a.startMs as number) - (b.startMs as number) || a.item - b.item);
      const tid = workerTid(worker);
      const track = new TrackLayout();
      for (const item of items) {
        const endMs = item.endMs ?? records.endMs;
        const children = buildItemChildren({ item, endMs, attempts: attemptsOfItem.get(item.item) ?? [], events: byItem.get(item.item) ?? { attemptStarts: new Map(), marks: [] }, thresholdMs: m.stalls.thresholdMs });
        const chain = children.filter((c) => c.event.cat?.startsWith('attempt'));
        if (chain.length > 1) {
          const id = nextFlowId++;
          chain.forEach((c, k) => {
            c.event.bind_id = id;
            if (k > 0) c.event.flow_in = true;
            if (k < chain.length - 1) c.event.flow_out = true;
          });
        }
        const parent: TraceEvent = {
          name: item.name || `item ${item.item}`,
          cat: 'item',
          ph: 'X',
          ts: 0,
          pid,
          tid,
          args: withoutNulls({ item: item.item, domain: item.domain, url: run.header.items[item.item]?.url ?? null, outcome: item.outcome, reason: item.reason, errorCode: item.errorCode, price: item.price, attempts: item.attempts, lastTier: item.tier, queuedMs: item.queuedMs }),
        };
        events.push(...track.place({ parent, startUs: us(item.startMs as number), endUs: us(endMs), children: children.map((c) => ({ event: { ...c.event, pid, tid, ts: 0 }, startUs: us(c.startMs), endUs: us(c.endMs) })) }));
      }
    }
    const lanes = layoutZombieLanes(run.events, records);
    lanes.forEach((chains, lane) => {
      const tid = pid * TIDS_PER_POLICY + ZOMBIE_TID_OFFSET + lane + 1;
      events.push(meta('thread_name', pid, tid, { name: `zombies ${lane + 1}` }));
      events.push(meta('thread_sort_index', pid, tid, { sort_index: ZOMBIE_TID_OFFSET + lane + 1 }));
      const track = new TrackLayout();
      for (const chain of chains) {
        const flowId = chain.pieces.filter((p) => p.kind !== 'backoff').length > 1 ? nextFlowId++ : null;
        events.push(...track.place(zombieChainSlices({ chain, pid, tid, us, flowId, item: itemById.get(chain.item) })));
      }
    });
    const series = computeSeries(run.events, records);
    const counter = (name: string, key: string, points: readonly SeriesPoint[]) => {
      for (const p of points) events.push({ name, ph: 'C', ts: us(p.atMs), pid, tid: mainTid, args: { [key]: p.value } });
    };
    // One name per series: Catapult takes a counter's series from the first event of its name.
    counter(COUNTER_NAMES.inFlight, 'value', series.inFlight);
    counter(COUNTER_NAMES.zombies, 'value', series.zombies);
    counter(COUNTER_NAMES.queueDepth, 'value', series.queueDepth);
    counter(COUNTER_NAMES.scrapflyConcurrency, 'value', series.scrapflyConcurrency);
  });
  // Stable: ties keep the order above (parents before children, causal order within a track).
  const ordered = events.filter((e) => e.ph === 'M').concat(events.filter((e) => e.ph !== 'M').sort((a, b) => a.ts - b.ts));
  const first = options.runs[0]?.header;
  return {
    traceEvents: ordered,
    displayTimeUnit: 'ms',
    metadata: withoutNulls({
      scenario: first?.scenario ?? null,
      seed: first?.seed ?? null,
      mode: first?.mode ?? null,
      policies: options.runs.map((r) => r.metrics.policy).join(', '),
      clockStart: new Date(span.startMs).toISOString(),
      timestamps: 'microseconds since clockStart; on one track, slices that tie to the millisecond are moved later by a few microseconds so that none nests by accident',
    }) as Record<string, string | number>,
  };
}

/** `args` without its null and undefined values (Perfetto drops null arguments). */
function withoutNulls(args: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args)) if (value !== null && value !== undefined) out[key] = value;
  return out;
}

/** A top-level slice of a track with its children, in microseconds as the run has them. */
interface PlannedSlice {
  /** `ts` and `dur` are set by the layout. Null: the children are top-level (a lone zombie piece). */
  parent: TraceEvent | null;
  startUs: number;
  endUs: number;
  children: Array<{ event: TraceEvent; startUs: number; endUs: number }>;
}

/**
 * Places one track's slices so that every importer nests them alike: each top-level slice starts
 * at least 1 µs after the previous one ends, its children start at least 1 µs after it and after
 * the previous child, every slice lasts at least 1 µs, and a parent lasts until its last child
 * ends. Times only ever move later, by the microseconds that ties need.
 */
class TrackLayout {
  #cursorUs = 0;

  place(slice: PlannedSlice): TraceEvent[] {
    const out: TraceEvent[] = [];
    const parentTs = Math.max(slice.startUs, this.#cursorUs);
    let t = slice.parent ? parentTs + 1 : parentTs;
    const placedChildren: TraceEvent[] = [];
    let lastEnd = parentTs + 1;
    for (const child of slice.children) {
      const ts = Math.max(child.startUs, t);
      const end = Math.max(child.endUs, ts + 1);
      placedChildren.push({ ...child.event, ts, dur: end - ts, args: child.event.args ? withoutNulls(child.event.args) : undefined });
      // 1 µs apart: viewers that compare milliseconds as floats see touching slices overlap.
      t = end + 1;
      lastEnd = end;
    }
    if (slice.parent) {
      const end = Math.max(slice.endUs, lastEnd);
      out.push({ ...slice.parent, ts: parentTs, dur: end - parentTs });
      this.#cursorUs = end + 1;
    } else {
      this.#cursorUs = t;
    }
    for (const c of placedChildren) {
      if (c.args === undefined) delete c.args;
      out.push(c);
    }
    return out;
  }
}

/** The trace as JSON text: one event per line, so that it diffs and greps well. */
export function renderPerfettoTrace(options: { runs: readonly ReportRun[] }): string {
  let out = '';
  for (const chunk of renderPerfettoTraceChunks(options)) out += chunk;
  return out;
}

/** The same text in pieces (one event per piece), for writing it without building one string. */
export function* renderPerfettoTraceChunks(options: { runs: readonly ReportRun[] }): Generator<string> {
  const trace = buildPerfettoTrace(options);
  // `{"traceEvents":[` first: the form every importer recognises from the first bytes.
  yield '{"traceEvents":[\n';
  const events = trace.traceEvents;
  for (let i = 0; i < events.length; i++) yield `${i > 0 ? ',\n' : ''}${JSON.stringify(events[i])}`;
  yield `\n],\n"displayTimeUnit":"ms",\n"metadata":${JSON.stringify(trace.metadata)}}\n`;
}

interface Child {
  startMs: number;
  endMs: number;
  /** Position of the originating event in the run's events: causal order at one instant. */
  seq: number;
  event: Omit<TraceEvent, 'ts' | 'pid' | 'tid'>;
}

/** The events of one item that the trace draws, with their positions in the run's events. */
interface ItemEvents {
  attemptStarts: Map<number, number>;
  marks: Array<{ seq: number; event: BackoffEvent | TierEscalateEvent }>;
}

function groupItemEvents(events: readonly BatchEvent[]): Map<number, ItemEvents> {
  const out = new Map<number, ItemEvents>();
  const of = (item: number) => {
    let entry = out.get(item);
    if (!entry) {
      entry = { attemptStarts: new Map(), marks: [] };
      out.set(item, entry);
    }
    return entry;
  };
  events.forEach((e, seq) => {
    if (e.type === 'attempt.start') of(e.item).attemptStarts.set(e.attempt, seq);
    else if (e.type === 'backoff' || e.type === 'tier.escalate') of(e.item).marks.push({ seq, event: e });
  });
  return out;
}

/** An item's attempts, backoffs and escalations on its worker's track, in time then causal order. */
function buildItemChildren(options: { item: ItemRecord; endMs: number; attempts: readonly AttemptRecord[]; events: ItemEvents; thresholdMs: number }): Child[] {
  const { item, endMs, thresholdMs } = options;
  const live = options.attempts.filter((a) => !a.startedAsZombie);
  const children: Child[] = [];
  for (const a of live) {
    const stopMs = Math.min(a.clientEndMs ?? a.endMs ?? endMs, endMs);
    const stall = stopMs - a.startMs > thresholdMs;
    const label = a.status === 429 ? '429' : a.result === null ? 'unfinished' : a.abandonedAtMs !== null ? 'abandoned' : a.result;
    const ranOnMs = Math.max(0, (a.serverEndMs ?? (a.abandonedAtMs !== null ? a.endMs : null) ?? stopMs) - stopMs);
    children.push({
      startMs: a.startMs,
      endMs: stopMs,
      seq: options.events.attemptStarts.get(a.attempt) ?? 0,
      event: {
        name: `${a.tierName} ${label}`,
        cat: stall ? 'attempt,stall' : 'attempt',
        ph: 'X',
        args: {
          machine: item.name,
          item: item.item,
          attempt: a.attempt,
          call: a.call,
          tier: a.tier,
          tierName: a.tierName,
          worker: a.worker,
          result: a.result,
          status: a.status,
          errorClass: a.errorClass,
          errorCode: a.errorCode,
          credits: a.costCredits,
          waitedMs: stopMs - a.startMs,
          stall,
          timeout: isTimeoutAttempt(a),
          cutReason: a.cutReason,
          ranOnAfterClientMs: ranOnMs,
        },
      },
    });
  }
  const zombieNumbers = new Set(options.attempts.filter((a) => a.startedAsZombie || a.abandonedAtMs !== null).map((a) => a.attempt));
  for (const { seq, event: e } of options.events.marks) {
    if (e.type === 'backoff') {
      // A zombie call's own backoff is drawn on its zombie track.
      if (e.layer === 'client' && zombieNumbers.has(e.attempt)) continue;
      const next = live.find((a) => a.startMs >= e.atMs && a.attempt > e.attempt);
      const stopMs = Math.min(e.atMs + e.delayMs, next?.startMs ?? Infinity, endMs);
      children.push({ startMs: e.atMs, endMs: Math.max(e.atMs, stopMs), seq, event: { name: `backoff (${e.layer})`, cat: 'backoff', ph: 'X', args: { item: item.item, delayMs: e.delayMs, layer: e.layer, errorClass: e.errorClass, afterAttempt: e.attempt } } });
    } else {
      // A 1 µs slice rather than an instant: DevTools draws no lowercase `i` events.
      children.push({ startMs: e.atMs, endMs: e.atMs, seq, event: { name: `escalate ${e.fromTier}→${e.toTier}`, cat: 'escalation', ph: 'X', args: { item: item.item, fromTier: e.fromTier, toTier: e.toTier, errorClass: e.errorClass, errorCode: e.errorCode } } });
    }
  }
  children.sort((a, b) => a.startMs - b.startMs || a.seq - b.seq);
  // A backoff ends early when what follows starts first (a cut call, the next call's wait).
  children.forEach((c, k) => {
    if (c.event.cat !== 'backoff') return;
    const next = children.slice(k + 1).find((d) => d.event.ph === 'X');
    if (next) c.endMs = Math.max(c.startMs, Math.min(c.endMs, next.startMs));
  });
  return children;
}

/** A zombie chain as one planned slice: its call (when it has several pieces) and its pieces. */
function zombieChainSlices(options: { chain: ZombieChain; pid: number; tid: number; us: (atMs: number) => number; flowId: number | null; item: ItemRecord | undefined }): PlannedSlice {
  const { chain, pid, tid, us, item } = options;
  const attempts = chain.pieces.filter((p) => p.kind !== 'backoff');
  const children = chain.pieces.map((p) => {
    const a = p.attempt;
    const event: TraceEvent = {
      name: p.kind === 'server' ? `at Scrapfly after ${a.result}` : p.kind === 'backoff' ? 'backoff (zombie client)' : `${a.tierName} ${a.result ?? 'unfinished'} (zombie)`,
      cat: `zombie,${p.kind}`,
      ph: 'X',
      ts: 0,
      pid,
      tid,
      args: { machine: item?.name ?? null, item: a.item, attempt: a.attempt, call: a.call, tier: a.tier, tierName: a.tierName, worker: a.worker, result: a.result, status: a.status, errorCode: a.errorCode, kind: p.kind },
    };
    const k = attempts.indexOf(p);
    if (options.flowId !== null && k >= 0 && attempts.length > 1) {
      event.bind_id = options.flowId;
      if (k > 0) event.flow_in = true;
      if (k < attempts.length - 1) event.flow_out = true;
    }
    return { event, startUs: us(p.startMs), endUs: us(p.endMs) };
  });
  const parent: TraceEvent | null =
    chain.pieces.length > 1 ? { name: `zombie call: ${item?.name ?? `item ${chain.item}`}`, cat: 'zombie', ph: 'X', ts: 0, pid, tid, args: { item: chain.item, key: chain.key } } : null;
  return { parent, startUs: us(chain.startMs), endUs: us(chain.endMs), children };
}

function meta(name: 'process_name' | 'process_sort_index' | 'thread_name' | 'thread_sort_index', pid: number, tid: number, args: Record<string, unknown>): TraceEvent {
  return { name, ph: 'M', ts: 0, pid, tid, args };
}
