/**
 * `run`: a live batch through the production engine, on a real clock, over undici, pricing the
 * store's machines through Scrapfly (or the mock's HTTP face with --scrapfly-url). Progress goes to
 * stderr: a bar on a terminal, plain lines otherwise. Ctrl-C stops gracefully (requests in flight
 * are aborted, the batch is recorded as cancelled; a second Ctrl-C exits at once); `--resume
 * <batch-id>` finishes a cancelled or killed batch.
 */
import { readTimeScale } from '../read-time-scale.js';
import type { Argv } from 'yargs';
import { createRealClock, createScaledClock } from '../../clock/real-clock.js';
import { isDirectTier, usesScrapfly, type Policy } from '../../engine/policy.js';
import { UsageError } from '../../errors.js';
import type { BatchEvent } from '../../events/batch-event.js';
import { createPriceExtractor } from '../../extract/extract-price.js';
import { checkScrapflyAccount } from '../../live/check-scrapfly-account.js';
import { openStore } from '../../live/open-store.js';
import { renderProgressBar, renderProgressLine } from '../../live/render-progress.js';
import { createLiveBatch, resumeLiveBatch, type LiveBatch, type LiveBatchOutcome, type LiveEnvironment } from '../../live/run-live-batch.js';
import { createUndiciTransport } from '../../live/undici-transport.js';
import { SCRAPFLY_BASE_URL } from '../../scrapfly/scrapfly-client.js';
import { formatDurationMs } from '../../units/duration.js';
import type { CliIo } from '../cli-io.js';
import { readDurationOption } from '../read-duration-option.js';
import { NUMBER_OPTION, readNumberOption } from '../read-number-option.js';
import { LIMITS } from '../../scenario/field-reader.js';
import { MAX_DAYS_THRESHOLD, MAX_MACHINE_ID } from '../../live/parse-batch-request.js';
import { isResumable } from './batches.js';
import { describeScrapflyOptions, describeStoreOption, readPositiveInteger, readScrapflySetup, readStorePath, requireExistingStore, requireScrapflyKey, showPath, type ScrapflySetup } from './live-setup.js';

export interface RunOptions {
  store: string;
  setup: ScrapflySetup;
  resume: string | null;
  batchId: string | null;
  selection: { daysThreshold: number | null; limit: number | null; ids: number[] | null };
  workers: number | null;
  json: boolean;
  progress: 'auto' | 'bar' | 'lines' | 'none';
  stallThresholdMs: number;
  /** Clock milliseconds per real millisecond (1: real time); for a mock face serving scaled time. */
  timeScale: number;
  /** `--direct`: the policy's ladder became one direct tier. */
  direct: boolean;
}

export function describeRun(y: Argv): Argv {
  return describeScrapflyOptions(describeStoreOption(y, { creates: false }))
    .option('days-threshold', { ...NUMBER_OPTION, describe: 'Price machines not checked for this many days (default: all)' })
    .option('limit', { ...NUMBER_OPTION, describe: 'Price at most this many machines, least recently checked first' })
    .option('ids', { type: 'string', describe: 'Price only these machine ids (comma-separated)' })
    .option('workers', { ...NUMBER_OPTION, describe: "Workers (default: the policy's)" })
    .option('resume', { type: 'string', describe: 'Finish a cancelled or killed batch: price its machines that have no result' })
    .option('batch-id', { type: 'string', describe: 'Id for the new batch (default: batch_<date>_<time>_<random>)' })
    .option('json', { type: 'boolean', default: false, describe: 'Print the outcome as one JSON object' })
    .option('progress', { choices: ['auto', 'bar', 'lines', 'none'] as const, default: 'auto' as const, describe: 'Progress on stderr: a bar on a terminal, plain lines otherwise' })
    .option('stall-threshold', { type: 'string', default: '60s', describe: 'A worker whose request runs longer than this counts as stalled' })
    .option('time-scale', { ...NUMBER_OPTION, default: 1, describe: "Clock ms per real ms; match the mock's --time-scale when testing against it" })
    .option('direct', { type: 'boolean', default: false, describe: "Fetch the pages directly, without Scrapfly (the existing system's use_scrapfly=false): the policy's ladder becomes one direct tier; no key needed" })
    .example('$0 run --days-threshold 1 --limit 50', 'price up to 50 machines not checked for a day')
    .example('$0 run --scrapfly-url http://127.0.0.1:8787 --time-scale 60', "against `serve-mock --port 8787 --time-scale 60`")
    .example('$0 run --resume batch_20250806_030023_901652f0', 'finish a batch that was cancelled or killed')
    .example('$0 run --direct --direct-base-url http://127.0.0.1:8787/sites --time-scale 60', "fetch the pages of `serve-mock --port 8787 --time-scale 60` directly")
    .epilogue(
      'The API key comes from $SCRAPFLY_KEY or --scrapfly-key-file and is never printed or stored. Every result is committed to the store as it lands. ' +
        'Exit codes: 0 completed, 1 failed, 2 bad flags, 130 cancelled (Ctrl-C; resume with --resume <batch-id>).',
    );
}

export function readRunOptions(argv: Record<string, unknown>, io: CliIo): RunOptions {
  const days = readNumberOption(argv['days-threshold'], '--days-threshold', { min: 0, max: MAX_DAYS_THRESHOLD, what: 'a number of days' });
  let ids: number[] | null = null;
  if (argv['ids'] !== undefined) {
    if (typeof argv['ids'] !== 'string') throw new UsageError(`--ids must be machine ids separated by commas, given once, got ${String(argv['ids'])}`);
    const parts = argv['ids'].split(',').map((s) => s.trim()).filter(Boolean);
    ids = parts.map((p) => {
      const n = /^\d{1,10}$/.test(p) ? Number(p) : NaN;
      if (!Number.isInteger(n) || n < 1 || n > MAX_MACHINE_ID) throw new UsageError(`--ids must be machine ids (integers from 1 to ${MAX_MACHINE_ID}) separated by commas, got "${argv['ids']}"`);
      return n;
    });
    if (ids.length === 0) throw new UsageError('--ids must name at least one machine id');
  }
  const threshold = readDurationOption(argv['stall-threshold'], '--stall-threshold', '60s');
  const scale = argv['time-scale'];
  const timeScale = readTimeScale(scale);
  const resume = typeof argv['resume'] === 'string' ? argv['resume'] : null;
  const batchId = typeof argv['batch-id'] === 'string' ? argv['batch-id'] : null;
  if (batchId !== null && !/^[A-Za-z0-9_.-]{1,100}$/.test(batchId)) throw new UsageError(`--batch-id may hold letters, digits, '_', '-' and '.', got "${batchId}"`);
  if (resume !== null && (days !== null || argv['limit'] !== undefined || ids !== null || batchId !== null)) {
    throw new UsageError('--resume continues a batch with its own machines; drop --days-threshold, --limit, --ids and --batch-id');
  }
  const direct = argv['direct'] === true;
  if (resume !== null && direct) throw new UsageError('--resume continues a batch with its own policy; drop --direct');
  const progress = argv['progress'];
  // Every flag's value first (the setup checks its own before reading the files they name), then the store.
  const limit = readPositiveInteger(argv, 'limit', MAX_MACHINE_ID);
  const workers = readPositiveInteger(argv, 'workers', LIMITS.workers);
  // A resumed batch runs its stored policy: the key is checked once that policy is known.
  const setup = readScrapflySetup(argv, io, { direct, deferKeyCheck: resume !== null });
  return {
    store: existingStore(readStorePath(argv, io)),
    setup,
    resume,
    batchId,
    selection: { daysThreshold: days, limit, ids },
    workers,
    json: Boolean(argv['json']),
    progress: progress === 'bar' || progress === 'lines' || progress === 'none' ? progress : 'auto',
    stallThresholdMs: threshold,
    timeScale,
    direct,
  };
}

function existingStore(path: string): string {
  requireExistingStore(path);
  return path;
}

/** Runs (or resumes) the batch. Exit code: 0 completed, 1 failed, 130 cancelled. */
export async function runRunCommand(options: RunOptions, io: CliIo): Promise<number> {
  const { setup } = options;
  const store = openStore({ path: options.store });
  const clock = options.timeScale === 1 ? createRealClock() : createScaledClock({ scale: options.timeScale });
  const policy = options.workers === null ? setup.config.policy : { ...setup.config.policy, workers: options.workers };
  const stored = options.resume === null ? null : store.batches.getBatch(options.resume);
  if (options.resume !== null) {
    try {
      requireScrapflyKey(setup, stored?.policy ?? policy);
    } catch (error) {
      store.close();
      throw error;
    }
  }
  if (options.resume === null) {
    // A batch an outage, a crash or Ctrl-C stopped is waiting: say so before starting another.
    const waiting = store.batches.listBatches(20).filter(isResumable);
    if (waiting.length > 0) {
      const b = waiting[0] as (typeof waiting)[number];
      io.stderr(`note: batch ${b.id} (${b.status}) has ${b.total - b.done} machines without a result: batchscope run --resume ${b.id}${waiting.length > 1 ? ` (${waiting.length - 1} more: batchscope batches)` : ''}\n`);
    }
  }
  const effective = stored?.policy ?? policy;
  const workers = options.workers ?? stored?.policy.workers ?? policy.workers;
  const transport = createUndiciTransport({ connections: Math.max(1, workers), secret: setup.apiKey, connectTimeoutMs: effective.client.connectTimeoutMs ?? undefined });
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    io.stderr('\nstopping: aborting requests in flight and recording the batch (Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  try {
    const baseUrl = setup.baseUrl ?? SCRAPFLY_BASE_URL;
    // A batch that never calls Scrapfly does not ask it about the account.
    const account = usesScrapfly(effective) ? await checkScrapflyAccount({ transport, baseUrl, apiKey: setup.apiKey, signal: controller.signal }) : { concurrency: null };
    const env: LiveEnvironment = {
      store,
      transport,
      clock,
      scrapfly: { apiKey: setup.apiKey, baseUrl: setup.baseUrl },
      direct: { baseUrl: setup.directBaseUrl },
      extractPrice: createPriceExtractor({ selectors: setup.config.selectors }),
      maxChangeRatio: setup.config.maxChangeRatio,
      reportsDir: setup.reportsDir,
      stallThresholdMs: options.stallThresholdMs,
      accountConcurrency: account.concurrency,
    };
    let batch: LiveBatch;
    if (options.resume !== null) {
      batch = resumeLiveBatch(env, { batchId: options.resume, workers: options.workers ?? undefined });
    } else {
      const machines = store.machines.selectMachines(options.selection, Date.now());
      if (machines.length === 0) {
        const total = store.machines.listMachines().length;
        io.stdout(total === 0 ? 'nothing to price: the store has no machines (add some with `batchscope import <file>`)\n' : `nothing to price: none of the ${total} machines matches the selection\n`);
        return 0;
      }
      batch = createLiveBatch(env, {
        machines,
        policy,
        batchId: options.batchId ?? undefined,
        request: {
          trigger: 'cli',
          selection: options.selection,
          transport: setup.baseUrl === null ? 'scrapfly' : 'http',
          baseUrl: setup.baseUrl,
          maxChangeRatio: setup.config.maxChangeRatio,
          useScrapfly: !options.direct,
          directBaseUrl: setup.directBaseUrl,
        },
      });
    }
    const verb = options.resume === null ? 'pricing' : `resuming: pricing the remaining`;
    const startLine = `batch ${batch.batchId}: ${verb} ${batch.remaining} of ${batch.total} machines with ${batch.policy.workers} workers ${describeRoute(batch.policy, baseUrl, setup.directBaseUrl)} (policy ${batch.policy.name})\n`;
    if (options.json) io.stderr(startLine);
    else io.stdout(startLine);
    const outcome = await runWithProgress(batch, options, io, controller.signal);
    if (options.json) io.stdout(`${JSON.stringify(outcome)}\n`);
    else io.stdout(describeOutcome(outcome, io));
    return outcome.status === 'completed' ? 0 : outcome.status === 'cancelled' ? 130 : 1;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    await transport.close().catch(() => undefined);
    store.close();
  }
}

async function runWithProgress(batch: LiveBatch, options: RunOptions, io: CliIo, signal: AbortSignal): Promise<LiveBatchOutcome> {
  const mode = options.progress === 'auto' ? (io.isTty ? 'bar' : 'lines') : options.progress;
  const width = Math.max(40, Math.min(160, io.columns ?? 100));
  let lastLineWallMs = Date.now();
  let lastTenth = -1;
  const draw = (final: boolean) => {
    const snapshot = batch.progress.snapshot();
    if (mode === 'bar') {
      io.stderr(`\r${renderProgressBar(snapshot, { width: width - 1 })}\x1b[K${final ? '\n' : ''}`);
      return;
    }
    if (mode !== 'lines') return;
    const tenth = snapshot.total === 0 ? 10 : Math.floor((snapshot.done / snapshot.total) * 10);
    if (final || tenth !== lastTenth || Date.now() - lastLineWallMs >= 15_000) {
      lastTenth = tenth;
      lastLineWallMs = Date.now();
      io.stderr(`${renderProgressLine(snapshot)}\n`);
    }
  };
  // Warnings worth seeing as they happen; the run log has them all.
  const names = new Map<number, string>();
  const warnings = {
    emit(event: BatchEvent) {
      if (mode === 'none') return;
      if (event.type === 'item.start') names.set(event.item, event.name);
      else if (event.type === 'attempt.slow') io.stderr(`${mode === 'bar' ? '\r\x1b[K' : ''}warning: ${names.get(event.item) ?? `item ${event.item}`}: request ${event.attempt} still running after ${formatDurationMs(event.elapsedMs)}\n`);
      else if (event.type === 'circuit.open') io.stderr(`${mode === 'bar' ? '\r\x1b[K' : ''}warning: ${event.domain}: ${event.consecutiveTimeouts} timeouts in a row, skipping its remaining machines\n`);
    },
  };
  const timer = mode === 'none' ? null : setInterval(() => draw(false), mode === 'bar' ? 250 : 1000);
  try {
    return await batch.run({ signal, events: warnings });
  } finally {
    if (timer) clearInterval(timer);
    draw(true);
  }
}

/** `through <scrapfly>`, `fetching the pages directly`, or both for a ladder that has both. */
function describeRoute(policy: Policy, scrapflyUrl: string, directBaseUrl: string | null): string {
  const direct = policy.tiers.some(isDirectTier) ? `fetching the pages directly${directBaseUrl ? ` (through ${directBaseUrl})` : ''}` : null;
  if (!usesScrapfly(policy)) return direct as string;
  return direct === null ? `through ${scrapflyUrl}` : `${direct}, then through ${scrapflyUrl}`;
}

function describeOutcome(outcome: LiveBatchOutcome, io: CliIo): string {
  const { counts } = outcome;
  const lines = [
    `batch ${outcome.batchId} ${outcome.status} (${outcome.done}/${outcome.total} machines have a result; this run took ${formatDurationMs(outcome.makespanMs)}): ` +
      `${counts.priced} priced (${outcome.flagged} flagged for review), ${counts.failed} failed, ${counts.timedOut} timed out, ${counts.skipped} skipped`,
  ];
  if (outcome.error) lines.push(`error: ${outcome.error}`);
  if (outcome.report) lines.push(`report: ${showPath(outcome.report.dir, io.cwd)}`);
  if (outcome.status !== 'completed' && outcome.done < outcome.total) lines.push(`resume with: batchscope run --resume ${outcome.batchId}`);
  if (outcome.flagged > 0) lines.push('review flagged prices with: batchscope review');
  return `${lines.join('\n')}\n`;
}
