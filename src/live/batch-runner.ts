/**
 * The batches the API server runs: starts new ones and resumes stopped ones (one at a time per
 * store; the store refuses a second), cancels them, and streams each running batch's events and
 * progress to the admin page through the live feed, a few times a second rather than per event.
 * The events of the running batch are also kept (the most recent `BACKLOG_EVENTS`) so that a page
 * opened mid-batch draws the lanes from the start.
 */
import { toDirectPolicy, usesScrapfly, type Policy } from '../engine/policy.js';
import { LiveInputError } from './live-errors.js';
import type { BatchEvent } from '../events/batch-event.js';
import { CancelledError } from '../errors.js';
import type { LiveFeed } from './live-feed.js';
import type { BatchUpdateRequest } from './parse-batch-request.js';
import { renderProgressJson } from './render-batch-status.js';
import { createLiveBatch, resumeLiveBatch, type LiveBatch, type LiveBatchOutcome, type LiveEnvironment } from './run-live-batch.js';

/** Events of the running batch kept for pages that open mid-batch. */
export const BACKLOG_EVENTS = 50_000;

/** How often the running batch's new events go out, ms. */
export const FEED_FLUSH_MS = 250;

/** The engine events the admin page draws (lanes, progress, warnings). */
const STREAMED = new Set<BatchEvent['type']>(['batch.start', 'item.start', 'item.end', 'attempt.start', 'attempt.end', 'attempt.abandon', 'attempt.slow', 'call.timeout', 'tier.escalate', 'circuit.open', 'batch.end']);

export interface RunningBatch {
  batch: LiveBatch;
  done: Promise<LiveBatchOutcome>;
  /** The streamed events so far (the most recent BACKLOG_EVENTS). */
  backlog: BatchEvent[];
  cancel(): void;
}

export interface BatchRunner {
  /** Starts a batch for the request; null when no machine matches. Throws BatchConflictError, LiveInputError. */
  start(request: BatchUpdateRequest): RunningBatch | null;
  /** Resumes a stopped batch. Throws BatchConflictError, LiveInputError. */
  resume(batchId: string): RunningBatch;
  /** Cancels a batch running here (it stays resumable); false when it does not run here. */
  cancel(batchId: string): boolean;
  get(batchId: string): RunningBatch | undefined;
  /** The batch running here, if any. */
  current(): RunningBatch | null;
  /** Cancels every running batch and waits for each to record its state. */
  closeAll(): Promise<void>;
}

export function createBatchRunner(options: { env: LiveEnvironment; policy: Policy; feed: LiveFeed; onBatchEnd?: (outcome: LiveBatchOutcome) => void }): BatchRunner {
  const { env, feed } = options;
  const running = new Map<string, RunningBatch>();
  const closing = new AbortController();

  const launch = (batch: LiveBatch): RunningBatch => {
    const controller = new AbortController();
    const onClose = () => controller.abort(closing.signal.reason);
    closing.signal.addEventListener('abort', onClose, { once: true });
    const backlog: BatchEvent[] = [];
    let pending: BatchEvent[] = [];
    let timer: NodeJS.Timeout | null = null;
    const flush = () => {
      timer = null;
      const events = pending;
      pending = [];
      feed.publish('engine', { batch_id: batch.batchId, clock_ms: env.clock.now(), progress: renderProgressJson(batch.progress.snapshot()), events });
    };
    const sink = {
      emit(event: BatchEvent) {
        if (!STREAMED.has(event.type)) return;
        backlog.push(event);
        if (backlog.length > BACKLOG_EVENTS) backlog.splice(0, backlog.length - BACKLOG_EVENTS + 1000);
        pending.push(event);
        timer ??= setTimeout(flush, FEED_FLUSH_MS);
      },
    };
    feed.publish('batch', { batch_id: batch.batchId, status: 'running', total: batch.total, workers: batch.policy.workers, policy: batch.policy.name });
    const done = batch.run({ signal: controller.signal, events: sink }).finally(() => {
      closing.signal.removeEventListener('abort', onClose);
      if (timer !== null) clearTimeout(timer);
      flush();
      running.delete(batch.batchId);
    });
    const entry: RunningBatch = { batch, done, backlog, cancel: () => controller.abort(new CancelledError('cancelled from the API')) };
    running.set(batch.batchId, entry);
    done.then(
      (outcome) => {
        feed.publish('batch', { batch_id: outcome.batchId, status: outcome.status, done: outcome.done, total: outcome.total, flagged: outcome.flagged, error: outcome.error });
        if (outcome.flagged > 0) feed.publish('reviews', { reason: 'batch', batch_id: outcome.batchId });
        options.onBatchEnd?.(outcome);
      },
      () => feed.publish('batch', { batch_id: batch.batchId, status: 'failed' }),
    );
    return entry;
  };

  /** A batch through Scrapfly on a server without a key: refused before anything is recorded. */
  const refuseWithoutKey = (policy: Policy) => {
    if (env.scrapfly.hasKey === false && usesScrapfly(policy)) {
      throw new LiveInputError('This server has no Scrapfly API key (start serve with SCRAPFLY_KEY or --scrapfly-key-file): only batches with "use_scrapfly": false can run', 'use_scrapfly');
    }
  };

  return {
    start(request) {
      const machines = env.store.machines.selectMachines(request.selection, Date.now());
      if (machines.length === 0) return null;
      const chosen = request.useScrapfly ? options.policy : toDirectPolicy(options.policy);
      refuseWithoutKey(chosen);
      const policy = request.maxWorkers === null ? chosen : { ...chosen, workers: request.maxWorkers };
      const batch = createLiveBatch(env, {
        machines,
        policy,
        request: {
          trigger: 'api',
          selection: request.selection,
          transport: env.scrapfly.baseUrl === null ? 'scrapfly' : 'http',
          baseUrl: env.scrapfly.baseUrl,
          maxChangeRatio: env.maxChangeRatio,
          useScrapfly: request.useScrapfly,
          directBaseUrl: env.direct?.baseUrl ?? null,
        },
      });
      return launch(batch);
    },
    resume(batchId) {
      const record = env.store.batches.getBatch(batchId);
      if (record) refuseWithoutKey(record.policy);
      return launch(resumeLiveBatch(env, { batchId }));
    },
    cancel(batchId) {
      const entry = running.get(batchId);
      if (!entry) return false;
      entry.cancel();
      return true;
    },
    get: (batchId) => running.get(batchId),
    current: () => running.values().next().value ?? null,
    async closeAll() {
      closing.abort(new CancelledError('the API server is shutting down'));
      await Promise.allSettled([...running.values()].map((r) => r.done));
    },
  };
}
