/**
 * The account-wide outage breaker (Policy.outageBreaker): requests in a row that fail as in an
 * outage stop the batch; what was not priced stays unpriced (reason `outage`), never `failed`
 * with the outage's network error.
 */
import { describe, expect, it } from 'vitest';
import type { BatchEvent } from '../../src/events/batch-event.js';
import { parseScenario } from '../../src/scenario/parse-scenario.js';
import { simulatePolicy } from '../../src/simulation/simulate-policy.js';
import { outagePolicy, outageScenario } from '../support/outage-scenario.js';

function scenario(policy: Record<string, unknown>) {
  return outageScenario([outagePolicy('p', policy)]);
}

describe('the outage breaker', () => {
  it('stops the batch after N requests in a row fail as in an outage; nothing is failed by the outage', async () => {
    const s = scenario({ outageBreaker: { consecutiveFailures: 5 } });
    const run = await simulatePolicy({ scenario: s, policy: s.policies[0]! });
    expect(run.result.stoppedBy).toBe('outage');
    const stop = run.events.find((e: BatchEvent) => e.type === 'batch.outage')!;
    expect(stop).toMatchObject({ consecutiveFailures: 5, lastError: 'NETWORK_ERROR' });
    // Before the outage: 3 workers × 2.1 s per item for 10 s.
    const priced = run.result.items.filter((i) => i.outcome === 'priced');
    expect(priced.length).toBeGreaterThanOrEqual(12);
    expect(run.result.items.filter((i) => i.outcome === 'failed' && i.reason !== 'outage')).toEqual([]);
    expect(run.result.items.filter((i) => i.outcome !== 'priced').every((i) => i.reason === 'outage')).toBe(true);
    // It stops within seconds of the outage, not after every item has run out of retries.
    expect(stop.atMs - s.startMs).toBeLessThan(20_000);
  });

  it('without the breaker, the outage fails every remaining item with its network error', async () => {
    const s = scenario({});
    const run = await simulatePolicy({ scenario: s, policy: s.policies[0]! });
    expect(run.result.stoppedBy).toBeNull();
    const failed = run.result.items.filter((i) => i.outcome === 'failed');
    expect(failed.length).toBeGreaterThan(20);
    expect(failed.every((i) => i.errorCode === 'NETWORK_ERROR')).toBe(true);
  });

  it('is reset by any answer of the API: scattered network errors never stop a batch', async () => {
    const s = parseScenario({
      source: 'flaky.json',
      json: {
        name: 'flaky',
        seed: 4,
        items: { count: 300, domains: { 'a.example': 1 } },
        world: { account: { concurrency: 4 }, behaviour: { default: { latency: { type: 'fixed', ms: '1s' } } }, network: { roundTrip: '100ms', resetBeforeAnswer: 0.2 } },
        policies: [{ name: 'p', workers: 4, tiers: [{ base: 'plain', retry: false, timeoutMs: '15s' }], retry: { maxCalls: 6, on: ['network'], backoff: { initialMs: '1s', factor: 2, maxMs: '10s', jitter: 'none' } }, outageBreaker: { consecutiveFailures: 8 } }],
      },
    });
    const run = await simulatePolicy({ scenario: s, policy: s.policies[0]! });
    expect(run.result.stoppedBy).toBeNull();
    expect(run.result.counts.priced).toBeGreaterThan(290);
  });

  it("watches the Scrapfly API only: a shop whose own site resets every direct fetch does not stop the batch", async () => {
    const s = parseScenario({
      source: 'shop-down.json',
      json: {
        name: 'shop-down',
        seed: 5,
        startAt: '2025-08-06T03:00:00Z',
        items: { count: 30, domains: { 'down.example': 1 } },
        world: {
          account: { concurrency: 4 },
          behaviour: { default: { latency: { type: 'fixed', ms: '2s' } } },
          network: { roundTrip: '100ms' },
          sites: { default: { latency: { type: 'fixed', ms: '300ms' }, errors: { reset: 1 } } },
        },
        policies: [{ name: 'p', workers: 3, tiers: [{ base: 'direct', readTimeoutMs: '20s' }, { base: 'plain', retry: false, timeoutMs: '15s' }], escalateOn: ['any'], outageBreaker: { consecutiveFailures: 3 } }],
      },
    });
    const run = await simulatePolicy({ scenario: s, policy: s.policies[0]! });
    // Every direct fetch failed as in an outage, 30 in all; Scrapfly answered every escalation.
    const direct = run.events.filter((e) => e.type === 'attempt.end' && e.errorClass === 'network');
    expect(direct.length).toBe(30);
    expect(run.result.stoppedBy).toBeNull();
    expect(run.events.some((e) => e.type === 'batch.outage')).toBe(false);
    expect(run.result.items.filter((i) => i.outcome === 'priced')).toHaveLength(30);
  });
});
