/**
 * Runs many Monte Carlo simulations (scenario × policy × seed) in parallel on worker threads and
 * returns one RunSample per job, in job order, so the result does not depend on scheduling.
 *
 * The worker script is compiled JavaScript (dist/node/simulation-worker.js). When this module runs
 * from TypeScript sources (inside vitest, say), there is no such file and the jobs run in-process,
 * one after another, with the same results. `threads: 0` asks for in-process runs explicitly.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Policy } from '../engine/policy.js';
import { BatchscopeError, CancelledError } from '../errors.js';
import type { RunSample } from '../scenario/budget-metrics.js';
import { sampleBudgetRun } from '../simulation/sample-budget-run.js';
import type { Scenario } from '../scenario/scenario-types.js';

/** One simulation: a scenario (index into `scenarios`), a policy and a seed. */
export interface SimulationJob {
  scenario: number;
  policy: Policy;
  seed: number;
}

/** What the worker receives at start. */
export interface SimulationWorkerData {
  scenarios: readonly Scenario[];
  stallThresholdMs: number;
}

/** Messages between the pool and a worker. */
export type SimulationWorkerRequest = { type: 'run'; id: number; job: SimulationJob };
export type SimulationWorkerReply = { type: 'done'; id: number; sample: RunSample } | { type: 'failed'; id: number; code: string | null; message: string };

export interface SimulationPoolResult {
  /** One sample per job, in job order. */
  samples: RunSample[];
  /** Worker threads used; 0 when the jobs ran in-process. */
  threads: number;
}

const WORKER_SCRIPT = new URL('./simulation-worker.js', import.meta.url);

/** The default number of threads: the CPU cores available to this process. */
export function defaultThreadCount(): number {
  return availableParallelism();
}

/** Whether worker threads can be used (the compiled worker script exists next to this module). */
export function canUseWorkerThreads(): boolean {
  return WORKER_SCRIPT.protocol === 'file:' && existsSync(fileURLToPath(WORKER_SCRIPT));
}

/**
 * Runs every job. `threads` defaults to the CPU cores (never more than the jobs); `onProgress` is
 * called after each job with the count done. Rejects with CancelledError when `signal` aborts (the
 * caller owns it; the workers are terminated), or with the first job's error, naming its policy
 * and seed.
 */
export async function runSimulationPool(options: {
  scenarios: readonly Scenario[];
  jobs: readonly SimulationJob[];
  threads?: number;
  stallThresholdMs?: number;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}): Promise<SimulationPoolResult> {
  const stallThresholdMs = options.stallThresholdMs ?? 60_000;
  const wanted = options.threads ?? defaultThreadCount();
  const threads = Math.min(wanted, options.jobs.length);
  if (threads <= 0 || !canUseWorkerThreads()) {
    return { samples: await runInProcess({ ...options, stallThresholdMs }), threads: 0 };
  }
  return { samples: await runOnThreads({ ...options, stallThresholdMs, threads }), threads };
}

async function runInProcess(options: {
  scenarios: readonly Scenario[];
  jobs: readonly SimulationJob[];
  stallThresholdMs: number;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}): Promise<RunSample[]> {
  const samples: RunSample[] = [];
  for (const job of options.jobs) {
    if (options.signal?.aborted) throw new CancelledError(describeReason(options.signal.reason));
    const scenario = options.scenarios[job.scenario] as Scenario;
    try {
      samples.push(await sampleBudgetRun({ scenario, policy: job.policy, seed: job.seed, stallThresholdMs: options.stallThresholdMs, signal: options.signal }));
    } catch (error) {
      throw jobError(scenario, job, error instanceof BatchscopeError ? error.code : null, error instanceof Error ? error.message : String(error));
    }
    options.onProgress?.(samples.length, options.jobs.length);
  }
  return samples;
}

function runOnThreads(options: {
  scenarios: readonly Scenario[];
  jobs: readonly SimulationJob[];
  stallThresholdMs: number;
  threads: number;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}): Promise<RunSample[]> {
  const { jobs, signal } = options;
  const samples: Array<RunSample | undefined> = new Array(jobs.length);
  const workerData: SimulationWorkerData = { scenarios: options.scenarios, stallThresholdMs: options.stallThresholdMs };
  const workers: Worker[] = [];
  let next = 0;
  let done = 0;
  let settled = false;
  return new Promise<RunSample[]>((resolve, reject) => {
    const finish = (error: Error | null) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      // Terminating is asynchronous; the results are already complete or no longer wanted.
      for (const worker of workers) void worker.terminate();
      if (error) reject(error);
      else resolve(samples as RunSample[]);
    };
    const onAbort = () => finish(new CancelledError(describeReason(signal?.reason)));
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const feed = (worker: Worker) => {
      if (next >= jobs.length) return;
      const id = next++;
      const request: SimulationWorkerRequest = { type: 'run', id, job: jobs[id] as SimulationJob };
      worker.postMessage(request);
    };
    for (let t = 0; t < options.threads; t++) {
      const worker = new Worker(WORKER_SCRIPT, { workerData });
      workers.push(worker);
      worker.on('message', (reply: SimulationWorkerReply) => {
        if (settled) return;
        if (reply.type === 'failed') {
          const job = jobs[reply.id] as SimulationJob;
          return finish(jobError(options.scenarios[job.scenario] as Scenario, job, reply.code, reply.message));
        }
        samples[reply.id] = reply.sample;
        done++;
        options.onProgress?.(done, jobs.length);
        if (done === jobs.length) return finish(null);
        feed(worker);
      });
      worker.on('error', (error) => finish(new Error(`A simulation worker failed: ${error.message}`, { cause: error })));
      worker.on('exit', (code) => {
        if (!settled) finish(new Error(`A simulation worker exited early with code ${code}`));
      });
      // Two jobs in flight per worker hide the message round trip.
      feed(worker);
      feed(worker);
    }
  });
}

function jobError(scenario: Scenario, job: SimulationJob, code: string | null, message: string): Error {
  const text = `Simulation of ${scenario.name}, policy ${job.policy.name}, seed ${job.seed} failed: ${message}`;
  return code === null ? new Error(text) : new BatchscopeError(code, text);
}

function describeReason(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  return reason === undefined ? 'aborted' : String(reason);
}
