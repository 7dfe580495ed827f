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
import { isTimeoutAttempt, type AttemptRecord, type ItemRecord } from './attempt-records.js';
import { computeSeries, type SeriesPoint } from './compute-series.js';
import { layoutZombieLanes, type ZombieChain } from './layout-zombie-lanes.js';
import { groupBy } from './group-by.js';
import { findTimeSpan, type ReportRun } from './report-run.js';
import type { RunMark } from './run-projection.js';
import { indexProjection } from './projection-index.js';

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

/**
 * The trace of `runs` as its metadata events and its tracks: one lazily built list of events per
 * worker, zombie lane and counter series, each in time order. Nothing is built until a track is
 * read, so the trace can be written without holding it.
 */
/** A track's events in time order, a batch at a time (one item, one zombie chain, a run of counter samples); null once done. */
type TrackSource = () => TraceEvent[] | null;

function planTrace(runs: readonly ReportRun[]): { meta: TraceEvent[]; tracks: Array<() => TrackSource>; metadata: Record<string, string | number> } {
  const span = findTimeSpan(runs);
  const us = (atMs: number) => Math.round((atMs - span.startMs) * 1000);
  const meta: TraceEvent[] = [];
  const tracks: Array<() => TrackSource> = [];
  let nextFlowId = 1;
  runs.forEach((run, index) => {
    const pid = index + 1;
    const { records } = run.projection;
    const workerTid = (w: number) => pid * TIDS_PER_POLICY + w;
    const mainTid = workerTid(1);
    const m = run.metrics;
    meta.push(metaEvent('process_name', pid, mainTid, { name: `${m.policy} (${m.workers} workers, ${m.execution})` }));
    meta.push(metaEvent('process_sort_index', pid, mainTid, { sort_index: pid }));
    for (let w = 1; w <= m.workers; w++) {
      meta.push(metaEvent('thread_name', pid, workerTid(w), { name: `worker ${w}` }));
      meta.push(metaEvent('thread_sort_index', pid, workerTid(w), { sort_index: w }));
    }
    const { attemptsOfItem, items: itemById } = indexProjection(run.projection);
    const marksOfItem = groupBy(run.projection.marks, (mark) => mark.event.item);
    const itemsByWorker = groupBy(records.items, (item) => (item.startMs === null ? null : item.worker));
    const workers = [...itemsByWorker.entries()].sort((a, b) => a[0] - b[0]);
    // Flow ids in track order, as a whole trace built at once numbers them.
    const itemFlowIds = new Map<number, number>();
    for (const [, items] of workers) {
      items.sort((a, b) => (a.startMs as number) - (b.startMs as number) || a.item - b.item);
      for (const item of items) {
        const live = (attemptsOfItem.get(item.item) ?? []).filter((a) => !a.startedAsZombie).length;
        if (live > 1) itemFlowIds.set(item.item, nextFlowId++);
      }
    }
    for (const [worker, items] of workers) {
      tracks.push(() => workerTrack({ run, pid, tid: workerTid(worker), items, attemptsOfItem, marksOfItem, itemFlowIds, us }));
    }
    const lanes = layoutZombieLanes(run.projection);
    lanes.forEach((chains, lane) => {
      const tid = pid * TIDS_PER_POLICY + ZOMBIE_TID_OFFSET + lane + 1;
      meta.push(metaEvent('thread_name', pid, tid, { name: `zombies ${lane + 1}` }));
      meta.push(metaEvent('thread_sort_index', pid, tid, { sort_index: ZOMBIE_TID_OFFSET + lane + 1 }));
      const flowIds = chains.map((chain) => (chain.pieces.filter((p) => p.kind !== 'backoff').length > 1 ? nextFlowId++ : null));
      tracks.push(() => {
        const track = new TrackLayout();
        let k = 0;
        return () => {
          const chain = chains[k];
          if (chain === undefined) return null;
          const flowId = flowIds[k] ?? null;
          k += 1;
          return track.place(zombieChainSlices({ chain, pid, tid, us, flowId, item: itemById.get(chain.item) }));
        };
      });
    });
    const series = computeSeries(run.projection);
    const counter = (name: string, points: readonly SeriesPoint[]) =>
      tracks.push(() => {
        let k = 0;
        return () => {
          if (k >= points.length) return null;
          const batch: TraceEvent[] = [];
          for (const end = Math.min(points.length, k + COUNTER_BATCH); k < end; k++) {
            const p = points[k] as SeriesPoint;
            batch.push({ name, ph: 'C', ts: us(p.atMs), pid, tid: mainTid, args: { value: p.value } });
          }
          return batch;
        };
      });
    // One name per series: Catapult takes a counter's series from the first event of its name.
    counter(COUNTER_NAMES.inFlight, series.inFlight);
    counter(COUNTER_NAMES.zombies, series.zombies);
    counter(COUNTER_NAMES.queueDepth, series.queueDepth);
    counter(COUNTER_NAMES.scrapflyConcurrency, series.scrapflyConcurrency);
  });
  const first = runs[0]?.header;
  const metadata = withoutNulls({
    scenario: first?.scenario ?? null,
    seed: first?.seed ?? null,
    mode: first?.mode ?? null,
    policies: runs.map((r) => r.metrics.policy).join(', '),
    clockStart: new Date(span.startMs).toISOString(),
    timestamps: 'microseconds since clockStart; on one track, slices that tie to the millisecond are moved later by a few microseconds so that none nests by accident',
  }) as Record<string, string | number>;
  return { meta, tracks, metadata };
}

/** Counter samples per batch of a counter track. */
const COUNTER_BATCH = 1024;

/** One worker's items with their attempts, backoffs and escalations, in time order: one item per batch. */
function workerTrack(options: {
  run: ReportRun;
  pid: number;
  tid: number;
  items: readonly ItemRecord[];
  attemptsOfItem: Map<number, AttemptRecord[]>;
  marksOfItem: Map<number, RunMark[]>;
  itemFlowIds: Map<number, number>;
  us: (atMs: number) => number;
}): TrackSource {
  const { run, pid, tid, us } = options;
  const { records } = run.projection;
  const track = new TrackLayout();
  let k = 0;
  return () => {
    const item = options.items[k++];
    if (item === undefined) return null;
    const endMs = item.endMs ?? records.endMs;
    const children = buildItemChildren({ item, endMs, attempts: options.attemptsOfItem.get(item.item) ?? [], marks: options.marksOfItem.get(item.item) ?? [], thresholdMs: run.metrics.stalls.thresholdMs });
    const flowId = options.itemFlowIds.get(item.item);
    if (flowId !== undefined) {
      const chain = children.filter((c) => c.event.cat?.startsWith('attempt'));
      chain.forEach((c, n) => {
        c.event.bind_id = flowId;
        if (n > 0) c.event.flow_in = true;
        if (n < chain.length - 1) c.event.flow_out = true;
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
    const placed = children.map((c) => {
      // The child's own fields first, then where it is: the key order of every trace line.
      const event = c.event as TraceEvent;
      event.pid = pid;
      event.tid = tid;
      event.ts = 0;
      return { event, startUs: us(c.startMs), endUs: us(c.endMs) };
    });
    return track.place({ parent, startUs: us(item.startMs as number), endUs: us(endMs), children: placed });
  };
}

/**
 * Every event of the tracks in time order; ties keep track order, then the order within a track
 * (parents before children, causal order). The same order as sorting all events at once, stably.
 */
function* mergeTracks(tracks: ReadonlyArray<() => TrackSource>): Generator<TraceEvent> {
  // A binary heap of each track's next event, keyed by (ts, track).
  interface Head {
    batch: TraceEvent[];
    at: number;
    track: number;
    source: TrackSource;
  }
  const heads: Head[] = [];
  const tsOf = (h: Head) => (h.batch[h.at] as TraceEvent).ts;
  const less = (x: Head, y: Head) => tsOf(x) < tsOf(y) || (tsOf(x) === tsOf(y) && x.track < y.track);
  const siftDown = (k: number) => {
    for (;;) {
      const l = 2 * k + 1;
      const r = l + 1;
      let m = k;
      if (l < heads.length && less(heads[l] as Head, heads[m] as Head)) m = l;
      if (r < heads.length && less(heads[r] as Head, heads[m] as Head)) m = r;
      if (m === k) return;
      [heads[k], heads[m]] = [heads[m] as Head, heads[k] as Head];
      k = m;
    }
  };
  const nextBatch = (source: TrackSource): TraceEvent[] | null => {
    for (;;) {
      const batch = source();
      if (batch === null || batch.length > 0) return batch;
    }
  };
  tracks.forEach((open, track) => {
    const source = open();
    const batch = nextBatch(source);
    if (batch !== null) heads.push({ batch, at: 0, track, source });
  });
  for (let k = (heads.length >> 1) - 1; k >= 0; k--) siftDown(k);
  while (heads.length > 0) {
    const top = heads[0] as Head;
    yield top.batch[top.at++] as TraceEvent;
    if (top.at >= top.batch.length) {
      const batch = nextBatch(top.source);
      if (batch === null) {
        const last = heads.pop() as Head;
        if (heads.length === 0) break;
        if (last !== top) heads[0] = last;
      } else {
        top.batch = batch;
        top.at = 0;
      }
    }
    siftDown(0);
  }
}

/** Builds the trace object of `runs` (one process per run). */
export function buildPerfettoTrace(options: { runs: readonly ReportRun[] }): PerfettoTrace {
  const plan = planTrace(options.runs);
  return { traceEvents: [...plan.meta, ...mergeTracks(plan.tracks)], displayTimeUnit: 'ms', metadata: plan.metadata };
}

/** `args` without its null and undefined values (Perfetto drops null arguments). */
function withoutNulls(args: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in args) {
    const value = args[key];
    if (value !== null && value !== undefined) out[key] = value;
  }
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

  /** Places the slice's events, setting their `ts` and `dur` (it owns them: they are changed, not copied). */
  place(slice: PlannedSlice): TraceEvent[] {
    const out: TraceEvent[] = [];
    const parentTs = Math.max(slice.startUs, this.#cursorUs);
    let t = slice.parent ? parentTs + 1 : parentTs;
    let lastEnd = parentTs + 1;
    if (slice.parent) out.push(slice.parent);
    for (const child of slice.children) {
      const ts = Math.max(child.startUs, t);
      const end = Math.max(child.endUs, ts + 1);
      const event = child.event;
      event.ts = ts;
      event.dur = end - ts;
      if (event.args) event.args = withoutNulls(event.args);
      out.push(event);
      // 1 µs apart: viewers that compare milliseconds as floats see touching slices overlap.
      t = end + 1;
      lastEnd = end;
    }
    if (slice.parent) {
      const end = Math.max(slice.endUs, lastEnd);
      slice.parent.ts = parentTs;
      slice.parent.dur = end - parentTs;
      this.#cursorUs = end + 1;
    } else {
      this.#cursorUs = t;
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

/** The same text in pieces, for writing it without building one string or holding the trace. */
export function* renderPerfettoTraceChunks(options: { runs: readonly ReportRun[] }): Generator<string> {
  const plan = planTrace(options.runs);
  // `{"traceEvents":[` first: the form every importer recognises from the first bytes.
  let parts: string[] = [];
  for (const event of plan.meta) parts.push(JSON.stringify(event));
  let first = true;
  const piece = () => {
    const text = `${first ? '{"traceEvents":[\n' : ',\n'}${parts.join(',\n')}`;
    first = false;
    parts = [];
    return text;
  };
  for (const event of mergeTracks(plan.tracks)) {
    parts.push(JSON.stringify(event));
    // About 40 KB per piece: large enough for few writes, small enough to stay a young string.
    if (parts.length >= 256) yield piece();
  }
  yield `${parts.length > 0 || first ? piece() : ''}\n],\n"displayTimeUnit":"ms",\n"metadata":${JSON.stringify(plan.metadata)}}\n`;
}

interface Child {
  startMs: number;
  endMs: number;
  /** Position of the originating event in the run's events: causal order at one instant. */
  seq: number;
  event: Omit<TraceEvent, 'ts' | 'pid' | 'tid'>;
}

/** An item's attempts, backoffs and escalations on its worker's track, in time then causal order. */
function buildItemChildren(options: { item: ItemRecord; endMs: number; attempts: readonly AttemptRecord[]; marks: readonly RunMark[]; thresholdMs: number }): Child[] {
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
      seq: a.startSeq,
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
  for (const { seq, event: e } of options.marks) {
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

function metaEvent(name: 'process_name' | 'process_sort_index' | 'thread_name' | 'thread_sort_index', pid: number, tid: number, args: Record<string, unknown>): TraceEvent {
  return { name, ph: 'M', ts: 0, pid, tid, args };
}
