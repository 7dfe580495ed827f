import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../../src/report/compute-metrics.js';
import { parseScenarioText } from '../../src/scenario/parse-scenario.js';
import { simulatePolicy } from '../../src/simulation/simulate-policy.js';

const scenario = parseScenarioText({ text: readFileSync(new URL('../../scenarios/incident-2025-08-06.json', import.meta.url), 'utf8'), source: 'incident' });
const policy = (name: string) => scenario.policies.find((p) => p.name === name)!;
const at = (hhmmss: string) => Date.parse(`2025-08-06T${hhmmss}Z`);

describe('incident 2025-08-06', () => {
  it('baseline reproduces the observed start times of the log', async () => {
    const run = await simulatePolicy({ scenario, policy: policy('baseline') });
    const starts = run.result.items.map((i) => i.startMs!).sort((a, b) => a - b);
    expect(starts[0]).toBe(at('03:00:23'));
    // The log: next start at 03:34:11 (± 1 s), then starts about 7 s apart.
    expect(Math.abs(starts[1]! - at('03:34:11'))).toBeLessThanOrEqual(1000);
    const gaps = starts.slice(1, 12).map((s, i) => starts[i + 2]! - s);
    for (const gap of gaps.slice(0, 10)) {
      expect(gap).toBeGreaterThan(5_000);
      expect(gap).toBeLessThan(9_000);
    }
    // Exactly one machine started in the first 33m48s: effective concurrency 1.
    expect(starts.filter((s) => s < at('03:34:11')).map((s) => s - at('03:00:23'))).toEqual([0]);
    expect(run.result.items[0]!.name).toBe('OneLaser Hydra 7');
    expect(run.result.items[1]!.startMs).toBe(starts[1]);
  });

  it('recommendations 1 and 2 (timeouts with retry=true) and 3 alone (20 blocked workers) change nothing', async () => {
    const base = await simulatePolicy({ scenario, policy: policy('baseline') });
    for (const name of ['rec1-as-written', 'rec1-timeout-60s', 'rec2-as-written', 'rec2-tier-timeouts', 'rec3-20-workers']) {
      const run = await simulatePolicy({ scenario, policy: policy(name) });
      expect(run.result.makespanMs, name).toBe(base.result.makespanMs);
      expect(run.result.items.map((i) => [i.startMs, i.endMs, i.outcome])).toEqual(base.result.items.map((i) => [i.startMs, i.endMs, i.outcome]));
    }
  });

  it('recommendations 1 and 2 as written: what the literal code sends, and what the API does with it', async () => {
    const sent = async (name: string) => {
      const run = await simulatePolicy({ scenario, policy: policy(name) });
      const timeouts = new Set(run.events.flatMap((e) => (e.type === 'attempt.start' ? [`${e.tierName} ${e.retry ? 'retry' : 'no-retry'} ${e.timeoutMs}`] : [])));
      const answers = new Set(run.events.flatMap((e) => (e.type === 'attempt.end' && e.status !== null && e.status >= 400 ? [`${e.status} ${e.errorCode}`] : [])));
      return { run, timeouts: [...timeouts].sort(), answers: [...answers].sort() };
    };
    // ScrapflyClient(timeout=60) is swallowed by **kwargs: no timeout is sent, the SDK keeps its 160 s read timeout.
    const rec1 = await sent('rec1-as-written');
    expect(rec1.timeouts).toEqual(['asp retry null', 'plain retry null', 'render_js retry null']);
    expect(policy('rec1-as-written').client.readTimeoutMs).toBe(160_000);
    // ScrapeConfig(timeout=30 if tier == 1 else 60) is in milliseconds.
    const rec2 = await sent('rec2-as-written');
    expect(rec2.timeouts).toEqual(['asp retry 60', 'plain retry 30', 'render_js retry 60']);
    const rec2f = await sent('rec2-as-written-retry-false');
    expect(rec2f.timeouts).toEqual(['asp no-retry 60', 'plain no-retry 30', 'render_js no-retry 60']);
    expect(rec2f.answers).toEqual(['400 ERR::SCRAPE::CONFIG_ERROR']);
    expect(rec2f.run.result.items.every((i) => i.outcome === 'failed' && i.errorCode === 'ERR::SCRAPE::CONFIG_ERROR')).toBe(true);
    expect(rec2f.run.mock.creditsUsed).toBe(0);
  });

  it('20 concurrent workers on a 5-concurrency plan make things worse: 429s and failures, no speed', async () => {
    const run = await simulatePolicy({ scenario, policy: policy('rec3+4-20-workers') });
    const m = computeMetrics(run.events);
    expect(m.scrapfly.throttled).toBeGreaterThan(100);
    expect(m.scrapfly.peakConcurrency).toBe(5);
    expect(m.counts.failed).toBeGreaterThan(100);
    // Items fail on 429s within seconds: the batch is fast because it gives up, not because it works.
    expect(m.counts.priced).toBeLessThan(20);
  });

  it('the fixing policy prices ≥ 98%, halves the makespan and stays within 1.25× of its lower bound', async () => {
    const base = computeMetrics((await simulatePolicy({ scenario, policy: policy('baseline') })).events);
    const fixed = computeMetrics((await simulatePolicy({ scenario, policy: policy('fixed') })).events);
    expect(fixed.counts.priced / fixed.items).toBeGreaterThanOrEqual(0.98);
    expect(fixed.makespanMs).toBeLessThan(base.makespanMs / 2);
    expect(fixed.makespanMs).toBeLessThanOrEqual(1.25 * fixed.lowerBoundMs);
    expect(fixed.lowerBoundMs).toBe(Math.max(fixed.longestItemMs, fixed.busyMs / fixed.workers));
    expect(scenario.budgetMs).not.toBeNull();
    expect(fixed.makespanMs).toBeLessThanOrEqual(scenario.budgetMs!);
    expect(base.makespanMs).toBeGreaterThan(scenario.budgetMs!);
  });

  it('the engine extracts the price the mock serves', async () => {
    const run = await simulatePolicy({ scenario, policy: policy('fixed') });
    const hydra = run.result.items.find((i) => i.name === 'OMTech MOPA 60W')!;
    expect(hydra.outcome).toBe('priced');
    expect(hydra.price).toBe(5199.99);
    expect(hydra.currency).toBe('USD');
    for (const item of run.result.items) if (item.outcome === 'priced') expect(item.price).toBe(scenario.world.products.get(item.url)!.price);
  });
});
