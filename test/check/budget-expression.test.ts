import { describe, expect, it } from 'vitest';
import { parseBudgetEntries, type BudgetEntry } from '../../src/scenario/budget-entries.js';
import { evaluateBudget, evaluateThreshold } from '../../src/scenario/budget-evaluation.js';
import { parseBudgetExpression, type BudgetThreshold } from '../../src/scenario/budget-expression.js';
import type { RunSample } from '../../src/scenario/budget-metrics.js';
import { FieldReader } from '../../src/scenario/field-reader.js';
import { parseScenario } from '../../src/scenario/parse-scenario.js';
import { tinyScenarioJson } from './tiny-scenario.js';

function parse(text: string, budgetMs: number | null = null): BudgetThreshold {
  const parsed = parseBudgetExpression({ text, budgetMs });
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.threshold;
}

function reason(text: string): string {
  const parsed = parseBudgetExpression({ text, budgetMs: null });
  if (parsed.ok) throw new Error(`"${text}" parsed`);
  return parsed.reason;
}

const samples = (metric: string, values: number[]): RunSample[] => values.map((v, i) => ({ seed: 100 + i, values: { [metric]: v } }));

describe('budget expressions', () => {
  it('reads the k6-style forms of the issue', () => {
    expect(parse('makespan p95 < 15m')).toEqual({ text: 'makespan p95 < 15m', metric: 'makespan', kind: 'duration', aggregate: { kind: 'percentile', percent: 95 }, operator: '<', bound: 900_000 });
    expect(parse('success >= 98%')).toMatchObject({ metric: 'success', kind: 'ratio', aggregate: { kind: 'every' }, operator: '>=', bound: 0.98 });
    expect(parse('credits <= 1200')).toMatchObject({ metric: 'credits', kind: 'count', aggregate: { kind: 'every' }, operator: '<=', bound: 1200 });
    expect(parse('makespan p(99)<=1h30m')).toMatchObject({ aggregate: { kind: 'percentile', percent: 99 }, operator: '<=', bound: 5_400_000 });
    expect(parse('  zombies   mean  <  2 ')).toMatchObject({ text: 'zombies mean < 2', aggregate: { kind: 'mean' }, bound: 2 });
    expect(parse('429s max <= 0')).toMatchObject({ metric: 'throttled', aggregate: { kind: 'max' } });
    expect(parse('success median > 0.9')).toMatchObject({ aggregate: { kind: 'percentile', percent: 50 }, bound: 0.9 });
    expect(parse('makespan p95 <= budget', 900_000)).toMatchObject({ bound: 900_000 });
  });

  it('names the offending part of a malformed expression', () => {
    expect(reason('makespan p95 < 15x')).toBe('has a value that is not a duration: "15x" (write e.g. "15m", "90s" or "1h30m")');
    expect(reason('makespan < 900')).toBe('needs a unit on "900" (write e.g. "15m", "90s" or "500ms")');
    expect(reason('makespn p95 < 15m')).toMatch(/^names no budget metric: "makespn" \(expected one of: makespan, makespan-ratio, success,/);
    expect(reason('makespan p95x < 15m')).toBe('has an unknown aggregate: "p95x" (expected pN such as p95, median, mean, min or max)');
    expect(reason('makespan p0 < 15m')).toBe('has a percentile out of range: "p0" (expected p1 to p100)');
    expect(reason('success >= 120%')).toBe('has a share out of range: "120%" (between 0% and 100%)');
    expect(reason('credits <= lots')).toBe('has a value that is not a number: "lots"');
    expect(reason('makespan p95 15m')).toMatch(/^does not read as <metric> \[pN\|median\|mean\|min\|max\] <\|<=\|>\|>= <value>/);
    expect(reason('makespan <= budget')).toBe('compares with "budget", but the scenario sets no "budget"');
    expect(reason('')).toBe('is empty');
  });
});

describe('judging a threshold over runs', () => {
  it('pN on an upper bound is the N-th percentile; runs over are counted one by one', () => {
    const values = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100].map((s) => s * 1000);
    const result = evaluateThreshold({ threshold: parse('makespan p90 < 95s'), samples: samples('makespan', values) });
    expect(result).toMatchObject({ measured: 90_000, margin: 5_000, runsOver: 1, runs: 10, overShare: 0.1, met: true });
    expect(evaluateThreshold({ threshold: parse('makespan p95 < 95s'), samples: samples('makespan', values) })).toMatchObject({ measured: 100_000, margin: -5_000, met: false });
  });

  it('pN on a lower bound counts from the good end: the bound holds in N% of runs', () => {
    const values = [0.9, 0.95, 0.97, 0.98, 0.99, 0.99, 0.99, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
    const p90 = evaluateThreshold({ threshold: parse('success p90 >= 97%'), samples: samples('success', values) });
    // 18 of 20 runs reach 0.97: the 90th percentile from the top is 0.97.
    expect(p90.measured).toBe(0.97);
    expect(p90.met).toBe(true);
    expect(p90.runsOver).toBe(2);
    expect(evaluateThreshold({ threshold: parse('success p95 >= 97%'), samples: samples('success', values) })).toMatchObject({ measured: 0.95, met: false });
  });

  it('no aggregate means every run; mean, min and max are plain statistics', () => {
    const s = samples('credits', [100, 120, 180]);
    expect(evaluateThreshold({ threshold: parse('credits <= 150'), samples: s })).toMatchObject({ measured: 180, margin: -30, runsOver: 1, met: false });
    expect(evaluateThreshold({ threshold: parse('credits mean <= 150'), samples: s })).toMatchObject({ measured: 400 / 3, met: true });
    expect(evaluateThreshold({ threshold: parse('credits min > 100'), samples: s })).toMatchObject({ measured: 100, margin: 0, met: false });
    expect(evaluateThreshold({ threshold: parse('credits max < 200'), samples: s })).toMatchObject({ measured: 180, margin: 20, met: true });
    expect(evaluateThreshold({ threshold: parse('credits > 90'), samples: s })).toMatchObject({ measured: 100, margin: 10, met: true });
  });

  it('an exceed budget is as expected when at least one threshold is broken', () => {
    const reader = new FieldReader('x.json');
    const [pass, exceed] = parseBudgetEntries({
      reader,
      value: [
        { policy: 'p', thresholds: ['credits <= 150', 'credits mean < 200'] },
        { policy: 'p', expect: 'exceed', thresholds: ['credits <= 150', 'credits mean < 200'] },
      ],
      path: 'budgets',
      policies: [{ name: 'p' }],
      budgetMs: null,
    });
    const s = samples('credits', [100, 120, 180]);
    expect(evaluateBudget({ entry: pass!, policy: 'p', samples: s })).toMatchObject({ exceeded: true, ok: false, runsOver: 1 });
    expect(evaluateBudget({ entry: exceed!, policy: 'p', samples: s })).toMatchObject({ exceeded: true, ok: true });
    const calm = samples('credits', [100, 110]);
    expect(evaluateBudget({ entry: pass!, policy: 'p', samples: calm })).toMatchObject({ exceeded: false, ok: true, runsOver: 0 });
    expect(evaluateBudget({ entry: exceed!, policy: 'p', samples: calm })).toMatchObject({ exceeded: false, ok: false });
  });
});

describe('budgets in a scenario', () => {
  const load = (budgets: unknown) => parseScenario({ json: tinyScenarioJson(budgets), source: 'tiny.json' });

  it('keeps valid entries as written', () => {
    const budgets = [{ policy: '*', thresholds: 'makespan p95 < budget' }];
    expect(load(budgets).budgets).toEqual(budgets);
  });

  it.each([
    [[{ policy: 'three', thresholds: ['makespan p95 < 15x'] }], 'budgets[0].thresholds[0] "makespan p95 < 15x" is not a valid budget expression: it has a value that is not a duration: "15x" (write e.g. "15m", "90s" or "1h30m")'],
    [[{ policy: 'three', thresholds: 'success >= 101%' }], 'budgets[0].thresholds "success >= 101%" is not a valid budget expression: it has a share out of range: "101%" (between 0% and 100%)'],
    [[{ policy: 'thre', thresholds: ['credits < 5'] }], 'budgets[0].policy names no policy of this scenario, got "thre" (policies: one, three)'],
    [[{ policy: ['one', 'x'], thresholds: ['credits < 5'] }], 'budgets[0].policy[1] names no policy of this scenario, got "x" (policies: one, three)'],
    [[{ policy: 'one', expect: 'fail', thresholds: ['credits < 5'] }], 'budgets[0].expect must be one of "pass", "exceed", got "fail"'],
    [[{ policy: 'one', thresholds: [] }], 'budgets[0].thresholds must hold at least one budget expression, like "makespan p95 < 15m"'],
    [[{ policy: 'one', thresholds: [42] }], 'budgets[0].thresholds[0] must be a budget expression string like "makespan p95 < 15m", got 42'],
    [[{ policy: 'one', threshold: ['credits < 5'] }], 'budgets[0].threshold is not a known field (expected one of: policy, expect, thresholds, description)'],
    [[{ thresholds: ['credits < 5'] }], 'budgets[0].policy must name the policy (or a list of policies, or "*" for all), got nothing'],
    ['makespan < 15m', 'budgets must be an array, got "makespan < 15m"'],
  ])('rejects %j with the file, the field and the value', (budgets, message) => {
    expect(() => load(budgets)).toThrow(`Failed to load scenario tiny.json: ${message}`);
  });
});

describe('a run the outage breaker stopped', () => {
  const stoppedSamples = (stopped: number[]): RunSample[] => stopped.map((s, i) => ({ seed: 100 + i, values: { makespan: 12_000, stopped: s } }));
  const entry = (thresholds: string[]): BudgetEntry => ({ index: 0, path: 'budgets[0]', policies: ['p'], expect: 'pass', thresholds: thresholds.map((t) => parse(t)), description: '' });

  it('fails a time budget it would meet by its makespan to the stop, on an implied threshold that says why', () => {
    const verdict = evaluateBudget({ entry: entry(['makespan p95 < 15m']), policy: 'p', samples: stoppedSamples([0, 1, 0]) });
    expect(verdict.thresholds.map((t) => [t.threshold.text, t.met, t.measured, t.margin])).toEqual([
      ['makespan p95 < 15m', true, 12_000, 888_000],
      ['stopped max <= 0 (implied: a batch the outage breaker stopped did not finish)', false, 1, -1],
    ]);
    expect(verdict.ok).toBe(false);
    expect(verdict.runsOver).toBe(1);
  });

  it('adds nothing where no run was stopped, or where the budget names stopped itself', () => {
    expect(evaluateBudget({ entry: entry(['makespan p95 < 15m']), policy: 'p', samples: stoppedSamples([0, 0]) }).thresholds).toHaveLength(1);
    const named = evaluateBudget({ entry: entry(['makespan p95 < 15m', 'stopped mean <= 0.5']), policy: 'p', samples: stoppedSamples([0, 1]) });
    expect(named.thresholds.map((t) => t.threshold.text)).toEqual(['makespan p95 < 15m', 'stopped mean <= 0.5']);
    expect(named.ok).toBe(true);
  });
});
