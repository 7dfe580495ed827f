/**
 * `review`: the price changes flagged for review (a change above the threshold, or of currency),
 * and `--approve <id>` / `--reject <id>` to settle one. Approving applies the price.
 */
import type { Argv } from 'yargs';
import { UsageError } from '../../errors.js';
import { openStore } from '../../live/open-store.js';
import type { CliIo } from '../cli-io.js';
import { describeStoreOption, readStorePath } from './live-setup.js';

export interface ReviewOptions {
  store: string;
  approve: number[];
  reject: number[];
  json: boolean;
}

export function describeReview(y: Argv): Argv {
  return describeStoreOption(y)
    .option('approve', { type: 'number', array: true, describe: 'Apply the flagged price change with this id (repeatable)' })
    .option('reject', { type: 'number', array: true, describe: 'Discard the flagged price change with this id (repeatable)' })
    .option('json', { type: 'boolean', default: false, describe: 'Print the flagged changes as JSON' });
}

export function readReviewOptions(argv: Record<string, unknown>, io: CliIo): ReviewOptions {
  const ids = (name: string): number[] =>
    ((argv[name] as unknown[] | undefined) ?? []).map((v) => {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new UsageError(`--${name} must be the id of a flagged change, got ${String(v)}`);
      return v;
    });
  return { store: readStorePath(argv, io), approve: ids('approve'), reject: ids('reject'), json: Boolean(argv['json']) };
}

export async function runReviewCommand(options: ReviewOptions, io: CliIo): Promise<number> {
  const store = openStore({ path: options.store });
  try {
    for (const id of options.approve) {
      store.machines.resolveFlagged({ historyId: id, approve: true, nowMs: Date.now() });
      io.stdout(`approved change ${id}\n`);
    }
    for (const id of options.reject) {
      store.machines.resolveFlagged({ historyId: id, approve: false, nowMs: Date.now() });
      io.stdout(`rejected change ${id}\n`);
    }
    if (options.approve.length > 0 || options.reject.length > 0) return 0;
    const flagged = store.machines.listFlagged();
    if (options.json) {
      io.stdout(`${JSON.stringify(flagged)}\n`);
      return 0;
    }
    if (flagged.length === 0) {
      io.stdout('no price change waits for review\n');
      return 0;
    }
    for (const f of flagged) {
      const change = f.changeRatio === null ? '' : ` (${f.changeRatio >= 0 && f.price >= (f.previousPrice ?? 0) ? '+' : '-'}${(f.changeRatio * 100).toFixed(1)}%)`;
      io.stdout(`${f.historyId}  ${f.name} (machine ${f.machineId}): ${f.previousPrice ?? '?'} ${f.previousCurrency ?? ''} → ${f.price} ${f.currency ?? ''}${change}, batch ${f.batchId ?? '-'}\n`);
    }
    io.stdout('approve with --approve <id>, discard with --reject <id>\n');
    return 0;
  } finally {
    store.close();
  }
}
