import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assignConcurrentEnds } from '../../src/replay/assign-concurrent-ends.js';

/** The starts a work-conserving pool of `workers` produces for items with these durations (all queued at 0). */
function poolStarts(durationsMs: readonly number[], workers: number): number[] {
  const free: number[] = new Array(Math.min(workers, durationsMs.length)).fill(0);
  return durationsMs.map((d) => {
    let k = 0;
    for (let w = 1; w < free.length; w++) if ((free[w] as number) < (free[k] as number)) k = w;
    const start = free[k] as number;
    free[k] = start + d;
    return start;
  });
}

describe('inferring ends from starts under a concurrent pool', () => {
  it('finds the one stalled worker among three, when and for how long', () => {
    const durations = Array.from({ length: 60 }, (_, k) => (k === 7 ? 95_000 : 5_000 + ((k * 37) % 7) * 100));
    const starts = poolStarts(durations, 3);
    const a = assignConcurrentEnds({ startsMs: starts, concurrency: 3, observedUntilMs: starts[starts.length - 1]!, stallThresholdMs: 60_000, resolutionMs: 1 });
    const stalled = a.endMs.map((e, k) => (e === null ? null : e - starts[k]!)).flatMap((d, k) => (d !== null && d > 60_000 ? [k] : []));
    // Items 6 and 7 started 0.3 s apart: from starts alone either may be the stalled one.
    expect(stalled).toHaveLength(1);
    const k = stalled[0]!;
    expect(Math.abs(starts[k]! - starts[7]!)).toBeLessThanOrEqual(300);
    expect(Math.abs(a.endMs[k]! - starts[k]! - 95_000)).toBeLessThanOrEqual(1_000);
    expect(a.endMs.every((e, j) => j === k || e === null || e - starts[j]! < 6_000)).toBe(true);
    expect(a.typical.medianMs).toBeGreaterThan(5_000);
    expect(a.typical.medianMs).toBeLessThan(5_700);
  });

  it('whatever it infers replays to the same starts: every end it names is a start the log shows', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 5 }), fc.array(fc.integer({ min: 1_000, max: 9_000 }), { minLength: 6, maxLength: 60 }), fc.array(fc.integer({ min: 0, max: 59 }), { maxLength: 3 }), (workers, base, stalls) => {
        const durations = base.map((d, k) => (stalls.includes(k) ? 70_000 + d : d));
        const starts = poolStarts(durations, workers).sort((x, y) => x - y);
        const a = assignConcurrentEnds({ startsMs: starts, concurrency: workers, observedUntilMs: starts[starts.length - 1]!, stallThresholdMs: 60_000, resolutionMs: 1 });
        const c = Math.min(workers, starts.length);
        // Every start after the first c is the end of exactly one earlier item, so a FIFO pool replays them.
        const ends = a.endMs.filter((e): e is number => e !== null).sort((x, y) => x - y);
        expect(ends).toEqual(starts.slice(c));
        a.endMs.forEach((e, k) => {
          if (e !== null) expect(e).toBeGreaterThanOrEqual(starts[k]!);
        });
        const replayed = poolStarts(a.endMs.map((e, k) => (e === null ? Number.MAX_SAFE_INTEGER / 4 : e - starts[k]!)), workers);
        expect(replayed).toEqual(starts);
        expect(new Set(a.lane).size).toBe(c);
      }),
      { numRuns: 150 },
    );
  });

  it('keeps the answer of the search as first written on 6,000 starts with a wide beam (its pools grow and compact)', () => {
    const durations = Array.from({ length: 6000 }, (_, k) => (k === 40 || k === 3100 ? 1_500_000 + k : 4_000 + ((k * 7919) % 6_000)));
    const starts = poolStarts(durations, 5)
      .map((x) => Math.floor(x / 1000) * 1000)
      .sort((a, b) => a - b);
    const a = assignConcurrentEnds({ startsMs: starts, concurrency: 5, observedUntilMs: starts[starts.length - 1]!, stallThresholdMs: 60_000, resolutionMs: 1000, minDurationMs: 1500, beamWidth: 64 });
    // Weighted sums of every duration and lane, as the object-per-state search computed them.
    let durationSum = 0;
    let laneSum = 0;
    a.endMs.forEach((e, k) => (durationSum += e === null ? 0 : (e - starts[k]!) * ((k % 97) + 1)));
    a.lane.forEach((lane, k) => (laneSum += lane * ((k % 89) + 1)));
    expect({ durationSum, laneSum, running: a.endMs.filter((e) => e === null).length }).toEqual({ durationSum: 2_263_324_000, laneSum: 798_119, running: 5 });
    expect(a.endMs.flatMap((e, k) => (e !== null && e - starts[k]! > 60_000 ? [k] : []))).toEqual([46, 3102]);
    expect(a.cost).toBe(50568.71551112076);
    expect(a.typical).toEqual({ medianMs: 7047.966631908238, sigma: 0.1553308980053747 });
  });
});
