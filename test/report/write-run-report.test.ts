import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeRunId, writeRunReport } from '../../src/node/write-run-report.js';
import { loadRepoScenario, simulateReportRuns } from './support/small-run.js';

const root = mkdtempSync(join(tmpdir(), 'batchscope-report-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const FILES = ['events.jsonl', 'index.html', 'metrics.json', 'summary.md', 'trace.json'];

async function writeSmall(runId: string, options: { ifExists?: 'overwrite' | 'suffix'; extraFiles?: Record<string, string> } = {}) {
  const scenario = loadRepoScenario('test/report/fixtures/small-run.json');
  const runs = await simulateReportRuns(scenario);
  return { runs, report: writeRunReport({ rootDir: root, scenario: scenario.name, runId, runs, budgetMs: scenario.budgetMs, ...options }) };
}

describe('writeRunReport', () => {
  it('writes the HTML page, the trace, the summary, the metrics and the run log of every policy', async () => {
    const { runs, report } = await writeSmall('first');
    expect(report.dir).toBe(join(root, 'small-run', 'first'));
    expect(readdirSync(report.dir).sort()).toEqual(FILES);
    expect(Object.keys(report.files).sort()).toEqual(FILES);
    const log = readFileSync(report.files['events.jsonl'] as string, 'utf8').trim().split('\n');
    expect(log.filter((l) => l.startsWith('{"type":"run.meta"'))).toHaveLength(runs.length);
    expect(JSON.parse(log[0] as string).policy.name).toBe('abandon');
    const metrics = JSON.parse(readFileSync(report.files['metrics.json'] as string, 'utf8'));
    expect(metrics.map((m: { policy: string }) => m.policy)).toEqual(['abandon', 'blocking']);
    expect(readFileSync(report.files['index.html'] as string, 'utf8')).toMatch(/^<!doctype html>/);
    expect(readFileSync(report.files['summary.md'] as string, 'utf8')).toMatch(/^## small-run\n/);
    expect(JSON.parse(readFileSync(report.files['trace.json'] as string, 'utf8')).traceEvents.length).toBeGreaterThan(50);
  });

  it('is deterministic: the same scenario and seed give byte-identical files, with no wall-clock time in them', async () => {
    const runId = makeRunId({ wallMs: Date.parse('2099-12-31T23:59:58Z'), seed: 7 });
    expect(runId).toBe('20991231-235958-seed7');
    const a = (await writeSmall(runId)).report;
    const b = (await writeSmall('other')).report;
    for (const name of FILES) {
      const text = readFileSync(a.files[name] as string, 'utf8');
      expect(text, name).toBe(readFileSync(b.files[name] as string, 'utf8'));
      expect(text, name).not.toMatch(/2099-12-31|20991231/);
    }
  });

  it('keeps an earlier report of the same second when asked, and leaves no partial files', async () => {
    const first = (await writeSmall('same-second', { ifExists: 'suffix' })).report;
    const second = (await writeSmall('same-second', { ifExists: 'suffix' })).report;
    expect(first.dir).toBe(join(root, 'small-run', 'same-second'));
    expect(second.dir).toBe(join(root, 'small-run', 'same-second-2'));
    const again = (await writeSmall('same-second', { extraFiles: { 'check.json': '{}\n', 'summary.md': 'replaced\n' } })).report;
    expect(again.dir).toBe(first.dir);
    expect(readFileSync(join(first.dir, 'summary.md'), 'utf8')).toBe('replaced\n');
    expect(existsSync(join(first.dir, 'check.json'))).toBe(true);
    expect(readdirSync(first.dir).filter((f) => f.endsWith('.partial'))).toEqual([]);
  });
});
