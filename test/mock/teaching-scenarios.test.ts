/** The scenarios that teach tell their story: checked on the numbers a user would read. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenarioText } from '../../src/scenario/parse-scenario.js';
import type { Scenario } from '../../src/scenario/scenario-types.js';
import { simulatePolicy } from '../../src/simulation/simulate-policy.js';

function load(name: string): Scenario {
  const path = new URL(`../../scenarios/${name}`, import.meta.url);
  return parseScenarioText({ text: readFileSync(path, 'utf8'), source: `scenarios/${name}` });
}

async function runAll(scenario: Scenario) {
  const out: Record<string, { makespanMs: number; priced: number; failed: number; timedOut: number; throttled: number; zombies: number; peak: number; pricedOn: (domain: string) => number }> = {};
  for (const policy of scenario.policies) {
    const run = await simulatePolicy({ scenario, policy });
    out[policy.name] = {
      makespanMs: run.result.makespanMs,
      priced: run.result.counts.priced,
      failed: run.result.counts.failed,
      timedOut: run.result.counts.timedOut,
      throttled: run.mock.throttled,
      // Scrapes still running after the client stopped waiting: aborted ones end at the mock with the
      // client gone; abandoned ones are still awaited by a call nobody waits for.
      zombies: run.events.filter((e) => (e.type === 'mock.end' && e.clientGone) || (e.type === 'attempt.end' && e.zombie)).length,
      peak: run.mock.peakConcurrency,
      pricedOn: (domain) => run.result.items.filter((i) => i.domain === domain && i.outcome === 'priced').length,
    };
  }
  return out;
}

describe('scenarios/concurrency-limit.json', () => {
  it('shows that 20 workers on a 5-request plan bring 429s, not speed, and that zombies hold slots', async () => {
    const scenario = load('concurrency-limit.json');
    expect(scenario.world.account.concurrency).toBe(5);
    expect(scenario.description).toMatch(/429s, not speed/);
    expect(scenario.budgetMs).toBe(15 * 60_000);
    const r = await runAll(scenario);
    const base = r['5-workers']!;
    expect(base).toMatchObject({ throttled: 0, zombies: 0, peak: 5 });
    // Four times the workers: the same items priced, no sooner, and the account refuses most requests.
    const crowd = r['20-workers']!;
    expect(crowd.priced).toBe(base.priced);
    expect(crowd.makespanMs).toBeGreaterThan(0.9 * base.makespanMs);
    expect(crowd.throttled).toBeGreaterThan(1000);
    expect(crowd.peak).toBe(5);
    // Escalating 429s fails most items.
    expect(r['20-workers-escalate']!.failed).toBeGreaterThan(150);
    // A client timeout, abandoning or aborting, leaves zombies that hold slots: 429s even at 5 workers.
    for (const name of ['5-workers-abandon-30s', '5-workers-abort-30s']) {
      expect(r[name]!.zombies).toBeGreaterThan(10);
      expect(r[name]!.throttled).toBeGreaterThan(100);
    }
    // A timeout Scrapfly honours, with a slot of headroom: no zombies, no 429s.
    expect(r['4-workers-server-timeout']).toMatchObject({ throttled: 0, zombies: 0, peak: 4 });
  });
});

describe('scenarios/asp-wave.json', () => {
  it('shows which policies contain a 20-minute ASP block on one shop', async () => {
    const scenario = load('asp-wave.json');
    expect(scenario.world.waves).toEqual([expect.objectContaining({ domain: 'bastion-lasers.example', startMs: 60_000, durationMs: 1_200_000, levels: ['asp'] })]);
    expect(scenario.budgetMs).toBe(15 * 60_000);
    const r = await runAll(scenario);
    const others = (name: string) => ['laserhub.example', 'cutterdepot.example', 'engraverworld.example', 'fibermark.example', 'co2direct.example'].reduce((n, d) => n + r[name]!.pricedOn(d), 0);
    const contained = r['contained']!;
    const naive = r['naive-ladder']!;
    // The naive ladder lets the blocked shop take the workers: the batch takes twice as long.
    expect(naive.makespanMs).toBeGreaterThan(1.8 * contained.makespanMs);
    expect(r['no-block-retry']!.makespanMs).toBeGreaterThan(1.5 * contained.makespanMs);
    // One bypass attempt per request (retry=false) contains it; so does the contained policy.
    for (const name of ['asp-retry-false', 'contained']) {
      expect(r[name]!.makespanMs).toBeLessThan(15 * 60_000);
      expect(others(name)).toBeGreaterThanOrEqual(195);
    }
    // An aborting deadline frees workers but not Scrapfly slots: 429s hit the other shops.
    expect(r['item-deadline-abort']!.zombies).toBeGreaterThan(10);
    expect(r['item-deadline-abort']!.throttled).toBeGreaterThan(100);
    expect(others('item-deadline-abort')).toBeLessThan(others('contained'));
  });
});
