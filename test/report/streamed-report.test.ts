import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BatchEvent } from '../../src/events/batch-event.js';
import { createEventLineSpool } from '../../src/events/event-line-spool.js';
import { formatEventLines } from '../../src/events/run-log.js';
import { createFileEventLineSpools } from '../../src/node/file-event-line-spool.js';
import { writeRunReport } from '../../src/node/write-run-report.js';
import { buildSimulationReportRuns } from '../../src/report/build-simulation-report-runs.js';
import { simulateAndMeasure } from '../../src/simulation/simulate-and-measure.js';
import { projectRun } from '../../src/report/run-projection.js';
import { simulatePolicy } from '../../src/simulation/simulate-policy.js';
import { loadRepoScenario, simulateReportRuns } from './support/small-run.js';

const root = mkdtempSync(join(tmpdir(), 'batchscope-streamed-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const joined = (lines: Iterable<string>) => [...lines].join('');

describe('a report from streamed events', () => {
  it.each(['test/report/fixtures/small-run.json', 'scenarios/incident-2025-08-06.json'])('is byte for byte the report from kept events (%s)', async (path) => {
    const scenario = loadRepoScenario(path);
    const kept = await simulateReportRuns(scenario);
    const spools = createFileEventLineSpools({ parentDir: root });
    try {
      const measured = [];
      for (const policy of scenario.policies) measured.push(await simulateAndMeasure({ scenario, policy, seed: scenario.seed, spool: spools.create }));
      // Nothing was kept in memory but the projection and the lines on disk.
      expect(measured.every((m) => m.run.events.length === 0)).toBe(true);
      const streamed = buildSimulationReportRuns({ scenario, runs: measured });
      expect(streamed.map((r) => r.metrics)).toEqual(kept.map((r) => r.metrics));
      const a = writeRunReport({ rootDir: root, scenario: scenario.name, runId: 'kept', runs: kept, budgetMs: scenario.budgetMs });
      const b = writeRunReport({ rootDir: root, scenario: scenario.name, runId: 'streamed', runs: streamed, budgetMs: scenario.budgetMs });
      for (const name of Object.keys(a.files)) expect(readFileSync(b.files[name] as string, 'utf8'), name).toBe(readFileSync(a.files[name] as string, 'utf8'));
    } finally {
      spools.dispose();
    }
  });

  it('projects streamed events as it projects the same events kept', async () => {
    const scenario = loadRepoScenario('scenarios/incident-2025-08-06.json');
    const policy = scenario.policies.find((p) => p.name === 'rec4-thread-90s-abandon') ?? (scenario.policies[0] as (typeof scenario.policies)[number]);
    const run = await simulatePolicy({ scenario, policy });
    const measured = await simulateAndMeasure({ scenario, policy, seed: scenario.seed, runLog: false });
    expect(measured.eventLines).toBeNull();
    const fromKept = projectRun(run.events, { items: scenario.items });
    expect(measured.projection.records).toEqual(fromKept.records);
    expect(measured.projection.marks).toEqual(fromKept.marks);
    expect(measured.projection.concurrency).toEqual(fromKept.concurrency);
    expect(measured.projection.eventCount).toBe(run.events.length);
    expect(measured.projection.lastEventMs).toBe((run.events[run.events.length - 1] as BatchEvent).atMs);
  });
});

describe('event line spools', () => {
  // Names with two-, three- and four-byte characters, long enough that lines cross the 64 KB reads.
  const events = Array.from({ length: 3000 }, (_, k) => ({ type: 'item.start', atMs: k, item: k, name: `Läser ✓ 🔥 ${'é'.repeat(k % 97)}`, worker: 1 }) as unknown as BatchEvent);
  const expected = joined(formatEventLines(events));

  it('in a file: give back exactly the lines, any number of times, and leave nothing once disposed of', () => {
    const spools = createFileEventLineSpools({ parentDir: root });
    const spool = spools.create();
    for (const e of events) spool.sink.emit(e);
    expect(joined(spool.lines())).toBe(expected);
    expect(joined(spool.lines())).toBe(expected);
    const dirs = readdirSync(root).filter((d) => d.startsWith('batchscope-events-'));
    expect(dirs).toHaveLength(1);
    expect(() => spool.sink.emit(events[0] as BatchEvent)).toThrow(/after the lines were read/);
    spools.dispose();
    expect(existsSync(join(root, dirs[0] as string))).toBe(false);
    expect(() => joined(spool.lines())).toThrow(/after dispose/);
  });

  it('in memory: give back exactly the lines', () => {
    const spool = createEventLineSpool();
    for (const e of events) spool.sink.emit(e);
    expect(joined(spool.lines())).toBe(expected);
    expect(joined(spool.lines())).toBe(expected);
  });
});
