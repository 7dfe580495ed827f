/**
 * Joins a run's events into one record per attempt and per item: when each started and ended,
 * on which worker, how it ended, and when the server side of it ended (from the mock's events,
 * when the run was simulated).
 */
import type { BatchItem } from '../engine/batch-types.js';
import { parseCorrelationId, type AttemptResult, type BatchEvent, type CutReason, type ErrorClass, type ItemOutcome } from '../events/batch-event.js';

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
  /** Why the client stopped waiting early (abandon, or a cut request), or null. */
  cutReason: CutReason | null;
  /** True for a direct fetch of the page (a direct tier), false for a Scrapfly request. */
  direct: boolean;
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

/**
 * Builds records from the events of one batch run (batch.start first). `items` (the batch's
 * items, by index) names items that were skipped before they started.
 */
export function buildRunRecords(events: readonly BatchEvent[], options: { items?: readonly BatchItem[] | null } = {}): RunRecords {
  const start = events.find((e) => e.type === 'batch.start');
  if (!start || start.type !== 'batch.start') throw new Error('The events hold no batch.start');
  const end = events.find((e) => e.type === 'batch.end');
  const items = new Map<number, ItemRecord>();
  const attempts = new Map<string, AttemptRecord>();
  const key = (item: number, attempt: number) => `${item}.${attempt}`;
  const callTimeouts = new Map<string, number>();
  for (const e of events) {
    switch (e.type) {
      case 'item.start':
        items.set(e.item, { item: e.item, name: e.name, domain: e.domain, worker: e.worker, startMs: e.atMs, endMs: null, queuedMs: e.queuedMs, outcome: null, reason: null, errorCode: null, price: null, attempts: 0, tier: 0 });
        break;
      case 'item.end': {
        const known = options.items?.[e.item];
        const rec = items.get(e.item) ?? { item: e.item, name: known?.name ?? '', domain: known?.domain ?? '', worker: null, startMs: null, endMs: null, queuedMs: e.atMs - start.atMs, outcome: null, reason: null, errorCode: null, price: null, attempts: 0, tier: 0 };
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
          cutReason: null,
          direct: e.via === 'direct',
        });
        break;
      case 'attempt.abandon': {
        const rec = attempts.get(key(e.item, e.attempt));
        if (rec) {
          rec.abandonedAtMs = e.atMs;
          rec.clientEndMs = e.atMs;
          rec.cutReason = e.reason;
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
      case 'call.timeout':
        callTimeouts.set(`${e.item}.${e.call}`, e.atMs);
        break;
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
  for (const rec of attempts.values()) {
    if (rec.result !== 'cut' || rec.cutReason !== null) continue;
    // A cut request ends at the moment of the cut: a call timeout of its call, else the item's reason.
    const timedOutAt = callTimeouts.get(`${rec.item}.${rec.call}`);
    const itemReason = items.get(rec.item)?.reason;
    if (timedOutAt !== undefined && rec.endMs !== null && timedOutAt <= rec.endMs) rec.cutReason = 'call-timeout';
    else if (itemReason === 'item-deadline' || itemReason === 'batch-deadline' || itemReason === 'cancelled') rec.cutReason = itemReason;
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

/**
 * The stretch during which a Scrapfly request ran on after its client stopped waiting (a zombie),
 * ms, or null when the client waited for it to end, its real end is unknown, or it was a direct fetch. `toMs` is the server's end
 * when the mock reported it, else the end of the abandoned request.
 */
export function zombieSpanOf(a: AttemptRecord): { fromMs: number; toMs: number } | null {
  // A direct fetch left running holds a connection, not a Scrapfly slot.
  if (a.direct) return null;
  const stoppedMs = a.startedAsZombie ? a.startMs : a.abandonedAtMs ?? (a.result === 'read-timeout' || a.result === 'cut' ? a.endMs : null);
  if (stoppedMs === null) return null;
  // Cancelled by the client with no server record: a live run cannot see the server side.
  const ranUntil = a.serverEndMs ?? (a.abandonedAtMs !== null || a.startedAsZombie ? a.endMs : null);
  if (ranUntil === null) return null;
  if (ranUntil > stoppedMs || a.startedAsZombie) return { fromMs: stoppedMs, toMs: Math.max(stoppedMs, ranUntil) };
  return null;
}

/** True when the client gave up on the attempt for time: a read timeout, a server timeout, or a cut by a call timeout or the item deadline. */
export function isTimeoutAttempt(a: AttemptRecord): boolean {
  if (a.result === 'read-timeout' || a.errorClass === 'server-timeout' || a.errorClass === 'client-timeout') return true;
  return a.cutReason === 'call-timeout' || a.cutReason === 'item-deadline';
}
