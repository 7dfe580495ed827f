import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { BatchEvent } from '../../src/events/batch-event.js';
import { formatRunLog, RUN_LOG_VERSION, type RunLogHeader } from '../../src/events/run-log.js';
import { parseLog } from '../../src/replay/parse-log.js';
import { replayLog } from '../../src/simulation/replay-log.js';
import { parseScenario, parseScenarioText } from '../../src/scenario/parse-scenario.js';
import { simulatePolicy } from '../../src/simulation/simulate-policy.js';

const incident = parseScenarioText({ text: readFileSync(new URL('../../scenarios/incident-2025-08-06.json', import.meta.url), 'utf8'), source: 'incident' });

/** The incident's baseline (the SDK's retries over three tiers, the stall on onelaser.com) as a run log's lines. */
async function incidentRunLog(): Promise<{ lines: string[]; events: BatchEvent[] }> {
  const policy = incident.policies.find((p) => p.name === 'baseline')!;
  const run = await simulatePolicy({ scenario: incident, policy });
  const header: RunLogHeader = { type: 'run.meta', version: RUN_LOG_VERSION, mode: 'simulation', scenario: incident.name, seed: run.seed, transport: 'direct', startMs: incident.startMs, batchId: run.result.batchId, policy: run.policy, items: incident.items, accountConcurrency: incident.world.account.concurrency };
  return { lines: formatRunLog(header, run.events).split('\n'), events: run.events };
}

/** Requests per domain and tier, and how many the client stopped waiting for, counted from the events themselves. */
function countRequests(events: readonly BatchEvent[]): Map<string, { requests: number; censored: number }> {
  const domainOf = new Map<number, string>();
  const levelOf = new Map<string, string>();
  const counts = new Map<string, { requests: number; censored: number }>();
  for (const e of events) {
    if (e.type === 'item.start') domainOf.set(e.item, e.domain);
    if (e.type === 'attempt.start') levelOf.set(`${e.item}/${e.attempt}`, e.tierName);
    if (e.type === 'attempt.end') {
      const key = `${domainOf.get(e.item)} ${levelOf.get(`${e.item}/${e.attempt}`)}`;
      const c = counts.get(key) ?? { requests: 0, censored: 0 };
      c.requests++;
      if (e.result === 'read-timeout' || e.result === 'cut') c.censored++;
      counts.set(key, c);
    }
  }
  return counts;
}

describe('the fitted world, per domain and tier', () => {
  it("a run log's requests are fitted per domain and tier, read timeouts censored, each group with its KS distance; its baseline is the deployed policy", async () => {
    const { lines, events } = await incidentRunLog();
    const log = await parseLog({ lines, source: 'events.jsonl' });
    const run = log.runs[0]!;
    const { fitted } = await replayLog({ log, run, reproduce: true, fitted: true, scenarioName: 'incident', reportRuns: false });
    const summary = fitted!.summary;
    expect(summary.basis).toBe('requests');
    const expected = countRequests(events);
    const tierRank = (key: string) => ['plain', 'render_js', 'asp'].indexOf(key.split(' ')[1]!);
    const byDomainThenTier = (a: string, b: string) => (a.split(' ')[0]! < b.split(' ')[0]! ? -1 : a.split(' ')[0]! > b.split(' ')[0]! ? 1 : tierRank(a) - tierRank(b));
    expect(summary.groups.map((g) => `${g.domain} ${g.level}`)).toEqual([...expected.keys()].sort(byDomainThenTier));
    for (const g of summary.groups) expect([g.samples, g.censored], `${g.domain} ${g.level}`).toEqual([expected.get(`${g.domain} ${g.level}`)!.requests, expected.get(`${g.domain} ${g.level}`)!.censored]);
    // The stalled machine's domain: every plain and render_js request timed out (5 tries each), 2 of its 3 asp requests too.
    const onelaser = summary.groups.filter((g) => g.domain === 'onelaser.com');
    expect(onelaser.map((g) => [g.level, g.samples, g.censored, g.body, g.stalls])).toEqual([
      ['plain', 5, 5, 'pooled', 5],
      ['render_js', 5, 5, 'pooled', 5],
      ['asp', 3, 2, 'pooled', 3],
    ]);
    const xtool = summary.groups.find((g) => g.domain === 'xtool.com')!;
    expect(xtool).toMatchObject({ level: 'plain', censored: 0, stalls: 0, failureShare: 0, body: 'own' });
    expect(xtool.ks!.samples).toBe(xtool.samples);
    expect(xtool.ks!.distance).toBeGreaterThan(0);
    expect(xtool.ks!.distance).toBeLessThan(0.5);

    const json = fitted!.scenario.json as { world: { domains: Record<string, Record<string, Record<string, unknown>>> }; policies: Array<Record<string, unknown>> };
    expect(Object.keys(json.world.domains).sort()).toEqual([...new Set(summary.groups.map((g) => g.domain))].sort());
    // Every request of onelaser.com at plain and render_js hangs, as on the night; xtool.com's never do.
    expect(json.world.domains['onelaser.com']!['plain']!['hang']).toEqual({ p: 1, latency: { type: 'empirical', samplesMs: [160_000, 160_000, 160_000, 160_000, 160_000] } });
    expect(json.world.domains['xtool.com']!['plain']).toEqual({ hang: { p: 0, latency: { type: 'fixed', ms: 0 } }, errors: {}, latency: { type: 'lognormal', medianMs: xtool.lognormal!.medianMs, sigma: xtool.lognormal!.sigma } });
    const baseline = json.policies[0]!;
    expect(baseline['name']).toBe('baseline');
    expect(baseline['workers']).toBe(5);
    expect(baseline['execution']).toBe('blocking');
    expect((baseline['tiers'] as Array<{ name: string }>).map((t) => t.name)).toEqual(['plain', 'render_js', 'asp']);
    expect(baseline['client']).toMatchObject({ readTimeoutMs: 160_000, maxTries: 5 });
    // The world loads, and its runs over seeds put the night among them: the stall is onelaser.com's again.
    expect(() => parseScenario({ json: JSON.parse(JSON.stringify(json)), source: 'fitted' })).not.toThrow();
    expect(summary.makespanMinMs).toBeLessThanOrEqual(summary.nightMakespanMs);
    expect(summary.makespanMaxMs).toBeGreaterThanOrEqual(summary.nightMakespanMs);
  });

  it('a run log without its header gives machine durations per domain, the pooled model behind the domains it cannot fit', async () => {
    const { lines } = await incidentRunLog();
    const log = await parseLog({ lines: lines.filter((l) => !l.includes('"run.meta"')), source: 'events.jsonl' });
    const run = log.runs[0]!;
    const { fitted } = await replayLog({ log, run, reproduce: true, fitted: true, scenarioName: 'incident', reportRuns: false });
    const summary = fitted!.summary;
    expect(summary.basis).toBe('items');
    const perDomain = new Map<string, number>();
    for (const item of run.items) perDomain.set(item.domain!, (perDomain.get(item.domain!) ?? 0) + 1);
    expect(summary.groups.map((g) => [g.domain, g.level, g.samples])).toEqual([...perDomain.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([d, n]) => [d, null, n]));
    // One machine on onelaser.com, its 33-minute stall: no body of its own, the stall as its own.
    expect(summary.groups.find((g) => g.domain === 'onelaser.com')).toMatchObject({ samples: 1, stalls: 1, body: 'pooled', lognormal: null });
    const json = fitted!.scenario.json as { world: { domains: Record<string, Record<string, unknown>> }; policies: Array<{ description: string; tiers: unknown[] }> };
    expect(Object.keys(json.world.domains['onelaser.com']!)).toEqual(['default']);
    expect(json.policies[0]!.tiers).toEqual(['plain']);
    expect(json.policies[0]!.description).toMatch(/^Reproduces the log/);
  });

  it("an application log names no domain: one group, which is the pooled model, and the world has no domain of its own", async () => {
    const text = readFileSync(new URL('../../scenarios/logs/formats/python-logging.log', import.meta.url), 'utf8').split('\n');
    const log = await parseLog({ lines: text, source: 'python-logging.log' });
    const { fitted } = await replayLog({ log, run: log.runs[0]!, reproduce: true, fitted: true, scenarioName: 'p', reportRuns: false });
    expect(fitted!.summary.groups.map((g) => [g.domain, g.level, g.samples, g.body])).toEqual([['replay.invalid', null, 20, 'all-pooled']]);
    expect(fitted!.summary.groups[0]!.ks).toEqual(fitted!.summary.ks);
    expect((fitted!.scenario.json as { world: { domains: object } }).world.domains).toEqual({});
  });
});
