/**
 * The one projection of a run that every metric and renderer reads: its records (one per item and
 * per attempt), the backoffs and escalations in the order they happened, the slow-request warnings,
 * the account's concurrency over time and the credits counted on both sides. It is built event by
 * event (a sink), so a simulation can be reported without keeping its events: at 100,000 items the
 * events are half a gigabyte, the projection a tenth of that. The same events give the same
 * projection whether they are streamed or kept.
 */
import type { BatchItem } from '../engine/batch-types.js';
import { parseCorrelationId, type AttemptSlowEvent, type BackoffEvent, type BatchEvent, type OutageEvent, type TierEscalateEvent } from '../events/batch-event.js';
import type { EventSink } from '../ports.js';
import type { AttemptRecord, ItemRecord, RunRecords } from './attempt-records.js';

/** A backoff or an escalation of an item, with its position among the run's events (causal order at one instant). */
export interface RunMark {
  seq: number;
  event: BackoffEvent | TierEscalateEvent;
}

/** One reading of the account's concurrency at Scrapfly: the mock's count at an accept, end or reject, or a response header. */
export interface ConcurrencyReading {
  atMs: number;
  value: number;
  source: 'mock.accept' | 'mock.end' | 'mock.reject' | 'header';
}

export interface RunProjection {
  records: RunRecords;
  /** Backoffs and escalations in event order. */
  marks: RunMark[];
  /** `attempt.slow` warnings in event order. */
  slowRequests: AttemptSlowEvent[];
  /** The first `batch.outage` (the outage breaker stopped the batch), or null. */
  outage: OutageEvent | null;
  /** The mock's readings when the run was simulated, else the response headers', in event order. */
  concurrency: ConcurrencyReading[];
  /** True when the mock's events are in the run (a simulation). */
  sawMock: boolean;
  /** Highest account concurrency seen: the mock's at accepts, else headers' until the mock was seen. */
  peakConcurrency: number;
  /** Scrapfly answers with status 429 (direct fetches excluded). */
  throttled: number;
  /** Credits the client saw on Scrapfly answers. */
  creditsSeenByClient: number;
  /** Credits the mock billed (0 when there is no mock). */
  creditsChargedByMock: number;
  /** The time of the last event, ms (the batch's start when there is none). */
  lastEventMs: number;
  /** How many events were projected. */
  eventCount: number;
}

/** Builds a projection event by event: `sink` receives the events, `finish()` returns the projection once. */
export interface RunProjector {
  readonly sink: EventSink;
  finish(): RunProjection;
}


/** A projector of one batch run (batch.start first). `items` names items skipped before they started. */
export function createRunProjector(options: { items?: readonly BatchItem[] | null } = {}): RunProjector {
  let start: Extract<BatchEvent, { type: 'batch.start' }> | null = null;
  let endMs: number | null = null;
  // Indexed by item number, and by item then attempt number: no hash tables to grow and rehash
  // (at 100,000 items their rehashed tables were tens of megabytes of garbage).
  const items: Array<ItemRecord | undefined> = [];
  const attemptsOf: Array<Array<AttemptRecord | undefined> | undefined> = [];
  const attempts: AttemptRecord[] = [];
  const attemptOf = (item: number, attempt: number): AttemptRecord | undefined => attemptsOf[item]?.[attempt];
  const callTimeouts = new Map<string, number>();
  const marks: RunMark[] = [];
  const slowRequests: AttemptSlowEvent[] = [];
  let outage: OutageEvent | null = null;
  const concurrency: ConcurrencyReading[] = [];
  let sawMock = false;
  let peak = 0;
  let throttled = 0;
  let seenByClient = 0;
  let chargedByMock = 0;
  let lastEventMs: number | null = null;
  let seq = 0;
  const emit = (e: BatchEvent): void => {
    const at = seq++;
    lastEventMs = e.atMs;
    switch (e.type) {
      case 'batch.start':
        if (start === null) start = e;
        break;
      case 'batch.end':
        if (endMs === null) endMs = e.atMs;
        break;
      case 'item.start':
        items[e.item] = { item: e.item, name: e.name, domain: e.domain, worker: e.worker, startMs: e.atMs, endMs: null, queuedMs: e.queuedMs, outcome: null, reason: null, errorCode: null, price: null, attempts: 0, tier: 0 };
        break;
      case 'item.end': {
        const known = options.items?.[e.item];
        const rec = items[e.item] ?? { item: e.item, name: known?.name ?? '', domain: known?.domain ?? '', worker: null, startMs: null, endMs: null, queuedMs: e.atMs - (start?.atMs ?? e.atMs), outcome: null, reason: null, errorCode: null, price: null, attempts: 0, tier: 0 };
        rec.endMs = e.atMs;
        rec.outcome = e.outcome;
        rec.reason = e.reason;
        rec.errorCode = e.errorCode;
        rec.price = e.price;
        rec.attempts = e.attempts;
        rec.tier = e.tier;
        items[e.item] = rec;
        break;
      }
      case 'attempt.start': {
        const rec: AttemptRecord = {
          item: e.item,
          attempt: e.attempt,
          worker: e.worker,
          tier: e.tier,
          tierName: e.tierName,
          call: e.call,
          startMs: e.atMs,
          clientEndMs: null,
          endMs: null,
          serverEndMs: null,
          result: null,
          status: null,
          errorCode: null,
          errorClass: null,
          costCredits: 0,
          startedAsZombie: e.zombie,
          abandonedAtMs: null,
          cutReason: null,
          direct: e.via === 'direct',
          startSeq: at,
        };
        const ofItem = (attemptsOf[e.item] ??= []);
        const previous = ofItem[e.attempt];
        // A repeated start replaces the record where the first one stood.
        if (previous) attempts[attempts.indexOf(previous)] = rec;
        else attempts.push(rec);
        ofItem[e.attempt] = rec;
        break;
      }
      case 'attempt.abandon': {
        const rec = attemptOf(e.item, e.attempt);
        if (rec) {
          rec.abandonedAtMs = e.atMs;
          rec.clientEndMs = e.atMs;
          rec.cutReason = e.reason;
        }
        break;
      }
      case 'attempt.end': {
        const rec = attemptOf(e.item, e.attempt);
        if (rec) {
          rec.endMs = e.atMs;
          if (rec.clientEndMs === null && !rec.startedAsZombie) rec.clientEndMs = e.atMs;
          rec.result = e.result;
          rec.status = e.status;
          rec.errorCode = e.errorCode;
          rec.errorClass = e.errorClass;
          rec.costCredits = e.costCredits;
        }
        if (!sawMock && e.accountConcurrency !== null) concurrency.push({ atMs: e.atMs, value: e.accountConcurrency, source: 'header' });
        // A direct fetch is not a Scrapfly answer.
        if (rec?.direct) break;
        if (e.status === 429) throttled++;
        seenByClient += e.costCredits;
        if (!sawMock && e.accountConcurrency !== null) peak = Math.max(peak, e.accountConcurrency);
        break;
      }
      case 'attempt.slow':
        slowRequests.push(e);
        break;
      case 'batch.outage':
        outage ??= e;
        break;
      case 'backoff':
      case 'tier.escalate':
        marks.push({ seq: at, event: e });
        break;
      case 'call.timeout':
        callTimeouts.set(`${e.item}.${e.call}`, e.atMs);
        break;
      case 'mock.accept':
      case 'mock.end':
      case 'mock.reject': {
        // Once the mock is seen, its counts replace what the headers said.
        if (!sawMock) concurrency.length = 0;
        sawMock = true;
        concurrency.push({ atMs: e.atMs, value: e.concurrency, source: e.type });
        if (e.type === 'mock.accept') peak = Math.max(peak, e.concurrency);
        if (e.type === 'mock.end') {
          chargedByMock += e.costCredits;
          const id = parseCorrelationId(e.correlationId);
          const rec = id ? attemptOf(id.item, id.attempt) : undefined;
          if (rec) rec.serverEndMs = e.atMs;
        }
        break;
      }
      default:
        break;
    }
  };
  let finished = false;
  return {
    sink: { emit },
    finish(): RunProjection {
      if (finished) throw new Error('createRunProjector: finish() called twice');
      finished = true;
      const begin = start as Extract<BatchEvent, { type: 'batch.start' }> | null;
      if (begin === null) throw new Error('The events hold no batch.start');
      for (const rec of attempts) {
        if (rec.result !== 'cut' || rec.cutReason !== null) continue;
        // A cut request ends at the moment of the cut: a call timeout of its call, else the item's reason.
        const timedOutAt = callTimeouts.get(`${rec.item}.${rec.call}`);
        const itemReason = items[rec.item]?.reason;
        if (timedOutAt !== undefined && rec.endMs !== null && timedOutAt <= rec.endMs) rec.cutReason = 'call-timeout';
        else if (itemReason === 'item-deadline' || itemReason === 'batch-deadline' || itemReason === 'cancelled') rec.cutReason = itemReason;
      }
      const itemList = items.filter((i): i is ItemRecord => i !== undefined);
      let lastItemEnd = begin.atMs;
      for (const i of itemList) if (i.endMs !== null && i.endMs > lastItemEnd) lastItemEnd = i.endMs;
      const records: RunRecords = {
        batchId: begin.batchId,
        policy: begin.policy,
        execution: begin.execution,
        workers: begin.workers,
        itemCount: begin.items,
        startMs: begin.atMs,
        endMs: endMs ?? lastItemEnd,
        items: itemList,
        attempts,
      };
      return {
        records,
        marks,
        slowRequests,
        outage,
        concurrency,
        sawMock,
        peakConcurrency: peak,
        throttled,
        creditsSeenByClient: seenByClient,
        creditsChargedByMock: chargedByMock,
        lastEventMs: lastEventMs ?? begin.atMs,
        eventCount: seq,
      };
    },
  };
}

/** The projection of a run's kept events. */
export function projectRun(events: readonly BatchEvent[], options: { items?: readonly BatchItem[] | null } = {}): RunProjection {
  const projector = createRunProjector(options);
  for (const e of events) projector.sink.emit(e);
  return projector.finish();
}

/** The records of a run's kept events (its projection's records). */
export function buildRunRecords(events: readonly BatchEvent[], options: { items?: readonly BatchItem[] | null } = {}): RunRecords {
  return projectRun(events, options).records;
}
