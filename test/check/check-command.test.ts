import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliCaptured } from '../support/run-cli-in-process.js';
import { makeTempDir, tinyScenarioJson, writeJson } from './tiny-scenario.js';

const root = new URL('../..', import.meta.url).pathname;
const bin = join(root, 'dist/cli/main.js');

describe('check', () => {
  it('exits 0 when every budget is as expected, with the distribution and the table', async () => {
    const dir = makeTempDir();
    const file = writeJson(dir, 'tiny.json', tinyScenarioJson([
      { policy: 'three', thresholds: ['makespan p95 < budget', 'success >= 100%'] },
      { policy: 'one', expect: 'exceed', thresholds: 'makespan p95 < 30s' },
    ]));
    const result = await runCliCaptured(['check', file, '--seeds', '5', '--no-report'], { cwd: dir });
    expect(result.stderr).toContain('check: 5/10 runs (50%)');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^batchscope check — 1 scenario, 2 budgeted policies, 10 runs in-process in \d+\.\ds\n/);
    expect(result.stdout).toContain('tiny  tiny.json · 5 seeds (7..11)');
    expect(result.stdout).toMatch(/\n {2}three +pass +1\d(\.\d)?s +1\d(\.\d)?s +1\d(\.\d)?s +0% \(0\/5\) {2}ok: within budget\n/);
    expect(result.stdout).toMatch(/\n {2}one +exceed +[34]\d(\.\d)?s +[34]\d(\.\d)?s +[34]\d(\.\d)?s +100% \(5\/5\) {2}ok: exceeds as expected\n/);
    expect(result.stdout).toMatch(/scenario +policy +expect +budget +measured +margin +runs over +result\n/);
    expect(result.stdout).toMatch(/tiny +one +exceed +makespan p95 < 30s +[34]\d(\.\d)?s +-\d+(\.\d)?s +100% \(5\/5\) +exceeds \(expected\)\n/);
    expect(result.stdout).toContain('check passed: 2 budgeted policies as expected (1 within budget, 1 counter-example over budget)');
  });

  it('exits 1 when a budget fails, naming the scenario, policy, budget, measured value and margin', async () => {
    const dir = makeTempDir();
    const file = writeJson(dir, 'tiny.json', tinyScenarioJson([{ policy: 'three', thresholds: ['makespan p95 < 10s', 'credits <= 100'] }]));
    const result = await runCliCaptured(['check', file, '--seeds', '5', '--no-report'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/tiny +three +pass +makespan p95 < 10s +1\d(\.\d)?s +-\d(\.\d)?s +100% \(5\/5\) +FAIL\n/);
    expect(result.stdout).toMatch(/tiny +three +pass +credits <= 100 +12 +\+88 +0% \(0\/5\) +met\n/);
    expect(result.stdout).toContain('FAIL: over budget (makespan p95 < 10s)');
    expect(result.stdout).toMatch(/check FAILED: 1 of 1 budgeted policies not as expected\n {2}tiny \/ three: "makespan p95 < 10s" measured 1\d(\.\d)?s \(margin -\d(\.\d)?s; 100% of 5 runs over\)/);
  });

  it('exits 1 when a counter-example no longer exceeds its budget', async () => {
    const dir = makeTempDir();
    const file = writeJson(dir, 'tiny.json', tinyScenarioJson([{ policy: 'three', expect: 'exceed', thresholds: ['makespan p95 < 1m'] }]));
    const result = await runCliCaptured(['check', file, '--seeds', '3', '--no-report'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('FAIL: expected to exceed, but met every threshold');
    expect(result.stdout).toContain('tiny / three: expected to exceed budgets[0] (a counter-example), but every threshold was met');
  });

  it('a malformed budget expression is a one-line error naming the file, the field and the expression', async () => {
    const dir = makeTempDir();
    const file = writeJson(dir, 'tiny.json', tinyScenarioJson([{ policy: 'three', thresholds: ['success >= 98%', 'makespan p95 < 15x'] }]));
    const result = await runCliCaptured(['check', file], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'error: Failed to load scenario tiny.json: budgets[0].thresholds[1] "makespan p95 < 15x" is not a valid budget expression: it has a value that is not a duration: "15x" (write e.g. "15m", "90s" or "1h30m")\n',
    );
  });

  it('writes JUnit XML, a Markdown summary and a report folder with one representative run per budgeted policy', async () => {
    const dir = makeTempDir();
    writeJson(dir, 'tiny.json', tinyScenarioJson([
      { policy: 'three', thresholds: ['makespan p95 < 10s'] },
      { policy: 'one', expect: 'exceed', thresholds: ['makespan p95 < 30s'] },
    ]));
    const result = await runCliCaptured(['check', 'tiny.json', '--seeds', '4', '--junit', 'out/junit.xml', '--summary', 'out/summary.md', '--report-dir', 'rep'], { cwd: dir });
    expect(result.code).toBe(1);
    const junit = readFileSync(join(dir, 'out/junit.xml'), 'utf8');
    expect(junit).toContain('<testsuites name="batchscope check" tests="2" failures="1" errors="0">');
    expect(junit).toContain('<testsuite name="tiny" tests="2" failures="1" errors="0" skipped="0" file="tiny.json">');
    expect(junit).toContain('<testcase classname="tiny" name="three: expect pass (makespan p95 &lt; 10s)" file="tiny.json">');
    expect(junit).toMatch(/<failure message="FAIL: over budget \(makespan p95 &lt; 10s\)" type="budget">makespan p50 /);
    expect(junit.match(/<failure /g)).toHaveLength(1);
    const summary = readFileSync(join(dir, 'out/summary.md'), 'utf8');
    expect(summary).toMatch(/^## Budget check: FAILED \(1 of 2 budgeted policies not as expected\)\n/);
    expect(summary).toMatch(/\| `three` \| `makespan p95 < 10s` \| 1\d(\.\d)?s \| -\d(\.\d)?s \| 100% \(4\/4\) \| \*\*FAIL\*\* \|/);
    const reports = readdirSync(join(dir, 'rep/tiny'));
    expect(reports).toHaveLength(1);
    const folder = join(dir, 'rep/tiny', reports[0]!);
    expect(result.stdout).toContain(`report: ${join('rep/tiny', reports[0]!)}`);
    expect(result.stdout).toContain(`junit: ${join(dir, 'out/junit.xml')}`);
    const check = JSON.parse(readFileSync(join(folder, 'check.json'), 'utf8'));
    expect(check.ok).toBe(false);
    expect(Object.keys(check.representativeSeeds)).toEqual(['one', 'three']);
    const headers = readFileSync(join(folder, 'events.jsonl'), 'utf8').split('\n').filter((l) => l.includes('"type":"run.meta"')).map((l) => JSON.parse(l));
    expect(headers.map((h) => [h.policy.name, h.seed])).toEqual([['one', check.representativeSeeds.one], ['three', check.representativeSeeds.three]]);
    expect(existsSync(join(folder, 'metrics.json'))).toBe(true);
    expect(existsSync(join(folder, 'check.md'))).toBe(true);
  });

  it('checks every scenario file of a folder and says when there is nothing to check', async () => {
    const dir = makeTempDir();
    const folder = join(dir, 'scenarios');
    mkdirSync(folder);
    writeJson(folder, 'a.json', { ...tinyScenarioJson([{ policy: 'three', thresholds: ['makespan p95 < 1m'] }]), name: 'a' });
    writeJson(folder, 'b.json', { ...tinyScenarioJson(undefined), name: 'b' });
    const result = await runCliCaptured(['check', 'scenarios', '--seeds', '2', '--no-report'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('— 2 scenarios, 1 budgeted policy, 2 runs');
    expect(result.stdout).toContain('a  scenarios/a.json · 2 seeds (7..8)');
    expect(result.stdout).toContain('b  scenarios/b.json · no runs\n  no budgets: nothing to check');
    const empty = await runCliCaptured(['check', 'nothing-here'], { cwd: dir });
    expect(empty.code).toBe(1);
    expect(empty.stderr).toBe('error: Failed to load scenario nothing-here: no such file or folder (ENOENT)\n');
    const badFlag = await runCliCaptured(['check', 'scenarios', '--seeds', '0'], { cwd: dir });
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toBe('error: --seeds must be an integer from 1 to 100000, got 0\n');
  });

  it('the built CLI checks the incident scenario on worker threads, and its budgets hold', () => {
    const threaded = spawnSync(process.execPath, [bin, 'check', 'scenarios/incident-2025-08-06.json', '--no-report', '--json', '--threads', '2'], { cwd: root, encoding: 'utf8' });
    expect(threaded.stderr).toContain('check: 550/550 runs (100%)');
    expect(threaded.status).toBe(0);
    const json = JSON.parse(threaded.stdout);
    expect(json).toMatchObject({ ok: true, verdicts: 11, failed: 0, runs: 550 });
    const verdicts = json.scenarios[0].verdicts as Array<{ policy: string; expect: string; ok: boolean }>;
    expect(verdicts.filter((v) => v.expect === 'pass').map((v) => v.policy)).toEqual(['fixed']);
    expect(verdicts.filter((v) => v.expect === 'exceed').map((v) => v.policy).sort()).toEqual(['baseline', 'rec1-as-written', 'rec1-read-timeout-60s', 'rec1-timeout-60s', 'rec2-as-written', 'rec2-as-written-retry-false', 'rec2-tier-timeouts', 'rec3+4-20-workers', 'rec3-20-workers', 'rec4-thread-90s-abandon']);
  });
});
