/**
 * `import <file>`: adds machines to the store from a JSON or CSV file, matched by normalized URL.
 * Reports what changed for machines already in the store; known prices change only with
 * `--update-prices`; `--dry-run` shows the report without writing (nor creating the store).
 */
import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { Argv } from 'yargs';
import type { ImportChange, ImportReport } from '../../live/import-machines.js';
import { ImportError } from '../../live/live-errors.js';
import { describeFileError } from '../../node/describe-file-error.js';
import { openStore } from '../../live/open-store.js';
import { parseMachinesFile } from '../../live/parse-machines-file.js';
import type { CliIo } from '../cli-io.js';
import { describeStoreOption, readStorePath, showPath } from './live-setup.js';

export interface ImportOptions {
  file: string;
  store: string;
  format: 'json' | 'csv' | null;
  /** Replace known prices that differ from the file's (default: keep them and say so). */
  updatePrices: boolean;
  dryRun: boolean;
  json: boolean;
}

export function describeImport(y: Argv): Argv {
  return describeStoreOption(
    y
      .positional('file', { type: 'string', describe: 'Machines file: JSON [{name, url, price?, currency?}] or CSV with a header row name,url,price,currency', demandOption: true })
      .option('format', { choices: ['json', 'csv'] as const, describe: 'File format (default: from the extension or the content)' })
      .option('update-prices', { type: 'boolean', default: false, describe: "Replace the store's known prices with the file's where they differ (default: keep them and list them)" })
      .option('dry-run', { type: 'boolean', default: false, describe: 'Show what the import would change without writing anything' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the report as one JSON object' })
      .epilogue(
        'Machines are matched by URL after normalization (scheme and host case, default ports, trailing slash, fragment, tracking parameters such as utm_*, gclid, fbclid); ' +
          'a machine keeps the URL it was first imported with. Known machines are renamed when the file names them differently.',
      ),
    { creates: true },
  );
}

export function readImportOptions(argv: Record<string, unknown>, io: Pick<CliIo, 'env' | 'cwd'>): ImportOptions {
  const format = argv['format'];
  return {
    file: String(argv['file']),
    store: readStorePath(argv, io),
    format: format === 'json' || format === 'csv' ? format : null,
    updatePrices: argv['update-prices'] === true,
    dryRun: argv['dry-run'] === true,
    json: argv['json'] === true,
  };
}

/** Imports the file into the store in one transaction. Returns the exit code. */
export async function runImportCommand(options: ImportOptions, io: CliIo): Promise<number> {
  const absolute = resolve(io.cwd, options.file);
  const shown = relative(io.cwd, absolute) || options.file;
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    throw new ImportError(`Failed to import ${shown}: cannot read the file: ${describeFileError(error)}`);
  }
  const machines = parseMachinesFile({ text, source: shown, format: options.format ?? undefined });
  const storeExists = options.store === ':memory:' || existsSync(options.store);
  // A dry run creates no store: a missing one is compared as an empty one, in memory.
  const store = openStore({ path: options.dryRun && !storeExists ? ':memory:' : options.store });
  try {
    const report = store.machines.importMachines(machines, { nowMs: Date.now(), updatePrices: options.updatePrices, dryRun: options.dryRun });
    const total = store.machines.listMachines().length;
    if (options.json) {
      io.stdout(`${JSON.stringify({ file: shown, store: showPath(options.store, io.cwd), ...report, storeTotal: total, storeExists: storeExists || !options.dryRun })}\n`);
      return 0;
    }
    io.stdout(renderImportReport(report, { file: shown, store: showPath(options.store, io.cwd), storeTotal: total, storeExists: storeExists || !options.dryRun }));
    return 0;
  } finally {
    store.close();
  }
}

/** The summary line, one line per difference with a known machine, and the hint for kept prices. */
export function renderImportReport(report: ImportReport, options: { file: string; store: string; storeTotal: number; storeExists?: boolean }): string {
  const counts = [`${report.inserted} new`, `${report.renamed} renamed`];
  if (report.pricesSet > 0) counts.push(`${report.pricesSet} ${report.pricesSet === 1 ? 'price' : 'prices'} added`);
  if (report.pricesUpdated > 0) counts.push(`${report.pricesUpdated} ${report.pricesUpdated === 1 ? 'price' : 'prices'} updated`);
  if (report.pricesKept > 0) counts.push(`${report.pricesKept} ${report.pricesKept === 1 ? 'price differs' : 'prices differ'} (kept)`);
  counts.push(`${report.unchanged} unchanged`);
  const verb = report.dryRun ? 'would import' : 'imported';
  const holds = options.storeExists === false ? `there is no store ${options.store} yet` : `the store ${options.store} holds ${options.storeTotal}`;
  const tail = report.dryRun ? `nothing written (--dry-run); ${holds}` : holds;
  const lines = [`${verb} ${report.total} machines from ${options.file}: ${counts.join(', ')}; ${tail}`];
  for (const change of report.changes) lines.push(`  ${describeChange(change)}`);
  if (report.pricesKept > 0) lines.push(`known prices were kept; pass --update-prices to replace them with the file's`);
  return `${lines.join('\n')}\n`;
}

function describeChange(change: ImportChange): string {
  const money = (price: number, currency: string | null) => `${price}${currency ? ` ${currency}` : ''}`;
  switch (change.kind) {
    case 'renamed':
      return `renamed   machine ${change.machineId}: ${JSON.stringify(change.from)} → ${JSON.stringify(change.to)}`;
    case 'price-set':
      return `price     machine ${change.machineId} (${change.name}): none → ${money(change.price, change.currency)}`;
    case 'price-updated':
      return `price     machine ${change.machineId} (${change.name}): ${money(change.from, change.fromCurrency)} → ${money(change.to, change.toCurrency)}`;
    case 'price-kept':
      return `price     machine ${change.machineId} (${change.name}): kept ${money(change.stored, change.storedCurrency)}, the file says ${money(change.file, change.fileCurrency)}`;
    case 'url-matched':
      return `matched   machine ${change.machineId} (${change.name}): ${change.fileUrl} is ${change.storedUrl} once normalized`;
    case 'ambiguous':
      return `warning   machines ${change.machineIds.join(', ')} share the normalized URL ${change.key} (imported apart by an older version): matched ${change.machineIds[0]}; merge them by hand`;
  }
}
