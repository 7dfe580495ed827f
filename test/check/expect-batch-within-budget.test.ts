import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/parse-scenario.js';
import { BudgetExceededError, expectBatchWithinBudget } from '../../src/testing/index.js';
import { outagePolicy, outageScenario } from '../support/outage-scenario.js';
import { tinyScenarioJson } from './tiny-scenario.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const INCIDENT = 'scenarios/incident-2025-08-06.json';

describe('expectBatchWithinBudget', () => {
  it('resolves with the measurements when the batch fits', async () => {
    const report = await expectBatchWithinBudget(INCIDENT, 'fixed', '15m', { cwd: ROOT, seeds: 5 });
    expect(report.seeds).toEqual([2096, 2097, 2098, 2099, 2100]);
    expect(report.thresholds.map((t) => [t.threshold.text, t.met])).toEqual([['makespan <= 15m00s', true]]);
    expect(report.makespan.maxMs).toBeLessThan(15 * 60_000);
  });

  it('rejects with the measured distribution and the seeds of the worst runs', async () => {
    const error = await expectBatchWithinBudget(INCIDENT, 'baseline', ['makespan p95 < 15m', 'success >= 90%'], { cwd: ROOT, seeds: 4 }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BudgetExceededError);
    const message = (error as BudgetExceededError).message;
    const lines = message.split('\n');
    expect(lines[0]).toBe('Batch over budget: incident-2025-08-06 / baseline over 4 seeds (2096..2099)');
    expect(lines[1]).toMatch(/^ {2}makespan p95 < 15m: NOT MET — measured \d\dm\d\ds, margin -\d\dm\d\ds, 4 of 4 runs over \(100%\)$/);
    expect(lines[2]).toMatch(/^ {4}makespan distribution: min \d\dm\d\ds · p50 \d\dm\d\ds · p95 \d\dm\d\ds · p99 \d\dm\d\ds · max \d\dm\d\ds$/);
    expect(lines[3]).toMatch(/^ {4}worst runs: seed \d{4} \(\d\dm\d\ds\), seed \d{4} \(\d\dm\d\ds\), seed \d{4} \(\d\dm\d\ds\), seed \d{4} \(\d\dm\d\ds\)$/);
    expect(lines[4]).toMatch(/^ {2}success >= 90%: met — measured \d+(\.\d)?%, margin \+\d+(\.\d)? pp, 0 of 4 runs over \(0%\)$/);
    // The makespan distribution is already shown under its threshold.
    expect(lines).toHaveLength(5);
    expect((error as BudgetExceededError).report.samples).toHaveLength(4);
  });

  it('takes a scenario object and a policy object, and rejects bad input as usage errors', async () => {
    const scenario = parseScenario({ json: tinyScenarioJson(undefined), source: 'tiny' });
    await expect(expectBatchWithinBudget(scenario, scenario.policies[1]!, 'makespan p95 < budget', { seeds: 3 })).resolves.toMatchObject({ policy: 'three' });
    await expect(expectBatchWithinBudget(scenario, 'one', 20_000, { seeds: 3 })).rejects.toThrow(/^Batch over budget: tiny \/ one over 3 seeds \(7\.\.9\)\n {2}makespan <= 20s: NOT MET/);
    await expect(expectBatchWithinBudget(scenario, 'one', 'credits < 5', { seeds: 2 })).rejects.toThrow(/\n {4}worst runs: seed 7 \(12\), seed 8 \(12\)\n {2}makespan: p50 \d+(\.\d)?s · p95 /);
    await expect(expectBatchWithinBudget(scenario, 'two', '1m')).rejects.toThrow('Unknown policy "two" in scenario tiny: choose one of one, three');
    await expect(expectBatchWithinBudget(scenario, 'one', 'speed > 2')).rejects.toThrow('Budget "speed > 2" is not a valid budget expression: it names no budget metric: "speed"');
  });
});

describe('the package entry point', () => {
  it("is importable as 'batchscope/testing' by a team's own suite", async () => {
    const { execFileSync } = await import('node:child_process');
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', "const m = await import('batchscope/testing'); console.log(typeof m.expectBatchWithinBudget, typeof m.BudgetExceededError)"], { cwd: ROOT, encoding: 'utf8' });
    expect(out.trim()).toBe('function function');
  });
});

describe('a batch the outage breaker stopped', () => {
  it('fails the helper on the implied threshold, as it fails check, though its makespan to the stop meets the bound', async () => {
    // 3 workers price 2 s items until the API refuses every connection at 10 s; the breaker stops the batch at 11.7 s.
    const scenario = outageScenario([outagePolicy('breaker', { outageBreaker: { consecutiveFailures: 5 } })]);
    const error = await expectBatchWithinBudget(scenario, 'breaker', '15m', { seeds: 2, threads: 0 }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BudgetExceededError);
    const report = (error as BudgetExceededError).report;
    expect(report.thresholds.map((t) => [t.threshold.text, t.met, t.measured])).toEqual([
      ['makespan <= 15m00s', true, 11_700],
      ['stopped max <= 0 (implied: a batch the outage breaker stopped did not finish)', false, 1],
    ]);
  });
});
