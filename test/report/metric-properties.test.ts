import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildSimulationReportRuns } from '../../src/report/build-simulation-report-runs.js';
import { computeMetrics, type RunMetrics } from '../../src/report/compute-metrics.js';
import { renderHtmlReport } from '../../src/report/render-html-report.js';
import { renderPerfettoTrace } from '../../src/report/render-perfetto-trace.js';
import { scenarioJson } from '../support/arbitraries.js';
import { loadJson, simulateFirst } from '../support/simulate-json.js';
import { checkTraceEvents } from './support/check-trace-events.js';

const RUNS = Number(process.env["REPORT_PROPERTY_RUNS"] ?? 150);

/** The metric invariants of the issue; a message per broken one. */
function checkMetrics(m: RunMetrics): string[] {
  const broken: string[] = [];
  if (!(m.utilization >= 0 && m.utilization <= 1)) broken.push(`utilization ${m.utilization} outside [0, 1]`);
  for (const w of m.workerStats) if (!(w.utilization >= 0 && w.utilization <= 1)) broken.push(`worker ${w.worker} utilization ${w.utilization} outside [0, 1]`);
  if (m.makespanMs < m.lowerBoundMs) broken.push(`makespan ${m.makespanMs} below the lower bound ${m.lowerBoundMs}`);
  if (m.makespanRatio < 1 && m.lowerBoundMs > 0) broken.push(`ratio ${m.makespanRatio} below 1`);
  if (m.stalls.blockedWorkerMs > m.workers * m.makespanMs) broken.push(`blocked ${m.stalls.blockedWorkerMs} ms over workers × makespan ${m.workers * m.makespanMs}`);
  if (m.stalls.allWorkersStalledMs > m.makespanMs) broken.push(`every worker stalled ${m.stalls.allWorkersStalledMs} ms, longer than the makespan`);
  if (m.zombies.peakSlots > m.zombies.count) broken.push(`peak zombie slots ${m.zombies.peakSlots} over the zombie count ${m.zombies.count}`);
  if (m.successRate < 0 || m.successRate > 1) broken.push(`success rate ${m.successRate}`);
  return broken;
}

describe('metric properties over random scenarios', () => {
  it('utilization within [0, 1], makespan ≥ lower bound, blocked worker-minutes ≤ workers × makespan; the trace nests', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioJson, async (json) => {
        const scenario = loadJson(json);
        const policy = scenario.policies[0]!;
        const run = await simulateFirst(scenario);
        const metrics = computeMetrics(run.events, { policy, items: scenario.items });
        expect(checkMetrics(metrics)).toEqual([]);
        expect(metrics.items).toBe(scenario.items.length);
        const runs = buildSimulationReportRuns({ scenario, runs: [{ run, metrics }] });
        expect(checkTraceEvents(JSON.parse(renderPerfettoTrace({ runs })))).toEqual([]);
        expect(renderHtmlReport({ runs }).match(/data-lane="worker"/g)).toHaveLength(policy.workers);
      }),
      { numRuns: RUNS },
    );
  });

  it('the checks catch broken metrics', () => {
    const good = { utilization: 0.5, workerStats: [], makespanMs: 100, lowerBoundMs: 50, makespanRatio: 2, workers: 2, stalls: { blockedWorkerMs: 200, allWorkersStalledMs: 100 }, zombies: { peakSlots: 0, count: 0 }, successRate: 1 } as unknown as RunMetrics;
    expect(checkMetrics(good)).toEqual([]);
    expect(checkMetrics({ ...good, utilization: 1.2 })).toHaveLength(1);
    expect(checkMetrics({ ...good, lowerBoundMs: 101, makespanRatio: 0.99 })).toHaveLength(2);
    expect(checkMetrics({ ...good, stalls: { ...good.stalls, blockedWorkerMs: 201 } })).toHaveLength(1);
  });
});
