/** Small helpers over [start, end) time intervals in milliseconds. */

export interface Interval {
  startMs: number;
  endMs: number;
}

/** Total length of the union of `intervals`, ms. */
export function unionLengthMs(intervals: readonly Interval[]): number {
  const sorted = intervals.filter((i) => i.endMs > i.startMs).sort((a, b) => a.startMs - b.startMs);
  let total = 0;
  let curStart = -Infinity;
  let curEnd = -Infinity;
  for (const i of sorted) {
    if (i.startMs > curEnd) {
      if (curEnd > curStart) total += curEnd - curStart;
      curStart = i.startMs;
      curEnd = i.endMs;
    } else if (i.endMs > curEnd) {
      curEnd = i.endMs;
    }
  }
  if (curEnd > curStart) total += curEnd - curStart;
  return total;
}

/**
 * Time (ms) during which at least `k` of the interval sets are active at once, where each set
 * is one lane (e.g. a worker's stalled intervals, already non-overlapping within the lane).
 */
export function timeWithAtLeastMs(lanes: readonly (readonly Interval[])[], k: number): number {
  if (k <= 0) return 0;
  const points: Array<[number, number]> = [];
  for (const lane of lanes) {
    for (const i of lane) {
      if (i.endMs <= i.startMs) continue;
      points.push([i.startMs, 1], [i.endMs, -1]);
    }
  }
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let active = 0;
  let total = 0;
  let last = 0;
  for (const [at, delta] of points) {
    if (active >= k) total += at - last;
    active += delta;
    last = at;
  }
  return total;
}

/** The most intervals active at one instant (an interval ending where another starts does not overlap it). */
export function peakOverlap(intervals: readonly Interval[]): number {
  const points: Array<[number, number]> = [];
  for (const i of intervals) if (i.endMs > i.startMs) points.push([i.startMs, 1], [i.endMs, -1]);
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let active = 0;
  let peak = 0;
  for (const [, delta] of points) {
    active += delta;
    peak = Math.max(peak, active);
  }
  return peak;
}
