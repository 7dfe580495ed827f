/**
 * Engine-shaped events for a reconstructed timeline, so that the terminal timeline renderer can
 * draw a starts-only log: per item a start, one request from its start to its (inferred) end, on
 * the worker lane of the reconstruction. They stand for what the log implies, not for what the
 * engine did: they carry no outcome and are never written as a run log.
 */
import type { BatchEvent } from '../events/batch-event.js';
import type { Timeline } from './reconstruct-timeline.js';

/** Events for `timeline` with `workers` lanes under `execution`. */
export function synthesizeTimelineEvents(options: { timeline: Timeline; workers: number; execution: 'concurrent' | 'blocking'; batchId: string; policy: string }): BatchEvent[] {
  const { timeline } = options;
  const events: BatchEvent[] = [];
  const starts: BatchEvent[] = [];
  const ends: BatchEvent[] = [];
  let lastMs = timeline.observedUntilMs;
  for (const [k, item] of timeline.items.entries()) {
    // Under a blocked event loop the pool hands items to its workers in turn, one running at a time.
    const worker = options.execution === 'blocking' ? (k % options.workers) + 1 : item.lane;
    starts.push({ type: 'item.start', atMs: item.startMs, item: item.index, name: item.name, domain: item.domain ?? '', worker, queuedMs: item.startMs - timeline.startMs });
    starts.push({ type: 'attempt.start', atMs: item.startMs, item: item.index, worker, attempt: 1, tier: 1, tierName: 'plain', call: 1, try: 1, retry: true, timeoutMs: null, readTimeoutMs: null, zombie: false });
    if (item.endMs !== null) {
      lastMs = Math.max(lastMs, item.endMs);
      ends.push({ type: 'attempt.end', atMs: item.endMs, item: item.index, attempt: 1, result: 'ok', status: null, errorCode: null, errorClass: null, retryable: null, costCredits: 0, durationMs: item.durationMs, zombie: false, accountConcurrency: null });
    }
  }
  events.push({ type: 'batch.start', atMs: timeline.startMs, batchId: options.batchId, policy: options.policy, items: timeline.items.length, workers: options.workers, execution: options.execution });
  // One by one: spreading a million events as arguments overflows the call stack.
  for (const e of starts) events.push(e);
  for (const e of ends) events.push(e);
  events.push({ type: 'batch.end', atMs: lastMs, makespanMs: lastMs - timeline.startMs, priced: 0, failed: 0, timedOut: 0, skipped: 0 });
  return events;
}
