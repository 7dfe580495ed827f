import { describe, expect, it } from 'vitest';
import { createVirtualClock } from '../../src/clock/virtual-clock.js';
import { BatchCancelledError, runBatch } from '../../src/engine/run-batch.js';
import { createCollectingSink } from '../../src/events/collect-events.js';
import { createDirectTransport } from '../../src/mock/direct-transport.js';
import { withInProcessHop } from '../../src/mock/in-process-hop.js';
import { createMockCore } from '../../src/mock/mock-core.js';
import { createSeededRandom } from '../../src/random/seeded-random.js';
import { loadJson } from '../support/simulate-json.js';

const T0 = Date.UTC(2025, 0, 1);

describe('cancellation', () => {
  it('aborts requests in flight, zombies included, and gives every item an outcome', async () => {
    const scenario = loadJson({
      name: 'cancel',
      startAt: '2025-01-01T00:00:00Z',
      items: { count: 6, domains: { 'a.example': 1 } },
      world: { account: { concurrency: 10 }, behaviour: { default: { latency: { type: 'fixed', ms: 60_000 } } } },
      policies: [{ name: 'p', workers: 2, client: { readTimeoutMs: null, maxTries: 1 }, tiers: ['plain'], callTimeoutMs: '30s', timeoutSemantics: 'abandon', retry: { maxCalls: 2, on: ['client-timeout'], backoff: { initialMs: 0, maxMs: 0 } } }],
    });
    const clock = createVirtualClock({ startMs: T0 });
    const sink = createCollectingSink();
    const random = createSeededRandom(1);
    const core = createMockCore({ world: scenario.world, clock, random: random.fork('mock'), events: sink, originMs: T0 });
    const transport = withInProcessHop({ clock, face: createDirectTransport({ core, clock }) });
    const controller = new AbortController();
    const error = await clock.run(async () => {
      clock.schedule(45_000, () => controller.abort());
      try {
        await runBatch({ items: scenario.items, policy: scenario.policies[0]!, ports: { clock, transport, random, events: sink }, scrapfly: { apiKey: 'k' }, batchId: 'b', signal: controller.signal });
        return null;
      } catch (e) {
        return e;
      }
    });
    expect(error).toBeInstanceOf(BatchCancelledError);
    const result = (error as BatchCancelledError).result;
    expect(result.items.map((i) => [i.outcome, i.reason, i.endMs - T0])).toEqual([
      ['failed', 'cancelled', 45_000],
      ['failed', 'cancelled', 45_000],
      ['skipped', 'cancelled', 45_000],
      ['skipped', 'cancelled', 45_000],
      ['skipped', 'cancelled', 45_000],
      ['skipped', 'cancelled', 45_000],
    ]);
    // The abandoned first calls (zombies since 30 s) were cancelled too: nothing ran past 45 s on the client.
    const lastClientEvent = sink.events.filter((e) => !e.type.startsWith('mock.')).at(-1)!;
    expect(lastClientEvent.atMs - T0).toBe(45_000);
    const cut = sink.events.filter((e) => e.type === 'attempt.end' && e.result === 'cut');
    expect(cut).toHaveLength(4);
  });
});
