/**
 * The timeline of a logged run under a hypothesis of `concurrency` workers: when each item started
 * and ended (logged, or inferred from the next starts under a work-conserving pool), which worker
 * lane it ran on, which items stalled, the gaps in which nothing started although items were
 * queued, and how many items were in flight over time. Pure.
 */
import { assignConcurrentEnds } from './assign-concurrent-ends.js';
import type { LoggedRun } from './log-records.js';

/**
 * How an item's end is known: `logged` (an end event or a result line), `inferred` (from the
 * starts under the hypothesis), `bounded` (unknown, but before the logged batch end: the item
 * counts as running until then, at most) or `censored` (still running when the log stops).
 */
export type EndSource = 'logged' | 'inferred' | 'bounded' | 'censored';

export interface TimelineItem {
  /** The item's index in the run (see LoggedItem.index). */
  index: number;
  name: string;
  domain: string | null;
  url: string | null;
  startMs: number;
  /** Its end, or null when it is not known (`bounded` or `censored`). */
  endMs: number | null;
  end: EndSource;
  /**
   * end − start (the duration its result line states, when that agrees with its timestamps to the
   * log's resolution), or, without an end, how long it had run by the batch end or the last line, ms.
   */
  durationMs: number;
  /** 1-based worker lane. */
  lane: number;
  /** Ran longer than the stall threshold (or had, when the log stops). */
  stalled: boolean;
}

/** A span in which nothing started although items were queued. */
export interface StartGap {
  fromMs: number;
  toMs: number;
  durationMs: number;
  /** Items not started yet during the gap, when the batch size is known; else null. */
  queued: number | null;
  /** The items running when the gap began (indexes), when the timeline knows them. */
  running: number[];
}

export interface InFlightStep {
  atMs: number;
  count: number;
}

export interface Timeline {
  /** Workers of the hypothesis (lanes). */
  concurrency: number;
  startMs: number;
  /** Until when the log tells: the batch end, else its last line. */
  observedUntilMs: number;
  /** Started items, by start time. */
  items: TimelineItem[];
  gaps: StartGap[];
  inFlight: { max: number; steps: InFlightStep[] };
  /** Whether every end comes from the log itself. */
  endsLogged: boolean;
  /** The typical duration model used to infer ends (starts-only logs with several workers), else null. */
  typical: { medianMs: number; sigma: number } | null;
}

/** Reconstructs the timeline of `run` under `concurrency` workers; `resolutionMs` is the log's clock precision. */
export function reconstructTimeline(options: { run: LoggedRun; concurrency: number; stallThresholdMs: number; resolutionMs: number; minDurationMs?: number }): Timeline {
  const { run, stallThresholdMs } = options;
  const started = run.items.filter((i) => i.startMs !== null).sort((a, b) => (a.startMs as number) - (b.startMs as number) || a.index - b.index);
  const startsMs = started.map((i) => i.startMs as number);
  const lastStart = startsMs[startsMs.length - 1] ?? run.startMs;
  const lastEnd = started.reduce((max, i) => Math.max(max, i.endMs ?? max), lastStart);
  const observedUntilMs = Math.max(run.endMs ?? run.lastSeenMs, lastStart, lastEnd);
  const anyEnds = started.some((i) => i.endMs !== null);
  // A batch end in an application log bounds every item: none is still running after it.
  const unknownEnd: EndSource = run.format === 'text' && run.endMs !== null ? 'bounded' : 'censored';
  let endMs: Array<number | null>;
  let lanes: number[];
  let source: EndSource[];
  let typical: Timeline['typical'] = null;
  if (anyEnds) {
    endMs = started.map((i) => i.endMs);
    source = endMs.map((e) => (e === null ? unknownEnd : 'logged'));
    lanes = started.some((i) => i.worker === null) ? assignLanes(startsMs, endMs, observedUntilMs) : started.map((i) => i.worker as number);
  } else if (options.concurrency <= 1) {
    // One at a time: each item ends when the next starts, the last one at the batch end.
    endMs = startsMs.map((_, k) => startsMs[k + 1] ?? (unknownEnd === 'bounded' ? run.endMs : null));
    source = endMs.map((e) => (e === null ? 'censored' : 'inferred'));
    lanes = startsMs.map(() => 1);
  } else {
    const assigned = assignConcurrentEnds({ startsMs, concurrency: options.concurrency, observedUntilMs, stallThresholdMs, resolutionMs: options.resolutionMs, minDurationMs: options.minDurationMs });
    endMs = assigned.endMs;
    source = endMs.map((e) => (e === null ? unknownEnd : 'inferred'));
    lanes = assigned.lane;
    typical = assigned.typical;
  }
  const items: TimelineItem[] = started.map((item, k) => {
    const end = endMs[k] ?? null;
    const stamped = (end ?? observedUntilMs) - (item.startMs as number);
    const stated = item.statedDurationMs;
    const agrees = end !== null && source[k] === 'logged' && stated !== null && Math.abs(stated - stamped) <= options.resolutionMs + 1;
    const durationMs = agrees ? (stated as number) : stamped;
    return {
      index: item.index,
      name: item.name,
      domain: item.domain,
      url: item.url,
      startMs: item.startMs as number,
      endMs: end,
      end: source[k] as EndSource,
      durationMs,
      lane: lanes[k] ?? 1,
      // An item whose end is only bounded by the batch end is not known to have stalled.
      stalled: source[k] !== 'bounded' && durationMs > stallThresholdMs,
    };
  });
  const declaredItems = Math.max(run.declaredItems ?? 0, run.items.length);
  return {
    concurrency: Math.max(1, options.concurrency),
    startMs: run.startMs,
    observedUntilMs,
    items,
    gaps: findGaps({ items, startMs: run.startMs, thresholdMs: stallThresholdMs, declaredItems: run.declaredItems === null && run.format === 'text' ? null : declaredItems }),
    inFlight: computeInFlight(items, observedUntilMs),
    endsLogged: anyEnds && source.every((e) => e === 'logged'),
    typical,
  };
}

/** Lanes for logged starts and ends without worker numbers: each start takes the lowest free lane. */
function assignLanes(startsMs: readonly number[], endMs: ReadonlyArray<number | null>, untilMs: number): number[] {
  const busyUntil: number[] = [];
  return startsMs.map((start, k) => {
    let lane = busyUntil.findIndex((until) => until <= start);
    if (lane < 0) lane = busyUntil.push(0) - 1;
    busyUntil[lane] = endMs[k] ?? untilMs + 1;
    return lane + 1;
  });
}

function findGaps(options: { items: readonly TimelineItem[]; startMs: number; thresholdMs: number; declaredItems: number | null }): StartGap[] {
  const gaps: StartGap[] = [];
  let previous = options.startMs;
  // Items that may still be running: pruned as time moves on, whenever the list has doubled since
  // it was last pruned (items still running when the log stops are never pruned), so the sweep stays linear.
  let open: TimelineItem[] = [];
  let pruneAt = 64;
  options.items.forEach((item, k) => {
    if (item.startMs - previous > options.thresholdMs) {
      open = open.filter((i) => i.endMs === null || i.endMs > previous);
      gaps.push({
        fromMs: previous,
        toMs: item.startMs,
        durationMs: item.startMs - previous,
        queued: options.declaredItems === null ? null : options.declaredItems - k,
        running: open.map((i) => i.index),
      });
    }
    previous = Math.max(previous, item.startMs);
    if (open.length > pruneAt) {
      open = open.filter((i) => i.endMs === null || i.endMs > previous);
      pruneAt = Math.max(64, 2 * open.length);
    }
    open.push(item);
  });
  return gaps;
}

function computeInFlight(items: readonly TimelineItem[], untilMs: number): Timeline['inFlight'] {
  const marks: Array<[number, number]> = [];
  for (const item of items) {
    marks.push([item.startMs, 1]);
    marks.push([item.endMs ?? untilMs, -1]);
  }
  marks.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const steps: InFlightStep[] = [];
  let level = 0;
  let max = 0;
  for (let k = 0; k < marks.length; k++) {
    const [at, delta] = marks[k] as [number, number];
    level += delta;
    if (level > max) max = level;
    const next = marks[k + 1];
    if (next && next[0] === at) continue;
    const last = steps[steps.length - 1];
    if (!last || last.count !== level) steps.push({ atMs: at, count: level });
  }
  return { max, steps };
}
