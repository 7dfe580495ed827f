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
});
