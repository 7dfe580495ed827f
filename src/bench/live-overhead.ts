/**
 * Engine overhead on the live path. The mock's HTTP face serves a zero-latency world in its own
 * process (`batchscope serve-mock`); this process prices the same items through it two ways, with
 * 64 in flight:
 * - bare: a loop of `undici.request` + `body.json()` per item, 64 lanes, on one Agent;
 * - engine: `runBatch` with 64 workers over the undici transport on a real clock, the Scrapfly
 *   client, price extraction and every event (into a counting sink);
 * - and, for information, the whole live batch: the engine plus the SQLite store (one committed
 *   result per item, every event appended), through `createLiveBatch`.
 * Each round runs bare and engine back to back (ABBA order across rounds), so that a slow spell of
 * a shared machine falls on both; the ratio reported is the median of the rounds' ratios. The CPU
 * time this process spends per item is reported too: it does not depend on what else runs.
 *
 * Usage: npm run build && node dist/bench/live-overhead.js [--items N] [--workers W] [--rounds R]
 * Prints one table and a JSON line (`engineOverBare` is the ratio the issue asks for, ≥ 0.8).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent } from 'undici';
import { createRealClock } from '../clock/real-clock.js';
import type { BatchItem } from '../engine/batch-types.js';
import type { Policy } from '../engine/policy.js';
import { runBatch } from '../engine/run-batch.js';
import { createPriceExtractor } from '../extract/extract-price.js';
import { openStore } from '../live/open-store.js';
import { createLiveBatch } from '../live/run-live-batch.js';
import { createUndiciTransport } from '../live/undici-transport.js';
import { createSeededRandom } from '../random/seeded-random.js';
import { parsePolicy } from '../scenario/parse-policy.js';
import { FieldReader } from '../scenario/field-reader.js';
import { buildScrapeQuery } from '../scrapfly/scrape-params.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const ITEMS = flag('items', 10_000);
const WORKERS = flag('workers', 64);
const ROUNDS = flag('rounds', 6);
const KEY = 'scp-bench-key';

const SCENARIO = {
  name: 'live-overhead',
  description: 'Zero latency, no errors, an account that never throttles: only the cost of HTTP and of the client side remains.',
  startAt: '2025-08-06T03:00:00Z',
  seed: 1,
  items: { count: 1, domains: { 'bench.example': 1 } },
  world: { account: { concurrency: 100_000, credits: 1_000_000_000 }, behaviour: { default: { latency: { type: 'fixed', ms: 0 } } } },
  policies: [{ name: 'p', workers: 1 }],
};

const POLICY: Policy = parsePolicy(
  new FieldReader('bench'),
  { name: 'bench', workers: WORKERS, client: { preset: 'plain', readTimeoutMs: 'auto', maxTries: 1 }, tiers: [{ base: 'plain', retry: false, timeoutMs: '15s' }], escalateOn: [], slowRequestMs: '60s' },
  'policy',
);

function makeItems(round: number, variant: string): BatchItem[] {
  return Array.from({ length: ITEMS }, (_, i) => ({ name: `Item ${i}`, url: `https://www.bench.example/${variant}/r${round}/p/${i}`, domain: 'bench.example' }));
}

/** Starts `serve-mock` in its own process; resolves with its URL and the child. */
async function startMockProcess(dir: string): Promise<{ url: string; child: ChildProcess }> {
  const scenarioFile = join(dir, 'live-overhead.json');
  writeFileSync(scenarioFile, JSON.stringify(SCENARIO));
  const cli = fileURLToPath(new URL('../cli/main.js', import.meta.url));
  const child = spawn(process.execPath, [cli, 'serve-mock', '--scenario', scenarioFile], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1] as string);
    });
    child.once('exit', (code) => reject(new Error(`serve-mock exited with ${code}: ${out}`)));
  });
  return { url, child };
}

/** The bare loop: `WORKERS` lanes of request + JSON body, nothing else. Returns items per second. */
async function runBare(base: string, items: readonly BatchItem[]): Promise<number> {
  const agent = new Agent({ connections: WORKERS });
  const origin = base;
  const paths = items.map((item, i) => `/scrape?${buildScrapeQuery({ key: KEY, params: { url: item.url, renderJs: false, asp: false, proxyPool: null, country: null, retry: false, timeoutMs: 15_000, costBudget: null, correlationId: `${i}.1` } })}`);
  let next = 0;
  const started = performance.now();
  const lane = async () => {
    while (next < paths.length) {
      const path = paths[next++] as string;
      const response = await agent.request({ origin, path, method: 'GET', headers: { accept: 'application/json', 'user-agent': 'batchscope' } });
      await response.body.json();
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, lane));
  const seconds = (performance.now() - started) / 1000;
  await agent.close();
  return items.length / seconds;
}

/** The engine: runBatch over the undici transport with extraction and events. Returns items per second. */
async function runEngine(base: string, items: readonly BatchItem[]): Promise<number> {
  const transport = createUndiciTransport({ connections: WORKERS, secret: KEY });
  let events = 0;
  const started = performance.now();
  const result = await runBatch({
    items,
    policy: POLICY,
    ports: { clock: createRealClock(), transport, random: createSeededRandom(1), events: { emit: () => void events++ } },
    scrapfly: { apiKey: KEY, baseUrl: base },
    batchId: 'bench',
    extractPrice: createPriceExtractor(),
  });
  const seconds = (performance.now() - started) / 1000;
  await transport.close();
  if (result.counts.priced !== items.length) throw new Error(`engine priced ${result.counts.priced} of ${items.length}`);
  return items.length / seconds;
}

/** The whole live batch with the store (WAL, a commit per result, every event). Returns items per second. */
async function runLive(base: string, items: readonly BatchItem[], dir: string, round: number): Promise<number> {
  const store = openStore({ path: join(dir, `store-${round}.db`) });
  store.machines.upsertMachines(items.map((i) => ({ name: i.name, url: i.url })), Date.now());
  const transport = createUndiciTransport({ connections: WORKERS, secret: KEY });
  const batch = createLiveBatch(
    { store, transport, clock: createRealClock(), scrapfly: { apiKey: KEY, baseUrl: base }, extractPrice: createPriceExtractor(), maxChangeRatio: 0.5, reportsDir: null },
    { machines: store.machines.listMachines(), policy: POLICY, request: { trigger: 'cli', selection: { daysThreshold: null, limit: null, ids: null }, transport: 'http', baseUrl: base, maxChangeRatio: 0.5 } },
  );
  const started = performance.now();
  const outcome = await batch.run();
  const seconds = (performance.now() - started) / 1000;
  await transport.close();
  store.close();
  if (outcome.counts.priced !== items.length) throw new Error(`live batch priced ${outcome.counts.priced} of ${items.length}`);
  return items.length / seconds;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Items per second and this process's CPU time per item (µs) of one run of `variant`. */
async function measure(variant: () => Promise<number>): Promise<{ perSecond: number; cpuUs: number }> {
  const cpu = process.cpuUsage();
  const perSecond = await variant();
  const used = process.cpuUsage(cpu);
  return { perSecond, cpuUs: (used.user + used.system) / ITEMS };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'batchscope-live-bench-'));
  const { url, child } = await startMockProcess(dir);
  try {
    process.stderr.write(`node ${process.version}; mock ${url} in its own process; ${ITEMS} items, ${WORKERS} in flight, ${ROUNDS} rounds\n`);
    // Warm-up: connections, JIT and the mock's own warm-up.
    await runBare(url, makeItems(-1, 'bare').slice(0, 3000));
    await runEngine(url, makeItems(-1, 'engine').slice(0, 3000));
    const bare: Array<{ perSecond: number; cpuUs: number }> = [];
    const engine: Array<{ perSecond: number; cpuUs: number }> = [];
    const ratios: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // ABBA order, so that a slow spell of the machine falls on both variants alike.
      const first = round % 2 === 0 ? 'bare' : 'engine';
      const runOne = (variant: string) => (variant === 'bare' ? measure(() => runBare(url, makeItems(round, 'bare'))) : measure(() => runEngine(url, makeItems(round, 'engine'))));
      const a = await runOne(first);
      const b = await runOne(first === 'bare' ? 'engine' : 'bare');
      const [bareRun, engineRun] = first === 'bare' ? [a, b] : [b, a];
      bare.push(bareRun);
      engine.push(engineRun);
      ratios.push(engineRun.perSecond / bareRun.perSecond);
      process.stderr.write(`round ${round + 1}: bare ${bareRun.perSecond.toFixed(0)}/s (${bareRun.cpuUs.toFixed(1)} µs CPU/item), engine ${engineRun.perSecond.toFixed(0)}/s (${engineRun.cpuUs.toFixed(1)} µs CPU/item), ratio ${(ratios[round] as number).toFixed(3)}\n`);
    }
    const live = await measure(() => runLive(url, makeItems(0, 'live'), dir, 0));
    process.stderr.write(`live batch with the store: ${live.perSecond.toFixed(0)}/s (${live.cpuUs.toFixed(1)} µs CPU/item)\n`);
    const row = {
      items: ITEMS,
      workers: WORKERS,
      rounds: ROUNDS,
      bareItemsPerSecond: Math.round(median(bare.map((r) => r.perSecond))),
      engineItemsPerSecond: Math.round(median(engine.map((r) => r.perSecond))),
      engineOverBare: Math.round(median(ratios) * 1000) / 1000,
      bareCpuUsPerItem: Math.round(median(bare.map((r) => r.cpuUs)) * 10) / 10,
      engineCpuUsPerItem: Math.round(median(engine.map((r) => r.cpuUs)) * 10) / 10,
      liveBatchItemsPerSecond: Math.round(live.perSecond),
      liveBatchCpuUsPerItem: Math.round(live.cpuUs * 10) / 10,
    };
    process.stdout.write(
      `variant                          items/s   client CPU µs/item\n` +
        `bare undici.request loop        ${String(row.bareItemsPerSecond).padStart(8)}   ${String(row.bareCpuUsPerItem).padStart(8)}\n` +
        `engine (runBatch over undici)   ${String(row.engineItemsPerSecond).padStart(8)}   ${String(row.engineCpuUsPerItem).padStart(8)}\n` +
        `live batch (engine + SQLite)    ${String(row.liveBatchItemsPerSecond).padStart(8)}   ${String(row.liveBatchCpuUsPerItem).padStart(8)}\n` +
        `engine / bare (median of the rounds' ratios): ${(row.engineOverBare * 100).toFixed(1)}% (target ≥ 80%)\n` +
        `${JSON.stringify(row)}\n`,
    );
  } finally {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
