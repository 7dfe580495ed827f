import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateAppLog, PATTERN_OPTIONS } from '../../src/bench/app-log-generator.js';
import { fixtureSpec, FORMAT_FIXTURES } from '../../src/bench/write-format-fixtures.js';
import { runCliCaptured } from '../support/run-cli-in-process.js';

const root = new URL('../..', import.meta.url).pathname;
const HANG_MS = 33 * 60_000 + 48_000;
const at = (hms: string) => Date.parse(`2025-08-06T${hms}Z`);

async function replayJson(file: string, extra: string[] = []) {
  const result = await runCliCaptured(['replay', `scenarios/logs/formats/${file}`, '--json', '--no-report', ...extra]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
}

describe('the format fixtures of scenarios/logs/formats', () => {
  for (const fixture of FORMAT_FIXTURES) {
    const extra = fixture.dialect === 'pattern' ? ['--line-pattern', PATTERN_OPTIONS.linePattern, '--time-format', PATTERN_OPTIONS.timeFormat] : [];
    it(`${fixture.file}: read as ${fixture.dialect}, ${fixture.results ? 'with result lines: 5 workers and the stalled xTool S1 (33m48s) as facts' : 'starts only: 5 workers and one held worker, its machine uncertain'}`, async () => {
      // The fixture is what the generator writes for its spec: same seed, same bytes.
      expect(readFileSync(`${root}scenarios/logs/formats/${fixture.file}`, 'utf8')).toBe(`${generateAppLog(fixtureSpec(fixture)).lines.join('\n')}\n`);
      const json = await replayJson(fixture.file, extra);
      expect(json.dialect).toBe(fixture.dialect);
      expect(json.timestampResolutionMs).toBe(fixture.resolution === 'seconds' ? 1000 : 1);
      expect(json).toMatchObject({ declaredWorkers: 5, declaredItems: 20, loggedItems: 20, effectiveConcurrency: 5 });
      expect(json.runCount).toBe(1);
      expect(json.lines.untimed.count + json.lines.other).toBeGreaterThan(0);
      if (fixture.results) {
        expect(json.effectiveConcurrencyInferred).toBe(false);
        expect(json.lines.results).toBe(20);
        expect(json.stalls).toHaveLength(1);
        const [stall] = json.stalls;
        expect(stall).toMatchObject({ machines: ['xTool S1'], inferred: false, candidates: null, censored: false });
        // To the log's resolution: the result line states 2028.0s, the stamps are whole seconds or ms.
        expect(Math.abs(stall.durationMs - HANG_MS)).toBeLessThanOrEqual(fixture.resolution === 'seconds' ? 1000 : 100);
        expect(json.timeline.items.every((i: { end: string }) => i.end === 'logged')).toBe(true);
        expect(json.verdict).toMatch(/^5 workers ran concurrently as declared\. 1 stall: xTool S1 \(33m4[78]s\)\.$/);
      } else {
        expect(json.effectiveConcurrencyInferred).toBe(true);
        expect(json.lines.results).toBe(0);
        expect(json.lines.batchEnds).toBe(1);
        expect(json.stalls).toHaveLength(1);
        const [stall] = json.stalls;
        expect(stall).toMatchObject({ inferred: true, tail: true, endMs: at('03:34:12') });
        const names = stall.candidates.map((c: { machine: string }) => c.machine);
        expect(names).toContain('xTool S1');
        const total = stall.candidates.reduce((sum: number, c: { probability: number }) => sum + c.probability, 0);
        expect(total).toBeGreaterThan(0.9);
        expect(Math.max(...stall.candidates.map((c: { probability: number }) => c.probability))).toBeLessThan(0.5);
        // Nothing is "still running" after the batch said it was over.
        expect(json.timeline.items.some((i: { end: string }) => i.end === 'censored')).toBe(false);
      }
      // The batch ran from its declaration at 03:00:23 until xTool S1 ended, 03:34:12 and a fraction.
      expect(json.startMs).toBe(at('03:00:23'));
      expect(json.observedUntilMs).toBeGreaterThanOrEqual(at('03:34:12'));
      expect(json.observedUntilMs).toBeLessThan(at('03:34:13'));
    });
  }

  it('the text says which facts are read and which are inferred', async () => {
    const result = await runCliCaptured(['replay', 'scenarios/logs/formats/iso8601-starts-only.log', '--no-report', '--no-timeline']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('application log (ISO 8601 text, whole seconds)');
    expect(result.stdout).toContain('INFERRED from the starts alone: the log has no result lines');
    expect(result.stdout).toMatch(/one worker was held from between 03:00:2\d and 03:00:5\d \(as the machine\) until 03:34:12: the batch ended long after the last start, so the machine that finished last stalled; which machine, the log cannot say/);
    expect(result.stdout).toMatch(/candidates: .*xTool S1 \d+%/);
    const python = await runCliCaptured(['replay', 'scenarios/logs/formats/python-logging.log', '--no-report', '--no-timeline']);
    expect(python.stdout).toContain('application log (Python logging, 1ms resolution)');
    expect(python.stdout).toMatch(/# xTool S1: 03:00:24 → 03:34:12, 33m4[78]s\n/);
    expect(python.stdout).not.toContain('still running');
  });
});

describe('the fitted world of several nights', () => {
  it('--emit-scenario writes the exact world and the fitted one, fitted to every log given, with its makespan over seeds and the goodness of fit', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join, relative } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'fitted-'));
    const target = relative(root, join(dir, 'world.json'));
    const result = await runCliCaptured(['replay', 'scenarios/logs/formats/python-logging.log', 'scenarios/logs/formats/logfmt.log', '--emit-scenario', target, '--json', '--no-report']);
    expect(result.stderr).toBe('');
    const json = JSON.parse(result.stdout);
    expect(json.fittedWorld.sources).toEqual(['scenarios/logs/formats/python-logging.log run 1', 'scenarios/logs/formats/logfmt.log run 1']);
    expect(json.fittedWorld.ks.samples).toBe(38);
    expect(json.fittedWorld.ks.distance).toBeGreaterThan(0);
    expect(json.fittedWorld.ks.distance).toBeLessThan(0.5);
    expect(json.fittedWorld.stalls).toBe(2);
    expect(json.fittedWorld.makespanP50Ms).toBeLessThanOrEqual(json.fittedWorld.makespanP95Ms);
    const fitted = JSON.parse(readFileSync(`${root}${json.fittedWorld.file}`, 'utf8'));
    expect(fitted.name).toMatch(/-fitted$/);
    expect(JSON.stringify(fitted.world.behaviour.default)).toContain('lognormal');
    expect(readFileSync(`${root}${target}`, 'utf8')).toContain('"baseline"');
    const refused = await runCliCaptured(['replay', 'scenarios/logs/formats/python-logging.log', 'scenarios/logs/formats/logfmt.log', '--no-report']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/give --emit-scenario/);
  }, 60_000);
});
