/** Records an item's outcome: the `item.end` event, built from the result itself. */
import type { BatchContext } from './batch-context.js';
import type { ItemResult } from './batch-types.js';

/** Emits `item.end` for `result` and returns it. */
export function settleItem(ctx: BatchContext, result: ItemResult): ItemResult {
  ctx.events.emit({
    type: 'item.end',
    atMs: result.endMs,
    item: result.index,
    worker: result.worker,
    outcome: result.outcome,
    price: result.price,
    currency: result.currency,
    reason: result.reason,
    errorCode: result.errorCode,
    attempts: result.attempts,
    tier: result.tier,
    durationMs: result.startMs === null ? 0 : result.endMs - result.startMs,
  });
  return result;
}
