/**
 * simulate, replay and check show their progress on a terminal once the work has taken a second,
 * and stay silent before (and off a terminal, for simulate and replay). The wall clock the
 * progress reads is the test's own: it jumps when the test says, so no test waits on real time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';

const root = new URL('../..', import.meta.url).pathname;
const SEED_LOG = 'scenarios/logs/batch_20250806_030023_901652f0.txt';
const temp = mkdtempSync(join(tmpdir(), 'batchscope-progress-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** Runs the CLI as on a terminal (or not) whose wall clock advances `stepMs` each time it is read. */
async function runOnTerminal(args: string[], options: { stepMs: number; isTty?: boolean }): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  let now = 0;
  const code = await runCli(args, {
    stdout: () => {},
    stderr: (t) => void (stderr += t),
    env: { NO_COLOR: '1' },
    cwd: root,
    columns: 100,
    isTty: options.isTty ?? true,
    nowMs: () => (now += options.stepMs),
  });
  return { code, stderr };
}

/** The progress bars drawn on stderr (each redraw starts with a carriage return). */
function bars(stderr: string, label: string): string[] {
  return stderr.split('\r').filter((s) => s.startsWith(`${label} [`)).map((s) => s.replace(/\x1b\[K\n?$/, ''));
}

describe('progress on a terminal', () => {
  it('replay: items of its simulations (the replay, then the fitted world over 40 seeds), once past a second', async () => {
    const emit = join(temp, 'replay.json');
    const slow = await runOnTerminal(['replay', SEED_LOG, '--emit-scenario', emit, '--no-report', '--json'], { stepMs: 250 });
    expect(slow.code).toBe(0);
    const drawn = bars(slow.stderr, 'replay');
    // 165 items under the baseline and under each of the 40 seeds of the fitted world.
    expect(drawn.length).toBeGreaterThan(3);
    expect(drawn.every((b) => /^replay \[[#.]+\] \d+\/6765 items \(\d+%\), \d+\.\ds/.test(b))).toBe(true);
    expect(drawn.at(-1)).toMatch(/^replay \[#+\] 6765\/6765 items \(100%\), \d+\.\ds$/);
    expect(slow.stderr.endsWith('\n')).toBe(true);
    // Under a second: nothing.
    const quick = await runOnTerminal(['replay', SEED_LOG, '--emit-scenario', emit, '--no-report', '--json'], { stepMs: 0 });
    expect([quick.code, quick.stderr]).toEqual([0, '']);
    // Off a terminal: nothing either.
    const piped = await runOnTerminal(['replay', SEED_LOG, '--emit-scenario', emit, '--no-report', '--json'], { stepMs: 250, isTty: false });
    expect([piped.code, piped.stderr]).toEqual([0, '']);
  });

  it('simulate: items settled over every policy, once past a second', async () => {
    const slow = await runOnTerminal(['simulate', 'scenarios/incident-2025-08-06.json', '--no-report', '--json'], { stepMs: 250 });
    expect(slow.code).toBe(0);
    // 11 policies × 165 items.
    expect(bars(slow.stderr, 'simulate').at(-1)).toMatch(/^simulate \[#+\] 1815\/1815 items \(100%\), \d+\.\ds$/);
    const quick = await runOnTerminal(['simulate', 'scenarios/incident-2025-08-06.json', '--no-report', '--json'], { stepMs: 0 });
    expect([quick.code, quick.stderr]).toEqual([0, '']);
  });

  it('check: runs, on a terminal once past a second; off a terminal a line per tenth as before', async () => {
    const args = ['check', 'scenarios/incident-2025-08-06.json', '--seeds', '2', '--threads', '0', '--no-report', '--json'];
    const slow = await runOnTerminal(args, { stepMs: 250 });
    expect(slow.code).toBe(0);
    expect(bars(slow.stderr, 'check').at(-1)).toMatch(/^check \[#+\] 22\/22 runs \(100%\), \d+\.\ds$/);
    const quick = await runOnTerminal(args, { stepMs: 0 });
    expect([quick.code, quick.stderr]).toEqual([0, '']);
    const piped = await runOnTerminal(args, { stepMs: 0, isTty: false });
    expect(piped.stderr).toContain('check: 22/22 runs (100%)');
  });
});
