/**
 * Metrics of one batch run, computed from its events only: the single source for every renderer,
 * the CI gate and the CLI. Durations are milliseconds; times are clock milliseconds since the epoch.
 */
import type { BatchItem } from '../engine/batch-types.js';
import type { Policy } from '../engine/policy.js';
import type { BatchEvent } from '../events/batch-event.js';
import { isTimeoutAttempt, zombieSpanOf, type RunRecords } from './attempt-records.js';
import { projectRun, type RunProjection } from './run-projection.js';
import { computeDirectStats, type DirectStats } from './compute-direct-stats.js';
import { computeDomainStats, type DomainStats } from './compute-domain-stats.js';
import { findLongRequests, type LongRequestRecord } from './find-long-requests.js';
import { peakOverlap, timeWithAtLeastMs, type Interval } from './intervals.js';
import { summarize } from './quantile.js';

export type { DomainStats } from './compute-domain-stats.js';
export type { LongRequestRecord } from './find-long-requests.js';

/** An attempt that ran longer than the stall threshold. */
export interface StallRecord {
  item: number;
  name: string;
  attempt: number;
  worker: number;
  tier: number;
  startMs: number;
  durationMs: number;
}

/** How busy one worker was. */
export interface WorkerStats {
  worker: number;
  items: number;
  /** Time the worker held items, ms. */
  busyMs: number;
  /** Busy time / makespan, in [0, 1]. */
  utilization: number;
}

export interface RunMetrics {
  batchId: string;
  policy: string;
  execution: 'concurrent' | 'blocking';
  workers: number;
  items: number;
  startMs: number;
  endMs: number;
  makespanMs: number;
  /** The longest item's duration, ms. */
  longestItemMs: number;
  /** The policy's cap on one item's duration (its item deadline), ms, or null when none is known. */
  itemCapMs: number | null;
  /** The longest item as capped by the policy: min(longest item, item cap), ms. */
  longestItemCappedMs: number;
  /** Sum of item durations (time workers held items), ms. */
  busyMs: number;
  /** max(longest item as capped by the policy, busy time / workers), ms. */
  lowerBoundMs: number;
  /** makespan / lower bound (1 is perfect). */
  makespanRatio: number;
  counts: { priced: number; failed: number; timedOut: number; skipped: number };
  /** Priced items / all items. */
  successRate: number;
  /** Busy time / (workers × makespan), in [0, 1]. */
  utilization: number;
  /** Per worker (1..workers): items, busy time and utilization. */
  workerStats: WorkerStats[];
  stalls: {
    thresholdMs: number;
    count: number;
    /** Worker time blocked by stalled attempts, ms (under blocking execution a stall blocks every worker). */
    blockedWorkerMs: number;
    /** Time during which every worker was stalled, ms. */
    allWorkersStalledMs: number;
    list: StallRecord[];
  };
  queueWait: { p50Ms: number; p95Ms: number; maxMs: number };
  zombies: {
    /** Requests still running after the client stopped waiting. */
    count: number;
    /** Scrapfly slot time they held after the client stopped waiting, ms (when the server's end is known). */
    slotMs: number;
    /** Most zombie requests running at once (slots of the account they held together). */
    peakSlots: number;
  };
  scrapfly: {
    requests: number;
    /** 429 answers of any code. */
    throttled: number;
    /** Highest account concurrency seen (mock events, else response headers). */
    peakConcurrency: number;
    /**
     * Credits the account was charged: from the mock's events when the run was simulated (this
     * includes scrapes the client gave up on), else what the responses said.
     */
    creditsCharged: number;
    /** Credits reported by the responses the client received (X-Scrapfly-Api-Cost). */
    creditsSeenByClient: number;
  };
  /** Direct fetches of the pages (direct tiers): no Scrapfly slot, no credits. */
  direct: DirectStats;
  attempts: { total: number; timeouts: number; byResult: Record<string, number> };
  /**
   * When the account-wide outage breaker (Policy.outageBreaker) stopped the batch: at what clock
   * time (ms), after how many requests in a row failed as in an outage, the last one's error, and
   * how many items it left unpriced (reason `outage`). Null when the batch was not stopped.
   */
  outage: { atMs: number; consecutiveFailures: number; lastError: string; unpriced: number } | null;
  domains: DomainStats[];
  warnings: {
    /** Slow-request warnings emitted during the run (policies with `slowRequestMs`). */
    slowRequests: Array<{ item: number; name: string; attempt: number; atMs: number; elapsedMs: number }>;
    /** Domains with at least two timeouts, most first. */
    timeoutDomains: string[];
    /** The threshold of `longRequests`, ms. */
    longRequestThresholdMs: number;
    /** Every request that ran longer than the threshold, whatever the policy warned about, in start order. */
    longRequests: LongRequestRecord[];
  };
}

/** The default stall threshold: attempts longer than this count as stalls (ms). */
export const DEFAULT_STALL_THRESHOLD_MS = 60_000;

/** The default slow-request threshold: requests longer than this are listed (ms). */
export const DEFAULT_LONG_REQUEST_MS = 60_000;

/** What metrics take besides the run: thresholds and what the run's header knows. */
export interface MetricsOptions {
  stallThresholdMs?: number;
  longRequestMs?: number;
  policy?: Pick<Policy, 'itemDeadlineMs'> | null;
  /** The batch's items, to name and place items that were skipped before they started. */
  items?: readonly BatchItem[] | null;
}

/**
 * Computes the metrics of the run whose events are `events`. `policy` (when known) caps the
 * longest item in the lower bound by the policy's item deadline.
 */
export function computeMetrics(events: readonly BatchEvent[], options: MetricsOptions = {}): RunMetrics {
  return computeProjectionMetrics(projectRun(events, { items: options.items ?? null }), options);
}

/** The metrics of a run's projection (`options.items` is not read: the projection already holds the items). */
export function computeProjectionMetrics(projection: RunProjection, options: MetricsOptions = {}): RunMetrics {
  const { records } = projection;
  const thresholdMs = options.stallThresholdMs ?? DEFAULT_STALL_THRESHOLD_MS;
  const longRequestMs = options.longRequestMs ?? DEFAULT_LONG_REQUEST_MS;
  const { workers } = records;
  const makespanMs = records.endMs - records.startMs;
  const names = new Map(records.items.map((i) => [i.item, i.name]));

  let busyMs = 0;
  let longestItemMs = 0;
  const counts = { priced: 0, failed: 0, timedOut: 0, skipped: 0 };
  const queueWaits: number[] = [];
  for (const item of records.items) {
    if (item.startMs !== null && item.endMs !== null) {
      const d = item.endMs - item.startMs;
      busyMs += d;
      longestItemMs = Math.max(longestItemMs, d);
      queueWaits.push(item.queuedMs);
    }
    if (item.outcome === 'priced') counts.priced++;
    else if (item.outcome === 'failed') counts.failed++;
    else if (item.outcome === 'timed-out') counts.timedOut++;
    else if (item.outcome === 'skipped') counts.skipped++;
  }
  const itemCapMs = options.policy?.itemDeadlineMs ?? null;
  const longestItemCappedMs = itemCapMs === null ? longestItemMs : Math.min(longestItemMs, itemCapMs);
  const lowerBoundMs = Math.max(longestItemCappedMs, busyMs / workers);

  const stalls = computeStalls(records, thresholdMs, names);
  const zombies = computeZombies(records);
  const scrapfly = computeScrapfly(projection);
  const direct = computeDirectStats(records);
  const byResult: Record<string, number> = {};
  let timeouts = 0;
  for (const a of records.attempts) {
    const key = a.result ?? 'unfinished';
    byResult[key] = (byResult[key] ?? 0) + 1;
    if (isTimeoutAttempt(a)) timeouts++;
  }
  const domains = computeDomainStats(records);
  const slowRequests: RunMetrics['warnings']['slowRequests'] = [];
  for (const e of projection.slowRequests) slowRequests.push({ item: e.item, name: names.get(e.item) ?? '', attempt: e.attempt, atMs: e.atMs, elapsedMs: e.elapsedMs });
  const queue = summarize(queueWaits);
  const stop = projection.outage;
  const outage =
    stop !== null
      ? { atMs: stop.atMs, consecutiveFailures: stop.consecutiveFailures, lastError: stop.lastError, unpriced: records.items.filter((i) => i.reason === 'outage').length }
      : null;
  return {
    batchId: records.batchId,
    policy: records.policy,
    execution: records.execution,
    workers,
    items: records.itemCount,
    startMs: records.startMs,
    endMs: records.endMs,
    makespanMs,
    longestItemMs,
    itemCapMs,
    longestItemCappedMs,
    busyMs,
    lowerBoundMs,
    makespanRatio: lowerBoundMs > 0 ? makespanMs / lowerBoundMs : 1,
    counts,
    successRate: records.itemCount > 0 ? counts.priced / records.itemCount : 1,
    utilization: makespanMs > 0 ? Math.min(1, busyMs / (workers * makespanMs)) : 0,
    workerStats: computeWorkerStats(records, makespanMs),
    stalls,
    queueWait: { p50Ms: queue.p50, p95Ms: queue.p95, maxMs: queue.max },
    zombies,
    scrapfly,
    direct,
    attempts: { total: records.attempts.length, timeouts, byResult },
    outage,
    domains,
    warnings: {
      slowRequests,
      timeoutDomains: domains.filter((d) => d.timeouts >= 2).sort((a, b) => b.timeouts - a.timeouts || (a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : 0)).map((d) => d.domain),
      longRequestThresholdMs: longRequestMs,
      longRequests: findLongRequests(records, longRequestMs),
    },
  };
}

function computeStalls(records: RunRecords, thresholdMs: number, names: Map<number, string>): RunMetrics['stalls'] {
  const list: StallRecord[] = [];
  const lanes = new Map<number, Interval[]>();
  for (const a of records.attempts) {
    if (a.startedAsZombie) continue;
    const stopMs = a.clientEndMs ?? a.endMs;
    if (stopMs === null) continue;
    const durationMs = stopMs - a.startMs;
    if (durationMs <= thresholdMs) continue;
    list.push({ item: a.item, name: names.get(a.item) ?? '', attempt: a.attempt, worker: a.worker, tier: a.tier, startMs: a.startMs, durationMs });
    const lane = lanes.get(a.worker) ?? [];
    lane.push({ startMs: a.startMs, endMs: stopMs });
    lanes.set(a.worker, lane);
  }
  list.sort((a, b) => a.startMs - b.startMs || a.item - b.item);
  const stalledMs = list.reduce((sum, s) => sum + s.durationMs, 0);
  if (records.execution === 'blocking') {
    // A call that blocks the event loop blocks every worker for its whole duration.
    const all = list.map((s) => ({ startMs: s.startMs, endMs: s.startMs + s.durationMs }));
    const allStalled = timeWithAtLeastMs([all], 1);
    return { thresholdMs, count: list.length, blockedWorkerMs: allStalled * records.workers, allWorkersStalledMs: allStalled, list };
  }
  return { thresholdMs, count: list.length, blockedWorkerMs: stalledMs, allWorkersStalledMs: timeWithAtLeastMs([...lanes.values()], records.workers), list };
}

function computeZombies(records: RunRecords): RunMetrics['zombies'] {
  const spans: Interval[] = [];
  for (const a of records.attempts) {
    const span = zombieSpanOf(a);
    if (span) spans.push({ startMs: span.fromMs, endMs: span.toMs });
  }
  return { count: spans.length, slotMs: spans.reduce((sum, z) => sum + (z.endMs - z.startMs), 0), peakSlots: peakOverlap(spans) };
}

function computeWorkerStats(records: RunRecords, makespanMs: number): WorkerStats[] {
  const stats: WorkerStats[] = [];
  for (let w = 1; w <= records.workers; w++) stats.push({ worker: w, items: 0, busyMs: 0, utilization: 0 });
  for (const item of records.items) {
    const s = item.worker === null ? undefined : stats[item.worker - 1];
    if (!s || item.startMs === null || item.endMs === null) continue;
    s.items++;
    s.busyMs += item.endMs - item.startMs;
  }
  for (const s of stats) s.utilization = makespanMs > 0 ? Math.min(1, s.busyMs / makespanMs) : 0;
  return stats;
}

function computeScrapfly(projection: RunProjection): RunMetrics['scrapfly'] {
  let direct = 0;
  for (const a of projection.records.attempts) if (a.direct) direct++;
  return {
    requests: projection.records.attempts.length - direct,
    throttled: projection.throttled,
    peakConcurrency: projection.peakConcurrency,
    creditsCharged: projection.sawMock ? projection.creditsChargedByMock : projection.creditsSeenByClient,
    creditsSeenByClient: projection.creditsSeenByClient,
  };
}
