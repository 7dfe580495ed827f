/**
 * How many items really ran at once, from the whole run rather than from its first second.
 *
 * When the log says when items ended (a run log, or result lines), the answer is a fact: the most
 * items ever in flight together, read in line order (a log's lines are in the order things
 * happened, even within one logged second).
 *
 * From starts alone it is an inference. A pool of c workers starts c items at the batch's start
 * (spread over its first seconds by thread start-up, `burstWindowMs`), then one item each time one
 * ends, and no item takes less than `minDurationMs` (both assumptions, which the user can change).
 * A candidate c is consistent with the starts when its first c starts fall in the window and some
 * assignment of ends keeps every duration at or above the minimum (assign-concurrent-ends.ts).
 * Among the consistent ones the declared workers are chosen, else one worker, else the most the
 * first burst allows: the likelihood of the assignments is not used to choose, because its best
 * assignment favours fewer workers (their durations are shorter and so denser) whatever the truth.
 * Every other consistent candidate is listed: the log cannot rule it out. Pure.
 */
import { assignConcurrentEnds } from './assign-concurrent-ends.js';
import type { LoggedRun } from './log-records.js';

/** The shortest duration of one machine assumed by default, ms (an HTTP round trip and a parse). */
export const DEFAULT_MIN_DURATION_MS = 1500;
/** How far apart a pool's first starts may be spread by thread start-up, ms (plus one resolution step). */
export const DEFAULT_BURST_WINDOW_MS = 3000;
/** Starts a candidate is scored on at most: the first ones carry the burst and plenty of durations. */
const SCORED_PREFIX = 3000;

/** One candidate concurrency and whether the starts allow it. */
export interface ConcurrencyCandidate {
  concurrency: number;
  /** Whether the starts are consistent with it under the assumptions. */
  consistent: boolean;
  /** Why the starts rule it out, or why it was chosen among the consistent ones. */
  reason: string;
}

export interface ConcurrencyEstimate {
  /** The effective concurrency (the likeliest candidate when inferred). */
  effective: number;
  /** `overlap`: from logged starts and ends (a fact); `start-pattern`: inferred from starts alone. */
  method: 'overlap' | 'start-pattern';
  /** Items that started within one resolution step of the first start. */
  initialBurst: number;
  /** When the first item started, or null when none did. */
  firstStartMs: number | null;
  /** The most items running at once, when the log has ends; else null. */
  maxInFlight: number | null;
  /** Starts-only: the fewest workers the starts need, given `minDurationMs`; else null. */
  slotsNeeded: number | null;
  /** Starts-only: the candidates examined (the chosen one first); empty when the log has ends. */
  candidates: ConcurrencyCandidate[];
  /** Starts-only: other concurrencies the starts are consistent with; empty when none (or with ends). */
  alsoConsistent: number[];
  /** The assumed shortest duration of one item, ms. */
  minDurationMs: number;
  /** The assumed spread of a pool's first starts, ms. */
  burstWindowMs: number;
}

/** Estimates the effective concurrency of `run`. `resolutionMs` is the timestamps' precision. */
export function estimateConcurrency(options: { run: LoggedRun; resolutionMs: number; stallThresholdMs: number; minDurationMs?: number; burstWindowMs?: number }): ConcurrencyEstimate {
  const { run, resolutionMs } = options;
  const minDurationMs = options.minDurationMs ?? DEFAULT_MIN_DURATION_MS;
  const burstWindowMs = options.burstWindowMs ?? DEFAULT_BURST_WINDOW_MS;
  const starts: number[] = [];
  for (const item of run.items) if (item.startMs !== null) starts.push(item.startMs);
  starts.sort((a, b) => a - b);
  const first = starts[0] ?? null;
  let burst = 0;
  if (first !== null) while (burst < starts.length && (starts[burst] as number) < first + Math.max(1, resolutionMs)) burst++;
  const base = { initialBurst: burst, firstStartMs: first, minDurationMs, burstWindowMs };
  if (run.items.some((i) => i.endMs !== null && i.startMs !== null)) {
    const max = computeMaxInFlight(run, minDurationMs);
    return { ...base, effective: Math.max(1, max), method: 'overlap', maxInFlight: max, slotsNeeded: null, candidates: [], alsoConsistent: [] };
  }
  const slots = slotsNeeded(starts, Math.max(0, minDurationMs - resolutionMs));
  const chosen = chooseCandidate({ starts, run, resolutionMs, stallThresholdMs: options.stallThresholdMs, minDurationMs, burstWindowMs, slots });
  return { ...base, effective: chosen.effective, method: 'start-pattern', maxInFlight: null, slotsNeeded: slots, candidates: chosen.candidates, alsoConsistent: chosen.alsoConsistent };
}

/**
 * The fewest workers that can start `starts` (ascending, ms) when two starts less than
 * `windowMs` apart cannot share a worker: the most starts within any window of that length.
 */
export function slotsNeeded(starts: readonly number[], windowMs: number): number {
  let best = starts.length > 0 ? 1 : 0;
  let lo = 0;
  for (let hi = 0; hi < starts.length; hi++) {
    while ((starts[hi] as number) - (starts[lo] as number) > windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

function chooseCandidate(options: {
  starts: readonly number[];
  run: LoggedRun;
  resolutionMs: number;
  stallThresholdMs: number;
  minDurationMs: number;
  burstWindowMs: number;
  slots: number;
}): { effective: number; candidates: ConcurrencyCandidate[]; alsoConsistent: number[] } {
  const { starts, run, resolutionMs } = options;
  const n = starts.length;
  if (n === 0) return { effective: 1, candidates: [], alsoConsistent: [] };
  const W = run.declaredWorkers !== null && run.declaredWorkers > 0 ? Math.min(run.declaredWorkers, n) : null;
  const declared = W === null ? '' : run.declaredWorkers === W ? `${W}` : `${run.declaredWorkers} (${W} for ${n} machines)`;
  const lo = Math.max(1, Math.min(options.slots, n));
  const window = options.burstWindowMs + resolutionMs;
  // The most starts the first burst allows: all of them within the window of the first.
  let burst = 0;
  while (burst < n && (starts[burst] as number) - (starts[0] as number) <= window) burst++;
  const prefix = Math.min(n, SCORED_PREFIX);
  const scored = starts.slice(0, prefix);
  const untilMs = Math.max(prefix < n ? (starts[prefix] as number) : run.endMs ?? run.lastSeenMs, scored[prefix - 1] as number);
  const examined: ConcurrencyCandidate[] = [];
  const costs = new Map<number, number>();
  const test = (c: number): boolean => {
    const known = examined.find((x) => x.concurrency === c);
    if (known) return known.consistent;
    let reason = '';
    if (c < lo) reason = `${lo} starts lie within ${formatMs(options.minDurationMs)} of each other and cannot share fewer workers`;
    else if (c > burst) reason = `a pool of ${c} starts ${c} machines within ${formatMs(options.burstWindowMs)}; the first ${c} starts span ${formatMs((starts[c - 1] as number) - (starts[0] as number))}`;
    else {
      const assigned = assignConcurrentEnds({ startsMs: scored, concurrency: c, observedUntilMs: untilMs, stallThresholdMs: options.stallThresholdMs, resolutionMs, minDurationMs: options.minDurationMs });
      if (!Number.isFinite(assigned.cost)) reason = `no assignment of ends to ${c} workers keeps every machine at ${formatMs(options.minDurationMs)} or more`;
      // The first c starts come from the burst, each uniform in its window.
      costs.set(c, assigned.cost + (c - 1) * Math.log(window));
    }
    examined.push({ concurrency: c, consistent: reason === '', reason });
    return reason === '';
  };
  let effective: number | null = null;
  let why = '';
  const wOk = W !== null && test(W);
  const oneOk = test(1);
  if (wOk && oneOk && W !== 1) {
    // Few workers (a pool of 2 or 3 can start within the window one by one): the likelier wins.
    const oneCost = (costs.get(1) as number) - Math.log(0.45);
    const wCost = (costs.get(W as number) as number) - Math.log(0.5);
    effective = oneCost < wCost ? 1 : (W as number);
    why = `both one worker and the declared ${declared} fit the starts; ${effective === 1 ? 'one at a time' : `${W} workers`} is the likelier (by ${Math.abs(oneCost - wCost).toFixed(1)} nats)`;
  } else if (wOk) {
    effective = W;
    why = 'the declared workers, consistent with the starts';
  } else if (oneOk) {
    effective = 1;
    why = W !== null ? `one machine at a time: the declared ${declared} workers are ruled out` : 'one machine at a time, consistent with the starts';
  } else {
    for (let c = Math.min(W ?? burst, burst); c >= lo; c--) {
      if (test(c)) {
        effective = c;
        why = `the most workers the first burst allows${W !== null ? ` (the declared ${declared} are ruled out)` : ''}`;
        break;
      }
    }
  }
  if (effective === null) {
    effective = lo;
    why = 'no concurrency explains the starts under the assumptions; the fewest workers the starts need';
  }
  const chosen = examined.find((x) => x.concurrency === effective);
  if (chosen) chosen.reason = why;
  else examined.push({ concurrency: effective, consistent: false, reason: why });
  // Others the starts do not rule out (by the burst and the spacing; not searched one by one).
  const upper = Math.min(burst, W ?? burst);
  const alsoConsistent: number[] = [];
  for (let c = lo; c <= upper && alsoConsistent.length < 64; c++) {
    if (c === effective) continue;
    const known = examined.find((x) => x.concurrency === c);
    if (!known || known.consistent) alsoConsistent.push(c);
  }
  const ordered = [examined.find((x) => x.concurrency === effective) as ConcurrencyCandidate, ...examined.filter((x) => x.concurrency !== effective).sort((a, b) => b.concurrency - a.concurrency)];
  return { effective, candidates: ordered, alsoConsistent: alsoConsistent.filter((c) => c !== 1 || examined.find((x) => x.concurrency === 1)?.consistent !== false) };
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`;
}

/**
 * Most items running at once, in line order (ends before starts on the same line order, since a
 * log's lines follow the events). An item with no logged end counts for `minDurationMs` only: the
 * count is then a lower bound.
 */
function computeMaxInFlight(run: LoggedRun, minDurationMs: number): number {
  const marks: Array<[number, number, number]> = [];
  for (const item of run.items) {
    if (item.startMs === null) continue;
    marks.push([item.startMs, item.line, 1]);
    if (item.endMs !== null) marks.push([item.endMs, item.endLine ?? item.line, -1]);
    else marks.push([item.startMs + minDurationMs, Number.MAX_SAFE_INTEGER, -1]);
  }
  // Run logs: by time, ends first at one instant. Application logs: by time, then line order.
  const byLine = run.format === 'text';
  marks.sort((a, b) => a[0] - b[0] || (byLine ? a[1] - b[1] : a[2] - b[2]));
  let level = 0;
  let max = 0;
  for (const [, , delta] of marks) {
    level += delta;
    if (level > max) max = level;
  }
  return max;
}
