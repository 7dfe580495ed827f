/**
 * Which policy a sweep varies and which budget its recommendation must meet, with a sentence
 * saying why, for the output. Pure.
 */
import type { Policy } from '../engine/policy.js';
import { UsageError } from '../errors.js';
import type { BudgetEntry } from '../scenario/budget-entries.js';
import { parseBudgetExpression, type BudgetThreshold } from '../scenario/budget-expression.js';
import { formatDurationMs } from '../units/duration.js';

/**
 * The base policy: `name` when given; otherwise the first policy a `pass` budget names (the
 * policy the team expects to meet its budget, so the sweep explores around it); otherwise the
 * scenario's first policy.
 */
export function chooseSweepBase(options: { policies: readonly Policy[]; entries: readonly BudgetEntry[]; name: string | null; source: string }): { base: Policy; why: string } {
  const { policies, entries, name } = options;
  if (name !== null) {
    const base = policies.find((p) => p.name === name);
    if (!base) throw new UsageError(`Unknown policy "${name}" in scenario ${options.source}: choose one of ${policies.map((p) => p.name).join(', ')}`);
    return { base, why: 'chosen with --base' };
  }
  for (const entry of entries) {
    if (entry.expect !== 'pass') continue;
    const base = policies.find((p) => p.name === entry.policies[0]);
    if (base) return { base, why: `the first policy expected to pass its budget (${entry.path}); --base to choose another` };
  }
  const first = policies[0] as Policy;
  return { base: first, why: 'the scenario has no budget expected to pass, so its first policy; --base to choose another' };
}

/** The budget a recommendation must meet, or null when there is none. */
export interface SweepBudget {
  thresholds: BudgetThreshold[];
  /** Where it comes from, for the output. */
  source: string;
}

/**
 * The budget: the `--budget` expressions when given; else the thresholds of the `pass` budgets
 * that name the base; else those of the scenario's first `pass` budget; else `makespan p95 <=`
 * the scenario's `budget`; else null. Throws UsageError for a bad `--budget` expression.
 */
export function chooseSweepBudget(options: { expressions: readonly string[]; entries: readonly BudgetEntry[]; base: Policy; budgetMs: number | null }): SweepBudget | null {
  if (options.expressions.length > 0) {
    const thresholds = options.expressions.map((text) => {
      const parsed = parseBudgetExpression({ text, budgetMs: options.budgetMs });
      if (!parsed.ok) throw new UsageError(`--budget "${text}" is not a valid budget expression: it ${parsed.reason}`);
      return parsed.threshold;
    });
    return { thresholds, source: '--budget' };
  }
  const passing = options.entries.filter((e) => e.expect === 'pass');
  const own = passing.filter((e) => e.policies.includes(options.base.name));
  const chosen = own.length > 0 ? own : passing.slice(0, 1);
  if (chosen.length > 0) {
    const thresholds: BudgetThreshold[] = [];
    for (const entry of chosen) for (const t of entry.thresholds) if (!thresholds.some((x) => x.text === t.text)) thresholds.push(t);
    const whose = own.length > 0 ? `the budget of ${options.base.name}` : `the budget of ${chosen[0]?.policies.join(', ')}`;
    return { thresholds, source: `${chosen.map((e) => e.path).join(', ')}, ${whose}` };
  }
  if (options.budgetMs !== null) {
    const text = `makespan p95 <= ${formatDurationMs(options.budgetMs)}`;
    const parsed = parseBudgetExpression({ text: 'makespan p95 <= budget', budgetMs: options.budgetMs });
    if (parsed.ok) return { thresholds: [{ ...parsed.threshold, text }], source: "the scenario's budget" };
  }
  return null;
}
