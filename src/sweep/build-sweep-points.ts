/**
 * Expands a sweep grid over a base policy into the policies to simulate, in grid order (workers,
 * then timeout, then semantics). Pure.
 */
import type { Policy } from '../engine/policy.js';
import { formatTimeout, MAX_SWEEP_POLICIES, type SweepGrid, type TimeoutSemantics } from './sweep-grid.js';
import { UsageError } from '../errors.js';

/** One policy of the grid. */
export interface SweepPoint {
  /** Position in the grid order. */
  index: number;
  workers: number;
  callTimeoutMs: number | null;
  timeoutSemantics: TimeoutSemantics;
  /** The base with the grid's values; named like `<base>@w4/t30s/abort` or `<base>@w4/no-timeout/abort`. */
  policy: Policy;
}

/** The grid actually swept (dimensions resolved against the base). */
export interface ResolvedGrid {
  workers: number[];
  timeoutsMs: Array<number | null>;
  semantics: TimeoutSemantics[];
  /** Which dimensions the user gave (the others hold the base's value). */
  given: { workers: boolean; timeouts: boolean; semantics: boolean };
}

/**
 * The points of `grid` over `base`. When no dimension is given, workers default to
 * 1..max(2 × the account's concurrency, the base's workers). Without a call timeout and without
 * deadlines the semantics cannot matter, so such points keep only the first semantics listed
 * (noted in `notes`). Throws UsageError above MAX_SWEEP_POLICIES points.
 */
export function buildSweepPoints(options: { base: Policy; grid: SweepGrid; accountConcurrency: number }): { points: SweepPoint[]; grid: ResolvedGrid; notes: string[] } {
  const { base, grid } = options;
  const nothingGiven = grid.workers === null && grid.timeoutsMs === null && grid.semantics === null;
  const defaultTop = Math.max(2 * options.accountConcurrency, base.workers);
  const resolved: ResolvedGrid = {
    workers: grid.workers ?? (nothingGiven ? Array.from({ length: defaultTop }, (_, i) => i + 1) : [base.workers]),
    timeoutsMs: grid.timeoutsMs ?? [base.callTimeoutMs],
    semantics: grid.semantics ?? [base.timeoutSemantics],
    given: { workers: grid.workers !== null || nothingGiven, timeouts: grid.timeoutsMs !== null, semantics: grid.semantics !== null },
  };
  const total = resolved.workers.length * resolved.timeoutsMs.length * resolved.semantics.length;
  if (total > MAX_SWEEP_POLICIES) throw new UsageError(`The grid holds ${total} policies, more than ${MAX_SWEEP_POLICIES}; narrow --workers, --timeout or --semantics`);
  const hasDeadline = base.itemDeadlineMs !== null || base.batchDeadlineMs !== null;
  const notes: string[] = [];
  let dropped = 0;
  const points: SweepPoint[] = [];
  for (const workers of resolved.workers) {
    for (const callTimeoutMs of resolved.timeoutsMs) {
      for (const [s, timeoutSemantics] of resolved.semantics.entries()) {
        if (callTimeoutMs === null && !hasDeadline && s > 0) {
          dropped++;
          continue;
        }
        const name = `${base.name}@w${workers}/${callTimeoutMs === null ? 'no-timeout' : `t${formatTimeout(callTimeoutMs)}`}/${timeoutSemantics}`;
        points.push({ index: points.length, workers, callTimeoutMs, timeoutSemantics, policy: { ...base, name, workers, callTimeoutMs, timeoutSemantics } });
      }
    }
  }
  if (dropped > 0) {
    notes.push(
      `timeout ${formatTimeout(null)} with ${resolved.semantics.slice(1).join(', ')} was not run (${dropped} policies): without a call timeout or a deadline, the semantics change nothing`,
    );
  }
  return { points, grid: resolved, notes };
}

/** Whether a point sets every grid field to the base's value (it is the base policy as it stands). */
export function isBaseSettings(options: { point: SweepPoint; base: Policy }): boolean {
  const { point, base } = options;
  return point.workers === base.workers && point.callTimeoutMs === base.callTimeoutMs && point.timeoutSemantics === base.timeoutSemantics;
}

/** The grid's settings of a point as a policy entry to paste into a scenario's `policies`. */
export function describePointAsPolicyJson(options: { point: SweepPoint; base: Policy }): string {
  const { point, base } = options;
  const entry: Record<string, unknown> = { name: `${base.name}-w${point.workers}`, extends: base.name, workers: point.workers };
  if (point.callTimeoutMs !== base.callTimeoutMs) entry['callTimeoutMs'] = point.callTimeoutMs === null ? null : formatTimeout(point.callTimeoutMs);
  if (point.timeoutSemantics !== base.timeoutSemantics) entry['timeoutSemantics'] = point.timeoutSemantics;
  return JSON.stringify(entry);
}
