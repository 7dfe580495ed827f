/**
 * The worker thread of runSimulationPool: receives jobs, runs them one at a time (two virtual
 * clocks must not interleave on one event loop) and answers with one RunSample per job.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { BatchscopeError } from '../errors.js';
import { sampleBudgetRun } from '../simulation/sample-budget-run.js';
import type { Scenario } from '../scenario/scenario-types.js';
import type { SimulationWorkerData, SimulationWorkerReply, SimulationWorkerRequest } from './run-simulation-pool.js';

const data = workerData as SimulationWorkerData;
const port = parentPort;
const queue: SimulationWorkerRequest[] = [];
let running = false;

async function drain(): Promise<void> {
  if (running) return;
  running = true;
  try {
    for (let request = queue.shift(); request; request = queue.shift()) {
      const { id, job } = request;
      let reply: SimulationWorkerReply;
      try {
        const sample = await sampleBudgetRun({ scenario: data.scenarios[job.scenario] as Scenario, policy: job.policy, seed: job.seed, stallThresholdMs: data.stallThresholdMs });
        reply = { type: 'done', id, sample };
      } catch (error) {
        reply = { type: 'failed', id, code: error instanceof BatchscopeError ? error.code : null, message: error instanceof Error ? error.message : String(error) };
      }
      port?.postMessage(reply);
    }
  } finally {
    running = false;
  }
}

port?.on('message', (request: SimulationWorkerRequest) => {
  queue.push(request);
  void drain();
});
