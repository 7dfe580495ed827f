/**
 * The `python-sdk` client preset as the SDK's source has it (scrapfly/client.py): a 30 s connect
 * timeout, up to 5 tries on connection errors and read timeouts, and no retry of a body that
 * breaks off (requests' ChunkedEncodingError is not in the SDK's NetworkError).
 */
import { describe, expect, it } from 'vitest';
import type { AttemptEndEvent, BatchEvent } from '../../src/events/batch-event.js';
import { PYTHON_SDK_CLIENT } from '../../src/engine/policy.js';
import { parseScenario } from '../../src/scenario/parse-scenario.js';
import { simulatePolicy } from '../../src/simulation/simulate-policy.js';

async function runOne(network: Record<string, unknown>) {
  const scenario = parseScenario({
    source: 'sdk.json',
    json: {
      name: 'sdk',
      seed: 5,
      startAt: '2025-08-06T03:00:00Z',
      items: { count: 1, domains: { 'shop.example': 1 } },
      world: { account: { concurrency: 5 }, behaviour: { default: { latency: { type: 'fixed', ms: '2s' } } }, network },
      policies: [{ name: 'sdk', workers: 1, client: 'python-sdk', tiers: ['plain'], escalateOn: [] }],
    },
  });
  const run = await simulatePolicy({ scenario, policy: scenario.policies[0]! });
  const ends = run.events.filter((e: BatchEvent): e is AttemptEndEvent => e.type === 'attempt.end');
  return { run, ends };
}

describe('the python-sdk preset', () => {
  it('has the SDK source timeouts and retries', () => {
    expect(PYTHON_SDK_CLIENT).toMatchObject({ readTimeoutMs: 160_000, connectTimeoutMs: 30_000, maxTries: 5, retryOn: ['client-timeout', 'network'] });
  });

  it('does not retry a truncated body', async () => {
    const { run, ends } = await runOne({ roundTrip: '100ms', truncatedBody: 1 });
    expect(ends.map((e) => [e.result, e.errorClass, e.status])).toEqual([['network-error', 'truncated', 200]]);
    expect(run.result.items[0]!.reason).toBe('truncated');
  });

  it('retries a reset connection up to 5 tries in all', async () => {
    const { run, ends } = await runOne({ roundTrip: '100ms', resetBeforeAnswer: 1 });
    expect(ends.map((e) => [e.errorClass, e.durationMs])).toEqual(Array.from({ length: 5 }, () => ['network', 2100]));
    expect(run.result.items[0]!.reason).toBe('network');
    // Each reset came after the scrape ran: five scrapes billed, none answered.
    expect(run.mock.creditsUsed).toBe(5);
  });

  it('gives up on an unreachable API after its 30 s connect timeout, five times', async () => {
    const { run, ends } = await runOne({ roundTrip: '100ms', outages: [{ startMs: 0, durationMs: '1h', kind: 'unreachable' }] });
    expect(ends.map((e) => [e.errorClass, e.durationMs])).toEqual(Array.from({ length: 5 }, () => ['network', 30_000]));
    expect(run.mock.requests).toBe(0);
    // Five 30 s connect timeouts and four backoff waits of at most 1+2+4+8 s.
    expect(run.result.makespanMs).toBeGreaterThanOrEqual(150_000);
    expect(run.result.makespanMs).toBeLessThanOrEqual(165_000);
  });
});
