/**
 * Requests per second that the mock's real HTTP face serves to undici, beside a bare node:http
 * server on the same machine. Each server runs in its own process (`batchscope serve-mock` on a
 * zero-latency world, and dist/bench/http-bare-server.js); this process drives it with an undici
 * Pool at a fixed number of requests in flight, after a warm-up.
 *
 * Usage: node dist/bench/http-throughput.js [--requests N] [--inflight K] [--warmup N] [--only mock|bare]
 * Prints one JSON line per server, then a summary line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number): number => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const requests = flag('requests', 20_000);
const inflight = flag('inflight', 64);
const warmup = flag('warmup', 4_000);
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? args[onlyAt + 1] : null;

/** A world whose scrapes answer at once: the bench measures the face, not the simulated latency. */
const ZERO_LATENCY_SCENARIO = {
  name: 'http-throughput',
  description: 'Zero-latency world for the HTTP face throughput bench.',
  items: { count: 1, domains: { 'shop.example': 1 } },
  world: {
    account: { concurrency: 10_000, credits: 1_000_000_000 },
    behaviour: { default: { latency: { type: 'fixed', ms: 0 } } },
  },
  policies: [{ name: 'p', workers: 1 }],
};

/** Starts `node <script> <args>` and resolves with the process and the first URL it prints. */
function startServer(script: string, scriptArgs: string[]): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...scriptArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    // The server's stderr is shown only when it fails to start (its shutdown summary is noise here).
    child.stderr?.on('data', (chunk: Buffer) => void (err += chunk.toString('utf8')));
    const onData = (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const url = /http:\/\/[\d.]+:\d+/.exec(out)?.[0];
      if (url) {
        child.stdout?.off('data', onData);
        resolve({ child, url });
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready: ${out}${err}`)));
  });
}

function stopServer(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Sends `count` requests keeping `inflight` of them outstanding; returns the wall time and latencies. */
async function drive(pool: Pool, count: number, pathOf: (i: number) => string): Promise<{ wallMs: number; latenciesMs: number[]; failures: number }> {
  const latenciesMs: number[] = [];
  let next = 0;
  let failures = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const t = performance.now();
      const response = await pool.request({ path: pathOf(i), method: 'GET' });
      await response.body.text();
      if (response.statusCode !== 200) failures++;
      latenciesMs.push(performance.now() - t);
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: inflight }, worker));
  return { wallMs: performance.now() - start, latenciesMs, failures };
}

async function measure(name: string, url: string): Promise<Record<string, unknown>> {
  const pool = new Pool(url, { connections: inflight, pipelining: 1 });
  const pathOf = (i: number) => `/scrape?key=scp-bench&url=${encodeURIComponent(`https://shop.example/products/item-${i}`)}`;
  try {
    await drive(pool, warmup, pathOf);
    const run = await drive(pool, requests, pathOf);
    const sorted = run.latenciesMs.sort((a, b) => a - b);
    const at = (q: number) => Math.round((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0) * 100) / 100;
    return {
      server: name,
      requests,
      inflight,
      wallMs: Math.round(run.wallMs),
      requestsPerSecond: Math.round((requests / run.wallMs) * 1000),
      p50Ms: at(0.5),
      p99Ms: at(0.99),
      non200: run.failures,
    };
  } finally {
    await pool.close();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'batchscope-http-bench-'));
  const scenarioPath = join(dir, 'zero-latency.json');
  writeFileSync(scenarioPath, JSON.stringify(ZERO_LATENCY_SCENARIO));
  const cli = fileURLToPath(new URL('../cli/main.js', import.meta.url));
  const bare = fileURLToPath(new URL('./http-bare-server.js', import.meta.url));
  const rows: Record<string, unknown>[] = [];
  try {
    if (only !== 'bare') {
      const { child, url } = await startServer(cli, ['serve-mock', '--scenario', scenarioPath, '--port', '0']);
      try {
        rows.push(await measure('mock (serve-mock)', url));
      } finally {
        await stopServer(child);
      }
    }
    if (only !== 'mock') {
      const { child, url } = await startServer(bare, []);
      try {
        rows.push(await measure('bare node:http', url));
      } finally {
        await stopServer(child);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  for (const row of rows) process.stdout.write(`${JSON.stringify(row)}\n`);
  process.stdout.write(`node ${process.version}, ${inflight} in flight, ${requests} requests after ${warmup} warm-up: ${rows.map((r) => `${String(r['server'])} ${String(r['requestsPerSecond'])} req/s`).join(', ')}\n`);
}

await main();
