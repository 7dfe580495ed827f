/**
 * How closely a simulated run follows a logged one, item by item: start-time differences and the
 * makespan error. The first items of a replay scenario are the logged items in start order, so
 * the k-th item of the run is compared with the k-th item of the timeline. Pure.
 */
import type { BatchResult, ItemResult } from '../engine/batch-types.js';
import type { Timeline } from './reconstruct-timeline.js';
import { sortNumbers } from './sort-numbers.js';

/** One item, logged and simulated. Times in ms since the epoch; deltas simulated − logged. */
export interface ItemDifference {
  index: number;
  name: string;
  logStartMs: number;
  logEndMs: number | null;
  startMs: number | null;
  endMs: number;
  outcome: ItemResult['outcome'];
  deltaStartMs: number | null;
  deltaEndMs: number | null;
}

export interface ReplayComparison {
  /** Logged items compared. */
  items: number;
  medianAbsStartDiffMs: number;
  maxAbsStartDiffMs: number;
  /**
   * The makespan, logged and simulated, on what the log shows: the last end when every end is in
   * the log (`batch-end`), else the last start (`last-start`: a starts-only log does not say when
   * its last items ended).
   */
  makespan: { basis: 'batch-end' | 'last-start'; logMs: number; replayMs: number; errorMs: number; errorRatio: number };
  /** The simulated batch's own makespan (all its items), ms. */
  replayMakespanMs: number;
  differences: ItemDifference[];
}

/** Compares `result` (a run of the replay scenario) with the logged `timeline`. */
export function compareReplay(options: { timeline: Timeline; result: BatchResult }): ReplayComparison {
  const { timeline, result } = options;
  const count = Math.min(timeline.items.length, result.items.length);
  const differences: ItemDifference[] = [];
  const absStarts: number[] = [];
  let logLast = timeline.startMs;
  let replayLast = result.startMs;
  const basis = timeline.endsLogged ? 'batch-end' : 'last-start';
  for (let k = 0; k < count; k++) {
    const logged = timeline.items[k]!;
    const run = result.items[k]!;
    const deltaStartMs = run.startMs === null ? null : run.startMs - logged.startMs;
    if (deltaStartMs !== null) absStarts.push(Math.abs(deltaStartMs));
    differences.push({
      index: logged.index,
      name: logged.name,
      logStartMs: logged.startMs,
      logEndMs: logged.endMs,
      startMs: run.startMs,
      endMs: run.endMs,
      outcome: run.outcome,
      deltaStartMs,
      deltaEndMs: logged.endMs === null ? null : run.endMs - logged.endMs,
    });
    if (basis === 'batch-end') {
      logLast = Math.max(logLast, logged.endMs ?? logged.startMs);
      replayLast = Math.max(replayLast, run.endMs);
    } else {
      logLast = Math.max(logLast, logged.startMs);
      replayLast = Math.max(replayLast, run.startMs ?? run.endMs);
    }
  }
  sortNumbers(absStarts);
  const logMs = logLast - timeline.startMs;
  const replayMs = replayLast - result.startMs;
  return {
    items: count,
    medianAbsStartDiffMs: absStarts.length === 0 ? 0 : median(absStarts),
    maxAbsStartDiffMs: absStarts[absStarts.length - 1] ?? 0,
    makespan: { basis, logMs, replayMs, errorMs: replayMs - logMs, errorRatio: logMs > 0 ? (replayMs - logMs) / logMs : 0 },
    replayMakespanMs: result.makespanMs,
    differences,
  };
}

function median(sorted: readonly number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
