/**
 * Infers when each item ended from start times alone, under a work-conserving pool of
 * `concurrency` workers: every start after the first `concurrency` means that some running item
 * ended at that moment. Which one is the question. Typical items end in start order (first in,
 * first out); a stall is an item that runs past the stall threshold while the others go on. The
 * most likely explanation (typical durations lognormal, stalls rare and long) is found by a beam
 * search over "which running item just ended", so that one slow worker among five is told apart
 * from all five getting a little slower. Any answer reproduces the starts exactly when replayed;
 * the search picks the one with the most plausible durations. Pure.
 */
import { normalLogSurvival } from './normal-distribution.js';

/** The ends inferred for a run's items (indexes follow `startsMs`). */
export interface ConcurrentAssignment {
  /** When each item ended, or null when it was still running when the log ends. */
  endMs: Array<number | null>;
  /** The worker lane (1-based) each item ran on: the chain of items one worker went through. */
  lane: number[];
  /** The typical (non-stall) duration model the search settled on. */
  typical: { medianMs: number; sigma: number };
  /**
   * The negative log-likelihood of the answer (durations in ms; lower is likelier): Infinity when
   * no assignment keeps every duration at or above `minDurationMs`.
   */
  cost: number;
}

interface Trace {
  prev: Trace | null;
  item: number;
  /** The start (index) at which `item` ended. */
  by: number;
}

interface State {
  cost: number;
  /** The oldest running typical item (first in, first out). */
  p: number;
  /** Stall-marked items still running. */
  stalled: number[];
  /** Stall-marked items at or after `p` (skipped by the FIFO pointer). */
  marked: number[];
  trace: Trace | null;
}

const STALL_PRIOR = 0.01;
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
const COST_STALL_MARK = -Math.log(STALL_PRIOR);
const COST_TYPICAL_MARK = -Math.log(1 - STALL_PRIOR);

/**
 * Assigns ends to the items started at `startsMs` (ascending, ms). `observedUntilMs` is when the log
 * stops telling (its last line, or the batch end when known); `resolutionMs` the timestamps'
 * precision (1000 for a text log).
 */
export function assignConcurrentEnds(options: {
  startsMs: readonly number[];
  concurrency: number;
  observedUntilMs: number;
  stallThresholdMs: number;
  resolutionMs: number;
  /** The shortest duration an item can have, ms (a logged duration may be one resolution step short of it). */
  minDurationMs?: number;
  beamWidth?: number;
  /** An item (index) that must still be running at `observedUntilMs` as a stall (to weigh it as a candidate). */
  forceRunning?: number;
}): ConcurrentAssignment {
  const s = options.startsMs;
  const n = s.length;
  const c = Math.max(1, Math.min(options.concurrency, n));
  const beam = options.beamWidth ?? Math.max(4, Math.min(64, Math.floor(20_000_000 / Math.max(1, n * c))));
  const fifo = fifoDurations(s, c);
  // Two starting points: the durations as a round-robin pairing gives them, and only their short
  // end. When a stall holds a worker for much of the log, the round-robin durations are half
  // stretched and a model fitted to all of them would swallow the stall; the likelihood decides.
  const starts = [fitTypical(fifo, options), fitTypical(shortEnd(fifo, options.stallThresholdMs), options)].filter((t): t is Typical => t !== null);
  if (starts.length === 0) starts.push({ meanMs: options.stallThresholdMs / 4, sdMs: options.stallThresholdMs / 8 });
  let best: Searched | null = null;
  let typical = starts[0] as Typical;
  for (const start of starts) {
    let model = start;
    let found = search({ ...options, concurrency: c, typical: model, beam });
    // Refit the typical durations on the first answer (it no longer mixes stalls in), then search again.
    const refit = fitTypical(durationsOf(found.trace, s), options);
    if (refit) {
      const again = search({ ...options, concurrency: c, typical: refit, beam });
      if (again.cost <= found.cost) {
        found = again;
        model = refit;
      }
    }
    if (!best || found.cost < best.cost) {
      best = found;
      typical = model;
    }
  }
  const trace = (best as Searched).trace;
  const lane = new Array<number>(n).fill(0);
  const pred = new Array<number>(n).fill(-1);
  for (let t = trace; t; t = t.prev) pred[t.by] = t.item;
  for (let i = 0; i < n; i++) lane[i] = i < c ? i + 1 : (lane[pred[i] as number] ?? 0);
  return {
    endMs: durationsOf(trace, s).map((d, i) => (d === null ? null : (s[i] as number) + d)),
    lane,
    typical: { medianMs: typical.meanMs, sigma: typical.sdMs / typical.meanMs },
    cost: (best as Searched).cost,
  };
}

/** Typical durations: mean and spread in ms (a normal model in linear time suits durations read off whole seconds). */
interface Typical {
  meanMs: number;
  sdMs: number;
}

function durationsOf(trace: Trace | null, s: readonly number[]): Array<number | null> {
  const out = new Array<number | null>(s.length).fill(null);
  for (let t = trace; t; t = t.prev) out[t.item] = (s[t.by] as number) - (s[t.item] as number);
  return out;
}

/** A first guess: pair each start with the start `concurrency` places earlier (round robin). */
function fifoDurations(s: readonly number[], concurrency: number): number[] {
  const durations: number[] = [];
  for (let j = concurrency; j < s.length; j++) durations.push((s[j] as number) - (s[j - concurrency] as number));
  return durations;
}

/** The durations near the short end (around the lower quartile). */
function shortEnd(durations: readonly number[], stallThresholdMs: number): number[] {
  const sorted = durations.filter((d) => d < stallThresholdMs).sort((a, b) => a - b);
  const q25 = sorted[Math.floor(sorted.length / 4)];
  if (q25 === undefined) return [];
  return sorted.filter((d) => d >= 0.7 * q25 && d <= 1.3 * q25);
}

interface Searched {
  trace: Trace | null;
  /** The negative log-likelihood of the answer. */
  cost: number;
}

/**
 * The middle and spread of the durations below the stall threshold: the mean and the standard
 * deviation of the middle 80 % scaled back to a whole normal (robust to the few durations a stall
 * stretches, and unlike a MAD not stuck at whole seconds). The spread is kept at least as wide as
 * the rounding of both ends (a difference of two floored times is off by up to one step).
 */
function fitTypical(durations: ReadonlyArray<number | null>, options: { stallThresholdMs: number; resolutionMs: number }): Typical | null {
  const values: number[] = [];
  for (const d of durations) if (d !== null && d < options.stallThresholdMs) values.push(d);
  if (values.length < 3) return null;
  values.sort((a, b) => a - b);
  const trim = Math.floor(values.length * 0.1);
  const middle = values.slice(trim, values.length - trim);
  // The mean, not the median: a difference of floored times is unbiased on average but whole-second.
  const meanMs = middle.reduce((sum, v) => sum + v, 0) / middle.length;
  const variance = middle.reduce((sum, v) => sum + (v - meanMs) ** 2, 0) / Math.max(1, middle.length - 1);
  // The middle 80 % of a normal distribution has 0.66 of its standard deviation.
  const spread = trim > 0 ? Math.sqrt(variance) / 0.6616 : Math.sqrt(variance);
  const floor = Math.sqrt((options.resolutionMs * options.resolutionMs) / 6 + (0.02 * meanMs) ** 2);
  return { meanMs: Math.max(meanMs, 1), sdMs: Math.max(spread, floor, 1) };
}

function search(options: {
  startsMs: readonly number[];
  concurrency: number;
  observedUntilMs: number;
  stallThresholdMs: number;
  resolutionMs: number;
  minDurationMs?: number;
  typical: Typical;
  beam: number;
  forceRunning?: number;
}): Searched {
  const s = options.startsMs;
  const n = s.length;
  const c = options.concurrency;
  const { meanMs, sdMs } = options.typical;
  const thr = options.stallThresholdMs;
  const spanMs = Math.max(1, options.observedUntilMs - (s[0] ?? 0));
  const logRange = Math.log(Math.max(10 * thr, 2 * spanMs) / thr);
  const logSd = Math.log(sdMs);
  const floorMs = (options.minDurationMs ?? 0) - options.resolutionMs;
  const typicalCost = (d: number) => {
    if (d < floorMs) return Infinity;
    const z = (d - meanMs) / sdMs;
    return HALF_LOG_TWO_PI + logSd + 0.5 * z * z;
  };
  const typicalCensoredCost = (e: number) => -normalLogSurvival((e - meanMs) / sdMs);
  const stallCost = (d: number) => Math.log(d) + Math.log(logRange);
  const stallCensoredCost = (e: number) => (e < thr ? 0 : -Math.log(Math.max(1e-9, 1 - Math.log(e / thr) / logRange)));

  let states: State[] = [{ cost: 0, p: 0, stalled: [], marked: [], trace: null }];
  const forced = options.forceRunning ?? -1;
  const startItem = (children: State[], base: State, j: number) => {
    if (j !== forced) children.push({ ...base, cost: base.cost + COST_TYPICAL_MARK });
    children.push({ cost: base.cost + COST_STALL_MARK, p: base.p, stalled: [...base.stalled, j], marked: [...base.marked, j], trace: base.trace });
  };
  for (let j = 0; j < n; j++) {
    const children: State[] = [];
    for (const st of states) {
      if (j < c) {
        startItem(children, st, j);
        continue;
      }
      const sj = s[j] as number;
      if (st.p < j) {
        const next = normalize(st.p + 1, st.marked);
        startItem(children, { cost: st.cost + typicalCost(sj - (s[st.p] as number)), p: next.p, stalled: st.stalled, marked: next.marked, trace: { prev: st.trace, item: st.p, by: j } }, j);
      }
      for (const k of st.stalled) {
        if (k === forced) continue;
        const d = sj - (s[k] as number);
        if (d < thr) continue;
        startItem(children, { cost: st.cost + stallCost(d), p: st.p, stalled: st.stalled.filter((x) => x !== k), marked: st.marked, trace: { prev: st.trace, item: k, by: j } }, j);
      }
    }
    for (const child of children) {
      const next = normalize(child.p, child.marked);
      child.p = next.p;
      child.marked = next.marked;
    }
    states = keepBest(children, options.beam);
    if (states.length === 0) break;
  }
  let best: State | null = null;
  let bestCost = Infinity;
  for (const st of states) {
    let cost = st.cost;
    let m = 0;
    for (let i = st.p; i < n; i++) {
      while (m < st.marked.length && (st.marked[m] as number) < i) m++;
      if (st.marked[m] === i) continue;
      cost += typicalCensoredCost(options.observedUntilMs - (s[i] as number));
    }
    for (const k of st.stalled) cost += stallCensoredCost(options.observedUntilMs - (s[k] as number));
    if (cost < bestCost) {
      bestCost = cost;
      best = st;
    }
  }
  return { trace: best?.trace ?? null, cost: bestCost };
}

/** Moves the FIFO pointer past stall-marked items. */
function normalize(p: number, marked: number[]): { p: number; marked: number[] } {
  let k = 0;
  while (k < marked.length && (marked[k] as number) <= p) {
    if (marked[k] === p) p++;
    k++;
  }
  return { p, marked: k === 0 ? marked : marked.slice(k) };
}

function keepBest(children: State[], width: number): State[] {
  const byKey = new Map<string, State>();
  for (const child of children) {
    const key = `${child.p}|${child.stalled.join(',')}|${child.marked.join(',')}`;
    const seen = byKey.get(key);
    if (!seen || child.cost < seen.cost) byKey.set(key, child);
  }
  const unique = [...byKey.values()];
  unique.sort((a, b) => a.cost - b.cost);
  return unique.length > width ? unique.slice(0, width) : unique;
}
