/**
 * What one simulated run is, as the projections and reports read it: the policy, seed and face
 * it ran with, the batch's result, its events and the mock's counts; and its run-log header.
 * Built by src/simulation/simulate-policy.ts. Pure types and one pure function.
 */
import type { BatchResult } from '../engine/batch-types.js';
import type { Policy } from '../engine/policy.js';
import type { MockStats } from '../mock/mock-core.js';
import type { Scenario } from '../scenario/scenario-types.js';
import type { BatchEvent } from './batch-event.js';
import { RUN_LOG_VERSION, type RunLogHeader } from './run-log.js';

/** Which in-process face of the mock serves the run. */
export type MockFace = 'direct' | 'msw';

export interface SimulationRun {
  scenario: string;
  policy: Policy;
  seed: number;
  face: MockFace;
  result: BatchResult;
  /** Every engine and mock event, in order (unless `keepEvents` was false). */
  events: BatchEvent[];
  mock: MockStats;
  /** Virtual-time steps the clock took. */
  clockSteps: number;
}

/** The run log header of a simulated run of `scenario`. */
export function describeSimulationRun(scenario: Scenario, run: SimulationRun): RunLogHeader {
  return {
    type: 'run.meta',
    version: RUN_LOG_VERSION,
    mode: 'simulation',
    scenario: scenario.name,
    seed: run.seed,
    transport: run.face,
    startMs: scenario.startMs,
    batchId: run.result.batchId,
    policy: run.policy,
    items: scenario.items,
    accountConcurrency: scenario.world.account.concurrency,
  };
}
