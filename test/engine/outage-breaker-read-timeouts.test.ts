/**
 * The outage breaker's read-timeout rule, in isolation: a read timeout neither counts toward the
 * streak nor ends it (the client cannot tell a stuck scrape from an API that stopped answering);
 * only an answer of the API ends a streak. One worker takes the items in order, and each item's
 * host says how its one request ends, so every request's end and the breaker's trip fall on
 * exact virtual times:
 * - `down.example`: the connection is refused 100 ms after the request is sent (a network error);
 * - `stuck.example`: nothing ever comes back, the client's 10 s read timeout fires;
 * - `ok.example`: the mock API answers after 1 s with a priced page.
 */
import { describe, expect, it } from 'vitest';
import { createVirtualClock } from '../../src/clock/virtual-clock.js';
import { runBatch } from '../../src/engine/run-batch.js';
import type { BatchResult } from '../../src/engine/batch-types.js';
import { TransportError } from '../../src/errors.js';
import type { BatchEvent } from '../../src/events/batch-event.js';
import { createDirectTransport } from '../../src/mock/direct-transport.js';
import { createMockCore } from '../../src/mock/mock-core.js';
import type { Transport } from '../../src/ports.js';
import { createSeededRandom } from '../../src/random/seeded-random.js';
import { loadJson } from '../support/simulate-json.js';

const T0 = Date.UTC(2025, 0, 1);
type Host = 'down' | 'stuck' | 'ok';

async function runItems(hosts: readonly Host[]): Promise<{ result: BatchResult; events: BatchEvent[] }> {
  const scenario = loadJson({
    name: 'breaker-read-timeouts',
    startAt: '2025-01-01T00:00:00Z',
    items: { list: hosts.map((host, k) => ({ name: `${host} ${k}`, url: `https://${host}.example/p/${k}` })) },
    world: { account: { concurrency: 5 }, behaviour: { default: { latency: { type: 'fixed', ms: 1000 } } }, network: 'none' },
    policies: [
      {
        name: 'p',
        workers: 1,
        client: { preset: 'plain', readTimeoutMs: '10s', maxTries: 1 },
        tiers: [{ base: 'plain', retry: false, timeoutMs: '15s' }],
        escalateOn: [],
        outageBreaker: { consecutiveFailures: 3 },
      },
    ],
  });
  const clock = createVirtualClock({ startMs: T0 });
  const events: BatchEvent[] = [];
  const sink = { emit: (event: BatchEvent) => void events.push(event) };
  const random = createSeededRandom(1);
  const core = createMockCore({ world: scenario.world, clock, random: random.fork('mock'), events: sink, originMs: T0 });
  const api = createDirectTransport({ core, clock, hop: true });
  const transport: Transport = {
    send(request, options) {
      const host = new URL(new URL(request.url).searchParams.get('url') ?? '').hostname;
      const { signal } = options;
      if (host === 'down.example') {
        return clock.sleep(100, signal).then(() => {
          throw new TransportError('connect ECONNREFUSED 127.0.0.1:443');
        });
      }
      if (host === 'stuck.example') return new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason), { once: true }));
      return api.send(request, options);
    },
  };
  const result = await clock.run(() => runBatch({ items: scenario.items, policy: scenario.policies[0]!, ports: { clock, transport, random, events: sink }, scrapfly: { apiKey: 'k' }, batchId: 'b' }));
  return { result, events };
}

/** Each request's end as `ms since start, host, result`, and the breaker's trip. */
function ends(events: readonly BatchEvent[], hosts: readonly Host[]): string[] {
  return events.flatMap((e) => {
    if (e.type === 'attempt.end') return [`${e.atMs - T0} ${hosts[e.item]} ${e.result}`];
    if (e.type === 'batch.outage') return [`${e.atMs - T0} breaker trips after ${e.consecutiveFailures} (${e.lastError})`];
    return [];
  });
}

describe('the outage breaker and read timeouts', () => {
  it('read timeouts between network errors do not end the streak: the third network error trips it', async () => {
    const hosts: Host[] = ['down', 'stuck', 'down', 'stuck', 'down', 'ok', 'ok'];
    const { result, events } = await runItems(hosts);
    expect(ends(events, hosts)).toEqual([
      '100 down network-error',
      '10100 stuck read-timeout',
      '10200 down network-error',
      '20200 stuck read-timeout',
      '20300 down network-error',
      '20300 breaker trips after 3 (NETWORK_ERROR)',
    ]);
    expect(result.stoppedBy).toBe('outage');
    expect(result.endMs - T0).toBe(20_300);
    // The two items never started end skipped, for the outage (a live batch records no result for them).
    expect(result.items.slice(5).map((i) => [i.outcome, i.reason, i.attempts])).toEqual([
      ['skipped', 'outage', 0],
      ['skipped', 'outage', 0],
    ]);
  });

  it('read timeouts do not count: three of them and two network errors leave the breaker closed; an answer of the API ends the streak', async () => {
    const hosts: Host[] = ['stuck', 'stuck', 'stuck', 'down', 'down', 'ok', 'down', 'down', 'ok'];
    const { result, events } = await runItems(hosts);
    expect(ends(events, hosts)).toEqual([
      '10000 stuck read-timeout',
      '20000 stuck read-timeout',
      '30000 stuck read-timeout',
      '30100 down network-error',
      '30200 down network-error',
      '31200 ok ok',
      '31300 down network-error',
      '31400 down network-error',
      '32400 ok ok',
    ]);
    expect(result.stoppedBy).toBeNull();
    expect(result.counts).toEqual({ priced: 2, failed: 7, timedOut: 0, skipped: 0 });
  });
});
