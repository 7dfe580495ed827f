/** Helpers for live-path tests: temp folders, a scenario's items as machines, the mock's HTTP face. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { createScaledClock } from '../../src/clock/real-clock.js';
import { createPriceExtractor } from '../../src/extract/extract-price.js';
import { openStore } from '../../src/live/open-store.js';
import { createLiveBatch, type LiveBatchOutcome } from '../../src/live/run-live-batch.js';
import { createUndiciTransport } from '../../src/live/undici-transport.js';
import { simulatePolicy, type SimulationRun } from '../../src/simulation/simulate-policy.js';
import { createCollectingSink } from '../../src/events/collect-events.js';
import type { BatchEvent } from '../../src/events/batch-event.js';
import { startMockHttpServer, type MockHttpServer } from '../../src/node/mock-http-server.js';
import type { Machine } from '../../src/live/machine-store.js';
import type { Store } from '../../src/live/open-store.js';
import { parseScenario } from '../../src/scenario/parse-scenario.js';
import type { Scenario } from '../../src/scenario/scenario-types.js';

/** Mock servers and temp folders made by the running test, released after it by `releaseLiveResourcesAfterEach`. */
const openResources: Array<() => Promise<void> | void> = [];

/** Call once per test file: after each test, closes its mock servers and removes its temp folders. */
export function releaseLiveResourcesAfterEach(): void {
  afterEach(async () => {
    for (const release of openResources.splice(0).reverse()) await release();
  });
}

/** A fresh temp folder, removed by the returned cleanup (and after the test when the file uses releaseLiveResourcesAfterEach). */
export function makeTempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `batchscope-${prefix}-`));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  openResources.push(cleanup);
  return { dir, cleanup };
}

/** Imports a scenario's items into the store, in order; returns the machines. */
export function importScenarioItems(store: Store, scenario: Scenario): Machine[] {
  store.machines.upsertMachines(scenario.items.map((i) => ({ name: i.name, url: i.url })), Date.UTC(2025, 0, 1));
  const byUrl = new Map(store.machines.listMachines().map((m) => [m.url, m]));
  return scenario.items.map((i) => byUrl.get(i.url) as Machine);
}

/** A small world of `count` items on three domains: fixed latencies, one domain that hangs sometimes. */
export function makeLiveScenario(options: { count: number; workers: number; latencyMs?: number; apiKeys?: string[]; concurrency?: number; sites?: unknown }): Scenario {
  const latency = options.latencyMs ?? 2000;
  // The shops' own sites answer direct fetches in the same fixed time unless the test says otherwise.
  const sites = options.sites ?? { default: { latency: { type: 'fixed', ms: latency } } };
  return parseScenario({
    source: 'live-test',
    json: {
      name: 'live-test',
      startAt: '2025-08-06T03:00:00Z',
      seed: 7,
      items: { count: options.count, domains: { 'shop-a.example': 2, 'shop-b.example': 1, 'shop-c.example': 1 } },
      world: {
        account: { concurrency: options.concurrency ?? options.workers * 2, credits: 1_000_000, ...(options.apiKeys ? { apiKeys: options.apiKeys } : {}) },
        behaviour: { default: { latency: { type: 'fixed', ms: latency } } },
        sites,
      },
      policies: [{ name: 'p', workers: options.workers, client: { preset: 'plain', readTimeoutMs: 'auto', maxTries: 1 }, tiers: [{ base: 'plain', retry: false, timeoutMs: '15s' }], escalateOn: [] }],
    },
  });
}

/** Starts the mock's HTTP face for `scenario`: the world, seed and network simulatePolicy uses. */
export async function startMockFor(scenario: Scenario, options: { timeScale: number; startMs?: number; seed?: number }): Promise<MockHttpServer> {
  const server = await startMockHttpServer({ world: scenario.world, timeScale: options.timeScale, seed: options.seed ?? scenario.seed, network: true, startMs: options.startMs ?? scenario.startMs });
  openResources.push(() => server.close());
  return server;
}

/** Every file under `dir` (recursively) whose bytes contain `needle`. */
export function filesContaining(dir: string, needle: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (readFileSync(path).includes(Buffer.from(needle))) found.push(path);
    }
  };
  walk(dir);
  return found;
}

/** The scenario of the simulation-versus-live test: errors, no-price pages, escalation and hangs that hit the read timeout. */
export const AGREEMENT_SCENARIO_JSON = {
  name: 'sim-vs-live',
  startAt: '2025-08-06T03:00:00Z',
  seed: 42,
  items: { count: 24, domains: { 'shop-a.example': 2, 'shop-b.example': 1, 'slow.example': 1 } },
  world: {
    account: { concurrency: 8, credits: 100_000 },
    behaviour: {
      default: { latency: { type: 'lognormal', medianMs: '20s', sigma: 0.15, maxMs: '28s' }, errors: { 'ERR::PROXY::TIMEOUT': 0.1 }, noPrice: 0.1 },
      render_js: { latency: { type: 'lognormal', medianMs: '22s', sigma: 0.15, maxMs: '35s' } },
    },
    domains: { 'slow.example': { default: { hang: { p: 0.5, latency: { type: 'uniform', minMs: '170s', maxMs: '240s' } } } } },
  },
  policies: [
    {
      name: 'live-like',
      workers: 4,
      client: { preset: 'plain', readTimeoutMs: 'auto', maxTries: 1 },
      tiers: [
        { base: 'plain', retry: false, timeoutMs: '30s' },
        { base: 'render_js', retry: false, timeoutMs: '60s' },
      ],
      escalateOn: ['proxy', 'no-price', 'server-timeout'],
    },
  ],
};

/**
 * The scenario of the direct-tier agreement test: the shops' own sites refuse some direct fetches
 * (403, CAPTCHA pages, 429 with Retry-After, resets) and one of them stalls past the direct tier's
 * read timeout; the ladder escalates those to Scrapfly. Latencies stay far from every timeout.
 */
export const DIRECT_AGREEMENT_SCENARIO_JSON = {
  name: 'sim-vs-live-direct',
  startAt: '2025-08-06T03:00:00Z',
  seed: 77,
  items: { count: 24, domains: { 'shop-a.example': 2, 'shop-b.example': 1, 'stalling.example': 1 } },
  world: {
    account: { concurrency: 8, credits: 100_000 },
    behaviour: { default: { latency: { type: 'lognormal', medianMs: '20s', sigma: 0.15, maxMs: '24s' }, noPrice: 0.05 } },
    sites: {
      default: { latency: { type: 'lognormal', medianMs: '8s', sigma: 0.15, maxMs: '10s' }, errors: { 'http-403': 0.15, captcha: 0.1, reset: 0.1, 'http-429': 0.1 }, retryAfterSeconds: 5 },
      domains: { 'stalling.example': { hang: { p: 0.6, latency: { type: 'fixed', ms: '90s' } } } },
    },
  },
  policies: [
    {
      name: 'direct-then-scrapfly',
      workers: 4,
      client: { preset: 'plain', readTimeoutMs: 'auto', maxTries: 1 },
      tiers: [{ base: 'direct', readTimeoutMs: '25s' }, { base: 'plain', retry: false, timeoutMs: '30s' }],
      retry: { maxCalls: 2, on: ['throttled'], backoff: { initialMs: '1s', factor: 2, maxMs: '2s', jitter: 'none' } },
      escalateOn: ['blocked', 'throttled', 'network', 'client-timeout', 'no-price'],
    },
  ],
};

/** One item's ending as both worlds record it: name, outcome, reason, error code, tier, attempts, price. */
/** One request: item, attempt, tier, how it ended, HTTP status and error code. */
export type RequestRow = [item: number, attempt: number, tier: number, result: string, status: number | null, errorCode: string | null];

/** The requests of a run's events (attempt ends), by item then attempt. */
export function requestRows(events: readonly BatchEvent[]): RequestRow[] {
  const tiers = new Map<string, number>();
  const rows: RequestRow[] = [];
  for (const e of events) {
    if (e.type === 'attempt.start') tiers.set(`${e.item}/${e.attempt}`, e.tier);
    else if (e.type === 'attempt.end') rows.push([e.item, e.attempt, tiers.get(`${e.item}/${e.attempt}`) ?? 0, e.result, e.status, e.errorCode]);
  }
  return rows.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

export type AgreementRow = [string, string, string | null, string | null, number, number, number | null];

/**
 * Runs the scenario's first policy in simulation and then live (real clock scaled by `scale`,
 * undici, the mock's HTTP face for Scrapfly and for the sites, an in-memory store), after a
 * warm-up batch on other URLs (the mocks draw per URL, so the measured items are unaffected; the
 * first requests pay for connections and compilation, which an item at this scale feels).
 */
export async function runSimAndLive(scenario: Scenario, options: { scale: number }): Promise<{
  sim: SimulationRun;
  simRows: AgreementRow[];
  liveRows: AgreementRow[];
  outcome: LiveBatchOutcome;
  /** Scrapfly scrapes and direct fetches the mock served for the measured batch. */
  served: { scrapflyAccepted: number; siteRequests: number };
  /** Every request of the batch, in item then attempt order, as the simulation and the live path saw it. */
  simRequests: RequestRow[];
  liveRequests: RequestRow[];
}> {
  const policy = scenario.policies[0]!;
  const sim = await simulatePolicy({ scenario, policy });
  const server = await startMockFor(scenario, { timeScale: options.scale });
  const store = openStore({ path: ':memory:' });
  const machines = importScenarioItems(store, scenario);
  const transport = createUndiciTransport({ connections: policy.workers });
  const request = { trigger: 'cli' as const, selection: { daysThreshold: null, limit: null, ids: null }, transport: 'http' as const, baseUrl: server.url, maxChangeRatio: null };
  const env = (s: Store) => ({
    store: s,
    transport,
    clock: createScaledClock({ scale: options.scale, startMs: scenario.startMs }),
    scrapfly: { apiKey: 'scp-live-test', baseUrl: server.url },
    direct: { baseUrl: server.sitesUrl },
    extractPrice: createPriceExtractor(),
    maxChangeRatio: null,
    reportsDir: null,
  });
  try {
    const warmStore = openStore({ path: ':memory:' });
    warmStore.machines.upsertMachines(Array.from({ length: 8 }, (_, i) => ({ name: `warm-up ${i}`, url: `https://warm-up.example/p/${i}` })), 0);
    await createLiveBatch(env(warmStore), { machines: warmStore.machines.listMachines(), policy, request }).run();
    warmStore.close();
    const scrapflyBefore = server.core.stats().accepted;
    const sitesBefore = server.sites.stats().requests;
    const batch = createLiveBatch(env(store), { machines, policy, request });
    const liveEvents = createCollectingSink();
    const outcome = await batch.run({ events: liveEvents });
    const row = (r: { name: string; outcome: string; reason: string | null; errorCode: string | null; tier: number; attempts: number; price: number | null }): AgreementRow => [r.name, r.outcome, r.reason, r.errorCode, r.tier, r.attempts, r.price];
    return {
      sim,
      simRows: sim.result.items.map(row),
      liveRows: store.batches.listResults(batch.batchId).map(row),
      outcome,
      served: { scrapflyAccepted: server.core.stats().accepted - scrapflyBefore, siteRequests: server.sites.stats().requests - sitesBefore },
      simRequests: requestRows(sim.events),
      liveRequests: requestRows(liveEvents.events),
    };
  } finally {
    await transport.close();
    store.close();
  }
}
