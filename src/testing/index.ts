/**
 * The stable entry point for test helpers: `import { expectBatchWithinBudget } from
 * 'batchscope/dist/testing/index.js'` (or from 'batchscope/testing' once the package maps it).
 */
export { BudgetExceededError, DEFAULT_EXPECT_SEEDS, expectBatchWithinBudget, type BudgetReport, type ExpectBudgetOptions } from './expect-batch-within-budget.js';
export { parseBudgetExpression, type BudgetThreshold } from '../scenario/budget-expression.js';
export { BUDGET_METRICS } from '../scenario/budget-metrics.js';
