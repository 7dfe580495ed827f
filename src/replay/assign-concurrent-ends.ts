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
import { searchConcurrentEnds, type Searched, type Typical } from './search-concurrent-ends.js';
import { sortNumbers } from './sort-numbers.js';

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
    let found = searchConcurrentEnds({ ...options, concurrency: c, typical: model, beam });
    // Refit the typical durations on the first answer (it no longer mixes stalls in), then search again.
    const refit = fitTypical(durationsOf(found.endedBy, s), options);
    if (refit) {
      const again = searchConcurrentEnds({ ...options, concurrency: c, typical: refit, beam });
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
  const endedBy = (best as Searched).endedBy;
  const lane = new Array<number>(n).fill(0);
  const pred = new Array<number>(n).fill(-1);
  for (let i = 0; i < n; i++) if ((endedBy[i] as number) >= 0) pred[endedBy[i] as number] = i;
  for (let i = 0; i < n; i++) lane[i] = i < c ? i + 1 : (lane[pred[i] as number] ?? 0);
  return {
    endMs: durationsOf(endedBy, s).map((d, i) => (d === null ? null : (s[i] as number) + d)),
    lane,
    typical: { medianMs: typical.meanMs, sigma: typical.sdMs / typical.meanMs },
    cost: (best as Searched).cost,
  };
}

/** Each item's duration under `endedBy` (the start at which it ended), null while still running. */
function durationsOf(endedBy: Int32Array, s: readonly number[]): Array<number | null> {
  const out = new Array<number | null>(s.length).fill(null);
  for (let i = 0; i < s.length; i++) if ((endedBy[i] as number) >= 0) out[i] = (s[endedBy[i] as number] as number) - (s[i] as number);
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
  const sorted = sortNumbers(durations.filter((d) => d < stallThresholdMs));
  const q25 = sorted[Math.floor(sorted.length / 4)];
  if (q25 === undefined) return [];
  return sorted.filter((d) => d >= 0.7 * q25 && d <= 1.3 * q25);
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
  sortNumbers(values);
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
