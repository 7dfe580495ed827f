/**
 * The shipped scenarios' traces, read by the real importers: Catapult's trace viewer in headless
 * chromium, the rules of Perfetto's JSON importer, and the trace engine of Chrome DevTools. Each
 * must see one thread per worker (plus the zombie lanes), every counter's series as written, every
 * flow between exactly its intended pair, every attempt inside its own item, nothing dropped and a
 * small nesting depth. Needs chromium, python3 and test/tools/trace-viewers: without them the
 * tests are skipped with the reason printed, except when CI is set.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderPerfettoTrace, type PerfettoTrace, type TraceEvent } from '../../src/report/render-perfetto-trace.js';
import { INSTANT_NETWORK } from '../../src/mock/network-spec.js';
import { checkWithPerfettoRules, missingImporters, readWithCatapult, readWithTraceEngine } from './support/trace-importers.js';
import { loadRepoScenario, simulateReportRuns } from './support/small-run.js';

/** The shipped scenarios, and the incident on an instant network: 429s of 0 ms by the hundred at one millisecond. */
const SCENARIOS: Array<{ path: string; instant?: boolean }> = [
  { path: 'scenarios/incident-2025-08-06.json' },
  { path: 'scenarios/incident-2025-08-06.json', instant: true },
  { path: 'scenarios/concurrency-limit.json' },
  { path: 'scenarios/asp-wave.json' },
  { path: 'scenarios/direct-vs-scrapfly.json' },
];
const missing = missingImporters();
if (missing && !process.env['CI']) console.warn(`trace importer tests skipped: ${missing}; they are required when CI is set`);
const dir = mkdtempSync(join(tmpdir(), 'batchscope-traces-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Microseconds as Catapult's milliseconds, compared at its own precision (1 µs). */
const ms = (us: number) => Math.round(us) / 1000;
const key = (...parts: unknown[]) => parts.map((p) => (typeof p === 'number' ? Math.round(p * 1000) : String(p))).join('|');

describe.skipIf(missing !== null && !process.env['CI'])('the traces of the shipped scenarios in real importers', () => {
  for (const { path, instant } of SCENARIOS) {
    it(`${path}${instant ? ' on an instant network' : ''}: Catapult, the Perfetto rules and the DevTools engine read the trace as written`, async () => {
      if (missing) throw new Error(`trace importers missing under CI: ${missing}`);
      const scenario = loadRepoScenario(path);
      const runs = await simulateReportRuns(instant ? { ...scenario, world: { ...scenario.world, network: INSTANT_NETWORK } } : scenario);
      const text = renderPerfettoTrace({ runs });
      const trace = JSON.parse(text) as PerfettoTrace;
      const file = join(dir, `${path.replace(/\W+/g, '-')}${instant ? '-instant' : ''}.json`);
      writeFileSync(file, text);
      const events = trace.traceEvents;
      const slices = events.filter((e) => e.ph === 'X');
      if (instant) {
        // The case this variant exists for: hundreds of requests answered in 0 ms at one millisecond.
        const instantEnds = runs.flatMap((r) => r.projection.records.attempts.filter((a) => a.endMs === a.startMs));
        expect(instantEnds.length).toBeGreaterThan(100);
      }

      // Perfetto's rules: nothing dropped or spilled, every attempt in its item, flows intact.
      const perfetto = checkWithPerfettoRules(file);
      expect(Object.keys(perfetto.stats).filter((k) => !k.startsWith('json_display_time_unit'))).toEqual([]);
      expect(perfetto.findings['top-level keys skipped by Perfetto (T:1030-1043)']).toEqual([]);
      expect(perfetto.slices_on_overflow_tracks).toBe(0);
      expect(perfetto.misnested_count, JSON.stringify(perfetto.misnested_examples)).toBe(0);
      expect(Math.max(...Object.keys(perfetto.depth_histogram).map(Number))).toBeLessThanOrEqual(2);
      expect(perfetto.flow_links_not_intended).toBe(0);
      expect(perfetto.intended_flow_links_missing).toBe(0);
      expect(perfetto.flow_count).toBeGreaterThan(0);
      expect(perfetto.catapult_counter_folding).toEqual([]);

      // Catapult: threads, counters, flows and nesting as written.
      const model = readWithCatapult(file);
      expect(model.loaded).toBe(true);
      expect(model.pageErrors).toEqual([]);
      // Its only warnings: the args of both ends of a v2 flow merged into the flow (not shown to users).
      expect(Object.keys(model.importWarningKinds).filter((k) => !k.startsWith('arg_merge_error: Different phases of'))).toEqual([]);
      expect(model.metadata.find((m) => m.name === 'metadata')?.value).toMatchObject({ scenario: runs[0]!.header.scenario, seed: runs[0]!.header.seed });
      runs.forEach((run, index) => {
        const pid = index + 1;
        const names = events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.pid === pid).map((e) => (e.args as { name: string }).name);
        expect(names.filter((n) => n.startsWith('worker '))).toHaveLength(run.metrics.workers);
        const process = model.processes.find((p) => p.pid === pid)!;
        // Catapult makes a thread only for tracks with events: every worker that ran an item, every zombie lane.
        const used = new Set(slices.filter((e) => e.pid === pid).map((e) => e.tid));
        expect(process.threads.map((t) => t.tid).sort()).toEqual([...used].sort());
        for (const t of process.threads) {
          expect(t.maxDepth, `${process.name} ${t.name}`).toBeLessThanOrEqual(2);
          expect([t.topLevelOverlaps, t.siblingOverlaps, t.strayNonItemTopLevel], `${process.name} ${t.name}`).toEqual([0, 0, 0]);
        }
      });
      const writtenCounters = events.filter((e) => e.ph === 'C').map((e) => key(e.pid, e.name, 'value', ms(e.ts), (e.args as { value: number }).value));
      expect(model.allCounters.map(([pid, name, series, at, value]) => key(pid, name, series, at, value)).sort()).toEqual(writtenCounters.sort());
      const intendedFlows = intendedFlowPairs(events).map(([a, b]) => key(a.name, ms(a.ts), b.name, ms(b.ts)));
      expect(model.allFlows.map((f) => key(f[5], f[6], f[7], f[8])).sort()).toEqual(intendedFlows.sort());
      const misnested = model.allSlices.filter(([, , , cat, , , depth, , , , , parentCat, item, parentItem]) => /^(attempt|backoff|escalation)/.test(cat) && !(depth === 1 && parentCat === 'item' && item === parentItem));
      expect(misnested.slice(0, 5)).toEqual([]);
      expect(model.allSlices).toHaveLength(slices.length);

      // DevTools' trace engine: every slice, on its thread.
      const engine = await readWithTraceEngine(events);
      expect(engine.map(([pid, tid, name, , ts, dur]) => key(pid, tid, name, ts, dur)).sort()).toEqual(slices.map((e) => key(e.pid, e.tid, e.name, e.ts, e.dur)).sort());
    }, 120_000);
  }
});

/** The flow links the writer intends: consecutive slices of one bind_id, in time order. */
function intendedFlowPairs(events: readonly TraceEvent[]): Array<[TraceEvent, TraceEvent]> {
  const byId = new Map<number, TraceEvent[]>();
  for (const e of events) if (e.bind_id !== undefined) byId.set(e.bind_id, [...(byId.get(e.bind_id) ?? []), e]);
  const pairs: Array<[TraceEvent, TraceEvent]> = [];
  for (const chain of byId.values()) {
    chain.sort((a, b) => a.ts - b.ts);
    for (let k = 1; k < chain.length; k++) pairs.push([chain[k - 1]!, chain[k]!]);
  }
  return pairs;
}
