/**
 * The CI budget gate: runs every budgeted policy of every scenario over a Monte Carlo sample of
 * seeds on the simulation pool (worker threads) and judges each budget against its expectation.
 */
import type { BudgetVerdict } from '../scenario/budget-evaluation.js';
import { evaluateBudget } from '../scenario/budget-evaluation.js';
import { listBudgetedPolicies, readScenarioBudgets } from '../scenario/budget-entries.js';
import type { RunSample } from '../scenario/budget-metrics.js';
import type { BudgetCheckResult, ScenarioCheck } from '../scenario/budget-check-result.js';
import { listSeeds } from '../scenario/budget-sample.js';
import type { Scenario } from '../scenario/scenario-types.js';
import { runSimulationPool, type SimulationJob } from './run-simulation-pool.js';

/** The default Monte Carlo sample: seeds per budgeted policy. */
export const DEFAULT_CHECK_SEEDS = 50;

export interface BudgetCheckRun {
  result: BudgetCheckResult;
  /** The samples of each scenario (same order as `scenarios`), by policy name. */
  samples: Array<Map<string, RunSample[]>>;
}

/**
 * Checks the budgets of `scenarios`. Each budgeted policy runs once per seed (a policy named by
 * two budgets runs once); seeds are `seeds` consecutive seeds from `firstSeed`, or from each
 * scenario's own seed. Rejects when `signal` aborts (the caller owns it).
 */
export async function runBudgetCheck(options: {
  scenarios: readonly Scenario[];
  seeds?: number;
  firstSeed?: number | null;
  threads?: number;
  stallThresholdMs?: number;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
  /** Reads the real clock for the wall time in the result (ms). */
  nowMs: () => number;
}): Promise<BudgetCheckRun> {
  const count = options.seeds ?? DEFAULT_CHECK_SEEDS;
  const plans = options.scenarios.map((scenario, index) => {
    const entries = readScenarioBudgets(scenario);
    const budgeted = listBudgetedPolicies({ scenario, entries });
    const policies = scenario.policies.filter((p) => budgeted.some((b) => b.policy.name === p.name));
    const seeds = policies.length === 0 ? [] : listSeeds({ firstSeed: options.firstSeed ?? scenario.seed, count });
    const jobs: SimulationJob[] = policies.flatMap((policy) => seeds.map((seed) => ({ scenario: index, policy, seed })));
    return { scenario, budgeted, policies, seeds, jobs };
  });
  const jobs = plans.flatMap((p) => p.jobs);
  const startMs = options.nowMs();
  const pool = await runSimulationPool({ scenarios: options.scenarios, jobs, threads: options.threads, stallThresholdMs: options.stallThresholdMs, onProgress: options.onProgress, signal: options.signal });
  const wallMs = options.nowMs() - startMs;

  let offset = 0;
  const samples: Array<Map<string, RunSample[]>> = [];
  const scenarios: ScenarioCheck[] = plans.map((plan) => {
    const byPolicy = new Map<string, RunSample[]>();
    for (const policy of plan.policies) {
      byPolicy.set(policy.name, pool.samples.slice(offset, offset + plan.seeds.length));
      offset += plan.seeds.length;
    }
    samples.push(byPolicy);
    const verdicts: BudgetVerdict[] = plan.budgeted.map(({ entry, policy }) => evaluateBudget({ entry, policy: policy.name, samples: byPolicy.get(policy.name) ?? [] }));
    return {
      name: plan.scenario.name,
      source: plan.scenario.source,
      seeds: plan.seeds,
      verdicts,
      unbudgeted: plan.scenario.policies.filter((p) => !byPolicy.has(p.name)).map((p) => p.name),
      reportDir: null,
    };
  });
  return { result: { scenarios, runs: jobs.length, threads: pool.threads, wallMs }, samples };
}
