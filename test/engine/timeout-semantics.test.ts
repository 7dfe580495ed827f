import { describe, expect, it } from 'vitest';
import type { BatchEvent } from '../../src/events/batch-event.js';
import { loadJson, simulateFirst } from '../support/simulate-json.js';

const T0 = Date.UTC(2025, 0, 1);

function scenarioWith(policy: Record<string, unknown>, items = 1) {
  return loadJson({
    name: 'timeouts',
    startAt: '2025-01-01T00:00:00Z',
    items: { count: items, domains: { 'slow.example': 1 } },
    world: {
      account: { concurrency: 10 },
      behaviour: { default: { latency: { type: 'fixed', ms: 1000 } } },
      domains: { 'slow.example': { default: { hang: { p: 1, latency: { type: 'fixed', ms: 300_000 } } } } },
      // Round timestamps: the network's round trips have tests of their own (test/mock/network-model.test.ts).
      network: 'none',
    },
    policies: [{ name: 'p', workers: 1, client: { readTimeoutMs: null, maxTries: 1 }, tiers: ['plain'], escalateOn: [], ...policy }],
  });
}

/** Events as [type, ms since start, extra] for compact exact assertions. */
function timeline(events: readonly BatchEvent[]): Array<[string, number, string]> {
  return events.map((e) => {
    const extra =
      e.type === 'attempt.end' ? `${e.result}${e.zombie ? ' zombie' : ''}${e.errorCode ? ` ${e.errorCode}` : ''}`
      : e.type === 'item.end' ? `${e.outcome} ${e.reason}`
      : e.type === 'mock.end' ? `${e.status}${e.clientGone ? ' client gone' : ''}`
      : '';
    return [e.type, e.atMs - T0, extra];
  });
}

describe('timeout semantics', () => {
  it('abort cancels the request: the worker is free at 90 s, the server keeps the slot until 300 s', async () => {
    const run = await simulateFirst(scenarioWith({ callTimeoutMs: '90s', timeoutSemantics: 'abort' }));
    expect(timeline(run.events)).toEqual([
      ['batch.start', 0, ''],
      ['item.start', 0, ''],
      ['attempt.start', 0, ''],
      ['mock.accept', 0, ''],
      ['call.timeout', 90_000, ''],
      ['attempt.end', 90_000, 'cut'],
      ['item.end', 90_000, 'failed client-timeout'],
      ['batch.end', 90_000, ''],
      ['mock.end', 300_000, '504 client gone'],
    ]);
    expect(run.result.makespanMs).toBe(90_000);
  });

  it('abandon stops waiting at 90 s but lets the request run on as a zombie until it answers', async () => {
    const run = await simulateFirst(scenarioWith({ callTimeoutMs: '90s', timeoutSemantics: 'abandon' }));
    expect(timeline(run.events)).toEqual([
      ['batch.start', 0, ''],
      ['item.start', 0, ''],
      ['attempt.start', 0, ''],
      ['mock.accept', 0, ''],
      ['call.timeout', 90_000, ''],
      ['attempt.abandon', 90_000, ''],
      ['item.end', 90_000, 'failed client-timeout'],
      ['batch.end', 90_000, ''],
      ['mock.end', 300_000, '504'],
      ['attempt.end', 300_000, 'api-error zombie ERR::SCRAPE::OPERATION_TIMEOUT'],
    ]);
  });

  it('under blocking execution the call timeout only lands when the call returns', async () => {
    const run = await simulateFirst(scenarioWith({ callTimeoutMs: '90s', execution: 'blocking' }, 2));
    const t = timeline(run.events).filter(([type]) => type === 'item.start' || type === 'item.end' || type === 'call.timeout');
    expect(t).toEqual([
      ['item.start', 0, ''],
      ['call.timeout', 300_000, ''],
      ['item.end', 300_000, 'failed client-timeout'],
      ['item.start', 300_000, ''],
      ['call.timeout', 600_000, ''],
      ['item.end', 600_000, 'failed client-timeout'],
    ]);
  });

  it('the Python SDK preset retries read timeouts 5 times at 160 s each, with backoff in between', async () => {
    const run = await simulateFirst(scenarioWith({ client: 'python-sdk' }));
    const attempts = run.events.filter((e) => e.type === 'attempt.start' || e.type === 'attempt.end');
    expect(attempts).toHaveLength(10);
    const backoffs = run.events.flatMap((e) => (e.type === 'backoff' ? [e.delayMs] : []));
    expect(backoffs).toHaveLength(4);
    backoffs.forEach((delay, i) => {
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(1000 * 2 ** i);
    });
    let expected = 0;
    for (let k = 0; k < 5; k++) {
      const start = attempts[2 * k]!;
      const end = attempts[2 * k + 1]!;
      expect(start.atMs - T0).toBe(expected);
      expect(end.atMs - start.atMs).toBe(160_000);
      expect(end.type === 'attempt.end' && end.result).toBe('read-timeout');
      expected += 160_000 + (backoffs[k] ?? 0);
    }
    expect(run.result.items[0]!.outcome).toBe('failed');
    expect(run.result.makespanMs).toBe(5 * 160_000 + backoffs.reduce((a, b) => a + b, 0));
  });

  it('a batch deadline times out the item in flight and skips the queue', async () => {
    const run = await simulateFirst(scenarioWith({ batchDeadlineMs: '100s' }, 3));
    expect(run.result.items.map((i) => [i.outcome, i.reason, i.endMs - T0])).toEqual([
      ['timed-out', 'batch-deadline', 100_000],
      ['skipped', 'batch-deadline', 100_000],
      ['skipped', 'batch-deadline', 100_000],
    ]);
  });

  it('an item deadline cuts the item at exactly its deadline', async () => {
    const run = await simulateFirst(scenarioWith({ itemDeadlineMs: '45s' }, 2));
    expect(run.result.items.map((i) => [i.outcome, i.reason, i.startMs! - T0, i.endMs - T0])).toEqual([
      ['timed-out', 'item-deadline', 0, 45_000],
      ['timed-out', 'item-deadline', 45_000, 90_000],
    ]);
  });
});
