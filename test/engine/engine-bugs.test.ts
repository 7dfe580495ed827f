import { describe, expect, it } from 'vitest';
import { createVirtualClock } from '../../src/clock/virtual-clock.js';
import { BatchCancelledError, runBatch } from '../../src/engine/run-batch.js';
import type { PriceExtractor } from '../../src/engine/batch-types.js';
import type { BatchEvent } from '../../src/events/batch-event.js';
import { createDirectTransport } from '../../src/mock/direct-transport.js';
import { createMockCore } from '../../src/mock/mock-core.js';
import type { EventSink } from '../../src/ports.js';
import { createSeededRandom } from '../../src/random/seeded-random.js';
import { loadJson } from '../support/simulate-json.js';

const T0 = Date.UTC(2025, 0, 1);
const PRICE = { price: 10, currency: 'USD', source: 'test' };

/**
 * Runs the first policy of a scenario over the direct face, then keeps the clock running
 * `afterMs` (as a live process would) to show what a settled batch still does. `onEvent` may
 * cancel the batch through the given controller.
 */
async function runBatchOf(options: {
  json: Record<string, unknown>;
  extractPrice?: PriceExtractor;
  onEvent?: (event: BatchEvent, controller: AbortController) => void;
  afterMs?: number;
}) {
  const scenario = loadJson({ name: 'bugs', startAt: '2025-01-01T00:00:00Z', ...options.json });
  const clock = createVirtualClock({ startMs: T0 });
  const events: BatchEvent[] = [];
  const controller = new AbortController();
  const sink: EventSink = {
    emit: (event) => {
      events.push(event);
      options.onEvent?.(event, controller);
    },
  };
  const random = createSeededRandom(1);
  const core = createMockCore({ world: scenario.world, clock, random: random.fork('mock'), events: sink, originMs: T0 });
  const transport = createDirectTransport({ core, clock, hop: true });
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    const outcome = await clock.run(async () => {
      const settled = await runBatch({
        items: scenario.items,
        policy: scenario.policies[0]!,
        ports: { clock, transport, random, events: sink },
        scrapfly: { apiKey: 'k' },
        batchId: 'b',
        extractPrice: options.extractPrice,
        signal: controller.signal,
      }).then(
        (result) => ({ result, error: null, atMs: clock.now() - T0 }),
        (error: unknown) => ({ result: null, error, atMs: clock.now() - T0 }),
      );
      if (options.afterMs) await clock.sleep(options.afterMs);
      return settled;
    });
    // Let any stray rejection surface before looking.
    await new Promise((resolve) => setImmediate(resolve));
    return { ...outcome, events, unhandled };
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
}

const fixedWorld = (ms: number) => ({ account: { concurrency: 10 }, behaviour: { default: { latency: { type: 'fixed', ms } } } });
const ends = (events: readonly BatchEvent[]) => events.flatMap((e) => (e.type === 'item.end' ? [[e.item, e.outcome, e.reason, e.atMs - T0]] : []));

describe('a bug inside the engine', () => {
  it('makes runBatch reject with it, at the moment it happens, instead of hanging', async () => {
    const bug = new Error('extractor bug');
    let pages = 0;
    const run = await runBatchOf({
      json: { items: { count: 3, domains: { 'a.example': 1 } }, world: fixedWorld(5_000), policies: [{ name: 'p', workers: 2, client: { readTimeoutMs: null, maxTries: 1 }, tiers: ['plain'] }] },
      extractPrice: () => {
        pages += 1;
        if (pages === 2) throw bug;
        return PRICE;
      },
    });
    expect(run.error).toBe(bug);
    expect(run.atMs).toBe(5_000);
    // The first item priced; the second page's extraction threw before its attempt ended.
    expect(ends(run.events)).toEqual([[0, 'priced', null, 5_000]]);
    expect(run.unhandled).toEqual([]);
  });

  it('in an abandoned call (a zombie) makes runBatch reject with it too, with no unhandled rejection', async () => {
    const bug = new Error('extractor bug on a zombie page');
    let pages = 0;
    const run = await runBatchOf({
      // Call 1 is abandoned at 30 s; its page arrives at 40 s and the extractor throws on it.
      json: {
        items: { count: 1, domains: { 'a.example': 1 } },
        world: fixedWorld(40_000),
        policies: [{ name: 'p', workers: 1, client: { readTimeoutMs: null, maxTries: 1 }, tiers: ['plain'], callTimeoutMs: '30s', timeoutSemantics: 'abandon', retry: { maxCalls: 3, on: ['client-timeout'], backoff: { initialMs: 0, maxMs: 0 } } }],
      },
      extractPrice: () => {
        pages += 1;
        if (pages === 1) throw bug;
        return PRICE;
      },
    });
    expect(run.error).toBe(bug);
    expect(run.unhandled).toEqual([]);
  });

  it('thrown in a step a timer started (here an event sink on attempt.slow) rejects runBatch, not the clock', async () => {
    const bug = new Error('sink bug');
    const run = await runBatchOf({
      json: { items: { count: 1, domains: { 'a.example': 1 } }, world: fixedWorld(30_000), policies: [{ name: 'p', workers: 1, client: { readTimeoutMs: null, maxTries: 1 }, tiers: ['plain'], slowRequestMs: '5s' }] },
      onEvent: (event) => {
        if (event.type === 'attempt.slow') throw bug;
      },
    });
    expect(run.error).toBe(bug);
    expect(run.atMs).toBe(5_000);
  });

  it('leaves a batch whose extractor works alone', async () => {
    const run = await runBatchOf({
      json: { items: { count: 3, domains: { 'a.example': 1 } }, world: fixedWorld(5_000), policies: [{ name: 'p', workers: 2, client: { readTimeoutMs: null, maxTries: 1 }, tiers: ['plain'] }] },
      extractPrice: () => PRICE,
    });
    expect(run.error).toBeNull();
    expect(run.result?.counts).toEqual({ priced: 3, failed: 0, timedOut: 0, skipped: 0 });
    expect(run.atMs).toBe(10_000);
  });
});

describe('a batch cancelled by an event sink, on the event itself', () => {
  it('on attempt.abandon: the zombie is aborted and the batch ends cancelled at that moment', async () => {
    const run = await runBatchOf({
      json: {
        items: { count: 1, domains: { 'a.example': 1 } },
        world: fixedWorld(60_000),
        policies: [{ name: 'p', workers: 1, client: { readTimeoutMs: null, maxTries: 1 }, tiers: ['plain'], callTimeoutMs: '20s', timeoutSemantics: 'abandon', retry: { maxCalls: 2, on: ['client-timeout'], backoff: { initialMs: 1000, maxMs: 1000, jitter: 'none' } } }],
      },
      onEvent: (event, controller) => {
        if (event.type === 'attempt.abandon') controller.abort();
      },
    });
    expect(run.error).toBeInstanceOf(BatchCancelledError);
    expect(run.atMs).toBe(20_000);
    expect(ends(run.events)).toEqual([[0, 'failed', 'cancelled', 20_000]]);
    expect(run.events.filter((e) => e.type === 'attempt.end').map((e) => (e.type === 'attempt.end' ? [e.result, e.zombie, e.atMs - T0] : null))).toEqual([['cut', true, 20_000]]);
  });

  it('on a retry’s attempt.start: that request is never sent, and nothing of the batch runs on', async () => {
    const run = await runBatchOf({
      json: {
        items: { count: 1, domains: { 'a.example': 1 } },
        world: fixedWorld(30_000),
        policies: [{ name: 'p', workers: 1, client: { readTimeoutMs: '10s', maxTries: 2, retryOn: ['client-timeout'], backoff: { initialMs: 0, maxMs: 0 } }, tiers: ['plain'], slowRequestMs: '5s' }],
      },
      onEvent: (event, controller) => {
        if (event.type === 'attempt.start' && event.try === 2) controller.abort();
      },
      afterMs: 60_000,
    });
    expect(run.error).toBeInstanceOf(BatchCancelledError);
    expect(run.atMs).toBe(10_000);
    const client = run.events.filter((e) => !e.type.startsWith('mock.')).map((e) => `${e.atMs - T0} ${e.type}`);
    expect(client).toEqual([
      '0 batch.start',
      '0 item.start',
      '0 attempt.start',
      '5000 attempt.slow',
      '10000 attempt.end',
      '10000 backoff',
      '10000 attempt.start',
      '10000 attempt.end',
      '10000 item.end',
      '10000 batch.end',
    ]);
    // Only the first request reached the mock (it runs to its end there, as on the real API).
    expect(run.events.filter((e) => e.type === 'mock.accept')).toHaveLength(1);
  });
});

describe('a policy without tiers', () => {
  it('is refused at runBatch, before any event or request, instead of failing every item', async () => {
    const scenario = loadJson({
      name: 'tierless',
      startAt: '2025-01-01T00:00:00Z',
      items: { count: 2, domains: { 'a.example': 1 } },
      world: fixedWorld(1_000),
      policies: [{ name: 'p', workers: 1, tiers: ['plain'] }],
    });
    const clock = createVirtualClock({ startMs: T0 });
    const events: BatchEvent[] = [];
    const sink: EventSink = { emit: (event) => void events.push(event) };
    const random = createSeededRandom(1);
    const core = createMockCore({ world: scenario.world, clock, random: random.fork('mock'), events: sink, originMs: T0 });
    const transport = createDirectTransport({ core, clock, hop: true });
    // Only code can build one (the scenario loader refuses it): the policy as a caller might.
    const policy = { ...scenario.policies[0]!, tiers: [] };
    await expect(runBatch({ items: scenario.items, policy, ports: { clock, transport, random, events: sink }, scrapfly: { apiKey: 'k' }, batchId: 'b' })).rejects.toThrow(
      'policy p has no tiers: a batch needs at least one',
    );
    expect(events).toEqual([]);
  });
});
