import { describe, expect, it } from 'vitest';
import { createVirtualClock } from '../../src/clock/virtual-clock.js';
import { runBatch } from '../../src/engine/run-batch.js';
import type { PriceExtractor } from '../../src/engine/batch-types.js';
import { createCollectingSink } from '../../src/events/collect-events.js';
import { createDirectTransport } from '../../src/mock/direct-transport.js';
import { createMockCore } from '../../src/mock/mock-core.js';
import { createSeededRandom } from '../../src/random/seeded-random.js';
import { loadJson } from '../support/simulate-json.js';

const T0 = Date.UTC(2025, 0, 1);

/** Runs a 3-item batch (2 workers, 5 s per scrape) with `extractPrice`; resolves with what runBatch did. */
async function runWith(extractPrice: PriceExtractor) {
  const scenario = loadJson({
    name: 'bugs',
    startAt: '2025-01-01T00:00:00Z',
    items: { count: 3, domains: { 'a.example': 1 } },
    world: { account: { concurrency: 10 }, behaviour: { default: { latency: { type: 'fixed', ms: 5_000 } } } },
    policies: [{ name: 'p', workers: 2, client: { readTimeoutMs: null, maxTries: 1 }, tiers: ['plain'] }],
  });
  const clock = createVirtualClock({ startMs: T0 });
  const sink = createCollectingSink();
  const random = createSeededRandom(1);
  const core = createMockCore({ world: scenario.world, clock, random: random.fork('mock'), events: sink, originMs: T0 });
  const transport = createDirectTransport({ core, clock, hop: true });
  const outcome = await clock.run(() =>
    runBatch({ items: scenario.items, policy: scenario.policies[0]!, ports: { clock, transport, random, events: sink }, scrapfly: { apiKey: 'k' }, batchId: 'b', extractPrice }).then(
      (result) => ({ result, error: null }),
      (error: unknown) => ({ result: null, error }),
    ),
  );
  return { ...outcome, atMs: clock.now() - T0, events: sink.events };
}

describe('a bug inside the engine', () => {
  it('makes runBatch reject with it, at the moment it happens, instead of hanging', async () => {
    const bug = new Error('extractor bug');
    let pages = 0;
    const run = await runWith(() => {
      pages += 1;
      if (pages === 2) throw bug;
      return { price: 10, currency: 'USD', source: 'test' };
    });
    expect(run.error).toBe(bug);
    expect(run.atMs).toBe(5_000);
    // The first item priced; the second page's extraction threw before its attempt ended.
    expect(run.events.filter((e) => e.type === 'item.end').map((e) => (e.type === 'item.end' ? [e.item, e.outcome] : null))).toEqual([[0, 'priced']]);
  });

  it('leaves a batch whose extractor works alone', async () => {
    const run = await runWith(() => ({ price: 10, currency: 'USD', source: 'test' }));
    expect(run.error).toBeNull();
    expect(run.result?.counts).toEqual({ priced: 3, failed: 0, timedOut: 0, skipped: 0 });
    expect(run.atMs).toBe(10_000);
  });
});
