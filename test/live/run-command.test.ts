import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/live/open-store.js';
import type { MockHttpServer } from '../../src/node/mock-http-server.js';
import { runCliCaptured } from '../support/run-cli-in-process.js';
import { filesContaining, makeLiveScenario, makeTempDir, startMockFor, releaseLiveResourcesAfterEach } from './live-helpers.js';

const KEY = 'scp-live-7f3a9c2e1b8d4f6a0e5c7b9d';

let mock: MockHttpServer | null = null;
releaseLiveResourcesAfterEach();

/** A temp folder with a machines file for `count` items of the live test scenario, and the mock serving it. */
async function setUp(options: { count: number; workers: number; latencyMs?: number; timeScale: number }) {
  const temp = makeTempDir('run');
  const scenario = makeLiveScenario({ count: options.count, workers: options.workers, latencyMs: options.latencyMs, apiKeys: [KEY] });
  mock = await startMockFor(scenario, { timeScale: options.timeScale });
  const machinesFile = join(temp.dir, 'machines.csv');
  writeFileSync(machinesFile, `name,url\n${scenario.items.map((i) => `${i.name},${i.url}`).join('\n')}\n`);
  const store = join(temp.dir, 'store.db');
  const args = (...extra: string[]) => [...extra, '--store', store, '--scrapfly-url', mock!.url, '--report-dir', join(temp.dir, 'reports'), '--time-scale', String(options.timeScale), '--progress', 'lines'];
  return { dir: temp.dir, machinesFile, store, args, scenario };
}

describe('run (live batch through the CLI)', () => {
  it('imports, prices every machine through the mock HTTP face, writes the run log and report, and never shows the key', async () => {
    const t = await setUp({ count: 12, workers: 3, timeScale: 200 });
    const imported = await runCliCaptured(['import', t.machinesFile, '--store', t.store]);
    expect(imported.stdout).toMatch(/^imported 12 machines from .*machines\.csv: 12 new, 0 renamed, 0 unchanged; the store .*store\.db holds 12\n$/);
    const run = await runCliCaptured(t.args('run', '--batch-id', 'b-cli', '--workers', '3'), { env: { SCRAPFLY_KEY: KEY } });
    expect(run.stderr).toContain('12/12 done (100%): 12 priced, 0 failed, 0 timed out, 0 skipped');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^batch b-cli: pricing 12 of 12 machines with 3 workers through http:\/\/127\.0\.0\.1:\d+ \(policy live-default\)\n/);
    expect(run.stdout).toContain('batch b-cli completed (12/12 machines have a result; this run took ');
    expect(mock!.core.stats().accepted).toBe(12);

    const store = openStore({ path: t.store });
    try {
      expect(store.machines.listMachines().every((m) => m.currentPrice !== null && m.lastCheckedMs !== null)).toBe(true);
      expect(store.batches.readSegment({ batchId: 'b-cli', segment: 1 })!.events.filter((e) => e.type === 'item.end')).toHaveLength(12);
    } finally {
      store.close();
    }
    const reportDir = join(t.dir, 'reports', 'live', 'b-cli');
    expect(readdirSync(reportDir)).toEqual(expect.arrayContaining(['events.jsonl', 'metrics.json']));
    const log = readFileSync(join(reportDir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(log[0]).toMatchObject({ type: 'run.meta', mode: 'live', transport: 'http', batchId: 'b-cli', accountConcurrency: 6 });
    expect(log.filter((e) => e.type === 'item.end')).toHaveLength(12);
    // No direct fetch, so summary.md has no direct columns nor direct line.
    const summary = readFileSync(join(reportDir, 'summary.md'), 'utf8');
    expect(summary).toMatch(/^\| policy \| makespan \|.* \| credits \|$/m);
    expect(summary).not.toMatch(/direct/);

    // The key in any form, anywhere: output, store (database and WAL), run log, reports.
    for (const text of [run.stdout, run.stderr, imported.stdout]) expect(text).not.toContain(KEY);
    expect(filesContaining(t.dir, KEY)).toEqual([]);
    expect(filesContaining(t.dir, 'scp-live-7f3a')).toEqual([]);
  });

  it('a refused key fails before the batch starts, in one line without the key', async () => {
    const t = await setUp({ count: 2, workers: 1, timeScale: 200 });
    await runCliCaptured(['import', t.machinesFile, '--store', t.store]);
    const wrong = `${KEY}-wrong`;
    const run = await runCliCaptured(t.args('run'), { env: { SCRAPFLY_KEY: wrong } });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: Scrapfly at http:\/\/127\.0\.0\.1:\d+ refused the API key \(HTTP 401: Invalid API key\)\n$/);
    expect(run.stdout + run.stderr).not.toContain('scp-live');
    const store = openStore({ path: t.store });
    expect(store.batches.listBatches(5)).toEqual([]);
    store.close();
  });

  it('needs a key for the real API, says so in one line, and rejects bad flags', async () => {
    const missing = await runCliCaptured(['run', '--store', ':memory:'], { env: {} });
    expect([missing.code, missing.stderr]).toEqual([2, 'error: No Scrapfly API key: set SCRAPFLY_KEY or pass --scrapfly-key-file <file> (or fetch the pages directly with --direct)\n']);
    const badFile = await runCliCaptured(['run', '--store', ':memory:', '--scrapfly-key-file', 'nope.key'], { env: {} });
    expect([badFile.code, badFile.stderr]).toEqual([1, 'error: Cannot read the Scrapfly key file nope.key: no such file or folder (ENOENT)\n']);
    const bad = await runCliCaptured(['run', '--store', ':memory:', '--scrapfly-url', 'http://127.0.0.1:1', '--limit', '0']);
    expect([bad.code, bad.stderr]).toEqual([2, 'error: --limit must be an integer from 1 to 2147483647, got 0\n']);
    const resume = await runCliCaptured(['run', '--store', ':memory:', '--scrapfly-url', 'http://127.0.0.1:1', '--resume', 'x', '--limit', '3']);
    expect(resume.stderr).toBe('error: --resume continues a batch with its own machines; drop --days-threshold, --limit, --ids and --batch-id\n');
  });

  it('Ctrl-C stops gracefully (requests aborted, batch cancelled, nothing priced twice) and --resume finishes it', async () => {
    const t = await setUp({ count: 16, workers: 2, latencyMs: 10_000, timeScale: 100 });
    await runCliCaptured(['import', t.machinesFile, '--store', t.store]);
    const running = runCliCaptured(t.args('run', '--batch-id', 'b-int'), { env: { SCRAPFLY_KEY: KEY } });
    // Interrupt once a few machines have a result (each takes 100 ms real).
    const watcher = openStore({ path: t.store });
    for (let i = 0; i < 200 && (watcher.batches.getBatch('b-int')?.done ?? 0) < 3; i++) await new Promise((r) => setTimeout(r, 10));
    process.emit('SIGINT');
    const stopped = await running;
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toContain('stopping: aborting requests in flight and recording the batch');
    expect(stopped.stdout).toContain('resume with: batchscope run --resume b-int');
    const cancelled = watcher.batches.getBatch('b-int')!;
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.done).toBeGreaterThanOrEqual(3);
    expect(cancelled.done).toBeLessThan(16);

    const resumed = await runCliCaptured(t.args('run', '--resume', 'b-int'), { env: { SCRAPFLY_KEY: KEY } });
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain(`batch b-int: resuming: pricing the remaining ${16 - cancelled.done} of 16 machines`);
    const done = watcher.batches.getBatch('b-int')!;
    expect([done.status, done.done, done.counts.priced, done.segments]).toEqual(['completed', 16, 16, 2]);
    expect(new Set(watcher.batches.listResults('b-int').map((r) => r.machineId)).size).toBe(16);
    watcher.close();
    // Both segments are in the run log, each with its header.
    const log = readFileSync(join(t.dir, 'reports', 'live', 'b-int', 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(log.filter((e) => e.type === 'run.meta').map((h) => h.items.length)).toEqual([16, 16 - cancelled.done]);
  });
});
