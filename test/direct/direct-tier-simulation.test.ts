/** The direct tier in simulation: the engine fetches the shops' pages from the sites' mock. */
import { describe, expect, it } from 'vitest';
import type { AttemptEndEvent, AttemptStartEvent } from '../../src/events/batch-event.js';
import { formatPolicyJson } from '../../src/replay/format-policy-json.js';
import { computeMetrics } from '../../src/report/compute-metrics.js';
import { simulatePolicy } from '../../src/simulation/simulate-policy.js';
import { eventsText, loadJson } from '../support/simulate-json.js';

const START = Date.parse('2025-08-06T03:00:00Z');

/** One item per listed URL; the sites answer as `sites` says; fixed latencies for exact times. */
function scenario(options: { sites: unknown; policies: unknown[]; list?: Array<{ name: string; url: string; price?: number }> }) {
  return loadJson({
    name: 'direct-test',
    startAt: '2025-08-06T03:00:00Z',
    seed: 3,
    items: { list: options.list ?? [{ name: 'Open 1', url: 'https://open.example/p/1', price: 1299 }] },
    world: {
      account: { concurrency: 5 },
      behaviour: { default: { latency: { type: 'fixed', ms: '7s' } } },
      sites: options.sites,
      // Scrapfly answers in exactly its server time here; the network has tests of its own.
      network: 'none',
    },
    policies: options.policies,
  });
}

const DIRECT_ONLY = { name: 'direct', workers: 1, tiers: ['direct'], escalateOn: [] };
const LADDER = { name: 'ladder', workers: 1, tiers: ['direct', { base: 'plain', retry: false, timeoutMs: '15s' }], escalateOn: ['blocked', 'throttled', 'network', 'no-price'] };

describe('direct tier in simulation', () => {
  it('prices a page fetched directly at the exact virtual time, for 0 credits and no Scrapfly request', async () => {
    const s = scenario({ sites: { default: { latency: { type: 'fixed', ms: 1200 } } }, policies: [DIRECT_ONLY] });
    const run = await simulatePolicy({ scenario: s, policy: s.policies[0]! });
    expect(run.result.items[0]).toMatchObject({ outcome: 'priced', price: 1299, endMs: START + 1200, tier: 1, attempts: 1 });
    const start = run.events.find((e): e is AttemptStartEvent => e.type === 'attempt.start')!;
    expect(start).toMatchObject({ via: 'direct', tierName: 'direct', readTimeoutMs: 30_000, retry: false, timeoutMs: null });
    const end = run.events.find((e): e is AttemptEndEvent => e.type === 'attempt.end')!;
    expect(end).toMatchObject({ status: 200, costCredits: 0, accountConcurrency: null, durationMs: 1200 });
    expect(run.mock.requests).toBe(0);
    const metrics = computeMetrics(run.events);
    expect(metrics.scrapfly).toMatchObject({ requests: 0, creditsCharged: 0 });
    expect(metrics.direct).toEqual({ requests: 1, blocked: 0, throttled: 0, networkErrors: 0 });
  });

  it('a CAPTCHA page is a block, not a missing price, and the ladder escalates it to Scrapfly', async () => {
    const s = scenario({ sites: { default: { latency: { type: 'fixed', ms: 800 }, errors: { captcha: 1 } } }, policies: [LADDER, DIRECT_ONLY] });
    const ladder = await simulatePolicy({ scenario: s, policy: s.policies[0]! });
    const ends = ladder.events.filter((e): e is AttemptEndEvent => e.type === 'attempt.end');
    expect(ends.map((e) => [e.status, e.errorClass, e.errorCode, e.costCredits, e.atMs - START])).toEqual([
      [200, 'blocked', 'CAPTCHA', 0, 800],
      [200, null, null, 1, 7800],
    ]);
    expect(ladder.result.items[0]).toMatchObject({ outcome: 'priced', price: 1299, tier: 2 });
    const direct = await simulatePolicy({ scenario: s, policy: s.policies[1]! });
    expect(direct.result.items[0]).toMatchObject({ outcome: 'failed', reason: 'blocked', errorCode: 'CAPTCHA' });
  });

  it('403 refusals, 429s with Retry-After and connection resets are the sites\' real failures', async () => {
    const list = [
      { name: 'Guarded', url: 'https://www.guarded.example/p/1' },
      { name: 'Limited', url: 'https://limited.example/p/1' },
      { name: 'Flaky', url: 'https://flaky.example/p/1' },
    ];
    const sites = {
      default: { latency: { type: 'fixed', ms: 500 } },
      domains: { 'guarded.example': { errors: { 'http-403': 1 } }, 'limited.example': { errors: { 'http-429': 1 }, retryAfterSeconds: 9 }, 'flaky.example': { errors: { reset: 1 } } },
    };
    const policy = { name: 'p', workers: 3, tiers: ['direct'], retry: { maxCalls: 2, on: ['throttled', 'network'], backoff: { initialMs: 0, maxMs: 0 } }, escalateOn: [] };
    const s = scenario({ sites, policies: [policy], list });
    const run = await simulatePolicy({ scenario: s, policy: s.policies[0]! });
    expect(run.result.items.map((i) => [i.name, i.outcome, i.reason, i.errorCode, i.attempts, i.endMs - START])).toEqual([
      ['Guarded', 'failed', 'blocked', 'HTTP_403', 1, 500],
      // The 429's Retry-After (9 s) sets the wait before the second call.
      ['Limited', 'failed', 'throttled', 'HTTP_429', 2, 500 + 9000 + 500],
      ['Flaky', 'failed', 'network', 'NETWORK_ERROR', 2, 1000],
    ]);
    const metrics = computeMetrics(run.events);
    expect(metrics.direct).toEqual({ requests: 5, blocked: 1, throttled: 2, networkErrors: 2 });
    expect(metrics.scrapfly.throttled).toBe(0);
  });

  it('a site\'s rate limit refuses requests past its sliding minute at once', async () => {
    const list = Array.from({ length: 5 }, (_, k) => ({ name: `Item ${k}`, url: `https://limited.example/p/${k}` }));
    const sites = { default: { latency: { type: 'fixed', ms: '1s' } }, domains: { 'limited.example': { rateLimit: { requestsPerMinute: 3, status: 403 } } } };
    const s = scenario({ sites, policies: [DIRECT_ONLY], list });
    const run = await simulatePolicy({ scenario: s, policy: s.policies[0]! });
    expect(run.result.items.map((i) => [i.outcome, i.errorCode, i.endMs - START])).toEqual([
      ['priced', null, 1000],
      ['priced', null, 2000],
      ['priced', null, 3000],
      ['failed', 'HTTP_403', 3000],
      ['failed', 'HTTP_403', 3000],
    ]);
  });

  it('the read timeout of a direct tier cuts a stalled site, and both in-process faces give the same bytes', async () => {
    const list = Array.from({ length: 12 }, (_, k) => ({ name: `Item ${k}`, url: `https://shop-${k % 3}.example/p/${k}` }));
    const sites = {
      default: { latency: { type: 'lognormal', medianMs: '1.5s', sigma: 0.5 }, errors: { 'http-403': 0.2, captcha: 0.1, reset: 0.1, 'http-503': 0.05 }, noPrice: 0.1 },
      domains: { 'shop-0.example': { hang: { p: 1, latency: { type: 'fixed', ms: '90s' } } } },
    };
    const ladder = { ...LADDER, workers: 3, tiers: [{ base: 'direct', readTimeoutMs: '10s' }, { base: 'plain', retry: false, timeoutMs: '15s' }], escalateOn: ['any'] };
    const s = scenario({ sites, policies: [ladder], list });
    const direct = await simulatePolicy({ scenario: s, policy: s.policies[0]!, face: 'direct' });
    const msw = await simulatePolicy({ scenario: s, policy: s.policies[0]!, face: 'msw' });
    expect(eventsText(msw.events)).toBe(eventsText(direct.events));
    const ends = direct.events.filter((e): e is AttemptEndEvent => e.type === 'attempt.end');
    // shop-0's 4 items stall past the 10 s read timeout of the direct tier, then escalate.
    expect(ends.filter((e) => e.result === 'read-timeout').map((e) => e.durationMs)).toEqual([10_000, 10_000, 10_000, 10_000]);
    expect(new Set(ends.map((e) => e.errorCode).filter((c) => c !== null)).size).toBeGreaterThanOrEqual(2);
    expect(direct.result.counts.priced).toBe(12);
  });
});

describe('loading direct tiers and sites', () => {
  it('writes a direct tier back as scenario JSON that loads as the same tier (replay scenarios)', () => {
    const s = scenario({ sites: { default: { latency: { type: 'fixed', ms: 1 } } }, policies: [{ ...LADDER, tiers: [{ base: 'direct', name: 'shop', readTimeoutMs: '12s' }, 'plain'] }] });
    const again = scenario({ sites: { default: { latency: { type: 'fixed', ms: 1 } } }, policies: [formatPolicyJson(s.policies[0]!, { description: 'again' })] });
    expect(again.policies[0]!.tiers).toEqual(s.policies[0]!.tiers);
    expect(again.policies[0]!.tiers[0]).toEqual({ name: 'shop', via: 'direct', renderJs: false, asp: false, proxyPool: null, country: null, retry: false, timeoutMs: null, costBudget: null, readTimeoutMs: 12_000 });
  });

  const base = { name: 'x', items: { list: [{ name: 'a', url: 'https://a.example/p' }] }, world: { account: { concurrency: 1 }, behaviour: { default: { latency: { type: 'fixed', ms: 1 } } } } };
  it.each([
    ['a direct tier without world.sites', { policies: [{ name: 'd', workers: 1, tiers: ['direct'] }] }, /world\.sites is required: policy "d" has a direct tier/],
    ['a Scrapfly parameter on a direct tier', { world: { ...base.world, sites: { default: { latency: { type: 'fixed', ms: 1 } } } }, policies: [{ name: 'd', workers: 1, tiers: [{ base: 'direct', asp: true }] }] }, /tiers\[0\]\.asp is a Scrapfly parameter; a direct tier fetches the page itself/],
    ['sites without a latency', { world: { ...base.world, sites: { default: {} } }, policies: [{ name: 'd', workers: 1 }] }, /world\.sites\.default\.latency is required/],
    ['an unknown site answer', { world: { ...base.world, sites: { default: { latency: { type: 'fixed', ms: 1 }, errors: { 'http-200': 0.1 } } } }, policies: [{ name: 'd', workers: 1 }] }, /errors\.http-200 is not "http-<4xx\|5xx>", "captcha" or "reset"/],
    ['a rate limit answered with 500', { world: { ...base.world, sites: { default: { latency: { type: 'fixed', ms: 1 }, rateLimit: { requestsPerMinute: 5, status: 500 } } } }, policies: [{ name: 'd', workers: 1 }] }, /rateLimit\.status must be 403 or 429, got 500/],
  ])('refuses %s', (_what, over, message) => {
    expect(() => loadJson({ ...base, ...over })).toThrow(message);
  });
});
