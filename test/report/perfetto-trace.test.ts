import { describe, expect, it } from 'vitest';
import { buildPerfettoTrace, COUNTER_NAMES, renderPerfettoTrace, type TraceEvent } from '../../src/report/render-perfetto-trace.js';
import { checkTraceEvents } from './support/check-trace-events.js';
import { loadRepoScenario, loadSmallRun, simulateReportRuns } from './support/small-run.js';

const slices = (events: readonly TraceEvent[], pid: number, cat: string) => events.filter((e) => e.ph === 'X' && e.pid === pid && e.cat?.split(',')[0] === cat);

describe('Perfetto trace', () => {
  it('follows the trace event format, with integer microsecond timestamps', async () => {
    const { runs } = await loadSmallRun();
    const text = renderPerfettoTrace({ runs });
    expect(text.startsWith('{"traceEvents":[\n')).toBe(true);
    expect(checkTraceEvents(JSON.parse(text))).toEqual([]);
    const trace = buildPerfettoTrace({ runs });
    const first = runs[0]!.metrics;
    const items = slices(trace.traceEvents, 1, 'item');
    expect(items).toHaveLength(first.counts.priced + first.counts.failed + first.counts.timedOut);
    // Microseconds since the run's start: the last item ends at the makespan.
    expect(Math.max(...items.map((e) => e.ts + (e.dur ?? 0)))).toBe(first.makespanMs * 1000);
    const hanging = items.find((e) => e.name === 'Hanging Cutter')!;
    expect(hanging.ts).toBe(0);
    expect(hanging.dur).toBe(first.longestItemMs * 1000);
  });

  it('has one track per worker and puts each attempt on the track of its worker', async () => {
    const { runs } = await loadSmallRun();
    const trace = buildPerfettoTrace({ runs });
    runs.forEach((run, index) => {
      const pid = index + 1;
      const names = trace.traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.pid === pid).map((e) => (e.args as { name: string }).name);
      const workers = Array.from({ length: run.metrics.workers }, (_, k) => `worker ${k + 1}`);
      expect(names.filter((n) => n.startsWith('worker '))).toEqual(workers);
      const tidOf = new Map(trace.traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.pid === pid).map((e) => [(e.args as { name: string }).name, e.tid]));
      const attempts = slices(trace.traceEvents, pid, 'attempt');
      expect(attempts.length).toBeGreaterThan(0);
      for (const a of attempts) expect(a.tid).toBe(tidOf.get(`worker ${(a.args as { worker: number }).worker}`));
    });
  });

  it("links an item's retries and escalations with one flow, in order", async () => {
    const { runs } = await loadSmallRun();
    const trace = buildPerfettoTrace({ runs });
    const attempts = slices(trace.traceEvents, 1, 'attempt').filter((e) => (e.args as { machine: string }).machine === 'Hanging Cutter');
    expect(attempts.map((a) => (a.args as { tierName: string }).tierName)).toEqual(['plain', 'render_js']);
    const [first, last] = attempts as [TraceEvent, TraceEvent];
    expect(first.bind_id).toBeDefined();
    expect(last.bind_id).toBe(first.bind_id);
    expect([first.flow_out, first.flow_in, last.flow_in, last.flow_out]).toEqual([true, undefined, true, undefined]);
    // The escalation is a 1 µs slice between the two attempts, inside the item (DevTools draws no `i` instants).
    const escalation = trace.traceEvents.find((e) => e.ph === 'X' && e.cat === 'escalation' && e.pid === 1 && e.tid === first.tid)!;
    expect(escalation.dur).toBe(1);
    expect(escalation.ts).toBeGreaterThanOrEqual(first.ts + first.dur!);
    expect(escalation.ts + escalation.dur!).toBeLessThanOrEqual(last.ts);
    expect(trace.traceEvents.some((e) => (e.ph as string).toLowerCase() === 'i')).toBe(false);
  });

  it('counts requests in flight, zombies, queue depth and Scrapfly concurrency', async () => {
    const { runs } = await loadSmallRun();
    const trace = buildPerfettoTrace({ runs });
    runs.forEach((run, index) => {
      const counters = trace.traceEvents.filter((e) => e.ph === 'C' && e.pid === index + 1);
      // One name per series, each event `{value}`: Catapult takes a counter's series from its first event.
      expect(counters.every((c) => Object.keys(c.args ?? {}).join() === 'value')).toBe(true);
      const values = (name: string) => counters.filter((c) => c.name === name).map((c) => (c.args as { value: number }).value);
      expect(Math.max(...values(COUNTER_NAMES.scrapflyConcurrency))).toBe(run.metrics.scrapfly.peakConcurrency);
      expect(Math.max(...values(COUNTER_NAMES.inFlight))).toBeLessThanOrEqual(run.metrics.workers);
      expect(Math.max(...values(COUNTER_NAMES.zombies))).toBe(run.metrics.zombies.peakSlots);
      // The queue only drains: items - (items started at once) at the start, 0 at the end.
      const queue = values(COUNTER_NAMES.queueDepth);
      const startedAtOnce = run.metrics.execution === 'blocking' ? 1 : Math.min(run.metrics.workers, run.metrics.items);
      expect(queue[0]).toBe(run.metrics.items - startedAtOnce);
      expect(queue.every((v, i) => i === 0 || v < (queue[i - 1] as number))).toBe(true);
      expect(queue.at(-1)).toBe(0);
    });
  });

  it('puts zombie work on tracks of its own, never overlapping', async () => {
    const runs = await simulateReportRuns(loadRepoScenario('scenarios/incident-2025-08-06.json'));
    const trace = JSON.parse(renderPerfettoTrace({ runs }));
    expect(checkTraceEvents(trace)).toEqual([]);
    const rec4 = runs.findIndex((r) => r.metrics.policy === 'rec4-thread-90s-abandon') + 1;
    const zombieTracks = (trace.traceEvents as TraceEvent[]).filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.pid === rec4 && (e.args as { name: string }).name.startsWith('zombies'));
    expect(zombieTracks.length).toBeGreaterThan(1);
  });

  it('the format check finds overlaps, missing fields and broken flows', () => {
    const base = { pid: 1, tid: 1, cat: 'attempt' };
    expect(checkTraceEvents({ traceEvents: [{ ...base, name: 'a', ph: 'X', ts: 0, dur: 10 }, { ...base, name: 'b', ph: 'X', ts: 5, dur: 10 }] })[0]).toMatch(/"b" \[5, 15\] overlaps "a" \[0, 10\]/);
    expect(checkTraceEvents({ traceEvents: [{ ...base, name: 'a', ph: 'X', ts: 0, dur: 10 }, { ...base, name: 'b', ph: 'X', ts: 2, dur: 3 }, { ...base, name: 'c', ph: 'X', ts: 10, dur: 0 }] })).toEqual([]);
    expect(checkTraceEvents({ traceEvents: [{ ...base, name: 'a', ph: 'X', ts: 1.5 }] })).toEqual([expect.stringMatching(/ts must be a non-negative integer/), expect.stringMatching(/needs an integer dur/)]);
    expect(checkTraceEvents({ traceEvents: [{ ...base, name: 'a', ph: 'X', ts: 0, dur: 1, bind_id: 7, flow_out: true }] })).toEqual(['flow 7: needs one start and one end, has 1 and 0']);
    expect(checkTraceEvents([])).toEqual(['the trace is not an object with a traceEvents array']);
  });
});
