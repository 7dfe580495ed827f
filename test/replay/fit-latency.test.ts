import { describe, expect, it } from 'vitest';
import { fitCensoredLognormal, fitLatency } from '../../src/replay/fit-latency.js';
import { createSeededRandom, sampleStandardNormal } from '../../src/random/seeded-random.js';

function lognormalSamples(options: { n: number; medianMs: number; sigma: number; seed: number }): number[] {
  const random = createSeededRandom(options.seed);
  return Array.from({ length: options.n }, () => options.medianMs * Math.exp(options.sigma * sampleStandardNormal(random)));
}

describe('latency fitting', () => {
  it('recovers a lognormal from its samples', () => {
    const fit = fitCensoredLognormal({ observedMs: lognormalSamples({ n: 4000, medianMs: 7000, sigma: 0.4, seed: 1 }), censoredMs: [] })!;
    expect(Math.exp(fit.mu)).toBeGreaterThan(6800);
    expect(Math.exp(fit.mu)).toBeLessThan(7200);
    expect(fit.sigma).toBeCloseTo(0.4, 1);
  });

  it('treats attempts cut off by a timeout as censored samples, not as durations', () => {
    // The true latency is lognormal(median 10 s, σ 0.5); the client gave up at 12 s.
    const timeoutMs = 12_000;
    const all = lognormalSamples({ n: 4000, medianMs: 10_000, sigma: 0.5, seed: 2 });
    const observed = all.filter((ms) => ms < timeoutMs);
    const censored = all.filter((ms) => ms >= timeoutMs).map(() => timeoutMs);
    const naive = fitCensoredLognormal({ observedMs: [...observed, ...censored], censoredMs: [] })!;
    const proper = fitCensoredLognormal({ observedMs: observed, censoredMs: censored })!;
    // Counting a cut-off at 12 s as a 12 s duration drags the fit down; censoring recovers the truth.
    expect(Math.exp(naive.mu)).toBeLessThan(9_300);
    expect(Math.abs(Math.exp(proper.mu) - 10_000)).toBeLessThan(400);
    expect(Math.abs(proper.sigma - 0.5)).toBeLessThan(0.04);
  });

  it('splits stalls off as point masses and keeps the empirical samples', () => {
    const samples = [...lognormalSamples({ n: 200, medianMs: 7000, sigma: 0.1, seed: 3 }).map((ms) => ({ ms: Math.round(ms), censored: false })), { ms: 2_028_000, censored: false }, { ms: 160_000, censored: true }, { ms: 160_000, censored: true }];
    const fit = fitLatency({ samples, stallThresholdMs: 60_000 });
    expect(fit).toMatchObject({ samples: 203, observed: 201, censored: 2 });
    expect(fit.stalls).toEqual([
      { ms: 160_000, count: 2, censored: true },
      { ms: 2_028_000, count: 1, censored: false },
    ]);
    expect(fit.stallShare).toBeCloseTo(3 / 203, 6);
    expect(fit.lognormal!.medianMs).toBeGreaterThan(6800);
    expect(fit.lognormal!.medianMs).toBeLessThan(7200);
    expect(fit.empiricalMs).toHaveLength(201);
    expect(fit.empiricalMs[200]).toBe(2_028_000);
  });
});
