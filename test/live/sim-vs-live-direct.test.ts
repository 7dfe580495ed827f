import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/parse-scenario.js';
import { DIRECT_AGREEMENT_SCENARIO_JSON, releaseLiveResourcesAfterEach, runSimAndLive } from './live-helpers.js';

/**
 * A ladder that starts with a direct fetch and escalates to Scrapfly, through both worlds: the
 * live path fetches the shops' pages from the mock's HTTP face (`/sites`, gzip-compressed, resets
 * as real closed sockets) and Scrapfly from the same server, at 100 simulated ms per real ms, as
 * the Scrapfly-only agreement test does. The sites' and Scrapfly's answers are drawn per URL, so
 * the outcomes must match item by item.
 */
const SCALE = 100;
const scenario = parseScenario({ source: 'sim-vs-live-direct', json: DIRECT_AGREEMENT_SCENARIO_JSON });
releaseLiveResourcesAfterEach();

describe('simulation versus the live path, direct tier first', () => {
  it('gives the same outcome, tier and error per item and makespans within 10%', async () => {
    const { sim, simRows, liveRows, outcome, served } = await runSimAndLive(scenario, { scale: SCALE });
    // The scenario must exercise the sites' failures, escalation and the direct read timeout.
    const codes = new Set(sim.events.flatMap((e) => (e.type === 'attempt.end' ? [e.result === 'read-timeout' ? 'read-timeout' : e.errorCode] : [])));
    for (const code of ['HTTP_403', 'CAPTCHA', 'NETWORK_ERROR', 'HTTP_429', 'read-timeout', null]) expect(codes, String(code)).toContain(code);
    expect(sim.result.items.filter((i) => i.tier === 1 && i.outcome === 'priced').length).toBeGreaterThan(5);
    expect(sim.result.items.filter((i) => i.tier === 2 && i.outcome === 'priced').length).toBeGreaterThan(3);

    expect(outcome.status).toBe('completed');
    expect(liveRows).toEqual(simRows);
    // The sites saw every direct fetch, Scrapfly only the escalated items.
    expect(served.siteRequests).toBe(sim.events.filter((e) => e.type === 'attempt.start' && e.via === 'direct').length);
    expect(served.scrapflyAccepted).toBe(sim.mock.accepted);
    const ratio = outcome.makespanMs / sim.result.makespanMs;
    expect(ratio, `live ${outcome.makespanMs} ms vs simulated ${sim.result.makespanMs} ms`).toBeGreaterThan(0.9);
    expect(ratio, `live ${outcome.makespanMs} ms vs simulated ${sim.result.makespanMs} ms`).toBeLessThan(1.1);
  });
});
