/**
 * The event sink of a live batch segment that makes it crash-safe. Each `item.end` commits that
 * machine's result (and its price, applied or flagged) synchronously, before the engine moves on,
 * in one transaction with every event not yet written. Other events are written at the end of the
 * current event-loop turn, in one transaction per turn, so a crash loses at most the events of
 * that turn and never a finished result. Items cut by cancellation get no result: a resume prices
 * them again.
 */
import type { BatchEvent } from '../events/batch-event.js';
import type { EventSink } from '../ports.js';
import type { BatchStore } from './batch-store.js';

export interface StoreSink extends EventSink {
  /** Writes the events not yet written. */
  flush(): void;
  /** Results committed by this sink. */
  readonly committed: number;
  /** Priced results flagged for review. */
  readonly flagged: number;
}

/**
 * Creates the sink. `machineIds[i]` is the machine of the segment's item `i`; `sourceOf(url)` tells
 * which extraction method found a price (kept in the price history). A write failure is reported
 * once to `onError` (the caller aborts the batch) and the sink stops writing.
 */
export function createStoreSink(options: {
  batches: BatchStore;
  batchId: string;
  segment: number;
  machineIds: readonly number[];
  maxChangeRatio: number | null;
  sourceOf?: (item: number) => string | null;
  onError: (error: unknown) => void;
}): StoreSink {
  const { batches, batchId, segment, machineIds } = options;
  let pending: BatchEvent[] = [];
  let nextSeq = 1;
  let scheduled = false;
  let failed = false;
  let committed = 0;
  let flagged = 0;

  const fail = (error: unknown) => {
    if (failed) return;
    failed = true;
    options.onError(error);
  };

  const flush = () => {
    scheduled = false;
    if (failed || pending.length === 0) return;
    const events = pending;
    pending = [];
    try {
      batches.appendEvents({ batchId, segment, firstSeq: nextSeq, events });
      nextSeq += events.length;
    } catch (error) {
      fail(error);
    }
  };

  /** Commits the item's result together with every event not yet written, in one transaction. */
  const commit = (event: Extract<BatchEvent, { type: 'item.end' }>) => {
    const machineId = machineIds[event.item];
    if (event.reason === 'cancelled' || event.reason === 'outage' || machineId === undefined) {
      flush();
      return;
    }
    const events = pending;
    pending = [];
    try {
      const review = batches.commitResult({
        batchId,
        segment,
        events: { firstSeq: nextSeq, list: events },
        maxChangeRatio: options.maxChangeRatio,
        source: options.sourceOf?.(event.item) ?? null,
        // The machine's last check is wall-clock time, whatever the run's time scale.
        wallMs: Date.now(),
        result: {
          machineId,
          outcome: event.outcome,
          price: event.price,
          currency: event.currency,
          reason: event.reason,
          errorCode: event.errorCode,
          attempts: event.attempts,
          tier: event.tier,
          startMs: event.worker === null ? null : event.atMs - event.durationMs,
          endMs: event.atMs,
        },
      });
      nextSeq += events.length;
      committed++;
      if (review?.status === 'flagged') flagged++;
    } catch (error) {
      fail(error);
    }
  };

  return {
    emit(event) {
      if (failed) return;
      pending.push(event);
      if (event.type === 'item.end') {
        commit(event);
        return;
      }
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
    get committed() {
      return committed;
    },
    get flagged() {
      return flagged;
    },
  };
}
