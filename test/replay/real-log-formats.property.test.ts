import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GENERATED_DIALECTS, LONG_STALL_MS, type AppLogSpec, type RunSpec } from '../../src/bench/app-log-generator.js';
import { checkAppLog, type RunCheck } from '../../src/bench/replay-accuracy.js';

const runSpec: fc.Arbitrary<RunSpec> = fc
  .record({
    workers: fc.integer({ min: 1, max: 32 }),
    execution: fc.constantFrom<RunSpec['execution']>('concurrent', 'blocking'),
    items: fc.integer({ min: 12, max: 160 }),
    medianMs: fc.integer({ min: 3000, max: 20_000 }),
    sigma: fc.double({ min: 0.05, max: 0.9, noNaN: true }),
    stallPositions: fc.uniqueArray(fc.integer({ min: 0, max: 159 }), { maxLength: 6 }),
    stallMs: fc.array(fc.integer({ min: LONG_STALL_MS + 5000, max: 2_400_000 }), { minLength: 6, maxLength: 6 }),
    burstSpreadMs: fc.integer({ min: 0, max: 3000 }),
    failureShare: fc.double({ min: 0, max: 0.1, noNaN: true }),
  })
  .map((r) => ({
    workers: r.workers,
    execution: r.execution,
    items: r.items,
    medianMs: r.medianMs,
    sigma: r.sigma,
    stalls: r.stallPositions.filter((at) => at < r.items).map((at, k) => ({ at, durationMs: r.stallMs[k] as number })),
    burstSpreadMs: r.burstSpreadMs,
    failureShare: r.failureShare,
  }));

const appLogSpec: fc.Arbitrary<AppLogSpec> = fc
  .record({
    seed: fc.integer({ min: 0, max: 1_000_000 }),
    dialect: fc.constantFrom(...GENERATED_DIALECTS),
    millis: fc.boolean(),
    results: fc.boolean(),
    batchEnd: fc.boolean(),
    noise: fc.boolean(),
    prefixNames: fc.boolean(),
    runs: fc.array(runSpec, { minLength: 1, maxLength: 3 }),
    offsetMs: fc.integer({ min: 0, max: 86_400_000 }),
  })
  .map((r) => ({
    seed: r.seed,
    dialect: r.dialect,
    resolution: r.millis && r.dialect !== 'pattern' ? 'millis' : 'seconds',
    results: r.results,
    batchEnd: r.batchEnd,
    noise: r.noise,
    prefixNames: r.prefixNames,
    runs: r.runs,
    startMs: Date.UTC(2025, 7, 6) + r.offsetMs,
  }));

describe('replay of generated logs in the formats real services print', () => {
  it('finds every run, the effective concurrency, the long stalls the log reveals and the makespan; with result lines, the stalled machines and their durations', async () => {
    const startsOnlyConcurrent: RunCheck[] = [];
    let withResults = 0;
    await fc.assert(
      fc.asyncProperty(appLogSpec, async (spec) => {
        const check = await checkAppLog(spec);
        const label = `${spec.dialect}, ${spec.resolution}, results ${spec.results}, batch end ${spec.batchEnd}`;
        expect(check.runsFound, label).toBe(spec.runs.length);
        check.runs.forEach((r, i) => {
          const run = spec.runs[i] as RunSpec;
          const what = `${label}, run ${i + 1}: ${run.execution} ${run.workers} workers, ${run.items} items, ${run.stalls.length} stalls`;
          expect(r.got.effectiveConcurrency, what).toBe(r.truth.effectiveConcurrency);
          if (r.makespan !== null) expect(r.makespan, `${what}: makespan ${r.got.makespanMs} vs ${r.truth.makespanMs}`).toBe(true);
          if (spec.results) {
            withResults++;
            expect(r.got.inferred, what).toBe(false);
            expect(r.stalledMachines, `${what}: ${JSON.stringify(r.got.stalled)}`).toBe(true);
            expect(r.stallCount, what).toBe(true);
          } else if (r.truth.effectiveConcurrency === 1) {
            expect(r.got.inferred, what).toBe(true);
            expect(r.got.longStalls, what).toBe(r.truth.knowableLongStalls);
          } else startsOnlyConcurrent.push(r);
        });
      }),
      // 60 generated nights keep this test near 45 s on one core; the accuracy bench
      // (dist/bench/replay-accuracy.js) runs the same generator over hundreds.
      { numRuns: 60, seed: 20250806 },
    );
    expect(withResults).toBeGreaterThan(20);
    // From starts alone in a concurrent pool, overlapping stalls can hide one another: counted, not exact.
    const right = startsOnlyConcurrent.filter((r) => r.stallCount).length;
    expect(startsOnlyConcurrent.length).toBeGreaterThan(10);
    expect(right / startsOnlyConcurrent.length).toBeGreaterThanOrEqual(0.9);
  }, 300_000);
});
