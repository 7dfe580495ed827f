import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../../src/report/compute-metrics.js';
import { loadJson, simulateFirst } from '../support/simulate-json.js';

describe('credits', () => {
  it('counts what the account was charged, including scrapes the client gave up on', async () => {
    // Every scrape ends billed (an upstream 404) after 20 s; the client stops waiting after 10 s.
    const scenario = loadJson({
      name: 'billed-after-abort',
      items: { count: 3, domains: { 'a.example': 1 } },
      world: { account: { concurrency: 10 }, behaviour: { default: { latency: { type: 'fixed', ms: 20_000 }, errors: { 'upstream-404': 1 } } } },
      policies: [{ name: 'p', workers: 3, client: { readTimeoutMs: '10s', maxTries: 1 }, tiers: ['plain'] }],
    });
    const metrics = computeMetrics((await simulateFirst(scenario)).events);
    expect(metrics.scrapfly.creditsSeenByClient).toBe(0);
    expect(metrics.scrapfly.creditsCharged).toBe(3);
    expect(metrics.zombies.count).toBe(3);
  });
});
