/**
 * Budget expressions in the style of k6 thresholds: `<metric> [<aggregate>] <op> <value>`, e.g.
 * `makespan p95 < 15m`, `success p95 >= 98%`, `credits <= 1200`, `zombies mean < 2`.
 *
 * A budget is judged over a Monte Carlo sample of runs (one per seed). The aggregate says how:
 * - none: the bound must hold in every run;
 * - `pN` (or `p(N)`): the bound must hold in at least N% of runs. For `<` and `<=` the measured value
 *   is the usual N-th percentile; for `>` and `>=` it is counted from the good end (the (100−N)-th
 *   percentile), so `success p95 >= 98%` means "95% of runs price at least 98% of items";
 * - `median` (= p50), `mean` (or `avg`), `min`, `max`: those statistics of the runs' values.
 *
 * Values: durations need a unit (`15m`, `90s`, `1h30m`, `500ms`) or are the word `budget` (the
 * scenario's `budget`); ratios are `98%` or `0.98`; counts and numbers are plain numbers. Pure.
 */
import { parseDurationMs } from '../units/duration.js';
import { BUDGET_METRICS, findBudgetMetric, type BudgetMetricKind } from './budget-metrics.js';

export type BudgetOperator = '<' | '<=' | '>' | '>=';

/** How the runs' values are reduced to the one value compared with the bound. */
export type BudgetAggregate = { kind: 'every' } | { kind: 'percentile'; percent: number } | { kind: 'mean' } | { kind: 'min' } | { kind: 'max' };

/** One parsed expression. `bound` is in the metric's unit: ms, a ratio in [0, 1], or a number. */
export interface BudgetThreshold {
  /** The expression as written (trimmed). */
  text: string;
  metric: string;
  kind: BudgetMetricKind;
  aggregate: BudgetAggregate;
  operator: BudgetOperator;
  bound: number;
}

export type ParsedBudgetExpression = { ok: true; threshold: BudgetThreshold } | { ok: false; reason: string };

/** The grammar, for error messages and --help. */
export const BUDGET_EXPRESSION_SYNTAX = '<metric> [pN|median|mean|min|max] <|<=|>|>= <value>';

const SHAPE = /^([A-Za-z0-9][A-Za-z0-9_-]*)(?:\s+([^\s<>=]+(?:\s*\(\s*[\d.]+\s*\))?))?\s*(<=|>=|<|>)\s*(\S(?:.*\S)?)$/;

/**
 * Parses one expression. `budgetMs` is the scenario's `budget` (for the value `budget`), or null.
 * Returns the threshold, or a reason that names the offending part.
 */
export function parseBudgetExpression(options: { text: string; budgetMs: number | null }): ParsedBudgetExpression {
  const text = options.text.trim();
  if (text === '') return { ok: false, reason: 'is empty' };
  const match = SHAPE.exec(text);
  if (!match) return { ok: false, reason: `does not read as ${BUDGET_EXPRESSION_SYNTAX} (e.g. "makespan p95 < 15m")` };
  const [, metricName = '', aggregateText, operator = '<', valueText = ''] = match;
  const metric = findBudgetMetric(metricName);
  if (!metric) return { ok: false, reason: `names no budget metric: "${metricName}" (expected one of: ${BUDGET_METRICS.map((m) => m.name).join(', ')})` };
  const aggregate = parseAggregate(aggregateText);
  if (typeof aggregate === 'string') return { ok: false, reason: aggregate };
  const bound = parseBound(metric.kind, valueText, options.budgetMs);
  if (typeof bound === 'string') return { ok: false, reason: bound };
  return { ok: true, threshold: { text: text.replace(/\s+/g, ' '), metric: metric.name, kind: metric.kind, aggregate, operator: operator as BudgetOperator, bound } };
}

function parseAggregate(text: string | undefined): BudgetAggregate | string {
  if (text === undefined) return { kind: 'every' };
  const lower = text.toLowerCase().replace(/\s+/g, '');
  if (lower === 'mean' || lower === 'avg') return { kind: 'mean' };
  if (lower === 'min') return { kind: 'min' };
  if (lower === 'max') return { kind: 'max' };
  if (lower === 'median' || lower === 'med') return { kind: 'percentile', percent: 50 };
  const p = /^p(?:\((\d+(?:\.\d+)?)\)|(\d+(?:\.\d+)?))$/.exec(lower);
  if (p) {
    const percent = Number(p[1] ?? p[2]);
    if (percent > 0 && percent <= 100) return { kind: 'percentile', percent };
    return `has a percentile out of range: "${text}" (expected p1 to p100)`;
  }
  return `has an unknown aggregate: "${text}" (expected pN such as p95, median, mean, min or max)`;
}

function parseBound(kind: BudgetMetricKind, text: string, budgetMs: number | null): number | string {
  const number = /^-?\d+(?:\.\d+)?$/;
  if (kind === 'duration') {
    if (text.toLowerCase() === 'budget') {
      return budgetMs ?? 'compares with "budget", but the scenario sets no "budget"';
    }
    if (number.test(text)) return `needs a unit on "${text}" (write e.g. "15m", "90s" or "500ms")`;
    const ms = parseDurationMs(text);
    if (ms === null || ms < 0) return `has a value that is not a duration: "${text}" (write e.g. "15m", "90s" or "1h30m")`;
    return ms;
  }
  if (kind === 'ratio') {
    const percent = /^(\d+(?:\.\d+)?)\s*%$/.exec(text);
    const ratio = percent ? Number(percent[1]) / 100 : number.test(text) ? Number(text) : NaN;
    if (!Number.isFinite(ratio)) return `has a value that is not a share: "${text}" (write e.g. "98%" or "0.98")`;
    if (ratio < 0 || ratio > 1) return `has a share out of range: "${text}" (between 0% and 100%)`;
    return ratio;
  }
  if (!number.test(text)) return `has a value that is not a number: "${text}"`;
  const value = Number(text);
  if (kind === 'count' && value < 0) return `has a negative count: "${text}"`;
  return value;
}

/** Whether `value` meets `operator bound`. */
export function meetsBound(value: number, operator: BudgetOperator, bound: number): boolean {
  switch (operator) {
    case '<':
      return value < bound;
    case '<=':
      return value <= bound;
    case '>':
      return value > bound;
    case '>=':
      return value >= bound;
  }
}

/** Whether smaller values are better for this threshold (its operator is < or <=). */
export function isUpperBound(threshold: Pick<BudgetThreshold, 'operator'>): boolean {
  return threshold.operator === '<' || threshold.operator === '<=';
}
