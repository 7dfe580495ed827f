/**
 * Progress of a live batch, kept from its events: items done out of the total (counting results
 * from earlier segments of a resumed batch), requests in flight, workers stalled on a request
 * longer than the stall threshold, and an ETA from the rate so far. Read by the CLI's progress
 * bar and the API's batch status.
 */
import type { OutcomeCounts } from '../engine/batch-types.js';
import type { Clock, EventSink } from '../ports.js';

export interface ProgressSnapshot {
  total: number;
  done: number;
  counts: OutcomeCounts;
  /** Requests in flight now (abandoned ones included). */
  inFlight: number;
  /** Workers whose current request has run longer than the stall threshold. */
  stalledWorkers: number;
  workers: number;
  /** Clock time since this segment started, ms. */
  elapsedMs: number;
  /** Estimated time to finish, ms, or null before anything finished. */
  etaMs: number | null;
  /** Slow-request warnings so far. */
  slowRequests: number;
  /** Domains whose circuit opened. */
  openCircuits: string[];
}

export interface ProgressTracker extends EventSink {
  snapshot(): ProgressSnapshot;
}

/**
 * Creates a tracker for a segment of `total` items of which `alreadyDone` finished in earlier
 * segments (`doneCounts`). `stallThresholdMs` defaults to 60 s.
 */
export function createProgressTracker(options: {
  clock: Clock;
  total: number;
  workers: number;
  alreadyDone?: OutcomeCounts;
  stallThresholdMs?: number;
}): ProgressTracker {
  const { clock } = options;
  const stallMs = options.stallThresholdMs ?? 60_000;
  const counts: OutcomeCounts = { ...(options.alreadyDone ?? { priced: 0, failed: 0, timedOut: 0, skipped: 0 }) };
  const doneBefore = counts.priced + counts.failed + counts.timedOut + counts.skipped;
  // The start time of each attempt in flight, by `item.attempt`; the worker of each running item.
  const inFlight = new Map<string, { startMs: number; item: number }>();
  const workerOf = new Map<number, number>();
  let startMs: number | null = null;
  let doneHere = 0;
  let slowRequests = 0;
  const openCircuits: string[] = [];

  return {
    emit(event) {
      switch (event.type) {
        case 'batch.start':
          startMs = event.atMs;
          break;
        case 'item.start':
          workerOf.set(event.item, event.worker);
          break;
        case 'attempt.start':
          inFlight.set(`${event.item}.${event.attempt}`, { startMs: event.atMs, item: event.item });
          break;
        case 'attempt.end':
          inFlight.delete(`${event.item}.${event.attempt}`);
          break;
        case 'attempt.slow':
          slowRequests++;
          break;
        case 'circuit.open':
          openCircuits.push(event.domain);
          break;
        case 'item.end':
          workerOf.delete(event.item);
          if (event.reason === 'cancelled') break;
          doneHere++;
          if (event.outcome === 'priced') counts.priced++;
          else if (event.outcome === 'failed') counts.failed++;
          else if (event.outcome === 'timed-out') counts.timedOut++;
          else counts.skipped++;
          break;
        default:
          break;
      }
    },
    snapshot() {
      const now = clock.now();
      const stalled = new Set<number>();
      for (const attempt of inFlight.values()) {
        const worker = workerOf.get(attempt.item);
        if (worker !== undefined && now - attempt.startMs > stallMs) stalled.add(worker);
      }
      const elapsedMs = startMs === null ? 0 : Math.max(0, now - startMs);
      const done = doneBefore + doneHere;
      const remaining = options.total - done;
      const etaMs = remaining <= 0 ? 0 : doneHere > 0 && elapsedMs > 0 ? Math.round((elapsedMs / doneHere) * remaining) : null;
      return {
        total: options.total,
        done,
        counts: { ...counts },
        inFlight: inFlight.size,
        stalledWorkers: stalled.size,
        workers: options.workers,
        elapsedMs,
        etaMs,
        slowRequests,
        openCircuits: [...openCircuits],
      };
    },
  };
}
