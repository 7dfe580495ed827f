/**
 * The network between the client and the API (world.network): every answer, refusals included,
 * takes at least the model's round trip; an instant network gives the old timings exactly; resets,
 * truncated bodies and outages reach the client as its socket would report them.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AttemptEndEvent, BatchEvent } from '../../src/events/batch-event.js';
import { parseScenario } from '../../src/scenario/parse-scenario.js';
import { simulatePolicy } from '../../src/simulation/simulate-policy.js';

const T0 = Date.parse('2025-08-06T03:00:00Z');

/** A scenario: `count` items on two domains, a world with `extra` fields and one policy. */
function scenarioJson(options: { world?: Record<string, unknown>; policy?: Record<string, unknown>; count?: number; concurrency?: number; latency?: unknown }) {
  return {
    name: 'net',
    seed: 11,
    startAt: '2025-08-06T03:00:00Z',
    items: { count: options.count ?? 20, domains: { 'a.example': 1, 'b.example': 1 } },
    world: {
      account: { concurrency: options.concurrency ?? 3 },
      behaviour: { default: { latency: options.latency ?? { type: 'uniform', minMs: '1s', maxMs: '3s' } } },
      ...options.world,
    },
    policies: [{ name: 'p', workers: 4, escalateOn: ['any'], ...options.policy }],
  };
}

async function simulate(json: Record<string, unknown>, face: 'direct' | 'msw' = 'direct') {
  const scenario = parseScenario({ json, source: 'net.json' });
  return simulatePolicy({ scenario, policy: scenario.policies[0]!, face });
}

const ends = (events: BatchEvent[]) => events.filter((e): e is AttemptEndEvent => e.type === 'attempt.end');
/** When each attempt was sent, by `<item>/<attempt>` (attempts are numbered per item). */
const starts = (events: BatchEvent[]) => new Map(events.flatMap((e) => (e.type === 'attempt.start' ? [[`${e.item}/${e.attempt}`, e.atMs] as const] : [])));

describe('the network model', () => {
  it('a scenario without `network` gets the default round trip; "none" is the instant network', () => {
    const world = parseScenario({ json: scenarioJson({}), source: 'x' }).world;
    expect(world.network?.roundTrip).toEqual({ type: 'lognormal', medianMs: 200, sigma: 0.35, minMs: 60, maxMs: 3000 });
    const none = parseScenario({ json: scenarioJson({ world: { network: 'none' } }), source: 'x' }).world;
    expect(none.network).toEqual({ roundTrip: { type: 'fixed', ms: 0 }, resetBeforeAnswer: 0, truncatedBody: 0, outages: [] });
    const zero = parseScenario({ json: scenarioJson({ world: { network: { roundTrip: '0ms' } } }), source: 'x' }).world;
    expect(zero.network).toEqual(none.network);
    expect(() => parseScenario({ json: scenarioJson({ world: { network: { roundTrip: '1s', truncatedBody: 2 } } }), source: 'x.json' })).toThrow('world.network.truncatedBody');
    expect(() => parseScenario({ json: scenarioJson({ world: { network: { outages: [{ durationMs: '1m', kind: 'down' }] } } }), source: 'x.json' })).toThrow(
      'world.network.outages[0].kind must be one of "refused", "unreachable", got "down"',
    );
  });

  it('an instant network gives exactly the timings of a world without one, on both faces', async () => {
    for (const face of ['direct', 'msw'] as const) {
      const scenario = parseScenario({ json: scenarioJson({ world: { network: 'none' } }), source: 'x' });
      const instant = await simulatePolicy({ scenario, policy: scenario.policies[0]!, face });
      const bare = await simulatePolicy({ scenario: { ...scenario, world: { ...scenario.world, network: undefined } }, policy: scenario.policies[0]!, face });
      expect(instant.events).toEqual(bare.events);
      // The first three items start at once and their first attempts answer after their server time alone.
      const first = ends(instant.events)[0]!;
      expect(first.durationMs).toBe(first.atMs - T0);
    }
  });

  it('no answer comes sooner than the shortest round trip: successes, 429s and 401s alike', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 0, max: 400 }), fc.boolean(), fc.integer({ min: 1, max: 3 }), async (minMs, spreadMs, badKey, concurrency) => {
        const json = scenarioJson({
          count: 12,
          concurrency,
          latency: { type: 'uniform', minMs: 0, maxMs: '2s' },
          world: { network: { roundTrip: { type: 'uniform', minMs, maxMs: minMs + spreadMs } }, ...(badKey ? { account: { concurrency, apiKeys: ['not-the-simulated-key'] } } : {}) },
        });
        const run = await simulate(json);
        const sentAt = starts(run.events);
        const answered = ends(run.events).filter((e) => e.status !== null);
        expect(answered.length).toBeGreaterThan(0);
        for (const end of answered) expect(end.atMs - sentAt.get(`${end.item}/${end.attempt}`)!).toBeGreaterThanOrEqual(minMs);
        if (badKey) expect(answered.every((e) => e.status === 401)).toBe(true);
      }),
      { numRuns: 25, seed: 42 },
    );
  });

  it('a refusal costs a round trip: 429s are spread over time, not drained in one millisecond', async () => {
    const json = scenarioJson({ count: 30, concurrency: 1, latency: { type: 'fixed', ms: '10s' }, world: { network: { roundTrip: '100ms' } }, policy: { workers: 4 } });
    const run = await simulate(json);
    const refused = ends(run.events).filter((e) => e.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    for (const end of refused) expect(end.durationMs).toBe(100);
    // The instant network of old: the same refusals take 0 ms.
    const old = await simulate(scenarioJson({ count: 30, concurrency: 1, latency: { type: 'fixed', ms: '10s' }, world: { network: 'none' }, policy: { workers: 4 } }));
    expect(ends(old.events).filter((e) => e.status === 429).every((e) => e.durationMs === 0)).toBe(true);
  });

  it('a success takes its server time plus the round trip, split half before and half after', async () => {
    const run = await simulate(scenarioJson({ count: 1, latency: { type: 'fixed', ms: '2s' }, world: { network: { roundTrip: '301ms' } } }));
    const accept = run.events.find((e) => e.type === 'mock.accept')!;
    const end = ends(run.events)[0]!;
    expect(accept.atMs - T0).toBe(150);
    expect(end.atMs - T0).toBe(2301);
    expect(end.result).toBe('ok');
  });

  it('the same scenario and seed give the same network; policies asking for the same pages meet the same draws', async () => {
    const json = scenarioJson({ world: { network: {} } });
    const a = await simulate(json);
    const b = await simulate(json);
    expect(a.events).toEqual(b.events);
    // A timeout sent with retry=true changes the request's query, not the page it asks for.
    const tiers = ['plain', 'render_js', 'asp'].map((base) => ({ base, timeoutMs: '60s' }));
    const withTimeout = await simulate(scenarioJson({ world: { network: {} }, policy: { tiers } }));
    expect(ends(withTimeout.events).map((e) => e.atMs)).toEqual(ends(a.events).map((e) => e.atMs));
  });

  it('a reset before the answer is a network error after the scrape ran and was billed', async () => {
    const run = await simulate(scenarioJson({ count: 4, concurrency: 4, latency: { type: 'fixed', ms: '1s' }, world: { network: { roundTrip: '40ms', resetBeforeAnswer: 1 } }, policy: { escalateOn: [] } }));
    const all = ends(run.events);
    expect(all.every((e) => e.result === 'network-error' && e.errorClass === 'network' && e.status === null)).toBe(true);
    expect(all.map((e) => e.durationMs)).toEqual([1040, 1040, 1040, 1040]);
    expect(run.mock.creditsUsed).toBe(4);
  });

  it('a truncated body is its own class, with the status that arrived before it broke off', async () => {
    const run = await simulate(scenarioJson({ count: 2, latency: { type: 'fixed', ms: '1s' }, world: { network: { roundTrip: '40ms', truncatedBody: 1 } }, policy: { escalateOn: [] } }));
    expect(ends(run.events).map((e) => [e.result, e.errorClass, e.status, e.durationMs])).toEqual([
      ['network-error', 'truncated', 200, 1040],
      ['network-error', 'truncated', 200, 1040],
    ]);
  });

  it('an outage: refused connections fail after a round trip; an unreachable API waits for the connect timeout', async () => {
    const outage = (kind: string) => ({ network: { roundTrip: '50ms', outages: [{ startMs: 0, durationMs: '10m', kind }] } });
    const refused = await simulate(scenarioJson({ count: 1, world: outage('refused'), policy: { escalateOn: [] } }));
    expect(ends(refused.events).map((e) => [e.result, e.durationMs])).toEqual([['network-error', 50]]);
    expect(refused.mock.requests).toBe(0);
    const unreachable = await simulate(scenarioJson({ count: 1, world: outage('unreachable'), policy: { escalateOn: [], client: { preset: 'plain', connectTimeoutMs: '7s' } } }));
    expect(ends(unreachable.events).map((e) => [e.result, e.durationMs])).toEqual([['network-error', 7000]]);
    const noTimeout = await simulate(scenarioJson({ count: 1, world: outage('unreachable'), policy: { escalateOn: [], client: { preset: 'plain', connectTimeoutMs: null, readTimeoutMs: null } } }));
    expect(ends(noTimeout.events).map((e) => e.durationMs)).toEqual([127_000]);
  });
});

describe('the instant network against the code before the network model', () => {
  // Recorded from the incident scenario on the commit before the network model (bc31d26): every
  // attempt end, item end and mock event (type, time, item or request, status), hashed.
  const BEFORE: Record<string, [makespanMs: number, credits: number, eventsHash: string]> = {
    baseline: [3_154_056, 194, '6f5186d31a70760d'],
    'rec4-thread-90s-abandon': [96_805, 56, '3a7db0b351c785fb'],
    fixed: [293_499, 169, '38e35b2f4f2154a8'],
  };
  it('"network": "none" gives the incident exactly the timings, outcomes and credits of before', async () => {
    const json = JSON.parse(readFileSync(new URL('../../scenarios/incident-2025-08-06.json', import.meta.url), 'utf8')) as { world: Record<string, unknown> };
    json.world['network'] = 'none';
    const scenario = parseScenario({ json, source: 'incident, instant network' });
    for (const [name, [makespanMs, credits, hash]] of Object.entries(BEFORE)) {
      const run = await simulatePolicy({ scenario, policy: scenario.policies.find((p) => p.name === name)! });
      const rows = run.events
        .filter((e) => e.type === 'attempt.end' || e.type === 'item.end' || e.type.startsWith('mock.'))
        .map((e) => [e.type, e.atMs, (e as { item?: number }).item ?? (e as { correlationId?: string }).correlationId, (e as { status?: number | null }).status ?? null]);
      expect([run.result.makespanMs, run.mock.creditsUsed, createHash('sha256').update(JSON.stringify(rows)).digest('hex').slice(0, 16)], name).toEqual([makespanMs, credits, hash]);
    }
  });
});
