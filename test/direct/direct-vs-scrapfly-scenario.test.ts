/** scenarios/direct-vs-scrapfly.json tells its story: checked on the numbers a user would read. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../../src/report/compute-metrics.js';
import { parseScenarioText } from '../../src/scenario/parse-scenario.js';
import { simulatePolicy } from '../../src/simulation/simulate-policy.js';

const path = new URL('../../scenarios/direct-vs-scrapfly.json', import.meta.url);
const scenario = parseScenarioText({ text: readFileSync(path, 'utf8'), source: 'scenarios/direct-vs-scrapfly.json' });

async function run(name: string) {
  const policy = scenario.policies.find((p) => p.name === name)!;
  const sim = await simulatePolicy({ scenario, policy });
  const metrics = computeMetrics(sim.events, { policy });
  const pricedOn = (domain: string) => sim.result.items.filter((i) => i.domain === domain && i.outcome === 'priced').length;
  return { sim, metrics, pricedOn };
}

describe('scenarios/direct-vs-scrapfly.json', () => {
  it('direct fetching is free but fails the guarded shops; starting direct keeps Scrapfly\'s success for fewer credits, sooner', async () => {
    const scrapfly = await run('scrapfly-ladder');
    const direct = await run('direct-only');
    const ladder = await run('direct-then-scrapfly');
    const bastion = scenario.items.filter((i) => i.domain === 'bastion-lasers.example').length;

    expect(scrapfly.metrics.direct.requests).toBe(0);
    expect(scrapfly.metrics.counts.priced).toBeGreaterThanOrEqual(196);

    expect(direct.metrics.scrapfly).toMatchObject({ requests: 0, creditsCharged: 0 });
    expect(direct.pricedOn('bastion-lasers.example')).toBe(0);
    expect(direct.pricedOn('engraverworld.example')).toBeLessThan(5);
    expect(direct.metrics.direct.throttled).toBeGreaterThan(10);
    expect(direct.metrics.counts.priced).toBeLessThan(150);
    expect(direct.metrics.makespanMs).toBeLessThan(ladder.metrics.makespanMs);

    expect(ladder.metrics.counts.priced).toBeGreaterThanOrEqual(scrapfly.metrics.counts.priced - 1);
    expect(ladder.pricedOn('bastion-lasers.example')).toBe(bastion);
    expect(ladder.metrics.scrapfly.creditsCharged).toBeLessThan(scrapfly.metrics.scrapfly.creditsCharged);
    expect(ladder.metrics.scrapfly.requests).toBeLessThan(scrapfly.metrics.scrapfly.requests * 0.6);
    expect(ladder.metrics.makespanMs).toBeLessThan(scrapfly.metrics.makespanMs);
    // Every item starts with a direct fetch; only the refused ones reach Scrapfly.
    expect(ladder.metrics.direct.requests).toBe(scenario.items.length);
  });
});
