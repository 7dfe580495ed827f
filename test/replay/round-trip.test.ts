import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatRunLog, RUN_LOG_VERSION, type RunLogHeader } from '../../src/events/run-log.js';
import { diagnoseRun } from '../../src/replay/diagnose-run.js';
import { formatPolicyJson } from '../../src/replay/format-policy-json.js';
import { parseLog } from '../../src/replay/parse-log.js';
import { renderTextLog } from '../../src/replay/render-text-log.js';
import { projectRun } from '../../src/report/run-projection.js';
import { renderTerminalTimeline } from '../../src/report/render-terminal-timeline.js';
import { PLAIN_STYLES } from '../../src/report/timeline-styles.js';
import { parseScenario, parseScenarioText } from '../../src/scenario/parse-scenario.js';
import type { Scenario } from '../../src/scenario/scenario-types.js';
import { simulatePolicy, type SimulationRun } from '../../src/simulation/simulate-policy.js';

const incident = parseScenarioText({ text: readFileSync(new URL('../../scenarios/incident-2025-08-06.json', import.meta.url), 'utf8'), source: 'incident' });

function headerOf(scenario: Scenario, run: SimulationRun): RunLogHeader {
  return { type: 'run.meta', version: RUN_LOG_VERSION, mode: 'simulation', scenario: scenario.name, seed: run.seed, transport: 'direct', startMs: scenario.startMs, batchId: run.result.batchId, policy: run.policy, items: scenario.items, accountConcurrency: scenario.world.account.concurrency };
}

describe('round trip: engine run → run log → replay', () => {
  it('gives back the same timeline (every item start, end and worker) and draws the same terminal timeline', async () => {
    const runs = [];
    for (const name of ['baseline', 'fixed']) runs.push(await simulatePolicy({ scenario: incident, policy: incident.policies.find((p) => p.name === name)! }));
    // Several runs in one file, as a report folder's events.jsonl holds them.
    const text = runs.map((r) => formatRunLog(headerOf(incident, r), r.events)).join('');
    const log = await parseLog({ lines: text.split('\n'), source: 'events.jsonl' });
    expect(log.runs.map((r) => r.policyName)).toEqual(['baseline', 'fixed']);
    for (const [k, run] of runs.entries()) {
      const logged = log.runs[k]!;
      const d = diagnoseRun({ run: logged });
      const expected = run.result.items.filter((i) => i.startMs !== null).sort((a, b) => a.startMs! - b.startMs! || a.index - b.index);
      expect(d.timeline.items.map((i) => [i.index, i.name, i.startMs, i.endMs, i.lane])).toEqual(expected.map((i) => [i.index, i.name, i.startMs, i.endMs, i.worker]));
      expect(d.timeline.endsLogged).toBe(true);
      expect(d.observedUntilMs).toBe(run.result.endMs);
      expect(logged.events).toEqual(JSON.parse(JSON.stringify(run.events)));
      const draw = (events: typeof run.events) => renderTerminalTimeline({ projection: projectRun(events), width: 100, styles: PLAIN_STYLES });
      expect(draw(logged.events!)).toBe(draw(run.events));
    }
    // The run log answers what the seed's text log cannot: the baseline ran one item at a time.
    const baseline = diagnoseRun({ run: log.runs[0]! });
    expect(baseline.effectiveConcurrency).toBe(1);
    expect(baseline.concurrency.method).toBe('overlap');
    expect(baseline.stalls[0]).toMatchObject({ machines: ['OneLaser Hydra 7'], durationMs: runs[0]!.result.items[0]!.endMs - runs[0]!.result.items[0]!.startMs!, attempts: { count: 13, timeouts: 12 } });
    expect(diagnoseRun({ run: log.runs[1]! }).effectiveConcurrency).toBe(4);
  });

  it('the text rendering of the same run gives the same starts, to the second', async () => {
    const run = await simulatePolicy({ scenario: incident, policy: incident.policies.find((p) => p.name === 'baseline')! });
    const lines = renderTextLog({ events: run.events, otherLines: true });
    expect(lines[0]).toBe('2025-08-06 03:00:23 - Starting concurrent processing of 165 machines with 5 workers');
    const log = await parseLog({ lines, source: 'rendered.log' });
    expect(log.lines.other).toBeGreaterThan(0);
    const d = diagnoseRun({ run: log.runs[0]! });
    expect(d.timeline.items.map((i) => i.startMs)).toEqual(run.result.items.map((i) => Math.floor(i.startMs! / 1000) * 1000));
    expect(d.effectiveConcurrency).toBe(1);
    expect(d.stalls.map((s) => s.machines)).toEqual([['OneLaser Hydra 7']]);
  });
});

describe('policies carried into a replay scenario', () => {
  it('load back as the same policies', () => {
    const json = { name: 'carry', items: { list: [{ name: 'A', url: 'https://a.example/x' }] }, world: { account: { concurrency: 5 }, behaviour: { default: { latency: { type: 'fixed', ms: 1000 } } } }, policies: incident.policies.map((p) => formatPolicyJson(p)) };
    expect(parseScenario({ json: JSON.parse(JSON.stringify(json)), source: 'carry' }).policies).toEqual(incident.policies);
  });
});
