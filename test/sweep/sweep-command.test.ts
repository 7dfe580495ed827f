import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProgressReporter } from '../../src/node/create-progress-reporter.js';
import { dominates } from '../../src/sweep/find-pareto-frontier.js';
import { SWEEP_OBJECTIVES, type SweepStats } from '../../src/sweep/summarize-sweep-point.js';
import { runCliCaptured } from '../support/run-cli-in-process.js';

const root = new URL('../..', import.meta.url).pathname;
const bin = join(root, 'dist/cli/main.js');
const INCIDENT = 'scenarios/incident-2025-08-06.json';
/** Recommendation 4's knobs: the thread with a call timeout that the team deployed, on a small grid. */
const GRID = ['--base', 'rec4-thread-90s-abandon', '--workers', '1..4', '--timeout', 'none,30s,90s', '--semantics', 'abort,abandon', '--seeds', '8'];

interface SweepJson {
  frontier: number[];
  recommendation: number | null;
  budget: { source: string; thresholds: string[] };
  points: Array<{ index: number; policy: string; workers: number; callTimeoutMs: number | null; timeoutSemantics: string; stats: SweepStats; onFrontier: boolean; budgetMet: boolean }>;
}

describe('sweep', () => {
  it('on the incident, recommends the cheapest policy that meets the budget, and it lies on the frontier', async () => {
    const result = await runCliCaptured(['sweep', INCIDENT, ...GRID, '--json', '--no-report']);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as SweepJson;
    expect(json.points).toHaveLength(20);
    expect(json.budget).toEqual({ source: 'budgets[0], the budget of fixed', thresholds: ['makespan p95 < 15m', 'success p95 >= 98%', 'credits p95 <= 250'] });
    const chosen = json.points[json.recommendation!]!;
    expect(chosen.budgetMet).toBe(true);
    expect(json.frontier).toContain(chosen.index);
    expect(chosen.onFrontier).toBe(true);
    const feasible = json.points.filter((p) => p.budgetMet);
    expect(chosen.stats.creditsMean).toBe(Math.min(...feasible.map((p) => p.stats.creditsMean)));
    // The team's thread with a timeout fits only when the timeout aborts and workers stay under the
    // plan; aborting saves no credits (Scrapfly charges the scrape anyway), so the faster fit wins.
    expect([chosen.workers, chosen.callTimeoutMs, chosen.timeoutSemantics]).toEqual([3, 90_000, 'abort']);
    const twoWorkers = json.points.find((p) => p.workers === 2 && p.callTimeoutMs === 30_000 && p.timeoutSemantics === 'abort')!;
    expect(twoWorkers.budgetMet).toBe(true);
    expect(twoWorkers.stats.creditsMean).toBe(chosen.stats.creditsMean);
    for (const i of json.frontier) {
      for (const other of json.points) expect(dominates({ a: other.stats, b: json.points[i]!.stats, objectives: SWEEP_OBJECTIVES })).toBe(false);
    }
    expect(json.frontier.length).toBeLessThan(json.points.length);
  });

  it('says how the grid maps onto the base policy, prints the frontier and the recommendation', async () => {
    const result = await runCliCaptured(['sweep', INCIDENT, ...GRID, '--no-report']);
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(/^sweep incident-2025-08-06 — 20 policies × 8 seeds \(2096\.\.2103\) = 160 runs in-process in \d+\.\ds\n/);
    expect(out).toContain('base policy rec4-thread-90s-abandon: chosen with --base\n');
    expect(out).toContain('  --workers    1..4 → workers (base: 5)\n');
    expect(out).toContain("  --timeout    none, 30s, 90s → callTimeoutMs, the application's hard timeout around one client call (base: 90s)\n");
    expect(out).toContain('  --semantics  abort, abandon → timeoutSemantics: abort cancels the request, abandon stops waiting and lets it run on as a zombie (base: abandon)\n');
    expect(out).toContain('  kept from the base: concurrent execution; client read timeout 2m40s, 5 tries; tiers plain retry=true → render_js retry=true → asp retry=true; 1 call per tier\n');
    expect(out).toContain('budget: makespan p95 < 15m; success p95 >= 98%; credits p95 <= 250 (from budgets[0], the budget of fixed)\n');
    expect(out).toContain('note: timeout none with abandon was not run (4 policies)');
    expect(out).toMatch(/Pareto frontier of makespan p95 × credits × success rate: \d+ of 20 policies\n/);
    expect(out).toMatch(/\n +3 +90s +abort +\d+m\d\ds +\d+m\d\ds +\d+\.\d +\d+(\.\d)?% .* met +← recommended\n/);
    expect(out).toContain('recommendation: 3 workers, call timeout 90s, abort — the cheapest policy that meets the budget:');
    expect(out).toContain('  as a scenario policy: {"name":"rec4-thread-90s-abandon-w3","extends":"rec4-thread-90s-abandon","workers":3,"timeoutSemantics":"abort"}\n');
    expect(result.stderr).toContain('sweep: 160/160 runs (100%)');
  });

  it('on the default base (the fix), says which settings change nothing and recommends the fix as it stands', async () => {
    const result = await runCliCaptured(['sweep', INCIDENT, '--workers', '3..5', '--timeout', 'none,30s', '--seeds', '4', '--no-report']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('base policy fixed: the first policy expected to pass its budget (budgets[0]); --base to choose another\n');
    expect(result.stdout).toContain('note: --timeout changed no run at any point of the grid: on base fixed that setting does not matter here\n');
    expect(result.stdout).toContain('note: to see what a call timeout does, sweep a policy that relies on one: --base rec4-thread-90s-abandon or --base rec3+4-20-workers\n');
    expect(result.stdout).toContain('recommendation: 4 workers, call timeout none, abort');
    expect(result.stdout).toContain('  that is the base policy fixed as it stands\n');
  });

  it('the built CLI runs on worker threads with the same result, and writes the frontier files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'batchscope-sweep-'));
    const threaded = spawnSync(process.execPath, [bin, 'sweep', INCIDENT, ...GRID, '--json', '--threads', '2', '--report-dir', dir], { cwd: root, encoding: 'utf8' });
    expect(threaded.status).toBe(0);
    const inProcess = spawnSync(process.execPath, [bin, 'sweep', INCIDENT, ...GRID, '--json', '--threads', '0', '--no-report'], { cwd: root, encoding: 'utf8' });
    expect(inProcess.status).toBe(0);
    expect(threaded.stdout).toBe(inProcess.stdout);
    const [folder] = readdirSync(join(dir, 'incident-2025-08-06'));
    const files = readdirSync(join(dir, 'incident-2025-08-06', folder!));
    expect(files).toEqual(expect.arrayContaining(['sweep.json', 'points.csv', 'frontier.md', 'events.jsonl', 'metrics.json']));
    const written = JSON.parse(readFileSync(join(dir, 'incident-2025-08-06', folder!, 'sweep.json'), 'utf8'));
    expect(written.recommendation).toBe(JSON.parse(threaded.stdout).recommendation);
    const csv = readFileSync(join(dir, 'incident-2025-08-06', folder!, 'points.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(21);
    expect(csv[0]).toMatch(/^index,policy,workers,call_timeout_ms,timeout_semantics,runs,makespan_p50_ms,/);
    const frontier = readFileSync(join(dir, 'incident-2025-08-06', folder!, 'frontier.md'), 'utf8');
    expect(frontier).toContain('**recommendation: 3 workers, call timeout 90s, abort');
    const header = JSON.parse(readFileSync(join(dir, 'incident-2025-08-06', folder!, 'events.jsonl'), 'utf8').split('\n')[0]!);
    expect(header.policy.name).toBe('rec4-thread-90s-abandon@w3/t90s/abort');
  });

  it('rejects bad grids and unknown policies with one line', async () => {
    const bad = await runCliCaptured(['sweep', INCIDENT, '--workers', '0..3']);
    expect(bad).toEqual({ code: 2, stdout: '', stderr: 'error: --workers has a bad range "0..3": write FROM..TO with 1 ≤ FROM ≤ TO, optionally :STEP (e.g. 1..40 or 1..40:5)\n' });
    const unknown = await runCliCaptured(['sweep', INCIDENT, '--base', 'fast']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error: Unknown policy "fast" in scenario scenarios\/incident-2025-08-06\.json: choose one of baseline, .*fixed\n$/);
    const budget = await runCliCaptured(['sweep', INCIDENT, '--budget', 'makespan p95 < soon']);
    expect(budget.code).toBe(2);
    expect(budget.stderr).toBe('error: --budget "makespan p95 < soon" is not a valid budget expression: it has a value that is not a duration: "soon" (write e.g. "15m", "90s" or "1h30m")\n');
  });
});

describe('progress', () => {
  it('draws a bar on a terminal and prints a line per tenth otherwise', () => {
    let t = 0;
    let tty = '';
    const bar = createProgressReporter({ write: (s) => void (tty += s), isTty: true, label: 'sweep', width: 70, nowMs: () => t });
    for (let done = 1; done <= 4; done++) {
      t += 100;
      bar.update(done, 4);
    }
    bar.finish();
    expect(tty.split('\r').filter(Boolean).map((s) => s.replace('\x1b[K', ''))).toEqual([
      'sweep [#####...............] 1/4 runs (25%), 0.1s, ~1s left',
      'sweep [##########..........] 2/4 runs (50%), 0.2s, ~1s left',
      'sweep [###############.....] 3/4 runs (75%), 0.3s, ~1s left',
      'sweep [####################] 4/4 runs (100%), 0.4s\n',
    ]);
    let plain = '';
    const lines = createProgressReporter({ write: (s) => void (plain += s), isTty: false, label: 'check', nowMs: () => 0 });
    for (let done = 1; done <= 20; done++) lines.update(done, 20);
    expect(plain.trim().split('\n')).toHaveLength(11);
    expect(plain).toContain('check: 10/20 runs (50%), 0.0s\n');
  });
});
