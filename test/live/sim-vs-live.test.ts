import { afterEach, describe, expect, it } from 'vitest';
import { createScaledClock } from '../../src/clock/real-clock.js';
import { createPriceExtractor } from '../../src/extract/extract-price.js';
import { openStore, type Store } from '../../src/live/open-store.js';
import { createLiveBatch } from '../../src/live/run-live-batch.js';
import { createUndiciTransport } from '../../src/live/undici-transport.js';
import type { MockHttpServer } from '../../src/node/mock-http-server.js';
import { parseScenario } from '../../src/scenario/parse-scenario.js';
import { simulatePolicy } from '../../src/scenario/simulate-policy.js';
import { AGREEMENT_SCENARIO_JSON, importScenarioItems, startMockFor } from './live-helpers.js';

/**
 * One scenario through both worlds: the live path (real clock scaled, undici, the mock's HTTP face
 * at the same scale, the store) and the virtual one. Latencies of tens of seconds served at 100
 * simulated ms per real ms (a 20 s scrape answers in 200 ms) keep the few real milliseconds of
 * overhead per request around 1 % of an item; the outcomes are decided by the mock's per-URL
 * randomness, so they must match item for item.
 */
const SCALE = 100;
const scenario = parseScenario({ source: 'sim-vs-live', json: AGREEMENT_SCENARIO_JSON });

let mock: MockHttpServer | null = null;
let store: Store | null = null;
afterEach(async () => {
  await mock?.close();
  store?.close();
  mock = null;
  store = null;
});

describe('simulation versus the live path', () => {
  it('gives the same outcome per item and makespans within 10%', async () => {
    const policy = scenario.policies[0]!;
    const sim = await simulatePolicy({ scenario, policy });
    const simOutcomes = sim.result.items.map((i) => [i.name, i.outcome, i.reason, i.price]);
    // The scenario must exercise more than the happy path for the comparison to mean something.
    expect(new Set(sim.result.items.map((i) => i.reason))).toEqual(new Set([null, 'client-timeout', 'no-price']));
    expect(sim.result.items.some((i) => i.tier === 2 && i.outcome === 'priced')).toBe(true);

    const server = await startMockFor(scenario, { timeScale: SCALE });
    mock = server;
    store = openStore({ path: ':memory:' });
    const machines = importScenarioItems(store, scenario);
    const transport = createUndiciTransport({ connections: policy.workers });
    const request = { trigger: 'cli' as const, selection: { daysThreshold: null, limit: null, ids: null }, transport: 'http' as const, baseUrl: server.url, maxChangeRatio: null };
    const env = (s: Store) => ({
      store: s,
      transport,
      clock: createScaledClock({ scale: SCALE, startMs: scenario.startMs }),
      scrapfly: { apiKey: 'scp-live-test', baseUrl: server.url },
      extractPrice: createPriceExtractor(),
      maxChangeRatio: null,
      reportsDir: null,
    });
    try {
      // Warm-up on other URLs (the mock draws per URL, so the measured items are unaffected): the
      // first requests pay for connections and compilation, which a 20 s item at this scale feels.
      const warmStore = openStore({ path: ':memory:' });
      warmStore.machines.upsertMachines(Array.from({ length: 8 }, (_, i) => ({ name: `warm-up ${i}`, url: `https://warm-up.example/p/${i}` })), 0);
      await createLiveBatch(env(warmStore), { machines: warmStore.machines.listMachines(), policy, request }).run();
      warmStore.close();

      const batch = createLiveBatch(env(store), { machines, policy, request });
      const outcome = await batch.run();
      expect(outcome.status).toBe('completed');
      const liveOutcomes = store.batches.listResults(batch.batchId).map((r) => [r.name, r.outcome, r.reason, r.price]);
      expect(liveOutcomes).toEqual(simOutcomes);
      const ratio = outcome.makespanMs / sim.result.makespanMs;
      expect(ratio, `live ${outcome.makespanMs} ms vs simulated ${sim.result.makespanMs} ms`).toBeGreaterThan(0.9);
      expect(ratio, `live ${outcome.makespanMs} ms vs simulated ${sim.result.makespanMs} ms`).toBeLessThan(1.1);
    } finally {
      await transport.close();
    }
  });
});
