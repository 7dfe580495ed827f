import { describe, expect, it } from 'vitest';
import { buildSweepPoints, describePointAsPolicyJson } from '../../src/sweep/build-sweep-points.js';
import { chooseSweepBase, chooseSweepBudget } from '../../src/sweep/choose-sweep-base.js';
import { parseSweepGrid, parseTimeoutList, parseWorkerList } from '../../src/sweep/sweep-grid.js';
import { readScenarioBudgets } from '../../src/scenario/budget-entries.js';
import { loadScenarioFile } from '../../src/cli/load-scenario-file.js';

const root = new URL('../..', import.meta.url).pathname;
const incident = loadScenarioFile('scenarios/incident-2025-08-06.json', root);
const policy = (name: string) => incident.policies.find((p) => p.name === name)!;

describe('sweep grid flags', () => {
  it('reads ranges, steps and lists', () => {
    expect(parseWorkerList('1..5')).toEqual([1, 2, 3, 4, 5]);
    expect(parseWorkerList('1..40:10,40')).toEqual([1, 11, 21, 31, 40]);
    expect(parseWorkerList('8, 2,4,2')).toEqual([2, 4, 8]);
    expect(parseTimeoutList('none,30s,60s,1.5m,30s')).toEqual([null, 30_000, 60_000, 90_000]);
  });

  it('rejects bad values with one line naming the flag', () => {
    expect(() => parseWorkerList('0..3')).toThrow('--workers has a bad range "0..3": write FROM..TO with 1 ≤ FROM ≤ TO, optionally :STEP (e.g. 1..40 or 1..40:5)');
    expect(() => parseWorkerList('4,x')).toThrow('--workers must list integers from 1 to 10000 or ranges like 1..40, got "x"');
    expect(() => parseTimeoutList('30')).toThrow('--timeout must list durations from 1ms to 30 days with a unit (30s, 1.5m) or none, got "30"');
    expect(() => parseSweepGrid({ workers: null, timeouts: null, semantics: 'abort,cancel' })).toThrow('--semantics must list abort and/or abandon, got "cancel"');
    expect(() => parseWorkerList('1,,2')).toThrow('--workers must be a comma-separated list without empty entries, got "1,,2"');
  });
});

describe('mapping the grid onto the base policy', () => {
  it('sets workers, callTimeoutMs and timeoutSemantics and keeps every other field of the base', () => {
    const base = policy('rec4-thread-90s-abandon');
    const { points, notes } = buildSweepPoints({ base, grid: parseSweepGrid({ workers: '2,3', timeouts: 'none,30s', semantics: 'abort,abandon' }), accountConcurrency: 5 });
    // Without a call timeout and without deadlines the semantics change nothing: one variant is kept.
    expect(points.map((p) => p.policy.name)).toEqual([
      'rec4-thread-90s-abandon@w2/no-timeout/abort',
      'rec4-thread-90s-abandon@w2/t30s/abort',
      'rec4-thread-90s-abandon@w2/t30s/abandon',
      'rec4-thread-90s-abandon@w3/no-timeout/abort',
      'rec4-thread-90s-abandon@w3/t30s/abort',
      'rec4-thread-90s-abandon@w3/t30s/abandon',
    ]);
    expect(notes).toEqual(['timeout none with abandon was not run (2 policies): without a call timeout or a deadline, the semantics change nothing']);
    const p = points[2]!;
    expect(p.policy).toEqual({ ...base, name: p.policy.name, workers: 2, callTimeoutMs: 30_000, timeoutSemantics: 'abandon' });
    expect(points.map((x) => x.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(describePointAsPolicyJson({ point: points[1]!, base })).toBe('{"name":"rec4-thread-90s-abandon-w2","extends":"rec4-thread-90s-abandon","workers":2,"callTimeoutMs":"30s","timeoutSemantics":"abort"}');
  });

  it('keeps every semantics when the base has a deadline, and defaults the workers to 1..2× the plan', () => {
    const base = policy('fixed');
    expect(buildSweepPoints({ base, grid: parseSweepGrid({ workers: '4', timeouts: 'none', semantics: 'abort,abandon' }), accountConcurrency: 5 }).points).toHaveLength(2);
    const { points, grid } = buildSweepPoints({ base, grid: parseSweepGrid({ workers: null, timeouts: null, semantics: null }), accountConcurrency: 5 });
    expect(grid.workers).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(points.every((p) => p.callTimeoutMs === null && p.timeoutSemantics === 'abort')).toBe(true);
  });

  it('defaults the base to the policy expected to pass, and the budget to its thresholds', () => {
    const entries = readScenarioBudgets(incident);
    const { base, why } = chooseSweepBase({ policies: incident.policies, entries, name: null, source: incident.source });
    expect(base.name).toBe('fixed');
    expect(why).toBe('the first policy expected to pass its budget (budgets[0]); --base to choose another');
    const budget = chooseSweepBudget({ expressions: [], entries, base: policy('rec4-thread-90s-abandon'), budgetMs: incident.budgetMs });
    expect(budget?.thresholds.map((t) => t.text)).toEqual(['makespan p95 < 15m', 'success p95 >= 98%', 'credits p95 <= 250']);
    expect(budget?.source).toBe('budgets[0], the budget of fixed');
    expect(chooseSweepBudget({ expressions: [], entries: [], base, budgetMs: 900_000 })?.thresholds.map((t) => [t.text, t.bound])).toEqual([['makespan p95 <= 15m00s', 900_000]]);
    expect(() => chooseSweepBudget({ expressions: ['speed > 3'], entries, base, budgetMs: null })).toThrow(/^--budget "speed > 3" is not a valid budget expression: it names no budget metric: "speed"/);
    expect(() => chooseSweepBase({ policies: incident.policies, entries, name: 'nope', source: 'x.json' })).toThrow(/^Unknown policy "nope" in scenario x.json: choose one of baseline, /);
  });
});
