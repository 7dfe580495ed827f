/**
 * `batches [id]`: the store's batches, newest first (id, status, started, progress and outcome
 * counts, whether `run --resume` can finish it), or one batch in full. Read-only: a store that
 * does not exist is refused rather than created.
 */
import type { Argv } from 'yargs';
import { UsageError } from '../../errors.js';
import type { BatchRecord } from '../../live/batch-record.js';
import { openStore } from '../../live/open-store.js';
import { renderTextTable } from '../../report/render-text-table.js';
import { formatDurationMs } from '../../units/duration.js';
import type { CliIo } from '../cli-io.js';
import { NUMBER_OPTION, readNumberOption } from '../read-number-option.js';
import { describeStoreOption, readStorePath, requireExistingStore } from './live-setup.js';

export interface BatchesOptions {
  store: string;
  id: string | null;
  limit: number;
  json: boolean;
}

export function describeBatches(y: Argv): Argv {
  return describeStoreOption(y, { creates: false })
    .positional('id', { type: 'string', describe: 'Show this batch in full' })
    .option('limit', { ...NUMBER_OPTION, default: 50, describe: 'List at most this many batches (newest first)' })
    .option('json', { type: 'boolean', default: false, describe: 'Print the batches as JSON' });
}

export function readBatchesOptions(argv: Record<string, unknown>, io: CliIo): BatchesOptions {
  const limit = readNumberOption(argv['limit'], '--limit', { min: 1, max: 100_000, integer: true }) ?? 50;
  const id = argv['id'];
  return { store: readStorePath(argv, io), id: typeof id === 'string' && id !== '' ? id : null, limit, json: Boolean(argv['json']) };
}

/** Whether `run --resume` can finish the batch: it stopped before every machine had a result. */
export function isResumable(batch: BatchRecord): boolean {
  return (batch.status === 'cancelled' || batch.status === 'interrupted' || batch.status === 'failed') && batch.done < batch.total;
}

export async function runBatchesCommand(options: BatchesOptions, io: CliIo): Promise<number> {
  requireExistingStore(options.store);
  const store = openStore({ path: options.store });
  try {
    if (options.id !== null) {
      const batch = store.batches.getBatch(options.id);
      if (!batch) throw new UsageError(`no batch ${options.id} in ${options.store}`);
      io.stdout(options.json ? `${JSON.stringify(describeJson(batch))}\n` : `${describeOne(batch)}\n`);
      return 0;
    }
    const batches = store.batches.listBatches(options.limit);
    if (options.json) {
      io.stdout(`${JSON.stringify(batches.map(describeJson))}\n`);
      return 0;
    }
    if (batches.length === 0) {
      io.stdout(`no batch in ${options.store}\n`);
      return 0;
    }
    const rows = batches.map((b) => [b.id, b.status, new Date(b.createdMs).toISOString().slice(0, 19).replace('T', ' '), `${b.done}/${b.total}`, String(b.counts.priced), String(b.counts.failed), String(b.counts.timedOut), String(b.counts.skipped), isResumable(b) ? 'yes' : 'no']);
    io.stdout(`${renderTextTable({ header: ['batch', 'status', 'started (UTC)', 'done', 'priced', 'failed', 'timed out', 'skipped', 'resumable'], rows, align: ['l', 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'l'] })}\n`);
    const waiting = batches.filter(isResumable);
    if (waiting.length > 0) io.stdout(`resume with: batchscope run --resume ${waiting[0]!.id}${waiting.length > 1 ? ` (and ${waiting.length - 1} more)` : ''}\n`);
    return 0;
  } finally {
    store.close();
  }
}

function describeJson(b: BatchRecord): Record<string, unknown> {
  return { id: b.id, status: b.status, createdMs: b.createdMs, finishedMs: b.finishedMs, total: b.total, done: b.done, counts: b.counts, flagged: b.flagged, segments: b.segments, error: b.error, reportDir: b.reportDir, resumable: isResumable(b), policy: b.policy.name };
}

function describeOne(b: BatchRecord): string {
  const lines = [
    `batch ${b.id}: ${b.status}${isResumable(b) ? ` (resumable: batchscope run --resume ${b.id})` : ''}`,
    `  started   ${new Date(b.createdMs).toISOString()}${b.finishedMs !== null ? ` · ended ${new Date(b.finishedMs).toISOString()} (${formatDurationMs(b.finishedMs - b.createdMs)})` : ''}`,
    `  machines  ${b.done}/${b.total} with a result: ${b.counts.priced} priced · ${b.counts.failed} failed · ${b.counts.timedOut} timed out · ${b.counts.skipped} skipped · ${b.flagged} flagged for review`,
    `  policy    ${b.policy.name} (${b.policy.workers} workers) · ${b.segments} segment${b.segments === 1 ? '' : 's'}`,
  ];
  if (b.error) lines.push(`  error     ${b.error}`);
  if (b.reportDir) lines.push(`  report    ${b.reportDir}`);
  return lines.join('\n');
}
