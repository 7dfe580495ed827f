import { afterEach, describe, expect, it } from 'vitest';
import { createScaledClock } from '../../src/clock/real-clock.js';
import { createPriceExtractor } from '../../src/extract/extract-price.js';
import { openStore, type Store } from '../../src/live/open-store.js';
import { createLiveBatch } from '../../src/live/run-live-batch.js';
import { createUndiciTransport } from '../../src/live/undici-transport.js';
import type { MockHttpServer } from '../../src/node/mock-http-server.js';
import { parseScenario } from '../../src/scenario/parse-scenario.js';
import { simulatePolicy } from '../../src/scenario/simulate-policy.js';
import { DIRECT_AGREEMENT_SCENARIO_JSON, importScenarioItems, startMockFor } from './live-helpers.js';

/**
 * A ladder that starts with a direct fetch and escalates to Scrapfly, through both worlds: the
 * live path fetches the shops' pages from the mock's HTTP face (`/sites`, gzip-compressed, resets
 * as real closed sockets) and Scrapfly from the same server, at 100 simulated ms per real ms, as
 * the Scrapfly-only agreement test does. The sites' and Scrapfly's answers are drawn per URL, so
 * the outcomes must match item by item.
 */
const SCALE = 100;
const scenario = parseScenario({ source: 'sim-vs-live-direct', json: DIRECT_AGREEMENT_SCENARIO_JSON });

let mock: MockHttpServer | null = null;
let store: Store | null = null;
afterEach(async () => {
  await mock?.close();
  store?.close();
  mock = null;
  store = null;
});

describe('simulation versus the live path, direct tier first', () => {
  it('gives the same outcome, tier and error per item and makespans within 10%', async () => {
    const policy = scenario.policies[0]!;
    const sim = await simulatePolicy({ scenario, policy });
    const simOutcomes = sim.result.items.map((i) => [i.name, i.outcome, i.reason, i.errorCode, i.tier, i.attempts, i.price]);
    // The scenario must exercise the sites' failures, escalation and the direct read timeout.
    const codes = new Set(sim.events.flatMap((e) => (e.type === 'attempt.end' ? [e.result === 'read-timeout' ? 'read-timeout' : e.errorCode] : [])));
    for (const code of ['HTTP_403', 'CAPTCHA', 'NETWORK_ERROR', 'HTTP_429', 'read-timeout', null]) expect(codes, String(code)).toContain(code);
    expect(sim.result.items.filter((i) => i.tier === 1 && i.outcome === 'priced').length).toBeGreaterThan(5);
    expect(sim.result.items.filter((i) => i.tier === 2 && i.outcome === 'priced').length).toBeGreaterThan(3);

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
      direct: { baseUrl: server.sitesUrl },
      extractPrice: createPriceExtractor(),
      maxChangeRatio: null,
      reportsDir: null,
    });
    try {
      // Warm-up on other URLs (both mocks draw per URL, so the measured items are unaffected).
      const warmStore = openStore({ path: ':memory:' });
      warmStore.machines.upsertMachines(Array.from({ length: 8 }, (_, i) => ({ name: `warm-up ${i}`, url: `https://warm-up.example/p/${i}` })), 0);
      await createLiveBatch(env(warmStore), { machines: warmStore.machines.listMachines(), policy, request }).run();
      warmStore.close();
      const scrapflyBefore = server.core.stats();
      const sitesBefore = server.sites.stats();

      const batch = createLiveBatch(env(store), { machines, policy, request });
      const outcome = await batch.run();
      expect(outcome.status).toBe('completed');
      const liveOutcomes = store.batches.listResults(batch.batchId).map((r) => [r.name, r.outcome, r.reason, r.errorCode, r.tier, r.attempts, r.price]);
      expect(liveOutcomes).toEqual(simOutcomes);
      // The sites saw every direct fetch, Scrapfly only the escalated items.
      const simDirect = sim.events.filter((e) => e.type === 'attempt.start' && e.via === 'direct').length;
      expect(server.sites.stats().requests - sitesBefore.requests).toBe(simDirect);
      expect(server.core.stats().accepted - scrapflyBefore.accepted).toBe(sim.mock.accepted);
      const ratio = outcome.makespanMs / sim.result.makespanMs;
      expect(ratio, `live ${outcome.makespanMs} ms vs simulated ${sim.result.makespanMs} ms`).toBeGreaterThan(0.9);
      expect(ratio, `live ${outcome.makespanMs} ms vs simulated ${sim.result.makespanMs} ms`).toBeLessThan(1.1);
    } finally {
      await transport.close();
    }
  });
});
