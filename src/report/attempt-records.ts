/**
 * A run's records, one per attempt and per item: when each started and ended, on which worker,
 * how it ended, and when the server side of it ended (from the mock's events, when the run was
 * simulated). They are built by the run's projection (run-projection.ts).
 */
import type { AttemptResult, CutReason, ErrorClass, ItemOutcome } from '../events/batch-event.js';

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
  /** Position of its `attempt.start` among the run's events: the causal order of things at one instant. */
  startSeq: number;
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
