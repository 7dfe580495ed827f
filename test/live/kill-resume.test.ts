import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/live/open-store.js';
import type { MockHttpServer } from '../../src/node/mock-http-server.js';
import { makeLiveScenario, makeTempDir, startMockFor, releaseLiveResourcesAfterEach } from './live-helpers.js';

const root = new URL('../..', import.meta.url).pathname;
const bin = join(root, 'dist/cli/main.js');
const KEY = 'scp-live-kill-test-0123456789';

let mock: MockHttpServer | null = null;
releaseLiveResourcesAfterEach();

/** Runs the built CLI; resolves with its exit code (or signal) and output once it exits. */
function startCli(args: string[]) {
  const child = spawn(process.execPath, [bin, ...args], { cwd: root, env: { ...process.env, SCRAPFLY_KEY: KEY, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, exited };
}

describe('kill and resume (the built CLI, SIGKILL mid-batch)', () => {
  it('loses no finished result, and after --resume every machine has exactly one result for the batch', async () => {
    const temp = makeTempDir('kill');
    // 60 machines of 5 s each, served 50× faster: 100 ms per machine, 4 workers, about 1.5 s in all.
    const scenario = makeLiveScenario({ count: 60, workers: 4, latencyMs: 5000 });
    mock = await startMockFor(scenario, { timeScale: 50 });
    const store = join(temp.dir, 'store.db');
    const machinesFile = join(temp.dir, 'machines.json');
    writeFileSync(machinesFile, JSON.stringify(scenario.items.map((i) => ({ name: i.name, url: i.url }))));
    const common = ['--store', store, '--scrapfly-url', mock.url, '--time-scale', '50', '--progress', 'lines', '--report-dir', join(temp.dir, 'reports')];
    const imported = await startCli(['import', machinesFile, '--store', store]).exited;
    expect(imported.code).toBe(0);

    const first = startCli(['run', '--batch-id', 'b-kill', '--workers', '4', ...common]);
    const watcher = openStore({ path: store });
    try {
      let done = 0;
      for (let i = 0; i < 1000 && done < 12; i++) {
        await new Promise((r) => setTimeout(r, 5));
        done = watcher.batches.getBatch('b-kill')?.done ?? 0;
      }
      expect(done).toBeGreaterThanOrEqual(12);
      first.child.kill('SIGKILL');
      const killed = await first.exited;
      expect(killed.signal).toBe('SIGKILL');

      // Everything finished before the kill is there, with its events; the batch reads as interrupted.
      const interrupted = watcher.batches.getBatch('b-kill')!;
      expect(interrupted.status).toBe('interrupted');
      expect(interrupted.done).toBeGreaterThanOrEqual(done);
      expect(interrupted.done).toBeLessThan(60);
      const beforeResume = watcher.batches.listResults('b-kill');
      const ended = watcher.batches.readSegment({ batchId: 'b-kill', segment: 1 })!.events.filter((e) => e.type === 'item.end');
      expect(ended.length).toBeGreaterThanOrEqual(beforeResume.length);

      const second = await startCli(['run', '--resume', 'b-kill', ...common]).exited;
      expect(second.stderr).toContain('60/60 done (100%)');
      expect(second.code).toBe(0);
      expect(second.stdout).toContain(`resuming: pricing the remaining ${60 - beforeResume.length} of 60 machines`);

      const final = watcher.batches.getBatch('b-kill')!;
      expect([final.status, final.total, final.done, final.counts.priced, final.segments]).toEqual(['completed', 60, 60, 60, 2]);
      const perMachine = watcher.db
        .prepare<[string], { machine_id: number; n: number }>('SELECT i.machine_id, COUNT(r.machine_id) AS n FROM batch_items i LEFT JOIN batch_results r ON r.batch_id = i.batch_id AND r.machine_id = i.machine_id WHERE i.batch_id = ? GROUP BY i.machine_id')
        .all('b-kill');
      expect(perMachine).toHaveLength(60);
      expect(perMachine.every((row) => row.n === 1)).toBe(true);
      // No result from before the kill was lost or rewritten by the resume.
      const after = new Map(watcher.batches.listResults('b-kill').map((r) => [r.machineId, r]));
      for (const result of beforeResume) expect(after.get(result.machineId)).toEqual(result);
      expect(watcher.machines.listMachines().every((m) => m.currentPrice !== null)).toBe(true);
      expect(second.stdout + second.stderr + killed.stdout + killed.stderr).not.toContain(KEY);
    } finally {
      watcher.close();
    }
  });
});
