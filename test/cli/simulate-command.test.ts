import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from '../support/run-cli-in-process.js';
import { outagePolicy, outageScenarioJson } from '../support/outage-scenario.js';

const root = new URL('../..', import.meta.url).pathname;
// Reports of these tests go here, not into the checkout's reports/.
const reports = mkdtempSync(join(tmpdir(), 'batchscope-simulate-'));
afterAll(() => rmSync(reports, { recursive: true, force: true }));

describe('simulate', () => {
  it('--json prints one object with every policy and its items', async () => {
    const result = await runCliCaptured(['simulate', 'scenarios/incident-2025-08-06.json', '--json', '--no-report']);
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
    const result = await runCliCaptured(['simulate', 'scenarios/incident-2025-08-06.json', '-p', 'baseline,fixed', '--width', '80', '--no-report']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Policy baseline');
    expect(result.stdout).toContain('Policy fixed');
    expect(result.stdout).not.toContain('Policy rec1');
    expect(result.stdout).toMatch(/worker 1 {2}\|#+/);
    expect(result.stdout).toMatch(/baseline\s+53m09s/);
  });

  it('rejects bad flag values with one line', async () => {
    const result = await runCliCaptured(['simulate', 'scenarios/incident-2025-08-06.json', '--seed', '-1']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('error: --seed must be a whole number from 0 to 9007199254740991 (as a scenario\'s seed), got "-1"\n');
    const dir = await runCliCaptured(['simulate', 'scenarios/incident-2025-08-06.json', '--report-dir', ' ']);
    expect(dir.code).toBe(2);
    expect(dir.stderr).toBe('error: --report-dir must be a folder path, got " "\n');
  });

  it('writes the report folder <report-dir>/<scenario>/<run id>/ and prints its paths', async () => {
    const dir = join(reports, 'text');
    const result = await runCliCaptured(['simulate', 'scenarios/incident-2025-08-06.json', '-p', 'baseline,fixed', '--no-timeline', '--report-dir', dir]);
    expect(result.code).toBe(0);
    const [runId] = readdirSync(join(dir, 'incident-2025-08-06'));
    expect(runId).toMatch(/^\d{8}-\d{6}-seed2096$/);
    const folder = join(dir, 'incident-2025-08-06', runId as string);
    expect(readdirSync(folder).sort()).toEqual(['events.jsonl', 'index.html', 'metrics.json', 'summary.md', 'trace.json']);
    expect(result.stdout).toContain(`Report written to ${folder}/\n`);
    expect(result.stdout).toMatch(/\n {2}index\.html {4}timeline and metrics \(open in a browser\)\n {2}trace\.json {4}trace \(open in ui\.perfetto\.dev\)\n/);
  });

  it('names the folder relative to the working directory, and keeps two runs of the same second apart', async () => {
    const cwd = mkdtempSync(join(reports, 'cwd-'));
    const scenario = join(root, 'scenarios', 'incident-2025-08-06.json');
    const a = await runCliCaptured(['simulate', scenario, '-p', 'fixed', '--no-timeline'], { cwd });
    const b = await runCliCaptured(['simulate', scenario, '-p', 'fixed', '--no-timeline'], { cwd });
    expect(a.stdout).toMatch(/Report written to reports\/incident-2025-08-06\/\d{8}-\d{6}-seed2096\/\n/);
    const folders = readdirSync(join(cwd, 'reports', 'incident-2025-08-06'));
    expect(folders).toHaveLength(2);
    expect(b.stdout).not.toBe(a.stdout);
  });

  it('--json keeps stdout one JSON object and names the folder on stderr; --no-report writes nothing', async () => {
    const dir = join(reports, 'json');
    const result = await runCliCaptured(['simulate', 'scenarios/incident-2025-08-06.json', '-p', 'fixed', '--json', '--report-dir', dir]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).policies).toHaveLength(1);
    expect(result.stderr).toMatch(new RegExp(`^report: ${dir}/incident-2025-08-06/\\d{8}-\\d{6}-seed2096\n$`));
    const none = join(reports, 'none');
    const quiet = await runCliCaptured(['simulate', 'scenarios/incident-2025-08-06.json', '-p', 'fixed', '--no-report', '--report-dir', none]);
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).not.toContain('Report written');
    expect(existsSync(none)).toBe(false);
  });

  it('says in the summary of a policy the outage breaker stopped, when, after how many failures, and what it left unpriced', async () => {
    // 3 workers price 2 s items until the API refuses every connection at 10 s; the breaker trips on the 5th refusal in a row.
    const file = join(reports, 'outage.json');
    writeFileSync(file, JSON.stringify(outageScenarioJson([outagePolicy('breaker', { outageBreaker: { consecutiveFailures: 5 } }), { name: 'no-breaker', extends: 'breaker', outageBreaker: null }])));
    const result = await runCliCaptured(['simulate', file, '--no-report', '--no-timeline']);
    expect(result.code).toBe(0);
    const [breaker, without] = result.stdout.split('\nPolicy ').slice(1);
    expect(breaker).toContain(
      '\n  outage     the outage breaker stopped the batch at 03:00:11 (11.7s in): 5 requests in a row failed as in an outage (last: NETWORK_ERROR); 25 items left unpriced (reason outage)\n',
    );
    expect(breaker).toContain('15 priced · 3 failed · 0 timed out · 22 skipped');
    expect(without).not.toContain('outage');
    expect(without).toContain('15 priced · 25 failed');
  });

  it('the executable answers --help for every command and fails cleanly', () => {
    const bin = `${root}dist/cli/main.js`;
    expect(execFileSync(process.execPath, [bin, '--help'], { encoding: 'utf8' })).toContain('simulate <scenario>');
    const help = execFileSync(process.execPath, [bin, 'simulate', '--help'], { encoding: 'utf8' });
    expect(help).toContain('--policy');
    expect(help).toContain('--no-report');
    expect(help).toContain('--report-dir');
    const bad = spawnSync(process.execPath, [bin, 'simulate', 'nope.json'], { encoding: 'utf8', cwd: root });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe('error: Failed to load scenario nope.json: cannot read the file: no such file or folder (ENOENT)\n');
    const none = spawnSync(process.execPath, [bin], { encoding: 'utf8', cwd: root });
    expect(none.status).toBe(2);
    expect(none.stderr.trim().split('\n')).toHaveLength(1);
  });
});
