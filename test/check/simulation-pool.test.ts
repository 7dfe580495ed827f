import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../src/cli/load-scenario-file.js';
import { CancelledError } from '../../src/errors.js';
import { runSimulationPool } from '../../src/node/run-simulation-pool.js';
import { sampleBudgetRun } from '../../src/simulation/sample-budget-run.js';
import type { Policy } from '../../src/engine/policy.js';

const root = new URL('../..', import.meta.url).pathname;
const scenario = loadScenarioFile('scenarios/incident-2025-08-06.json', root);
const fixed = scenario.policies.find((p) => p.name === 'fixed')!;

describe('runSimulationPool (from sources: in-process)', () => {
  it('returns one sample per job in job order, equal to a direct run', async () => {
    let calls = 0;
    const { samples, threads } = await runSimulationPool({ scenarios: [scenario], jobs: [2101, 2100].map((seed) => ({ scenario: 0, policy: fixed, seed })), onProgress: () => void calls++ });
    expect(threads).toBe(0);
    expect(samples.map((s) => s.seed)).toEqual([2101, 2100]);
    expect(samples[1]).toEqual(await sampleBudgetRun({ scenario, policy: fixed, seed: 2100 }));
    expect(calls).toBe(2);
  });

  it('names the policy and seed of a failing job, and stops on abort', async () => {
    const broken = { ...fixed, name: 'broken', tiers: null } as unknown as Policy;
    await expect(runSimulationPool({ scenarios: [scenario], jobs: [{ scenario: 0, policy: broken, seed: 4 }] })).rejects.toThrow(/^Simulation of incident-2025-08-06, policy broken, seed 4 failed: /);
    const controller = new AbortController();
    controller.abort(new Error('enough'));
    await expect(runSimulationPool({ scenarios: [scenario], jobs: [{ scenario: 0, policy: fixed, seed: 1 }], signal: controller.signal })).rejects.toBeInstanceOf(CancelledError);
  });
});
