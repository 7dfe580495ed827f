/**
 * A live batch: the production engine (`runBatch`) on a real clock and a real transport, pricing
 * machines from the store. Creating or resuming a batch claims it in the store at once (one batch
 * per store; BatchConflictError otherwise), so a caller can answer "202, batch id" before it runs.
 * While it runs, every item's result is committed as it finishes and the events are appended as
 * they happen; at the end the run log and reports are written like a simulation's, one run log per
 * segment (a resumed batch has several), so a real batch can be replayed and held against its
 * simulation. Ctrl-C (the caller's signal) aborts the requests in flight and records the batch as
 * cancelled; the items it cut are priced again by a resume.
 */
import { randomBytes } from 'node:crypto';
import type { BatchItem, OutcomeCounts, PriceExtractor } from '../engine/batch-types.js';
import type { Policy } from '../engine/policy.js';
import { BatchCancelledError, runBatch } from '../engine/run-batch.js';
import { CancelledError } from '../errors.js';
import { createFanOutSink } from '../events/collect-events.js';
import { RUN_LOG_VERSION, type RunLogHeader } from '../events/run-log.js';
import { writeRunReport, type RunReportInput, type WrittenReport } from '../node/write-run-report.js';
import type { Clock, EventSink, Transport } from '../ports.js';
import { createSeededRandom } from '../random/seeded-random.js';
import { computeMetrics, DEFAULT_STALL_THRESHOLD_MS } from '../report/compute-metrics.js';
import { reportRunOfEvents } from '../report/report-run.js';
import type { BatchRequestRecord, BatchStatus } from './batch-store.js';
import type { Machine } from './machine-store.js';
import type { Store } from './open-store.js';
import { createProgressTracker, type ProgressTracker } from './progress-tracker.js';
import { createStoreSink } from './store-event-sink.js';

/** What every live batch runs with. */
export interface LiveEnvironment {
  store: Store;
  transport: Transport;
  clock: Clock;
  /**
   * The key (never stored or printed) and the base URL, null for the real API. `hasKey: false`
   * (a server started without a key) runs only batches that fetch the pages directly.
   */
  scrapfly: { apiKey: string; baseUrl: string | null; hasKey?: boolean };
  /** Where direct tiers send their requests: null for the pages' own URLs, or a base URL such as the mock's `<url>/sites`. */
  direct?: { baseUrl: string | null };
  extractPrice: PriceExtractor;
  /** Largest relative price change applied without review; null applies every change. */
  maxChangeRatio: number | null;
  /** Where reports go (`<dir>/<label>/<batch id>/`), or null for none. */
  reportsDir: string | null;
  /** The report folder's first level and the run log's `scenario` (default `live`). */
  label?: string;
  stallThresholdMs?: number;
  /** The plan's concurrency limit, when known, for the run log header. */
  accountConcurrency?: number | null;
  /** The process that owns the batch (default this one). */
  pid?: number;
}

/** How a run of a batch ended. Counts cover the whole batch, earlier segments included. */
export interface LiveBatchOutcome {
  batchId: string;
  status: BatchStatus;
  segment: number;
  total: number;
  done: number;
  counts: OutcomeCounts;
  flagged: number;
  /** Clock time this segment took, ms. */
  makespanMs: number;
  report: WrittenReport | null;
  /** Why the batch failed, or null. */
  error: string | null;
}

/** A batch claimed in the store, ready to run once. */
export interface LiveBatch {
  readonly batchId: string;
  /** Machines in the batch. */
  readonly total: number;
  /** Machines this run prices (the others have results from earlier runs). */
  readonly remaining: number;
  readonly policy: Policy;
  readonly progress: ProgressTracker;
  /** Runs the batch. `signal` stops it gracefully; `events` also receives every event. */
  run(options?: { signal?: AbortSignal; events?: EventSink }): Promise<LiveBatchOutcome>;
}

/** A batch id like the existing system's: `batch_20250806_030023_901652f0`. */
export function makeBatchId(wallMs: number): string {
  const iso = new Date(wallMs).toISOString();
  return `batch_${iso.slice(0, 10).replace(/-/g, '')}_${iso.slice(11, 19).replace(/:/g, '')}_${randomBytes(4).toString('hex')}`;
}

/** Creates a batch over `machines` (in that order) and claims it. */
export function createLiveBatch(env: LiveEnvironment, options: { machines: readonly Machine[]; policy: Policy; request: BatchRequestRecord; batchId?: string }): LiveBatch {
  const batchId = options.batchId ?? makeBatchId(Date.now());
  env.store.batches.createBatch({ id: batchId, machineIds: options.machines.map((m) => m.id), policy: options.policy, request: options.request, nowMs: Date.now(), pid: env.pid ?? process.pid });
  return prepare(env, { batchId, policy: options.policy, machines: options.machines, total: options.machines.length, before: null, maxChangeRatio: env.maxChangeRatio });
}

/** Claims a stopped batch (cancelled, interrupted or failed) to price the machines it has no result for. */
export function resumeLiveBatch(env: LiveEnvironment, options: { batchId: string; workers?: number }): LiveBatch {
  const record = env.store.batches.claimForResume({ id: options.batchId, pid: env.pid ?? process.pid });
  const policy = options.workers === undefined ? record.policy : { ...record.policy, workers: options.workers };
  const machines = env.store.batches.batchMachines(options.batchId, { remainingOnly: true });
  return prepare(env, { batchId: options.batchId, policy, machines, total: record.total, before: record.counts, maxChangeRatio: record.request.maxChangeRatio });
}

function prepare(
  env: LiveEnvironment,
  options: { batchId: string; policy: Policy; machines: readonly Machine[]; total: number; before: OutcomeCounts | null; maxChangeRatio: number | null },
): LiveBatch {
  const { batchId, policy, machines } = options;
  const progress = createProgressTracker({ clock: env.clock, total: options.total, workers: policy.workers, alreadyDone: options.before ?? undefined, stallThresholdMs: env.stallThresholdMs });
  let started = false;
  return {
    batchId,
    total: options.total,
    remaining: machines.length,
    policy,
    progress,
    run: async (runOptions = {}) => {
      if (started) throw new Error(`Batch ${batchId} was already run by this handle`);
      started = true;
      return runSegment(env, { batchId, policy, machines, progress, maxChangeRatio: options.maxChangeRatio, signal: runOptions.signal, events: runOptions.events });
    },
  };
}

async function runSegment(
  env: LiveEnvironment,
  options: { batchId: string; policy: Policy; machines: readonly Machine[]; progress: ProgressTracker; maxChangeRatio: number | null; signal?: AbortSignal; events?: EventSink },
): Promise<LiveBatchOutcome> {
  const { store, clock } = env;
  const { batchId, policy, machines } = options;
  const label = env.label ?? 'live';
  const items: BatchItem[] = machines.map((m) => ({ name: m.name, url: m.url, domain: m.domain }));
  const header: RunLogHeader = {
    type: 'run.meta',
    version: RUN_LOG_VERSION,
    mode: 'live',
    scenario: label,
    seed: null,
    transport: env.scrapfly.baseUrl === null ? 'scrapfly' : 'http',
    startMs: clock.now(),
    batchId,
    policy,
    items,
    accountConcurrency: env.accountConcurrency ?? null,
  };
  const segment = store.batches.startSegment({ batchId, header, nowMs: Date.now() });

  const controller = new AbortController();
  let storeError: unknown = null;
  const onAbort = () => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  // Which extraction method found each page's price, for the price history.
  const sources = new Map<string, string>();
  const storeSink = createStoreSink({
    batches: store.batches,
    batchId,
    segment,
    machineIds: machines.map((m) => m.id),
    maxChangeRatio: options.maxChangeRatio,
    sourceOf: (item) => sources.get(items[item]?.url ?? '') ?? null,
    onError: (error) => {
      storeError = error;
      controller.abort(new CancelledError('the store could not be written'));
    },
  });
  const sinks: EventSink[] = [storeSink, options.progress];
  if (options.events) sinks.push(options.events);
  const extractPrice: PriceExtractor = (html, context) => {
    const found = env.extractPrice(html, context);
    if (found) sources.set(context.url, found.source);
    return found;
  };

  let status: BatchStatus = 'completed';
  let error: string | null = null;
  let makespanMs = 0;
  try {
    const result = await runBatch({
      items,
      policy,
      ports: { clock, transport: env.transport, random: createSeededRandom(`${batchId}/${segment}`), events: createFanOutSink(sinks) },
      scrapfly: { apiKey: env.scrapfly.apiKey, baseUrl: env.scrapfly.baseUrl ?? undefined },
      direct: { baseUrl: env.direct?.baseUrl ?? null },
      batchId,
      signal: controller.signal,
      extractPrice,
    });
    makespanMs = result.makespanMs;
    if (result.stoppedBy === 'outage') {
      status = 'interrupted';
      error = `stopped by the outage breaker: ${policy.outageBreaker?.consecutiveFailures ?? 0} requests in a row failed with network errors or 5xx of the API; the machines not priced have no result (run --resume ${batchId} once the API answers again)`;
    }
  } catch (caught) {
    if (caught instanceof BatchCancelledError) {
      makespanMs = caught.result.makespanMs;
      status = storeError === null ? 'cancelled' : 'failed';
    } else {
      status = 'failed';
      error = describe(caught);
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    storeSink.flush();
  }
  if (storeError !== null) error = `The store could not be written: ${describe(storeError)}`;
  const after = store.batches.getBatch(batchId);
  if (status === 'completed' && after && after.done < after.total) {
    status = 'failed';
    error = `${after.total - after.done} machines have no result`;
  }
  let report: WrittenReport | null = null;
  if (env.reportsDir !== null) {
    try {
      report = writeBatchReport(env, { batchId, label, segments: segment });
    } catch (reportError) {
      error ??= `The report could not be written: ${describe(reportError)}`;
    }
  }
  store.batches.finishSegment({ batchId, segment, status, nowMs: Date.now(), error, reportDir: report?.dir ?? null });
  const record = store.batches.getBatch(batchId);
  return {
    batchId,
    status,
    segment,
    total: record?.total ?? machines.length,
    done: record?.done ?? 0,
    counts: record?.counts ?? { priced: 0, failed: 0, timedOut: 0, skipped: 0 },
    flagged: record?.flagged ?? 0,
    makespanMs,
    report,
    error,
  };
}

/** Writes the batch's run logs (one per segment) and reports from the events in the store. */
function writeBatchReport(env: LiveEnvironment, options: { batchId: string; label: string; segments: number }): WrittenReport {
  const runs: RunReportInput[] = [];
  for (let segment = 1; segment <= options.segments; segment++) {
    const stored = env.store.batches.readSegment({ batchId: options.batchId, segment });
    if (!stored || !stored.events.some((e) => e.type === 'batch.start')) continue;
    runs.push(reportRunOfEvents({ header: stored.header, events: stored.events, metrics: computeMetrics(stored.events, { stallThresholdMs: env.stallThresholdMs ?? DEFAULT_STALL_THRESHOLD_MS }) }));
  }
  return writeRunReport({ rootDir: env.reportsDir as string, scenario: options.label, runId: options.batchId, runs });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
