import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/parse-scenario.js';
import { AGREEMENT_SCENARIO_JSON, releaseLiveResourcesAfterEach, runSimAndLive } from './live-helpers.js';

/**
 * One scenario through both worlds: the live path (real clock scaled, undici, the mock's HTTP face
 * at the same scale, the store) and the virtual one. Latencies of tens of seconds served at 100
 * simulated ms per real ms (a 20 s scrape answers in 200 ms) keep the few real milliseconds of
 * overhead per request around 1 % of an item; the outcomes are decided by the mock's per-URL
 * randomness, so they must match item for item.
 */
const SCALE = 100;
const scenario = parseScenario({ source: 'sim-vs-live', json: AGREEMENT_SCENARIO_JSON });
releaseLiveResourcesAfterEach();

describe('simulation versus the live path', () => {
  it('gives the same outcome per item and per request, and makespans within 10%', async () => {
    const { sim, simRows, liveRows, outcome, simRequests, liveRequests } = await runSimAndLive(scenario, { scale: SCALE });
    // The scenario must exercise more than the happy path for the comparison to mean something.
    expect(new Set(sim.result.items.map((i) => i.reason))).toEqual(new Set([null, 'client-timeout', 'no-price']));
    expect(sim.result.items.some((i) => i.tier === 2 && i.outcome === 'priced')).toBe(true);
    expect(outcome.status).toBe('completed');
    expect(liveRows).toEqual(simRows);
    // Request for request: the same tiers, results, statuses and error codes.
    expect(simRequests.length).toBeGreaterThan(scenario.items.length);
    expect(liveRequests).toEqual(simRequests);
    const ratio = outcome.makespanMs / sim.result.makespanMs;
    expect(ratio, `live ${outcome.makespanMs} ms vs simulated ${sim.result.makespanMs} ms`).toBeGreaterThan(0.9);
    expect(ratio, `live ${outcome.makespanMs} ms vs simulated ${sim.result.makespanMs} ms`).toBeLessThan(1.1);
  });
});
