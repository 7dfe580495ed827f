import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runCliCaptured } from '../support/run-cli-in-process.js';

const root = new URL('../..', import.meta.url).pathname;

describe('simulate', () => {
  it('--json prints one object with every policy and its items', async () => {
    const result = await runCliCaptured(['simulate', 'scenarios/incident-2025-08-06.json', '--json']);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.scenario).toBe('incident-2025-08-06');
    expect(json.policies.map((p: { name: string }) => p.name)).toContain('fixed');
    const baseline = json.policies.find((p: { name: string }) => p.name === 'baseline');
    expect(baseline.makespanMs).toBeGreaterThan(30 * 60_000);
    expect(baseline.priced + baseline.failed + baseline.timedOut + baseline.skipped).toBe(165);
    expect(baseline.items).toHaveLength(165);
    expect(Object.keys(baseline.items[0])).toEqual(expect.arrayContaining(['name', 'worker', 'startMs', 'endMs', 'outcome', 'attempts']));
    expect(baseline.items[1].startMs - baseline.items[0].startMs).toBeGreaterThan(33 * 60_000);
  });

  it('prints the summary, the timeline and the comparison for chosen policies', async () => {
    const result = await runCliCaptured(['simulate', 'scenarios/incident-2025-08-06.json', '-p', 'baseline,fixed', '--width', '80']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Policy baseline');
    expect(result.stdout).toContain('Policy fixed');
    expect(result.stdout).not.toContain('Policy rec1');
    expect(result.stdout).toMatch(/worker 1 {2}\|#+/);
    expect(result.stdout).toMatch(/baseline\s+52m34s/);
  });

  it('rejects bad flag values with one line', async () => {
    const result = await runCliCaptured(['simulate', 'scenarios/incident-2025-08-06.json', '--seed', '-1']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('error: --seed must be a non-negative integer, got -1\n');
  });

  it('the executable answers --help for every command and fails cleanly', () => {
    const bin = `${root}dist/cli/main.js`;
    expect(execFileSync(process.execPath, [bin, '--help'], { encoding: 'utf8' })).toContain('simulate <scenario>');
    expect(execFileSync(process.execPath, [bin, 'simulate', '--help'], { encoding: 'utf8' })).toContain('--policy');
    const bad = spawnSync(process.execPath, [bin, 'simulate', 'nope.json'], { encoding: 'utf8', cwd: root });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe('error: Failed to load scenario nope.json: cannot read the file (no such file)\n');
    const none = spawnSync(process.execPath, [bin], { encoding: 'utf8', cwd: root });
    expect(none.status).toBe(2);
    expect(none.stderr.trim().split('\n')).toHaveLength(1);
  });
});
