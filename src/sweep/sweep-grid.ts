/**
 * The grid of a policy sweep and how it maps onto the base policy:
 * - `workers` → `policy.workers`;
 * - `timeouts` → `policy.callTimeoutMs`, the application's hard timeout around one client call
 *   (like `asyncio.timeout(...)` around `to_thread(client.scrape)`); `null` is no timeout;
 * - `semantics` → `policy.timeoutSemantics`: `abort` cancels the request when that timeout (or a
 *   deadline) fires, `abandon` stops waiting and lets it run on as a zombie.
 * Every other field of the policy is the base's. A dimension left out keeps the base's value.
 * Pure.
 */
import { UsageError } from '../errors.js';
import { LIMITS } from '../scenario/field-reader.js';
import { formatDurationMs, MAX_DURATION_MS, parseDurationMs } from '../units/duration.js';

export type TimeoutSemantics = 'abort' | 'abandon';

export interface SweepGrid {
  /** Worker counts, or null to keep the base's. */
  workers: number[] | null;
  /** Call timeouts in ms (null: none), or null to keep the base's. */
  timeoutsMs: Array<number | null> | null;
  semantics: TimeoutSemantics[] | null;
}

/** The most policies one sweep may hold (a typo such as 1..4000 should not start a day of work). */
export const MAX_SWEEP_POLICIES = 5_000;

/** Parses the grid flags (`--workers 1..40`, `--timeout none,30s,60s`, `--semantics abort,abandon`); null leaves a dimension out. */
export function parseSweepGrid(options: { workers: string | null; timeouts: string | null; semantics: string | null }): SweepGrid {
  return {
    workers: options.workers === null ? null : parseWorkerList(options.workers),
    timeoutsMs: options.timeouts === null ? null : parseTimeoutList(options.timeouts),
    semantics: options.semantics === null ? null : parseSemanticsList(options.semantics),
  };
}

/** `1..40`, `1..40:5` (every fifth), `2,4,8`, or a mix such as `1..5,10,20`: distinct, ascending. */
export function parseWorkerList(text: string): number[] {
  const values = new Set<number>();
  for (const part of splitList(text, '--workers')) {
    const range = /^(\d+)\s*\.\.\s*(\d+)(?:\s*:\s*(\d+))?$/.exec(part);
    if (range) {
      const from = Number(range[1]);
      const to = Number(range[2]);
      const step = range[3] === undefined ? 1 : Number(range[3]);
      if (from < 1 || to < from || step < 1) throw new UsageError(`--workers has a bad range "${part}": write FROM..TO with 1 ≤ FROM ≤ TO, optionally :STEP (e.g. 1..40 or 1..40:5)`);
      if (to > LIMITS.workers) throw new UsageError(`--workers range "${part}" goes past ${LIMITS.workers} workers (a policy's most)`);
      if ((to - from) / step + 1 > MAX_SWEEP_POLICIES) throw new UsageError(`--workers range "${part}" holds more than ${MAX_SWEEP_POLICIES} values`);
      for (let w = from; w <= to; w += step) values.add(w);
      continue;
    }
    if (!/^\d+$/.test(part) || Number(part) < 1 || Number(part) > LIMITS.workers) throw new UsageError(`--workers must list integers from 1 to ${LIMITS.workers} or ranges like 1..40, got "${part}"`);
    values.add(Number(part));
  }
  return [...values].sort((a, b) => a - b);
}

/** `none,30s,60s,90s`: distinct values in the order given; `none` means no call timeout. */
export function parseTimeoutList(text: string): Array<number | null> {
  const out: Array<number | null> = [];
  for (const part of splitList(text, '--timeout')) {
    let value: number | null;
    if (part === 'none' || part === 'null') value = null;
    else {
      const ms = /^\d+(\.\d+)?$/.test(part) ? null : parseDurationMs(part);
      if (ms === null || ms <= 0 || ms > MAX_DURATION_MS) throw new UsageError(`--timeout must list durations from 1ms to 30 days with a unit (30s, 1.5m) or none, got "${part}"`);
      value = ms;
    }
    if (!out.includes(value)) out.push(value);
  }
  return out;
}

/** `abort,abandon`: distinct values in the order given. */
export function parseSemanticsList(text: string): TimeoutSemantics[] {
  const out: TimeoutSemantics[] = [];
  for (const part of splitList(text, '--semantics')) {
    if (part !== 'abort' && part !== 'abandon') throw new UsageError(`--semantics must list abort and/or abandon, got "${part}"`);
    if (!out.includes(part)) out.push(part);
  }
  return out;
}

function splitList(text: string, flag: string): string[] {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length === 0 || parts.some((p) => p === '')) throw new UsageError(`${flag} must be a comma-separated list without empty entries, got "${text}"`);
  return parts;
}

/** A call timeout for people, the way it is written on the command line: `none`, `30s`, `90s`, `15m00s`. */
export function formatTimeout(timeoutMs: number | null): string {
  if (timeoutMs === null) return 'none';
  return timeoutMs % 1000 === 0 && timeoutMs < 600_000 ? `${timeoutMs / 1000}s` : formatDurationMs(timeoutMs);
}

/** A worker list for people: `1..40`, `2, 4, 8`. */
export function formatWorkerList(workers: readonly number[]): string {
  const first = workers[0];
  const last = workers[workers.length - 1];
  if (first !== undefined && last !== undefined && workers.length > 2 && last - first + 1 === workers.length) return `${first}..${last}`;
  return workers.join(', ');
}
