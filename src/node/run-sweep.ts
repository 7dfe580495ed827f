/**
 * A policy sweep: simulates every point of a grid over the same Monte Carlo seeds on the
 * simulation pool (worker threads) and analyses the result (frontier, recommendation).
 */
import type { Policy } from '../engine/policy.js';
import type { RunSample } from '../scenario/budget-metrics.js';
import { listSeeds } from '../scenario/budget-sample.js';
import type { Scenario } from '../scenario/scenario-types.js';
import { analyzeSweep } from '../sweep/analyze-sweep.js';
import type { ResolvedGrid, SweepPoint } from '../sweep/build-sweep-points.js';
import type { SweepBudget } from '../sweep/choose-sweep-base.js';
import type { SweepResult } from '../sweep/sweep-result.js';
import { runSimulationPool, type SimulationJob } from './run-simulation-pool.js';

/** The default Monte Carlo sample of a sweep: seeds per grid point. */
export const DEFAULT_SWEEP_SEEDS = 20;

/**
 * Runs the sweep. Every point uses the same seeds (`count` from `firstSeed`, default the
 * scenario's), so points differ by their policy, not by luck. Rejects when `signal` aborts (the
 * caller owns it).
 */
export async function runSweep(options: {
  scenario: Scenario;
  base: Policy;
  baseWhy: string;
  points: readonly SweepPoint[];
  grid: ResolvedGrid;
  notes: readonly string[];
  budget: SweepBudget | null;
  seeds?: number;
  firstSeed?: number | null;
  threads?: number;
  stallThresholdMs?: number;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
  /** Reads the real clock for the wall time in the result (ms). */
  nowMs: () => number;
}): Promise<{ result: SweepResult; samples: RunSample[][] }> {
  const seeds = listSeeds({ firstSeed: options.firstSeed ?? options.scenario.seed, count: options.seeds ?? DEFAULT_SWEEP_SEEDS });
  const jobs: SimulationJob[] = options.points.flatMap((point) => seeds.map((seed) => ({ scenario: 0, policy: point.policy, seed })));
  const startMs = options.nowMs();
  const pool = await runSimulationPool({ scenarios: [options.scenario], jobs, threads: options.threads, stallThresholdMs: options.stallThresholdMs, onProgress: options.onProgress, signal: options.signal });
  const wallMs = options.nowMs() - startMs;
  const samples = options.points.map((_, i) => pool.samples.slice(i * seeds.length, (i + 1) * seeds.length));
  const analysis = analyzeSweep({ points: options.points, samples, budget: options.budget });
  return {
    result: {
      scenario: options.scenario.name,
      source: options.scenario.source,
      base: options.base,
      baseWhy: options.baseWhy,
      alternatives: options.scenario.policies.filter((p) => p.callTimeoutMs !== null && p.name !== options.base.name).map((p) => p.name),
      grid: options.grid,
      seeds,
      budget: options.budget,
      analysis,
      notes: [...options.notes],
      runs: jobs.length,
      threads: pool.threads,
      wallMs,
    },
    samples,
  };
}
