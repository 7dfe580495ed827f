import { describe, expect, it } from 'vitest';
import type { StallExplanation } from '../../src/diagnose/diagnose-outcome.js';
import { buildStackWorld } from '../../src/diagnose/stack-world.js';

const fitted = () => ({
  name: 'fitted',
  items: { list: [{ name: 'A', url: 'https://replay.invalid/a-i1' }, { name: 'B', url: 'https://replay.invalid/b-i2' }, { name: 'C', url: 'https://replay.invalid/c-i3' }] },
  world: { account: { concurrency: 2 }, behaviour: { default: { latency: { type: 'lognormal', medianMs: 7000, sigma: 0.1 }, hang: { p: 0.3, latency: { type: 'fixed', ms: 2_028_000 } }, errors: { 'upstream-500': 0.3 } } }, domains: {}, network: 'none' },
  policies: [{ name: 'baseline' }],
});

const stall = (over: Partial<StallExplanation>): StallExplanation => ({
  machines: ['A'],
  machineUncertain: false,
  startMs: 0,
  durationMs: 2_028_000,
  inferred: true,
  censored: false,
  workersHeld: 2,
  precisionMs: 3000,
  mechanisms: [{ id: 'read-timeouts', client: 'python-sdk', verdict: 'fits', title: '', combination: '12 read timeouts', expectedMs: 2_028_000, errorMs: 0, why: '', requestsPerTier: [5, 5, 3], lastAnsweredMs: 91_500 }],
  ...over,
});

describe('the stack world', () => {
  it('turns a stall into the requests of its mechanism on its own host, and the machines the log shows failing into machines that fail on every request; nothing else hangs or fails', () => {
    const { json, modelled } = buildStackWorld({ fitted: fitted(), stalls: [stall({})], readTimeoutMs: 160_000, tiers: ['plain', 'render_js', 'asp'], failedMachines: ['C'] });
    const world = json['world'] as Record<string, any>;
    expect(world['behaviour']['default']).toEqual({ latency: { type: 'lognormal', medianMs: 7000, sigma: 0.1 } });
    const silent = { type: 'uniform', minMs: 170_000, maxMs: 240_000 };
    expect(world['domains']).toEqual({
      'stall-1.replay.invalid': { plain: { hang: { p: 1, latency: silent } }, render_js: { hang: { p: 1, latency: silent } }, asp: { latency: { type: 'fixed', ms: 91_500 }, hang: { p: 2 / 3, latency: silent } } },
      'failed-1.replay.invalid': { default: { errors: { 'upstream-500': 1 } } },
    });
    expect((json['items'] as any).list.map((i: { url: string }) => i.url)).toEqual(['https://stall-1.replay.invalid/a-i1', 'https://replay.invalid/b-i2', 'https://failed-1.replay.invalid/c-i3']);
    expect(json['policies']).toBeUndefined();
    expect(modelled.map((m) => [m.machine, m.as])).toEqual([['A', 'read-timeouts']]);
  });

  it('models a stall whose machine a log cannot name on the likeliest, and says so; a stall cut off by the end of the log, or no fitting mechanism, stays one silent request or is left out', () => {
    const uncertain = buildStackWorld({ fitted: fitted(), stalls: [stall({ machines: ['B', 'A'], machineUncertain: true })], readTimeoutMs: 160_000, tiers: ['plain', 'render_js', 'asp'] });
    expect(uncertain.modelled).toEqual([{ machine: 'B', as: 'read-timeouts', words: '12 read timeouts: silent on those requests for 2m50s–4m00s (the likeliest of the machines that may have stalled)' }]);
    const censored = buildStackWorld({ fitted: fitted(), stalls: [stall({ censored: true })], readTimeoutMs: 160_000, tiers: ['plain', 'render_js', 'asp'] });
    expect(censored.modelled).toEqual([]);
    const none = buildStackWorld({ fitted: fitted(), stalls: [stall({ mechanisms: [] })], readTimeoutMs: 160_000, tiers: ['plain', 'render_js', 'asp'] });
    expect((none.json['world'] as any).domains['stall-1.replay.invalid']).toEqual({ default: { hang: { p: 1, latency: { type: 'fixed', ms: 2_028_000 } } } });
  });

  it('in a world fitted per domain, a stalled or failing machine leaves its shared domain for a host of its own, with its domain\'s fit; the domain keeps its fit without hangs or failures', () => {
    const body = { type: 'lognormal', medianMs: 5000, sigma: 0.2 };
    const perDomain = {
      ...fitted(),
      items: { list: [{ name: 'A', url: 'https://shop.example/a-i1' }, { name: 'B', url: 'https://shop.example/b-i2' }, { name: 'C', url: 'https://shop.example/c-i3' }, { name: 'D', url: 'https://other.example/d-i4' }] },
      world: { ...fitted().world, domains: { 'shop.example': { plain: { hang: { p: 0.25, latency: { type: 'fixed', ms: 2_028_000 } }, errors: { 'upstream-500': 0.25 }, latency: body } }, 'other.example': { default: { latency: body } } } },
    };
    const { json } = buildStackWorld({ fitted: perDomain, stalls: [stall({ mechanisms: [] })], readTimeoutMs: 160_000, tiers: ['plain', 'render_js', 'asp'], failedMachines: ['C'] });
    const world = json['world'] as Record<string, any>;
    expect(world['domains']).toEqual({
      'shop.example': { plain: { latency: body } },
      'other.example': { default: { latency: body } },
      'stall-1.replay.invalid': { plain: { latency: body }, default: { hang: { p: 1, latency: { type: 'fixed', ms: 2_028_000 } } } },
      'failed-1.replay.invalid': { plain: { latency: body }, default: { errors: { 'upstream-500': 1 } } },
    });
    expect((json['items'] as any).list.map((i: { url: string }) => i.url)).toEqual(['https://stall-1.replay.invalid/a-i1', 'https://shop.example/b-i2', 'https://failed-1.replay.invalid/c-i3', 'https://other.example/d-i4']);
  });
});
