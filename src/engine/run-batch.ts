/**
 * The batch engine's single entry point. Runs `items` through a pool of `policy.workers` workers
 * (p-limit, items taken in order) on the given ports, emitting typed events, and returns one
 * outcome per item. The same function runs simulations (virtual clock, mock transport), replays,
 * the CI gate and live batches (real clock, undici).
 */
import pLimit, { type LimitFunction } from 'p-limit';
import { CancelledError } from '../errors.js';
import { createDirectFetchClient } from '../direct/direct-fetch-client.js';
import { createPriceExtractor } from '../extract/extract-price.js';
import type { Ports } from '../ports.js';
import { createScrapflyClient } from '../scrapfly/scrapfly-client.js';
import type { BatchContext, ItemState } from './batch-context.js';
import { countOutcomes, type BatchItem, type BatchResult, type ItemResult, type PriceExtractor } from './batch-types.js';
import { createEventLoopLock } from './event-loop-lock.js';
import { SignalHolder } from './signal-holder.js';
import type { Policy } from './policy.js';
import { cutItem, runItem } from './run-item.js';
import { settleItem } from './settle-item.js';

export interface RunBatchOptions {
  items: readonly BatchItem[];
  policy: Policy;
  ports: Ports;
  /** The API key and, optionally, another base URL (the mock's HTTP face). */
  scrapfly: { apiKey: string; baseUrl?: string };
  /** Where direct tiers send their requests: the page's own URL (default), or a base URL such as the mock's HTTP face (`<mock>/sites`). */
  direct?: { baseUrl?: string | null };
  /** An id for the run; appears in `batch.start`. */
  batchId: string;
  /** Cancels the batch: requests in flight are aborted and the remaining items end as cancelled. */
  signal?: AbortSignal;
  /** Finds the price in a page; by default the full extractor (JSON-LD, meta tags, microdata). */
  extractPrice?: PriceExtractor;
}

/** The full extractor (JSON-LD fast path first, then the parsed page), the same in both worlds. */
const DEFAULT_EXTRACTOR = createPriceExtractor();

/**
 * Items waiting in the limiter's queue beyond the busy workers. Enough that a worker never waits
 * for the next item to be submitted; few enough that the queue stays small however large the batch.
 */
const LIMIT_LOOKAHEAD = 32;

/** The partial result of a cancelled batch travels on the CancelledError. */
export class BatchCancelledError extends CancelledError {
  readonly result: BatchResult;

  constructor(result: BatchResult) {
    super('batch cancelled');
    this.result = result;
  }
}

/**
 * Runs a batch to completion. Resolves once every item has an outcome and every abandoned
 * (zombie) request has ended; `batch.end` is emitted when the last item settles. Rejects only
 * with `BatchCancelledError` (carrying every item's outcome) when `signal` aborts, or on a bug;
 * throws RangeError, before any event, for a policy without tiers.
 */
export async function runBatch(options: RunBatchOptions): Promise<BatchResult> {
  const { items, policy, ports, signal } = options;
  // Refused here, before any event: a policy without a tier could only fail every item.
  if (policy.tiers.length === 0) throw new RangeError(`policy ${policy.name} has no tiers: a batch needs at least one`);
  const { clock, events } = ports;
  const ctx: BatchContext = {
    policy,
    items,
    clock,
    events,
    random: ports.random,
    client: createScrapflyClient({ transport: ports.transport, apiKey: options.scrapfly.apiKey, baseUrl: options.scrapfly.baseUrl, connectTimeoutMs: options.policy.client.connectTimeoutMs ?? null }),
    direct: createDirectFetchClient({ transport: ports.transport, baseUrl: options.direct?.baseUrl ?? null }),
    extractPrice: options.extractPrice ?? DEFAULT_EXTRACTOR,
    startMs: clock.now(),
    batchCut: null,
    running: new Set(),
    zombies: new Set(),
    timeoutStreaks: new Map(),
    openCircuits: new Set(),
    outageStreak: 0,
    stopForOutage: () => {},
  };
  events.emit({ type: 'batch.start', atMs: ctx.startMs, batchId: options.batchId, policy: policy.name, items: items.length, workers: policy.workers, execution: policy.execution });

  const cutBatch = (reason: 'batch-deadline' | 'cancelled' | 'outage') => {
    if (ctx.batchCut !== null) return;
    ctx.batchCut = reason;
    for (const state of [...ctx.running]) cutItem(state, reason);
    // A cancelled or stopped batch leaves nothing running behind it, zombies included.
    if (reason !== 'batch-deadline') for (const call of [...ctx.zombies]) call.abort(reason);
  };
  ctx.stopForOutage = (lastError) => {
    if (ctx.batchCut !== null) return;
    events.emit({ type: 'batch.outage', atMs: clock.now(), consecutiveFailures: ctx.outageStreak, lastError });
    cutBatch('outage');
  };
  const cancelDeadline = policy.batchDeadlineMs === null ? null : clock.schedule(policy.batchDeadlineMs, () => cutBatch('batch-deadline'));
  const onAbort = () => cutBatch('cancelled');
  if (signal?.aborted) cutBatch('cancelled');
  signal?.addEventListener('abort', onAbort, { once: true });

  const limit = pLimit(policy.workers);
  const freeWorkers: number[] = [];
  for (let w = policy.workers; w >= 1; w--) freeWorkers.push(w);
  const workerSignals: SignalHolder[] = [];
  for (let w = 0; w <= policy.workers; w++) workerSignals.push(new SignalHolder());
  const loop = policy.execution === 'blocking' ? createEventLoopLock() : null;

  /** Called once an item has its outcome: frees its worker (and, under blocking execution, the loop). */
  const endItem = (state: ItemState) => {
    ctx.running.delete(state);
    loop?.release();
    freeWorkers.push(state.worker);
  };

  const startItem = (index: number, worker: number): ItemState => {
    const item = items[index]!;
    const startMs = clock.now();
    const state: ItemState = {
      index,
      item,
      worker,
      startMs,
      attempts: 0,
      calls: 0,
      tier: 0,
      cut: null,
      onCut: null,
      random: null,
      signals: workerSignals[worker]!,
      onEnd: endItem,
    };
    events.emit({ type: 'item.start', atMs: startMs, item: index, name: item.name, domain: item.domain, worker, queuedMs: startMs - ctx.startMs });
    ctx.running.add(state);
    return state;
  };

  // Not async: the pool awaits whatever this returns, and an item that runs adds no promise of its own.
  const processItem = (index: number): ItemResult | Promise<ItemResult> => {
    if (ctx.batchCut !== null) return skip(ctx, index, ctx.batchCut);
    if (ctx.openCircuits.has(items[index]!.domain)) return skip(ctx, index, 'circuit-open');
    if (loop) return processBlockingItem(index);
    return runItem(ctx, startItem(index, freeWorkers.pop()!));
  };

  /** Under `blocking` execution an item first waits for the event loop. */
  const processBlockingItem = async (index: number): Promise<ItemResult> => {
    const worker = freeWorkers.pop()!;
    await loop!.acquire();
    if (ctx.batchCut !== null) {
      loop!.release();
      freeWorkers.push(worker);
      return skip(ctx, index, ctx.batchCut);
    }
    return runItem(ctx, startItem(index, worker));
  };

  let results: ItemResult[];
  try {
    results = await runInOrder({ count: items.length, limit, lookahead: LIMIT_LOOKAHEAD, run: processItem });
  } finally {
    cancelDeadline?.();
    signal?.removeEventListener('abort', onAbort);
  }
  const endMs = results.reduce((max, r) => Math.max(max, r.endMs), ctx.startMs);
  const counts = countOutcomes(results);
  events.emit({ type: 'batch.end', atMs: clock.now(), makespanMs: endMs - ctx.startMs, ...counts });
  while (ctx.zombies.size > 0) await Promise.all([...ctx.zombies].map((call) => call.finished));

  const result: BatchResult = { batchId: options.batchId, policy: policy.name, startMs: ctx.startMs, endMs, makespanMs: endMs - ctx.startMs, items: results, counts, stoppedBy: ctx.batchCut === 'outage' ? 'outage' : null };
  if (ctx.batchCut === 'cancelled') throw new BatchCancelledError(result);
  return result;
}

/**
 * Runs `run(0..count-1)` through `limit`, taking items in order. Only `lookahead` items wait in
 * the limiter's queue at any time (more are submitted as items finish), so memory does not grow
 * with the batch: queueing 100,000 promises up front costs more than the simulation itself.
 */
function runInOrder(options: {
  count: number;
  limit: LimitFunction;
  lookahead: number;
  run: (index: number) => ItemResult | Promise<ItemResult>;
}): Promise<ItemResult[]> {
  const { count, limit, run } = options;
  const results = new Array<ItemResult>(count);
  if (count === 0) return Promise.resolve(results);
  return new Promise((resolve, reject) => {
    let submitted = 0;
    let settled = 0;
    let failed = false;
    // One shared handler for every item (results carry their own index): no closure per item.
    const onResult = (result: ItemResult) => {
      results[result.index] = result;
      settled++;
      if (settled === count) resolve(results);
      else if (submitted < count && !failed) submit();
    };
    const onError = (error: unknown) => {
      failed = true;
      reject(error);
    };
    const submit = () => {
      limit(run, submitted++).then(onResult, onError);
    };
    const initial = Math.min(count, limit.concurrency + options.lookahead);
    for (let k = 0; k < initial; k++) submit();
  });
}

function skip(ctx: BatchContext, index: number, reason: string): ItemResult {
  const item = ctx.items[index]!;
  return settleItem(ctx, {
    index,
    name: item.name,
    url: item.url,
    domain: item.domain,
    worker: null,
    startMs: null,
    endMs: ctx.clock.now(),
    outcome: 'skipped',
    price: null,
    currency: null,
    reason,
    errorCode: null,
    attempts: 0,
    tier: 0,
  });
}
