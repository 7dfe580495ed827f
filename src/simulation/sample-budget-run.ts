/**
 * One Monte Carlo run for the CI gate and sweeps: simulates a policy with one seed on the direct
 * mock face and reduces the run to a RunSample. Deterministic for a given scenario, policy and seed.
 */
import type { Policy } from '../engine/policy.js';
import { measureRun, type RunSample } from '../scenario/budget-metrics.js';
import type { Scenario } from '../scenario/scenario-types.js';
import { simulateAndMeasure } from './simulate-and-measure.js';

/** Simulates `policy` on `scenario` with `seed` and measures it. The caller owns `signal`. */
export async function sampleBudgetRun(options: { scenario: Scenario; policy: Policy; seed: number; stallThresholdMs?: number; signal?: AbortSignal }): Promise<RunSample> {
  const { metrics } = await simulateAndMeasure({ ...options, runLog: false });
  return measureRun({ metrics, seed: options.seed });
}
