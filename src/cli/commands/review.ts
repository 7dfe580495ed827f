/**
 * `review`: the price changes flagged for review (a change above the threshold, or of currency) as
 * a table whose `id` column is what `--approve <id>` / `--reject <id>` take. Several of them are
 * checked first and settled in one transaction, or none is. Approving applies the price.
 */
import type { Argv } from 'yargs';
import { UsageError } from '../../errors.js';
import type { FlaggedPrice } from '../../live/machine-store.js';
import { openStore } from '../../live/open-store.js';
import { renderTextTable } from '../../report/render-text-table.js';
import type { CliIo } from '../cli-io.js';
import { readStorePath, requireExistingStore } from './live-setup.js';

export interface ReviewOptions {
  store: string;
  approve: number[];
  reject: number[];
  json: boolean;
}

export function describeReview(y: Argv): Argv {
  return y
    .option('store', { type: 'string', describe: 'The SQLite store (default: $BATCHSCOPE_STORE or ./batchscope.db); it must exist (import creates it)' })
    // Strings, so that a refusal can quote what was given (a number option turns "abc" into NaN).
    .option('approve', { type: 'string', array: true, describe: 'Apply the flagged price change with this id (the id column of the list; repeatable)' })
    .option('reject', { type: 'string', array: true, describe: 'Discard the flagged price change with this id (repeatable); several ids are settled together or not at all' })
    .option('json', { type: 'boolean', default: false, describe: 'Print the flagged changes as JSON' });
}

export function readReviewOptions(argv: Record<string, unknown>, io: CliIo): ReviewOptions {
  const ids = (name: string): number[] =>
    ((argv[name] as unknown[] | undefined) ?? []).map((v) => {
      const text = String(v).trim();
      if (!/^[1-9]\d*$/.test(text) || !Number.isSafeInteger(Number(text))) throw new UsageError(`--${name} must be the id of a flagged change, got ${JSON.stringify(String(v))}`);
      return Number(text);
    });
  const store = readStorePath(argv, io);
  requireExistingStore(store);
  return { store, approve: ids('approve'), reject: ids('reject'), json: Boolean(argv['json']) };
}

export async function runReviewCommand(options: ReviewOptions, io: CliIo): Promise<number> {
  const store = openStore({ path: options.store });
  try {
    if (options.approve.length > 0 || options.reject.length > 0) {
      // All checked first and settled in one transaction: a bad id changes nothing.
      store.machines.resolveFlaggedMany({ approve: options.approve, reject: options.reject, nowMs: Date.now() });
      for (const id of options.approve) io.stdout(`approved change ${id}\n`);
      for (const id of options.reject) io.stdout(`rejected change ${id}\n`);
      return 0;
    }
    const flagged = store.machines.listFlagged();
    if (options.json) {
      io.stdout(`${JSON.stringify(flagged)}\n`);
      return 0;
    }
    if (flagged.length === 0) {
      io.stdout('no price change waits for review\n');
      return 0;
    }
    io.stdout(`${renderReviewQueue(flagged)}\n`);
    io.stdout('approve with --approve <id>, discard with --reject <id> (the id column; repeat either to settle several at once, all or none)\n');
    return 0;
  } finally {
    store.close();
  }
}

/** The review queue as a table; its first column is the id `--approve` and `--reject` take. */
export function renderReviewQueue(flagged: readonly FlaggedPrice[]): string {
  const money = (price: number | null, currency: string | null) => (price === null ? '?' : `${price}${currency ? ` ${currency}` : ''}`);
  const rows = flagged.map((f) => [
    String(f.historyId),
    String(f.machineId),
    f.name,
    money(f.previousPrice, f.previousCurrency),
    money(f.price, f.currency),
    f.changeRatio === null ? '' : `${f.price >= (f.previousPrice ?? 0) ? '+' : '-'}${(f.changeRatio * 100).toFixed(1)}%`,
    f.batchId ?? '-',
    new Date(f.checkedMs).toISOString().slice(0, 16).replace('T', ' '),
  ]);
  return renderTextTable({ header: ['id', 'machine', 'name', 'stored price', 'new price', 'change', 'batch', 'read at (UTC)'], rows, align: ['r', 'r', 'l', 'r', 'r', 'r', 'l', 'l'] });
}
