/** The stable entry point for test helpers: `import { expectBatchWithinBudget } from 'batchscope/testing'`. */
export { BudgetExceededError, DEFAULT_EXPECT_SEEDS, expectBatchWithinBudget, type BudgetReport, type ExpectBudgetOptions } from './expect-batch-within-budget.js';
export { parseBudgetExpression, type BudgetThreshold } from '../scenario/budget-expression.js';
export { BUDGET_METRICS } from '../scenario/budget-metrics.js';
