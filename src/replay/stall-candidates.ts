/**
 * Which machine stalled, when the log cannot say. From starts alone in a concurrent pool, a late
 * start means "some worker was held", not which item held it: the item the likeliest assignment
 * names, and the items started around it whose roles could be swapped with it, all reproduce the
 * starts. Each candidate gets its probability under the fitted duration model (typical durations
 * normal in linear time, stalls log-uniform above the threshold, as in assign-concurrent-ends.ts).
 * Likewise, when a batch-end line comes long after the last start, one of the items still running
 * ran until the batch end, and which one is a question of likelihood. Pure.
 */
import { assignConcurrentEnds } from './assign-concurrent-ends.js';
import { normalLogSurvival } from './normal-distribution.js';
import type { Timeline, TimelineItem } from './reconstruct-timeline.js';

/** A machine that may be the stalled one, with its probability (0–1). */
export interface StallCandidate {
  item: number;
  machine: string;
  probability: number;
  /** Its start, ms since the epoch. */
  startMs: number;
}

/** Candidates at most per stall; the rest are summed up as "others". */
const MAX_CANDIDATES = 8;
const MIN_PROBABILITY = 0.01;

/** The typical model of a timeline as mean and standard deviation, ms. */
function typicalOf(timeline: Timeline): { meanMs: number; sdMs: number } | null {
  if (!timeline.typical) return null;
  const meanMs = Math.max(1, timeline.typical.medianMs);
  return { meanMs, sdMs: Math.max(1, timeline.typical.sigma * meanMs) };
}

/**
 * The candidates for the stall `stalled` (an inferred item of `timeline`, ended at `stalled.endMs`):
 * itself and each item it could swap roles with. `floorMs` is the shortest logged duration a
 * typical item can have. Null when the timeline has no duration model (nothing to weigh with).
 */
export function findSwapCandidates(options: { timeline: Timeline; stalled: TimelineItem; stallThresholdMs: number; floorMs: number }): StallCandidate[] | null {
  const { timeline, stalled, stallThresholdMs: thr } = options;
  const model = typicalOf(timeline);
  if (!model || stalled.endMs === null) return null;
  const typ = (d: number) => {
    if (d < options.floorMs) return Infinity;
    const z = (d - model.meanMs) / model.sdMs;
    return 0.5 * z * z;
  };
  const stall = (d: number) => (d <= thr ? Infinity : Math.log(d));
  const e = stalled.endMs;
  const reach = model.meanMs + 4 * model.sdMs;
  const weights: Array<{ item: TimelineItem; cost: number }> = [{ item: stalled, cost: 0 }];
  const base = (other: TimelineItem) => typ((other.endMs as number) - other.startMs) + stall(e - stalled.startMs);
  for (const other of timeline.items) {
    if (other === stalled || other.end !== 'inferred' || other.stalled || other.endMs === null) continue;
    if (Math.abs(other.startMs - stalled.startMs) > reach) continue;
    if (other.endMs <= stalled.startMs) continue;
    // Swapped: `stalled` ends where `other` did (typical), `other` runs until `e` (the stall).
    const swapped = typ(other.endMs - stalled.startMs) + stall(e - other.startMs);
    const delta = swapped - base(other);
    if (Number.isFinite(delta)) weights.push({ item: other, cost: delta });
  }
  return normalize(weights);
}

/** Runs up to this many items, every item is weighed as the tail stall by solving the starts again with it held. */
const RESOLVE_LIMIT = 200;

/**
 * The stall a batch-end line proves: when the batch ended more than the threshold after the last
 * start, the item that finished last ran at least that long. Any item may be that one (the
 * others' ends are then assigned differently): up to RESOLVE_LIMIT items, each is weighed by the
 * likelihood of the best assignment that keeps it running until the batch end; past that, the
 * items the likeliest assignment leaves running are weighed among themselves. Returns the
 * candidates, or null when the log does not prove such a stall.
 */
export function findTailCandidates(options: { timeline: Timeline; batchEndMs: number; stallThresholdMs: number; resolutionMs: number; minDurationMs: number }): StallCandidate[] | null {
  const { timeline, batchEndMs, stallThresholdMs: thr } = options;
  const tail = timeline.items.filter((i) => i.end === 'bounded');
  if (tail.length === 0) return null;
  const lastStart = timeline.items.reduce((max, i) => Math.max(max, i.startMs), -Infinity);
  if (batchEndMs - lastStart <= thr) return null;
  const items = timeline.items;
  if (items.length <= RESOLVE_LIMIT) {
    const startsMs = items.map((i) => i.startMs);
    const weights = items.map((item, k) => {
      const solved = assignConcurrentEnds({ startsMs, concurrency: timeline.concurrency, observedUntilMs: batchEndMs, stallThresholdMs: thr, resolutionMs: options.resolutionMs, minDurationMs: options.minDurationMs, forceRunning: k });
      return { item, cost: solved.cost };
    });
    const finite = weights.filter((w) => Number.isFinite(w.cost));
    if (finite.length > 0) return normalize(finite);
  }
  const model = typicalOf(timeline);
  // log P(item i finished before the batch end as a typical item).
  const before = tail.map((i) => (model ? Math.log(Math.max(1e-300, 1 - Math.exp(normalLogSurvival((batchEndMs - i.startMs - model.meanMs) / model.sdMs)))) : 0));
  const sumBefore = before.reduce((a, b) => a + b, 0);
  const weights = tail.map((item, k) => ({ item, cost: Math.log(batchEndMs - item.startMs) - (sumBefore - (before[k] as number)) }));
  return normalize(weights);
}

function normalize(weights: Array<{ item: TimelineItem; cost: number }>): StallCandidate[] {
  const best = weights.reduce((min, w) => Math.min(min, w.cost), Infinity);
  let total = 0;
  for (const w of weights) total += Math.exp(best - w.cost);
  return weights
    .map((w) => ({ item: w.item.index, machine: w.item.name, startMs: w.item.startMs, probability: Math.exp(best - w.cost) / total }))
    .sort((a, b) => b.probability - a.probability || a.startMs - b.startMs)
    .filter((c, k) => k === 0 || c.probability >= MIN_PROBABILITY)
    .slice(0, MAX_CANDIDATES);
}
