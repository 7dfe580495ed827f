/**
 * A Scrapfly outage in the middle of a live batch (the mock's HTTP face stopped for real): the
 * default live policy's outage breaker stops the batch, which exits non-zero, is recorded as
 * interrupted and resumable, and leaves no machine failed by the outage; once the mock is back,
 * `run --resume` prices the rest.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/live/open-store.js';
import { startMockHttpServer, type MockHttpServer } from '../../src/node/mock-http-server.js';
import { runCliCaptured } from '../support/run-cli-in-process.js';
import { makeLiveScenario, makeTempDir } from './live-helpers.js';

const KEY = 'scp-live-outage-0000';

describe('an outage in the middle of a live batch', () => {
  it('stops the batch as interrupted, fails no machine, and a resume prices the rest once the API is back', async () => {
    const temp = makeTempDir('outage');
    // 20 s scrapes at time scale 100: 200 ms of wall time each, far from every timeout.
    const scenario = makeLiveScenario({ count: 24, workers: 2, latencyMs: 20_000, apiKeys: [KEY] });
    let mock: MockHttpServer = await startMockHttpServer({ world: scenario.world, timeScale: 100, seed: 7 });
    const port = mock.port;
    try {
      const machines = join(temp.dir, 'machines.csv');
      writeFileSync(machines, `name,url\n${scenario.items.map((i) => `${i.name},${i.url}`).join('\n')}\n`);
      const store = join(temp.dir, 'store.db');
      const args = (...extra: string[]) => [...extra, '--store', store, '--scrapfly-url', mock.url, '--report-dir', join(temp.dir, 'reports'), '--time-scale', '100', '--progress', 'none'];
      expect((await runCliCaptured(['import', machines, '--store', store])).code).toBe(0);
      // The API goes away after a few machines.
      const outage = new Promise<void>((resolve) => {
        const poll = setInterval(() => {
          if (mock.core.stats().creditsUsed >= 4) {
            clearInterval(poll);
            void mock.close().then(resolve);
          }
        }, 5);
      });
      const first = await runCliCaptured(args('run', '--batch-id', 'b-outage', '--workers', '2'), { env: { SCRAPFLY_KEY: KEY } });
      await outage;
      expect(first.code).toBe(1);
      expect(first.stderr + first.stdout).toContain('stopped by the outage breaker');
      const db = openStore({ path: store });
      const batch = db.batches.getBatch('b-outage')!;
      const results = db.batches.listResults('b-outage');
      db.close();
      expect(batch.status).toBe('interrupted');
      expect(results.length).toBeGreaterThanOrEqual(1);
      expect(results.length).toBeLessThan(24);
      expect(results.filter((r) => r.outcome !== 'priced')).toEqual([]);
      const listed = await runCliCaptured(['batches', '--store', store]);
      expect(listed.code).toBe(0);
      expect(listed.stdout).toMatch(/^batch +status +started \(UTC\) +done +priced +failed +timed out +skipped +resumable\n/);
      expect(listed.stdout).toMatch(/\nb-outage +interrupted +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +\d+\/24 .* yes\n/);
      expect(listed.stdout).toContain('resume with: batchscope run --resume b-outage\n');
      const one = await runCliCaptured(['batches', 'b-outage', '--store', store]);
      expect(one.stdout).toMatch(/^batch b-outage: interrupted \(resumable: batchscope run --resume b-outage\)\n/);
      expect(one.stdout).toContain('error     stopped by the outage breaker');
      const missingStore = await runCliCaptured(['batches', '--store', join(temp.dir, 'nope.db')]);
      expect([missingStore.code, missingStore.stderr]).toEqual([2, `error: the store ${join(temp.dir, 'nope.db')} does not exist (create it with batchscope import <machines file> --store ${join(temp.dir, 'nope.db')})\n`]);
      // A new batch started meanwhile is told that this one waits (the API is still down: it stops too).
      const another = await runCliCaptured(args('run', '--batch-id', 'b-other', '--limit', '1'), { env: { SCRAPFLY_KEY: KEY } });
      expect(another.stderr).toContain('note: batch b-outage (interrupted) has');
      expect(another.stderr).toContain('without a result: batchscope run --resume b-outage');
      // The API is back on the same address.
      mock = await startMockHttpServer({ world: scenario.world, timeScale: 100, seed: 7, port });
      const resumed = await runCliCaptured(args('run', '--resume', 'b-outage'), { env: { SCRAPFLY_KEY: KEY } });
      expect(resumed.code, resumed.stderr).toBe(0);
      const after = openStore({ path: store });
      const all = after.batches.listResults('b-outage');
      // The machines' last checks are wall-clock times, though the run's clock went 100 times faster.
      const checked = after.machines.listMachines().map((m) => m.lastCheckedMs as number);
      expect(Math.max(...checked)).toBeLessThanOrEqual(Date.now());
      expect(Math.min(...checked)).toBeGreaterThan(Date.now() - 60_000);
      expect(after.batches.getBatch('b-outage')!.status).toBe('completed');
      after.close();
      expect(all).toHaveLength(24);
      expect(all.every((r) => r.outcome === 'priced')).toBe(true);
    } finally {
      await mock.close();
      temp.cleanup();
    }
  }, 60_000);
});
