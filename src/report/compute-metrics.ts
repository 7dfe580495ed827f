/**
 * Metrics of one batch run, computed from its events only: the single source for every renderer,
 * the CI gate and the CLI. Durations are milliseconds; times are clock milliseconds since the epoch.
 */
import type { BatchEvent } from '../events/batch-event.js';
import { buildRunRecords, type AttemptRecord, type RunRecords } from './attempt-records.js';
import { timeWithAtLeastMs, type Interval } from './intervals.js';
import { quantileSorted, summarize } from './quantile.js';

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

export interface DomainStats {
  domain: string;
  items: number;
  priced: number;
  attempts: number;
  timeouts: number;
  p95LatencyMs: number;
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
  /** Sum of item durations (time workers held items), ms. */
  busyMs: number;
  /** max(longest item, busy time / workers), ms. */
  lowerBoundMs: number;
  /** makespan / lower bound (1 is perfect). */
  makespanRatio: number;
  counts: { priced: number; failed: number; timedOut: number; skipped: number };
  /** Priced items / all items. */
  successRate: number;
  /** Busy time / (workers × makespan), in [0, 1]. */
  utilization: number;
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
  };
  scrapfly: {
    requests: number;
    /** 429 answers of any code. */
    throttled: number;
    /** Highest account concurrency seen (mock events, else response headers). */
    peakConcurrency: number;
    creditsCharged: number;
  };
  attempts: { total: number; timeouts: number; byResult: Record<string, number> };
  domains: DomainStats[];
  warnings: {
    /** Slow-request warnings emitted during the run. */
    slowRequests: Array<{ item: number; name: string; attempt: number; atMs: number; elapsedMs: number }>;
    /** Domains with at least two timeouts, most first. */
    timeoutDomains: string[];
  };
}

/** The default stall threshold: attempts longer than this count as stalls (ms). */
export const DEFAULT_STALL_THRESHOLD_MS = 60_000;

const isTimeout = (a: AttemptRecord) => a.result === 'read-timeout' || a.errorClass === 'server-timeout' || a.errorClass === 'client-timeout';

/** Computes the metrics of the run whose events are `events`. */
export function computeMetrics(events: readonly BatchEvent[], options: { stallThresholdMs?: number } = {}): RunMetrics {
  const records = buildRunRecords(events);
  const thresholdMs = options.stallThresholdMs ?? DEFAULT_STALL_THRESHOLD_MS;
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
  const lowerBoundMs = Math.max(longestItemMs, busyMs / workers);

  const stalls = computeStalls(records, thresholdMs, names);
  const zombies = computeZombies(records);
  const scrapfly = computeScrapfly(events, records);
  const byResult: Record<string, number> = {};
  let timeouts = 0;
  for (const a of records.attempts) {
    const key = a.result ?? 'unfinished';
    byResult[key] = (byResult[key] ?? 0) + 1;
    if (isTimeout(a)) timeouts++;
  }
  const domains = computeDomains(records);
  const slowRequests: RunMetrics['warnings']['slowRequests'] = [];
  for (const e of events) {
    if (e.type === 'attempt.slow') slowRequests.push({ item: e.item, name: names.get(e.item) ?? '', attempt: e.attempt, atMs: e.atMs, elapsedMs: e.elapsedMs });
  }
  const queue = summarize(queueWaits);
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
    busyMs,
    lowerBoundMs,
    makespanRatio: lowerBoundMs > 0 ? makespanMs / lowerBoundMs : 1,
    counts,
    successRate: records.itemCount > 0 ? counts.priced / records.itemCount : 1,
    utilization: makespanMs > 0 ? Math.min(1, busyMs / (workers * makespanMs)) : 0,
    stalls,
    queueWait: { p50Ms: queue.p50, p95Ms: queue.p95, maxMs: queue.max },
    zombies,
    scrapfly,
    attempts: { total: records.attempts.length, timeouts, byResult },
    domains,
    warnings: {
      slowRequests,
      timeoutDomains: domains.filter((d) => d.timeouts >= 2).sort((a, b) => b.timeouts - a.timeouts).map((d) => d.domain),
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
  let count = 0;
  let slotMs = 0;
  for (const a of records.attempts) {
    // When the client stopped waiting, and when the request really ended (server side if known).
    const stoppedMs = a.startedAsZombie ? a.startMs : a.abandonedAtMs ?? (a.result === 'read-timeout' || a.result === 'cut' ? a.endMs : null);
    if (stoppedMs === null) continue;
    const ranUntil = a.serverEndMs ?? (a.abandonedAtMs !== null || a.startedAsZombie ? a.endMs : null);
    if (ranUntil === null) {
      // Cancelled by the client and no server record: a live run cannot see the server side.
      continue;
    }
    if (ranUntil > stoppedMs || a.startedAsZombie) {
      count++;
      slotMs += Math.max(0, ranUntil - stoppedMs);
    }
  }
  return { count, slotMs };
}

function computeScrapfly(events: readonly BatchEvent[], records: RunRecords): RunMetrics['scrapfly'] {
  let peak = 0;
  let sawMock = false;
  let throttled = 0;
  let credits = 0;
  let requests = 0;
  for (const e of events) {
    if (e.type === 'mock.accept') {
      sawMock = true;
      peak = Math.max(peak, e.concurrency);
    } else if (e.type === 'attempt.end') {
      if (e.status === 429) throttled++;
      credits += e.costCredits;
      if (!sawMock && e.accountConcurrency !== null) peak = Math.max(peak, e.accountConcurrency);
    }
  }
  requests = records.attempts.length;
  return { requests, throttled, peakConcurrency: peak, creditsCharged: credits };
}

function computeDomains(records: RunRecords): DomainStats[] {
  const byDomain = new Map<string, { items: number; priced: number; attempts: number; timeouts: number; latencies: number[] }>();
  const domainOf = new Map<number, string>();
  for (const item of records.items) {
    domainOf.set(item.item, item.domain);
    const d = byDomain.get(item.domain) ?? { items: 0, priced: 0, attempts: 0, timeouts: 0, latencies: [] };
    d.items++;
    if (item.outcome === 'priced') d.priced++;
    byDomain.set(item.domain, d);
  }
  for (const a of records.attempts) {
    const d = byDomain.get(domainOf.get(a.item) ?? '');
    if (!d) continue;
    d.attempts++;
    if (isTimeout(a)) d.timeouts++;
    if (a.endMs !== null) d.latencies.push(a.endMs - a.startMs);
  }
  return [...byDomain.entries()]
    .map(([domain, d]) => ({ domain, items: d.items, priced: d.priced, attempts: d.attempts, timeouts: d.timeouts, p95LatencyMs: quantileSorted(d.latencies.sort((x, y) => x - y), 0.95) }))
    .sort((a, b) => a.domain.localeCompare(b.domain));
}
