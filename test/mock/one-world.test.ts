/**
 * One world, three faces: `serve-mock --scenario F --seed S` serves the world `simulate F --seed S`
 * simulates. The first 50 requests the incident's baseline sends in simulation, sent in the same
 * order to the mock's HTTP face, get the same statuses, server durations and credits.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCorrelationId, type BatchEvent } from '../../src/events/batch-event.js';
import { startMockHttpServer, VIRTUAL_TIME_HEADER, type MockHttpServer } from '../../src/node/mock-http-server.js';
import { parseScenarioText } from '../../src/scenario/parse-scenario.js';
import { simulatePolicy } from '../../src/simulation/simulate-policy.js';
import { buildScrapeQuery } from '../../src/scrapfly/scrape-params.js';

const scenario = parseScenarioText({ text: readFileSync(new URL('../../scenarios/incident-2025-08-06.json', import.meta.url), 'utf8'), source: 'incident' });
const policy = scenario.policies.find((p) => p.name === 'baseline')!;

/** What the mock answered one request: its status, its server time (ms) and its credits. */
type Answer = [correlationId: string, status: number, serverMs: number, credits: number];

/** The requests of a simulated run in the order they reached the mock, with their answers. */
function simulatedRequests(events: BatchEvent[]): Array<{ correlationId: string; item: number; tier: number; answer: Answer }> {
  const tierOf = new Map<string, { item: number; tier: number }>();
  const acceptedAt = new Map<string, number>();
  const out: Array<{ correlationId: string; item: number; tier: number; answer: Answer }> = [];
  const pending = new Map<string, number>();
  for (const e of events) {
    if (e.type === 'attempt.start') tierOf.set(formatCorrelationId({ item: e.item, attempt: e.attempt }), { item: e.item, tier: e.tier });
    else if (e.type === 'mock.accept') {
      acceptedAt.set(e.correlationId, e.atMs);
      pending.set(e.correlationId, out.length);
      out.push({ correlationId: e.correlationId, ...tierOf.get(e.correlationId)!, answer: [e.correlationId, 0, 0, 0] });
    } else if (e.type === 'mock.reject') {
      out.push({ correlationId: e.correlationId, ...tierOf.get(e.correlationId)!, answer: [e.correlationId, e.status, 0, 0] });
    } else if (e.type === 'mock.end') {
      const at = pending.get(e.correlationId)!;
      out[at]!.answer = [e.correlationId, e.status, e.atMs - acceptedAt.get(e.correlationId)!, e.costCredits];
    }
  }
  return out;
}

describe('simulate and serve-mock serve one world', () => {
  let server: MockHttpServer;
  beforeAll(async () => {
    // 10,000 simulated ms per real ms: a 240 s hang answers in 24 ms.
    server = await startMockHttpServer({ world: scenario.world, seed: scenario.seed, timeScale: 10_000, startMs: scenario.startMs });
  });
  afterAll(() => server.close());

  it('gives the first 50 requests of the incident the same statuses, server durations and credits', async () => {
    const run = await simulatePolicy({ scenario, policy });
    const requests = simulatedRequests(run.events).slice(0, 50);
    expect(requests).toHaveLength(50);
    // The sample holds what makes the incident: hangs past the read timeout, and every tier.
    expect(requests.some((r) => r.answer[1] === 504)).toBe(true);
    expect(new Set(requests.map((r) => r.tier))).toEqual(new Set([1, 2, 3]));
    const served: Answer[] = [];
    for (const r of requests) {
      const tier = policy.tiers[r.tier - 1]!;
      const item = scenario.items[r.item]!;
      const query = buildScrapeQuery({
        key: 'scp-live-test',
        params: { url: item.url, renderJs: tier.renderJs, asp: tier.asp, proxyPool: tier.proxyPool, country: tier.country, retry: tier.retry, timeoutMs: tier.timeoutMs, costBudget: tier.costBudget, correlationId: r.correlationId },
      });
      const response = await fetch(`${server.url}/scrape?${query}`);
      await response.arrayBuffer();
      expect(response.headers.get(VIRTUAL_TIME_HEADER)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      const seconds = response.headers.get('x-scrapfly-response-time');
      served.push([r.correlationId, response.status, seconds === null ? 0 : Math.round(Number(seconds) * 1000), Number(response.headers.get('x-scrapfly-api-cost') ?? 0)]);
    }
    expect(served).toEqual(requests.map((r) => r.answer));
  });

  it('tells its simulated time at /__admin/clock', async () => {
    const body = (await (await fetch(`${server.url}/__admin/clock`)).json()) as { nowMs: number; now: string; timeScale: number; startedAtMs: number };
    expect(body.timeScale).toBe(10_000);
    expect(body.startedAtMs).toBe(scenario.startMs);
    expect(body.nowMs).toBeGreaterThan(scenario.startMs);
    expect(new Date(body.now).getTime()).toBe(body.nowMs);
  });
});
