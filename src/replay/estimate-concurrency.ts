/**
 * How many items really ran at once. A run log records when each item ended, so the answer is the
 * most items ever running together. A text log records starts only: when a batch begins every item
 * is queued, so a work-conserving pool of c workers starts exactly c items at that instant; the
 * size of that first burst is the effective concurrency (capped by the declared workers).
 */
import type { LoggedRun } from './log-records.js';

export interface ConcurrencyEstimate {
  /** The effective concurrency. */
  effective: number;
  /** `overlap`: from logged starts and ends; `initial-burst`: from the first starts of a starts-only log. */
  method: 'overlap' | 'initial-burst';
  /** Items that started at the first start's instant (within the log's time resolution). */
  initialBurst: number;
  /** When the first item started, or null when none did. */
  firstStartMs: number | null;
  /** The most items running at once, when the log has ends; else null. */
  maxInFlight: number | null;
}

/** Whether every started item of `run` has a logged end. */
export function hasLoggedEnds(run: LoggedRun): boolean {
  let started = 0;
  for (const item of run.items) {
    if (item.startMs === null) continue;
    started++;
    if (item.endMs === null) return false;
  }
  return started > 0;
}

/** Estimates the effective concurrency of `run`. `resolutionMs` is the timestamps' precision. */
export function estimateConcurrency(options: { run: LoggedRun; resolutionMs: number }): ConcurrencyEstimate {
  const { run } = options;
  const starts: number[] = [];
  for (const item of run.items) if (item.startMs !== null) starts.push(item.startMs);
  starts.sort((a, b) => a - b);
  const first = starts[0] ?? null;
  let burst = 0;
  if (first !== null) while (burst < starts.length && (starts[burst] as number) < first + Math.max(1, options.resolutionMs)) burst++;
  const withEnds = run.format === 'run-log' && run.items.some((i) => i.endMs !== null && i.startMs !== null);
  if (withEnds) {
    const max = computeMaxInFlight(run);
    return { effective: Math.max(1, max), method: 'overlap', initialBurst: burst, firstStartMs: first, maxInFlight: max };
  }
  const cap = run.declaredWorkers ?? Infinity;
  return { effective: Math.max(1, Math.min(burst, cap)), method: 'initial-burst', initialBurst: burst, firstStartMs: first, maxInFlight: null };
}

/** Most items running at once; an item without an end runs until the last line of the run. */
function computeMaxInFlight(run: LoggedRun): number {
  const marks: Array<[number, number]> = [];
  for (const item of run.items) {
    if (item.startMs === null) continue;
    marks.push([item.startMs, 1]);
    marks.push([item.endMs ?? run.lastSeenMs + 1, -1]);
  }
  // Ends before starts at the same instant: a worker freed at t and reused at t holds one item.
  marks.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let level = 0;
  let max = 0;
  for (const [, delta] of marks) {
    level += delta;
    if (level > max) max = level;
  }
  return max;
}
