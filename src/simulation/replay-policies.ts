/**
 * Runs a replay scenario's policies on the real engine (simulatePolicy: virtual clock, mock API)
 * and compares each run with the log, item by item: the baseline shows how well the scenario
 * reproduces the log, the others what the batch would have done under them.
 */
import type { Policy } from '../engine/policy.js';
import type { EventSink } from '../ports.js';
import type { Scenario } from '../scenario/scenario-types.js';
import { simulatePolicy, type SimulationRun } from './simulate-policy.js';
import { compareReplay, type ReplayComparison } from '../replay/compare-replay.js';
import type { Timeline } from '../replay/reconstruct-timeline.js';

export interface ReplayPolicyRun {
  policy: Policy;
  run: SimulationRun;
  comparison: ReplayComparison;
}

/**
 * Simulates each of `policies` on `scenario` (in order) and compares it with `timeline`. The
 * caller owns `signal`; `onPolicy` hears about each policy before it runs (for progress).
 */
export async function replayPolicies(options: {
  scenario: Scenario;
  policies: readonly Policy[];
  timeline: Timeline;
  seed?: number;
  /** Whether to keep the events of the policy at `index` (default all): a run no report or metric reads needs none. */
  keepEvents?: (index: number) => boolean;
  signal?: AbortSignal;
  onPolicy?: (policy: Policy, index: number) => void;
  /** Also receives every event of every run as it happens (progress). */
  sink?: EventSink;
}): Promise<ReplayPolicyRun[]> {
  const out: ReplayPolicyRun[] = [];
  for (const [index, policy] of options.policies.entries()) {
    options.onPolicy?.(policy, index);
    const run = await simulatePolicy({ scenario: options.scenario, policy, seed: options.seed ?? options.scenario.seed, keepEvents: options.keepEvents?.(index) ?? true, signal: options.signal, sink: options.sink });
    out.push({ policy, run, comparison: compareReplay({ timeline: options.timeline, result: run.result }) });
  }
  return out;
}
