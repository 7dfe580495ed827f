/** Requests that ran longer than a threshold: the slow-request list of the seed's recommendation 5. */
import type { RunRecords } from './attempt-records.js';

/** A request that ran longer than the slow-request threshold (the seed's recommendation 5). */
export interface LongRequestRecord {
  item: number;
  name: string;
  domain: string;
  attempt: number;
  worker: number;
  tier: number;
  tierName: string;
  startMs: number;
  /** From its start until it ended (the client's view, zombie time included), ms. */
  durationMs: number;
  /** True when the client had stopped waiting for it before it ended. */
  zombie: boolean;
}

/** Every request of `records` that ran longer than `thresholdMs` (ms), in start order. */
export function findLongRequests(records: RunRecords, thresholdMs: number): LongRequestRecord[] {
  const items = new Map(records.items.map((i) => [i.item, i]));
  const out: LongRequestRecord[] = [];
  for (const a of records.attempts) {
    if (a.endMs === null || a.endMs - a.startMs <= thresholdMs) continue;
    const item = items.get(a.item);
    out.push({
      item: a.item,
      name: item?.name ?? '',
      domain: item?.domain ?? '',
      attempt: a.attempt,
      worker: a.worker,
      tier: a.tier,
      tierName: a.tierName,
      startMs: a.startMs,
      durationMs: a.endMs - a.startMs,
      zombie: a.startedAsZombie || (a.clientEndMs !== null && a.clientEndMs < a.endMs),
    });
  }
  return out.sort((x, y) => x.startMs - y.startMs || x.item - y.item || x.attempt - y.attempt);
}
