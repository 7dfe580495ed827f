import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recommendSweepPoint, type SweepPointResult } from '../../src/sweep/analyze-sweep.js';
import type { SweepPoint } from '../../src/sweep/build-sweep-points.js';
import { dominates, findParetoFrontier } from '../../src/sweep/find-pareto-frontier.js';
import { SWEEP_OBJECTIVES, type SweepStats } from '../../src/sweep/summarize-sweep-point.js';

/** Small value ranges, so that ties and exact duplicates are common. */
const stats: fc.Arbitrary<SweepStats> = fc.record({
  runs: fc.constant(10),
  makespanP50Ms: fc.constant(0),
  makespanP95Ms: fc.integer({ min: 0, max: 6 }).map((m) => m * 60_000),
  makespanP99Ms: fc.constant(0),
  creditsMean: fc.integer({ min: 100, max: 106 }),
  creditsP95: fc.constant(0),
  successMean: fc.integer({ min: 0, max: 5 }).map((s) => 0.95 + s / 100),
  successP95: fc.constant(0),
  throttledMean: fc.constant(0),
  zombiesMean: fc.constant(0),
});

const points = fc.array(fc.tuple(stats, fc.boolean()), { minLength: 1, maxLength: 40 });

function toResults(list: ReadonlyArray<readonly [SweepStats, boolean]>): SweepPointResult[] {
  const frontier = new Set(findParetoFrontier({ points: list.map(([s]) => s), objectives: SWEEP_OBJECTIVES }));
  return list.map(([s, met], index) => ({
    point: { index, workers: index + 1, callTimeoutMs: null, timeoutSemantics: 'abort', policy: {} } as unknown as SweepPoint,
    stats: s,
    budget: { met, results: [] },
    onFrontier: frontier.has(index),
    sameAs: index,
  }));
}

describe('Pareto frontier of makespan p95 × credits × success rate', () => {
  it('no point on the frontier is dominated, and every point off it is dominated by one on it', () => {
    fc.assert(
      fc.property(points, (list) => {
        const all = list.map(([s]) => s);
        const frontier = findParetoFrontier({ points: all, objectives: SWEEP_OBJECTIVES });
        expect(frontier.length).toBeGreaterThan(0);
        for (const i of frontier) for (const other of all) expect(dominates({ a: other, b: all[i]!, objectives: SWEEP_OBJECTIVES })).toBe(false);
        all.forEach((s, i) => {
          if (frontier.includes(i)) return;
          expect(frontier.some((f) => dominates({ a: all[f]!, b: s, objectives: SWEEP_OBJECTIVES }))).toBe(true);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('the recommendation meets the budget, is the cheapest that does, and no point that meets the budget dominates it', () => {
    fc.assert(
      fc.property(points, (list) => {
        const results = toResults(list);
        const chosen = recommendSweepPoint({ results });
        const feasible = results.filter((r) => r.budget?.met);
        if (feasible.length === 0) {
          expect(chosen).toBeNull();
          return;
        }
        const r = results[chosen!]!;
        expect(r.budget?.met).toBe(true);
        expect(r.stats.creditsMean).toBe(Math.min(...feasible.map((f) => f.stats.creditsMean)));
        for (const f of feasible) expect(dominates({ a: f.stats, b: r.stats, objectives: SWEEP_OBJECTIVES })).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('a point better on one axis and no worse on the others dominates; equal points do not', () => {
    const base: SweepStats = { runs: 1, makespanP50Ms: 0, makespanP95Ms: 60_000, makespanP99Ms: 0, creditsMean: 100, creditsP95: 0, successMean: 0.99, successP95: 0, throttledMean: 0, zombiesMean: 0 };
    expect(dominates({ a: { ...base, successMean: 1 }, b: base, objectives: SWEEP_OBJECTIVES })).toBe(true);
    expect(dominates({ a: { ...base, creditsMean: 99 }, b: base, objectives: SWEEP_OBJECTIVES })).toBe(true);
    expect(dominates({ a: base, b: { ...base }, objectives: SWEEP_OBJECTIVES })).toBe(false);
    expect(dominates({ a: { ...base, creditsMean: 99, makespanP95Ms: 61_000 }, b: base, objectives: SWEEP_OBJECTIVES })).toBe(false);
    expect(findParetoFrontier({ points: [base, { ...base }, { ...base, successMean: 0.5 }], objectives: SWEEP_OBJECTIVES })).toEqual([0, 1]);
  });
});
