import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../src/cli/load-scenario-file.js';
import { runCliCaptured } from '../support/run-cli-in-process.js';

const root = new URL('../..', import.meta.url).pathname;
const SEED = 'scenarios/logs/batch_20250806_030023_901652f0.txt';
const EXCERPT = 'scenarios/logs/batch_20250806_030023_901652f0.excerpt.txt';
const tmp = mkdtempSync(join(tmpdir(), 'replay-cli-'));
const inTmp = (name: string) => relative(root, join(tmp, name));

describe('replay <log>', () => {
  it('--json prints one object with the effective concurrency, the declared workers, the stalls and the hypotheses with their evidence', async () => {
    const result = await runCliCaptured(['replay', SEED, '--json', '--no-report']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json).toMatchObject({ format: 'text', effectiveConcurrency: 1, declaredWorkers: 5, declaredItems: 165, loggedItems: 165, best: 'sequential', execution: 'blocking' });
    expect(json.stalls).toEqual([
      expect.objectContaining({ startMs: Date.parse('2025-08-06T03:00:23Z'), startAt: '2025-08-06T03:00:23.000Z', durationMs: 2_028_000, machines: ['OneLaser Hydra 7'] }),
    ]);
    expect(json.hypotheses.map((h: { id: string; verdict: string }) => `${h.id}:${h.verdict}`)).toEqual(['sequential:fits', 'all-stalled:unlikely', 'concurrent-5:rejected']);
    expect(json.hypotheses[2].evidence).toContain('1 machine started in the first 33m48s while 164 machines were queued');
    expect(json.timeline.items).toHaveLength(165);
    expect(json.timeline.inFlight.max).toBe(1);
    expect(json.reproduction).toBeNull();
  });

  it('prints the verdict, the hypotheses and the timeline', async () => {
    const result = await runCliCaptured(['replay', SEED, '--no-report', '--width', '80']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Verdict  The work was not concurrent: effective concurrency 1 with 5 workers declared');
    expect(result.stdout).toMatch(/REJECTED\s+5 truly concurrent workers, as declared/);
    expect(result.stdout).toMatch(/UNLIKELY\s+5 truly concurrent workers that all stalled at once/);
    expect(result.stdout).toContain('# OneLaser Hydra 7: 03:00:23 → 03:34:11, 33m48s (inferred from the starts), held all 5 workers');
    expect(result.stdout).toMatch(/worker 1 {2}\|#+=+\|/);
    expect(result.stdout).toMatch(/in flight {1}\|1+\|/);
  });

  it('--emit-scenario writes a scenario that loads and whose baseline reproduces the log, and reports the fit', async () => {
    const file = inTmp('seed-replay.json');
    const result = await runCliCaptured(['replay', SEED, '--emit-scenario', file, '--json', '--no-report']);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.scenarioFile).toBe(file);
    expect(json.reproduction).toMatchObject({ items: 165, medianAbsStartDiffMs: 0, maxAbsStartDiffMs: 0, makespan: { basis: 'last-start', errorMs: 0 } });
    const scenario = loadScenarioFile(file, root);
    expect(scenario.items).toHaveLength(165);
    expect(scenario.policies.map((p) => [p.name, p.workers, p.execution])).toEqual([
      ['baseline', 5, 'blocking'],
      ['concurrent-5', 5, 'concurrent'],
    ]);
    const text = await runCliCaptured(['replay', EXCERPT, '--emit-scenario', inTmp('excerpt.json'), '--no-report', '--no-timeline']);
    expect(text.stdout).toContain("Reproduction  the replay scenario's baseline on the engine: |Δstart| median 0ms, max 0ms over 4 items");
    expect(text.stdout).toContain('note: the replay scenario adds 161 items the batch declared but the log does not show');
    expect(loadScenarioFile(inTmp('excerpt.json'), root).items).toHaveLength(165);
    // A fitted world draws every request from the model: the stall lands where the dice say.
    const fitted = JSON.parse((await runCliCaptured(['replay', SEED, '--emit-scenario', inTmp('fitted.json'), '--latency', 'fitted', '--json', '--no-report'])).stdout);
    const world = loadScenarioFile(inTmp('fitted.json'), root).world;
    expect(world.behaviour.default?.latency).toMatchObject({ type: 'lognormal', medianMs: 7000 });
    expect(world.behaviour.default?.hang).toMatchObject({ p: 1 / 165, latency: { type: 'empirical', samplesMs: [2_028_000] } });
    expect(Object.keys(world.domains)).toEqual([]);
    expect(fitted.reproduction.items).toBe(165);
  });

  it('--policy replays the batch under other policies with per-item differences (counterfactual replay)', async () => {
    const result = await runCliCaptured(['replay', SEED, '--scenario', 'scenarios/incident-2025-08-06.json', '-p', 'fixed,concurrent', '--json', '--no-report']);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.counterfactuals.map((c: { policy: string }) => c.policy)).toEqual(['fixed', 'concurrent-5']);
    const [fixed, concurrent] = json.counterfactuals;
    expect(fixed.makespanMs).toBeLessThan(15 * 60_000);
    expect(fixed.counts.priced).toBe(164);
    expect(fixed.comparison.differences).toHaveLength(165);
    const hydra = fixed.comparison.differences[0];
    expect(hydra).toMatchObject({ name: 'OneLaser Hydra 7', deltaStartMs: 0, outcome: 'failed' });
    expect(hydra.deltaEndMs).toBeLessThan(-30 * 60_000);
    // Five truly concurrent workers: the stuck machine holds one worker, the others go on.
    expect(concurrent.makespanMs).toBe(2_028_000);
    expect(concurrent.comparison.differences[1].startMs).toBe(Date.parse('2025-08-06T03:00:23Z'));
    const text = await runCliCaptured(['replay', SEED, '--scenario', 'scenarios/incident-2025-08-06.json', '-p', 'fixed', '--no-report', '--no-timeline']);
    expect(text.stdout).toMatch(/fixed\s+4m\d\ds/);
    expect(text.stdout).toContain('fixed: largest per-item differences (simulated − logged)');
  });

  it('reads gzipped logs, writes the run report, and picks one run of a file holding several', async () => {
    writeFileSync(join(tmp, 'seed.log.gz'), gzipSync(readFileSync(join(root, SEED))));
    const result = await runCliCaptured(['replay', inTmp('seed.log.gz'), '--json', '--report-dir', inTmp('reports')]);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.effectiveConcurrency).toBe(1);
    expect(json.reportDir).toMatch(/reports\/replay-seed\//);
    const events = readFileSync(join(root, json.reportDir, 'events.jsonl'), 'utf8').trim().split('\n');
    expect(JSON.parse(events[0]!)).toMatchObject({ type: 'run.meta', scenario: 'replay-seed' });
    const again = await runCliCaptured(['replay', join(json.reportDir, 'events.jsonl'), '--json', '--no-report']);
    expect(JSON.parse(again.stdout)).toMatchObject({ format: 'run-log', effectiveConcurrency: 1, runCount: 1, loggedItems: 165 });
    const bad = await runCliCaptured(['replay', join(json.reportDir, 'events.jsonl'), '--run', '3', '--no-report']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(`error: --run 3 names no run of ${join(json.reportDir, 'events.jsonl')}: it holds 1 run(s): 1 (baseline)\n`);
    expect(existsSync(join(root, json.reportDir, 'metrics.json'))).toBe(true);
  });

  it('bad inputs give one clear line and an exit code, or a reported count', async () => {
    const write = (name: string, content: string | Buffer) => {
      writeFileSync(join(tmp, name), content);
      return inTmp(name);
    };
    const run = (args: string[]) => runCliCaptured(['replay', ...args, '--no-report']);
    const missing = await run(['nope.log']);
    expect([missing.code, missing.stderr]).toEqual([1, 'error: Failed to read log nope.log: cannot read the file: no such file or folder (ENOENT)\n']);
    const empty = write('empty.log', '');
    expect((await run([empty])).stderr).toBe(`error: Failed to read log ${empty}: the file is empty\n`);
    const binary = write('binary.log', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0xff, 0xfe, 0x0a, 0x01]));
    expect((await run([binary])).stderr).toBe(`error: Failed to read log ${binary}: line 1 holds binary data (NUL or undecodable bytes): this is not a batch log\n`);
    const prose = write('prose.txt', 'dear diary\nnothing happened\n');
    expect((await run([prose])).stderr).toMatch(/^error: Failed to read log .*prose\.txt: no line has a timestamp in a format this tool reads \(tried text, python-logging, iso8601, json, docker-json, logfmt, run-log\); .*first unread lines: 1: "dear diary", 2: "nothing happened"\. For another format, give --line-pattern/);
    const lines = readFileSync(join(root, EXCERPT), 'utf8').split('\n');
    const malformed = write('malformed.log', [...lines.slice(0, 8), '2025-08-06 3:34:11 - Processing machine X - Worker available', ...lines.slice(8)].join('\n'));
    const stop = await run([malformed]);
    expect([stop.code, stop.stderr]).toEqual([1, `error: Failed to read log ${malformed}: line 9: malformed timestamp: expected a timestamp like "2025-08-06 03:00:23", got "2025-08-06 3:34:11 " (use --skip-malformed to skip such lines and count them)\n`]);
    const skip = await run([malformed, '--skip-malformed', '--no-timeline']);
    expect(skip.code).toBe(0);
    expect(skip.stdout).toContain('1 malformed, skipped (first: line 9');
    const cut = write('cut.log', `${lines.slice(0, 11).join('\n')}\n2025-08-06 03:34:3`);
    const cutRun = await run([cut, '--no-timeline']);
    expect(cutRun.code).toBe(0);
    expect(cutRun.stdout).toContain('note: the last line (12) is cut short and was ignored');
    const dupes = write('dupes.log', `${lines.join('\n')}\n2025-08-06 03:34:32 - Processing machine xTool S1 - Worker available\n2025-08-06 03:34:30 - Processing machine Y - Worker available\n`);
    const dupeRun = await run([dupes, '--no-timeline']);
    expect(dupeRun.stdout).toContain('note: 1 line(s) have a timestamp earlier than the line before (first: line 14)');
    expect(dupeRun.stdout).toContain('note: 1 machine name(s) start more than once ("xTool S1" ×2); each start counts as its own item');
    expect((await run([SEED, '--stall-threshold', 'soon'])).stderr).toBe('error: --stall-threshold must be a duration from 1ms to 30 days such as 60s, got soon\n');
    const unknown = await run([SEED, '-p', 'nope']);
    expect([unknown.code, unknown.stderr]).toEqual([2, 'error: Unknown policy "nope": the replay has baseline, concurrent-5 (load more with --scenario <file>)\n']);
  });

  it('answers --help', async () => {
    const result = await runCliCaptured(['replay', '--help']);
    expect(result.code).toBe(0);
    for (const flag of ['--json', '--emit-scenario', '--policy', '--scenario', '--skip-malformed', '--latency', '--run']) expect(result.stdout).toContain(flag);
  });
});
