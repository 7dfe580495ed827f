/**
 * Turns the samples of a sweep into its answer: each point's statistics and budget verdict, the
 * Pareto frontier of makespan p95 × credits × success rate, the recommendation (the cheapest point
 * that meets the budget) and the grid dimensions that changed nothing. Pure.
 */
import { meetsThresholds, type ThresholdResult } from '../scenario/budget-evaluation.js';
import type { RunSample } from '../scenario/budget-metrics.js';
import type { SweepPoint } from './build-sweep-points.js';
import type { SweepBudget } from './choose-sweep-base.js';
import { findParetoFrontier } from './find-pareto-frontier.js';
import { summarizeSweepPoint, SWEEP_OBJECTIVES, type SweepStats } from './summarize-sweep-point.js';

export interface SweepPointResult {
  point: SweepPoint;
  stats: SweepStats;
  /** The budget judged over the point's sample, or null without a budget. */
  budget: { met: boolean; results: ThresholdResult[] } | null;
  onFrontier: boolean;
  /** The first point (in grid order) whose runs were identical to this one's, seed by seed (itself when none came earlier). */
  sameAs: number;
}

/** A grid dimension: what the CLI flag varies. */
export type SweepDimension = 'workers' | 'timeout' | 'semantics';

export interface SweepAnalysis {
  points: SweepPointResult[];
  /** Indices of the frontier points, in grid order. */
  frontier: number[];
  /** Index of the recommended point, or null (no budget, or no point meets it). */
  recommendation: number | null;
  /** Dimensions with several values whose value never changed any run. */
  inert: SweepDimension[];
}

/** Analyses a sweep; `samples[i]` is the sample of `points[i]`. */
export function analyzeSweep(options: { points: readonly SweepPoint[]; samples: readonly (readonly RunSample[])[]; budget: SweepBudget | null }): SweepAnalysis {
  const { points, budget } = options;
  const stats = points.map((_, i) => summarizeSweepPoint({ samples: options.samples[i] ?? [] }));
  const frontier = findParetoFrontier({ points: stats, objectives: SWEEP_OBJECTIVES });
  const onFrontier = new Set(frontier);
  const fingerprints = fingerprintSamples(options.samples);
  const firstWith = new Map<string, number>();
  const results: SweepPointResult[] = points.map((point, i) => {
    const fingerprint = fingerprints[i] as string;
    if (!firstWith.has(fingerprint)) firstWith.set(fingerprint, i);
    return {
      point,
      stats: stats[i] as SweepStats,
      budget: budget === null ? null : meetsThresholds({ thresholds: budget.thresholds, samples: options.samples[i] ?? [] }),
      onFrontier: onFrontier.has(i),
      sameAs: firstWith.get(fingerprint) as number,
    };
  });
  return { points: results, frontier, recommendation: recommendSweepPoint({ results }), inert: findInertDimensions({ points, fingerprints }) };
}

/**
 * The cheapest point that meets the budget: the lowest mean credits, then the lowest makespan
 * p95, then the highest mean success rate, then the grid order. This order never picks a point
 * that another budget-meeting point dominates.
 */
export function recommendSweepPoint(options: { results: readonly SweepPointResult[] }): number | null {
  let best: SweepPointResult | null = null;
  for (const r of options.results) {
    if (!r.budget?.met) continue;
    if (best === null || compareCost(r, best) < 0) best = r;
  }
  return best === null ? null : best.point.index;
}

/** The recommendation's order: fewer mean credits, then a lower makespan p95, then more success, then the grid order. */
export function compareCost(a: SweepPointResult, b: SweepPointResult): number {
  return a.stats.creditsMean - b.stats.creditsMean || a.stats.makespanP95Ms - b.stats.makespanP95Ms || b.stats.successMean - a.stats.successMean || a.point.index - b.point.index;
}

/** One string per point that is equal exactly when two points' runs measured the same, seed by seed. */
export function fingerprintSamples(samples: readonly (readonly RunSample[])[]): string[] {
  return samples.map((list) => JSON.stringify(list.map((s) => s.values)));
}

/** Dimensions along which every pair of points that differ only there ran identically. */
export function findInertDimensions(options: { points: readonly SweepPoint[]; fingerprints: readonly string[] }): SweepDimension[] {
  const { fingerprints } = options;
  const keyOf: Record<SweepDimension, (p: SweepPoint) => string> = {
    workers: (p) => `${p.callTimeoutMs}|${p.timeoutSemantics}`,
    timeout: (p) => `${p.workers}|${p.timeoutSemantics}`,
    semantics: (p) => `${p.workers}|${p.callTimeoutMs}`,
  };
  const valueOf: Record<SweepDimension, (p: SweepPoint) => string> = {
    workers: (p) => String(p.workers),
    timeout: (p) => String(p.callTimeoutMs),
    semantics: (p) => p.timeoutSemantics,
  };
  const inert: SweepDimension[] = [];
  for (const dimension of ['workers', 'timeout', 'semantics'] as const) {
    const groups = new Map<string, Set<string>>();
    const values = new Set<string>();
    let compared = false;
    let differs = false;
    options.points.forEach((point, i) => {
      values.add(valueOf[dimension](point));
      const key = keyOf[dimension](point);
      const seen = groups.get(key) ?? new Set<string>();
      if (seen.size > 0) compared = true;
      seen.add(fingerprints[i] as string);
      if (seen.size > 1) differs = true;
      groups.set(key, seen);
    });
    if (values.size > 1 && compared && !differs) inert.push(dimension);
  }
  return inert;
}
