/**
 * A finished sweep, and the plain-data forms written to its report folder: sweep.json (everything)
 * and points.csv (one row per grid point). Deterministic: no wall-clock values. Pure.
 */
import type { Policy } from '../engine/policy.js';
import { formatDurationMs } from '../units/duration.js';
import type { SweepAnalysis } from './analyze-sweep.js';
import type { ResolvedGrid } from './build-sweep-points.js';
import type { SweepBudget } from './choose-sweep-base.js';
import { formatTimeout, formatWorkerList } from './sweep-grid.js';

export interface SweepResult {
  scenario: string;
  source: string;
  base: Policy;
  /** Why this base (for the output). */
  baseWhy: string;
  /** Other policies of the scenario with a call timeout (worth sweeping when the base's timeout changes nothing). */
  alternatives: string[];
  grid: ResolvedGrid;
  seeds: number[];
  budget: SweepBudget | null;
  analysis: SweepAnalysis;
  notes: string[];
  runs: number;
  /** Worker threads used (0: in-process). */
  threads: number;
  wallMs: number;
}

/** What each grid flag sets on the base policy, one line each. */
export function describeGridMapping(result: Pick<SweepResult, 'base' | 'grid'>): string[] {
  const { base, grid } = result;
  const list = (values: readonly string[]) => values.join(', ');
  return [
    `--workers    ${formatWorkerList(grid.workers)} → workers (base: ${base.workers})`,
    `--timeout    ${list(grid.timeoutsMs.map(formatTimeout))} → callTimeoutMs, the application's hard timeout around one client call (base: ${formatTimeout(base.callTimeoutMs)})`,
    `--semantics  ${list(grid.semantics)} → timeoutSemantics: abort cancels the request, abandon stops waiting and lets it run on as a zombie (base: ${base.timeoutSemantics})`,
    `kept from the base: ${describePolicyBrief(base)}`,
  ];
}

/** The fields a sweep keeps from its base, in one line. */
export function describePolicyBrief(policy: Policy): string {
  const client = `client read timeout ${policy.client.readTimeoutMs === null ? 'none' : policy.client.readTimeoutMs === 'auto' ? 'auto' : formatDurationMs(policy.client.readTimeoutMs)}, ${policy.client.maxTries} ${policy.client.maxTries === 1 ? 'try' : 'tries'}`;
  const tiers = policy.tiers.map((t) => `${t.name} retry=${t.retry}${t.timeoutMs === null ? '' : ` timeout ${formatDurationMs(t.timeoutMs)}`}`).join(' → ');
  const parts = [`${policy.execution} execution`, client, `tiers ${tiers}`, `${policy.retry.maxCalls} call${policy.retry.maxCalls === 1 ? '' : 's'} per tier`];
  if (policy.itemDeadlineMs !== null) parts.push(`item deadline ${formatDurationMs(policy.itemDeadlineMs)}`);
  if (policy.batchDeadlineMs !== null) parts.push(`batch deadline ${formatDurationMs(policy.batchDeadlineMs)}`);
  if (policy.circuitBreaker !== null) parts.push(`circuit breaker after ${policy.circuitBreaker.consecutiveTimeouts} timeouts`);
  return parts.join('; ');
}

/** Everything as plain data (sweep.json, `--json`). Durations in ms, shares as ratios. */
export function buildSweepJson(result: SweepResult): unknown {
  const { analysis } = result;
  return {
    scenario: result.scenario,
    source: result.source,
    base: result.base.name,
    baseWhy: result.baseWhy,
    grid: {
      workers: result.grid.workers,
      callTimeoutMs: result.grid.timeoutsMs,
      timeoutSemantics: result.grid.semantics,
      mapping: describeGridMapping(result),
    },
    seeds: { first: result.seeds[0] ?? null, count: result.seeds.length },
    runs: result.runs,
    budget: result.budget === null ? null : { source: result.budget.source, thresholds: result.budget.thresholds.map((t) => t.text) },
    objectives: ['makespan p95 (lower)', 'credits mean (lower)', 'success mean (higher)'],
    frontier: analysis.frontier,
    recommendation: analysis.recommendation,
    inertDimensions: analysis.inert,
    notes: result.notes,
    points: analysis.points.map((r) => ({
      index: r.point.index,
      policy: r.point.policy.name,
      workers: r.point.workers,
      callTimeoutMs: r.point.callTimeoutMs,
      timeoutSemantics: r.point.timeoutSemantics,
      stats: r.stats,
      onFrontier: r.onFrontier,
      sameAs: r.sameAs,
      budgetMet: r.budget?.met ?? null,
      budget: r.budget?.results.map((t) => ({ expression: t.threshold.text, measured: t.measured, margin: t.margin, met: t.met, runsOver: t.runsOver })) ?? null,
    })),
  };
}

/** One CSV row per grid point. */
export function buildSweepCsv(result: SweepResult): string {
  const header = ['index', 'policy', 'workers', 'call_timeout_ms', 'timeout_semantics', 'runs', 'makespan_p50_ms', 'makespan_p95_ms', 'makespan_p99_ms', 'credits_mean', 'credits_p95', 'success_mean', 'success_p95', 'throttled_mean', 'zombies_mean', 'on_frontier', 'budget_met', 'recommended'];
  const rows = result.analysis.points.map((r) => {
    const s = r.stats;
    return [
      r.point.index,
      r.point.policy.name,
      r.point.workers,
      r.point.callTimeoutMs ?? '',
      r.point.timeoutSemantics,
      s.runs,
      s.makespanP50Ms,
      s.makespanP95Ms,
      s.makespanP99Ms,
      round(s.creditsMean),
      s.creditsP95,
      round(s.successMean),
      round(s.successP95),
      round(s.throttledMean),
      round(s.zombiesMean),
      r.onFrontier,
      r.budget === null ? '' : r.budget.met,
      r.point.index === result.analysis.recommendation,
    ]
      .map((cell) => csvCell(String(cell)))
      .join(',');
  });
  return `${[header.join(','), ...rows].join('\n')}\n`;
}

function csvCell(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
