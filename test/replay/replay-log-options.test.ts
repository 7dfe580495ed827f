import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseLog } from '../../src/replay/parse-log.js';
import { replayLog } from '../../src/simulation/replay-log.js';

const fixture = (name: string) => readFileSync(new URL(`../../scenarios/logs/${name}`, import.meta.url), 'utf8').split('\n');

describe('a replay without a report', () => {
  it('reproduces the night as a reported replay does, without keeping events, metrics or the scenario', async () => {
    const log = await parseLog({ lines: fixture('formats/python-logging.log'), source: 'python-logging.log' });
    const run = log.runs[0]!;
    const reported = await replayLog({ log, run, reproduce: true, scenarioName: 'r', policies: ['baseline'] });
    const lean = await replayLog({ log, run, reproduce: true, scenarioName: 'r', policies: ['baseline'], reportRuns: false, keepScenario: false });
    expect(lean.outcome.reproduction).toEqual(reported.outcome.reproduction);
    expect(lean.outcome.reproduction?.makespan).toEqual({ basis: 'batch-end', logMs: 2_029_037, replayMs: 2_028_000, errorMs: -1037, errorRatio: -1037 / 2_029_037 });
    // The baseline asked for as a counterfactual is measured either way.
    expect(lean.outcome.counterfactuals).toEqual(reported.outcome.counterfactuals);
    expect(reported.reportRuns.map((r) => r.header.policy.name)).toEqual(['baseline', 'baseline']);
    expect(lean.reportRuns.map((r) => r.header.policy.name)).toEqual(['baseline']);
    expect(reported.scenario?.loggedItems).toBe(20);
    expect(lean.scenario).toBeNull();
    const alone = await replayLog({ log, run, reproduce: true, scenarioName: 'r', reportRuns: false, keepScenario: false });
    expect(alone.reportRuns).toEqual([]);
    expect(alone.outcome.reproduction).toEqual(reported.outcome.reproduction);
  });
});
