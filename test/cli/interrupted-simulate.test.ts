/**
 * A simulation stopped by a signal leaves nothing behind: its run log was being spooled to a
 * temporary folder, which goes with it (Node runs no exit handlers on a signal of its own).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { syntheticScenarioJson } from '../../src/scenario/synthetic-scenario.js';

const root = resolve(new URL('../..', import.meta.url).pathname);
const bin = join(root, 'dist/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'batchscope-interrupted-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('an interrupted simulate', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('removes its spooled run log on %s and writes no report', async (signal) => {
    const tmp = join(dir, `tmp-${signal}`);
    const reports = join(dir, `reports-${signal}`);
    const scenario = join(dir, 'big.json');
    // Large enough to run for seconds: the signal comes while it simulates.
    writeFileSync(scenario, JSON.stringify(syntheticScenarioJson({ items: 100_000, workers: 100 })));
    mkdirSync(tmp);
    const child = spawn(process.execPath, [bin, 'simulate', scenario, '--report-dir', reports, '--no-timeline'], { env: { ...process.env, TMPDIR: tmp }, stdio: 'ignore' });
    // Wait (without a deadline of our own: the test's timeout bounds it) for the spool's folder.
    while (readdirSync(tmp).filter((d) => d.startsWith('batchscope-events-')).length === 0) await new Promise((r) => setTimeout(r, 20));
    child.kill(signal);
    const [code, got] = await new Promise<[number | null, NodeJS.Signals | null]>((done) => child.on('exit', (c, s) => done([c, s])));
    expect(got).toBe(signal);
    expect(code).toBeNull();
    expect(readdirSync(tmp)).toEqual([]);
    expect(existsSync(reports) ? readdirSync(reports) : []).toEqual([]);
  }, 60_000);
});
