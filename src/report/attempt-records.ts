/**
 * Joins a run's events into one record per attempt and per item: when each started and ended,
 * on which worker, how it ended, and when the server side of it ended (from the mock's events,
 * when the run was simulated).
 */
import { parseCorrelationId, type AttemptResult, type BatchEvent, type ErrorClass, type ItemOutcome } from '../events/batch-event.js';

export interface AttemptRecord {
  item: number;
  attempt: number;
  worker: number;
  tier: number;
  tierName: string;
  call: number;
  startMs: number;
  /** When the client stopped waiting (end, abandon or cut), ms. */
  clientEndMs: number | null;
  /** When the request itself ended (its response arrived or it was cancelled), ms. */
  endMs: number | null;
  /** When the server finished it (mock only), ms. */
  serverEndMs: number | null;
  result: AttemptResult | null;
  status: number | null;
  errorCode: string | null;
  errorClass: ErrorClass | null;
  costCredits: number;
  /** True when it was started by a call that had already been abandoned. */
  startedAsZombie: boolean;
  abandonedAtMs: number | null;
}

export interface ItemRecord {
  item: number;
  name: string;
  domain: string;
  worker: number | null;
  startMs: number | null;
  endMs: number | null;
  queuedMs: number;
  outcome: ItemOutcome | null;
  reason: string | null;
  errorCode: string | null;
  price: number | null;
  attempts: number;
  tier: number;
}

export interface RunRecords {
  batchId: string;
  policy: string;
  execution: 'concurrent' | 'blocking';
  workers: number;
  itemCount: number;
  startMs: number;
  /** When the last item settled (batch.end), ms. */
  endMs: number;
  items: ItemRecord[];
  attempts: AttemptRecord[];
}

/** Builds records from the events of one batch run (batch.start first). */
export function buildRunRecords(events: readonly BatchEvent[]): RunRecords {
  const start = events.find((e) => e.type === 'batch.start');
  if (!start || start.type !== 'batch.start') throw new Error('The events hold no batch.start');
  const end = events.find((e) => e.type === 'batch.end');
  const items = new Map<number, ItemRecord>();
  const attempts = new Map<string, AttemptRecord>();
  const key = (item: number, attempt: number) => `${item}.${attempt}`;
  for (const e of events) {
    switch (e.type) {
      case 'item.start':
        items.set(e.item, { item: e.item, name: e.name, domain: e.domain, worker: e.worker, startMs: e.atMs, endMs: null, queuedMs: e.queuedMs, outcome: null, reason: null, errorCode: null, price: null, attempts: 0, tier: 0 });
        break;
      case 'item.end': {
        const rec = items.get(e.item) ?? { item: e.item, name: '', domain: '', worker: null, startMs: null, endMs: null, queuedMs: e.atMs - start.atMs, outcome: null, reason: null, errorCode: null, price: null, attempts: 0, tier: 0 };
        Object.assign(rec, { endMs: e.atMs, outcome: e.outcome, reason: e.reason, errorCode: e.errorCode, price: e.price, attempts: e.attempts, tier: e.tier });
        items.set(e.item, rec);
        break;
      }
      case 'attempt.start':
        attempts.set(key(e.item, e.attempt), {
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
        });
        break;
      case 'attempt.abandon': {
        const rec = attempts.get(key(e.item, e.attempt));
        if (rec) {
          rec.abandonedAtMs = e.atMs;
          rec.clientEndMs = e.atMs;
        }
        break;
      }
      case 'attempt.end': {
        const rec = attempts.get(key(e.item, e.attempt));
        if (rec) {
          rec.endMs = e.atMs;
          if (rec.clientEndMs === null && !rec.startedAsZombie) rec.clientEndMs = e.atMs;
          rec.result = e.result;
          rec.status = e.status;
          rec.errorCode = e.errorCode;
          rec.errorClass = e.errorClass;
          rec.costCredits = e.costCredits;
        }
        break;
      }
      case 'mock.end': {
        const id = parseCorrelationId(e.correlationId);
        const rec = id ? attempts.get(key(id.item, id.attempt)) : undefined;
        if (rec) rec.serverEndMs = e.atMs;
        break;
      }
      default:
        break;
    }
  }
  return {
    batchId: start.batchId,
    policy: start.policy,
    execution: start.execution,
    workers: start.workers,
    itemCount: start.items,
    startMs: start.atMs,
    endMs: end && end.type === 'batch.end' ? end.atMs : [...items.values()].reduce((max, i) => Math.max(max, i.endMs ?? max), start.atMs),
    items: [...items.values()].sort((a, b) => a.item - b.item),
    attempts: [...attempts.values()],
  };
}
