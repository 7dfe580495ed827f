/** `import <file>`: adds machines to the store from a JSON or CSV file (matched by URL). */
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { ImportError } from '../../live/live-errors.js';
import { openStore } from '../../live/open-store.js';
import { parseMachinesFile } from '../../live/parse-machines-file.js';
import type { CliIo } from '../cli-io.js';
import { describeStoreOption, readStorePath, showPath } from './live-setup.js';

export interface ImportOptions {
  file: string;
  store: string;
  format: 'json' | 'csv' | null;
}

export function describeImport(y: Argv): Argv {
  return describeStoreOption(
    y
      .positional('file', { type: 'string', describe: 'Machines file: JSON [{name, url, price?, currency?}] or CSV with a header row name,url,price,currency', demandOption: true })
      .option('format', { choices: ['json', 'csv'] as const, describe: 'File format (default: from the extension or the content)' }),
  );
}

export function readImportOptions(argv: Record<string, unknown>, io: Pick<CliIo, 'env' | 'cwd'>): ImportOptions {
  const format = argv['format'];
  return { file: String(argv['file']), store: readStorePath(argv, io), format: format === 'json' || format === 'csv' ? format : null };
}

/** Imports the file into the store in one transaction. Returns the exit code. */
export async function runImportCommand(options: ImportOptions, io: CliIo): Promise<number> {
  const absolute = resolve(io.cwd, options.file);
  const shown = relative(io.cwd, absolute) || options.file;
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ImportError(`Failed to import ${shown}: cannot read the file (${code === 'ENOENT' ? 'no such file' : code ?? String(error)})`);
  }
  const machines = parseMachinesFile({ text, source: shown, format: options.format ?? undefined });
  const store = openStore({ path: options.store });
  try {
    const { inserted, updated } = store.machines.upsertMachines(machines, Date.now());
    const total = store.machines.listMachines().length;
    io.stdout(`imported ${machines.length} machines from ${shown}: ${inserted} new, ${updated} renamed, ${machines.length - inserted - updated} unchanged; the store ${showPath(options.store, io.cwd)} holds ${total}\n`);
    return 0;
  } finally {
    store.close();
  }
}
