/**
 * The `budgets` field of a scenario: per policy, a list of budget expressions and whether the
 * policy is expected to meet them (`pass`) or to break them (`exceed`, a counter-example kept on
 * purpose). Errors name the file, the field path and the value. Pure.
 *
 * ```json
 * "budgets": [
 *   { "policy": "fixed", "expect": "pass", "thresholds": ["makespan p95 < 15m", "success p95 >= 98%"] },
 *   { "policy": ["baseline", "rec1"], "expect": "exceed", "thresholds": ["makespan p95 < 15m"],
 *     "description": "the analysis' recommendations that change nothing" }
 * ]
 * ```
 * `policy` is a name, a list of names, or `"*"` for every policy; `expect` defaults to `pass`;
 * `thresholds` is one expression or a list (see budget-expression.ts).
 */
import type { Policy } from '../engine/policy.js';
import { parseBudgetExpression, type BudgetThreshold } from './budget-expression.js';
import { FieldReader, join, show } from './field-reader.js';
import type { Scenario } from './scenario-types.js';

/** What a budgeted policy is expected to do: meet every threshold, or break at least one. */
export type BudgetExpectation = 'pass' | 'exceed';

/** One entry of `budgets`, validated. */
export interface BudgetEntry {
  /** Its position in `budgets`. */
  index: number;
  /** Its field path, e.g. `budgets[2]`, for messages. */
  path: string;
  /** The policies it applies to, in scenario order. */
  policies: string[];
  expect: BudgetExpectation;
  thresholds: BudgetThreshold[];
  description: string;
}

const ENTRY_KEYS = ['policy', 'expect', 'thresholds', 'description'];

/** Validates the raw `budgets` array of a scenario being loaded; `value` undefined means none. */
export function parseBudgetEntries(options: { reader: FieldReader; value: unknown; path: string; policies: readonly Pick<Policy, 'name'>[]; budgetMs: number | null }): BudgetEntry[] {
  const { reader, path, policies } = options;
  if (options.value === undefined) return [];
  const names = policies.map((p) => p.name);
  return reader.array(options.value, path).map((raw, index) => {
    const epath = join(path, index);
    const obj = reader.object(raw, epath);
    reader.knownKeys(obj, ENTRY_KEYS, epath);
    const chosen = readPolicyNames(reader, obj['policy'], join(epath, 'policy'), names);
    const expect = obj['expect'] === undefined ? 'pass' : reader.oneOf(obj['expect'], ['pass', 'exceed'] as const, join(epath, 'expect'));
    const tpath = join(epath, 'thresholds');
    const texts = typeof obj['thresholds'] === 'string' ? [obj['thresholds']] : reader.array(obj['thresholds'], tpath);
    if (texts.length === 0) reader.fail(tpath, 'must hold at least one budget expression, like "makespan p95 < 15m"');
    const thresholds = texts.map((text, i) => {
      const at = typeof obj['thresholds'] === 'string' ? tpath : join(tpath, i);
      if (typeof text !== 'string') return reader.fail(at, `must be a budget expression string like "makespan p95 < 15m", got ${show(text)}`);
      const parsed = parseBudgetExpression({ text, budgetMs: options.budgetMs });
      if (!parsed.ok) return reader.fail(at, `${show(text)} is not a valid budget expression: it ${parsed.reason}`);
      return parsed.threshold;
    });
    const description = obj['description'] === undefined ? '' : reader.string(obj['description'], join(epath, 'description'));
    return { index, path: epath, policies: chosen, expect, thresholds, description };
  });
}

function readPolicyNames(reader: FieldReader, value: unknown, path: string, names: readonly string[]): string[] {
  if (value === undefined) reader.fail(path, `must name the policy (or a list of policies, or "*" for all), got nothing`);
  if (value === '*') return [...names];
  const list = typeof value === 'string' ? [value] : reader.array(value, path);
  if (list.length === 0) reader.fail(path, 'must name at least one policy');
  const chosen = new Set<string>();
  list.forEach((entry, i) => {
    const at = typeof value === 'string' ? path : join(path, i);
    const name = reader.string(entry, at);
    if (!names.includes(name)) reader.fail(at, `names no policy of this scenario, got ${show(name)} (policies: ${names.join(', ')})`);
    chosen.add(name);
  });
  return names.filter((n) => chosen.has(n));
}

/** The budget entries of a loaded scenario (its `budgets` were validated on load). */
export function readScenarioBudgets(scenario: Pick<Scenario, 'source' | 'budgets' | 'policies' | 'budgetMs'>): BudgetEntry[] {
  return parseBudgetEntries({ reader: new FieldReader(scenario.source), value: scenario.budgets, path: 'budgets', policies: scenario.policies, budgetMs: scenario.budgetMs });
}

/** A budgeted policy: one entry applied to one policy. */
export interface BudgetedPolicy {
  entry: BudgetEntry;
  policy: Policy;
}

/** Every (entry, policy) pair to check, entries in file order, policies in scenario order. */
export function listBudgetedPolicies(options: { scenario: Pick<Scenario, 'policies'>; entries: readonly BudgetEntry[] }): BudgetedPolicy[] {
  const out: BudgetedPolicy[] = [];
  for (const entry of options.entries) {
    for (const name of entry.policies) {
      const policy = options.scenario.policies.find((p) => p.name === name);
      if (policy) out.push({ entry, policy });
    }
  }
  return out;
}
