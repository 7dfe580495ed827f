/**
 * Imports machines into the store, matching them by their normalized URL (normalizeProductUrl):
 * new ones are inserted with the URL as written; known ones are renamed when the name changed, and
 * their price is set when the store has none. A known price that differs from the file's is
 * updated only with `updatePrices` (and recorded in the price history, source `import`); otherwise
 * the import says it kept it. Every difference is reported. One transaction: all or nothing;
 * `dryRun` rolls it back after computing the report.
 */
import { domainOfUrl } from './machine-store.js';
import type { MachineInput } from './machine-store.js';
import { normalizeProductUrl } from './normalize-product-url.js';
import type { PrepareStatement } from './statement-cache.js';
import type { SqliteDatabase } from './store-schema.js';

/** One difference an import found for a machine already in the store. */
export type ImportChange =
  | { kind: 'renamed'; machineId: number; from: string; to: string }
  | { kind: 'price-set'; machineId: number; name: string; price: number; currency: string | null }
  | { kind: 'price-updated'; machineId: number; name: string; from: number; fromCurrency: string | null; to: number; toCurrency: string | null }
  | { kind: 'price-kept'; machineId: number; name: string; stored: number; storedCurrency: string | null; file: number; fileCurrency: string | null }
  | { kind: 'url-matched'; machineId: number; name: string; storedUrl: string; fileUrl: string }
  | { kind: 'ambiguous'; machineIds: number[]; key: string };

export interface ImportReport {
  /** Machines in the file. */
  total: number;
  inserted: number;
  renamed: number;
  /** Known prices changed (only with `updatePrices`). */
  pricesUpdated: number;
  /** Prices given for machines that had none. */
  pricesSet: number;
  /** Known prices that differ from the file's and were kept (without `updatePrices`). */
  pricesKept: number;
  /** Machines of the file that changed nothing. */
  unchanged: number;
  /** The differences with known machines, in file order. */
  changes: ImportChange[];
  /** True when nothing was written (`dryRun`). */
  dryRun: boolean;
}

class DryRunRollback extends Error {}

/** Runs the import on `db` (statements through `prepare`). `nowMs` stamps new machines and history rows. */
export function importMachines(db: SqliteDatabase, prepare: PrepareStatement, inputs: readonly MachineInput[], options: { nowMs: number; updatePrices?: boolean; dryRun?: boolean }): ImportReport {
  const find = prepare<[string], { id: number; name: string; url: string; current_price: number | null; currency: string | null }>('SELECT id, name, url, current_price, currency FROM machines WHERE url_key = ? ORDER BY id');
  const insert = prepare('INSERT INTO machines (name, url, url_key, domain, current_price, currency, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const rename = prepare('UPDATE machines SET name = ? WHERE id = ?');
  const setPrice = prepare('UPDATE machines SET current_price = ?, currency = ? WHERE id = ?');
  const history = prepare(
    "INSERT INTO price_history (machine_id, batch_id, price, currency, previous_price, previous_currency, change_ratio, status, source, checked_ms) VALUES (?, NULL, ?, ?, ?, ?, ?, 'applied', 'import', ?)",
  );
  const report: ImportReport = { total: inputs.length, inserted: 0, renamed: 0, pricesUpdated: 0, pricesSet: 0, pricesKept: 0, unchanged: 0, changes: [], dryRun: options.dryRun === true };
  const run = db.transaction(() => {
    for (const input of inputs) {
      const url = input.url.trim();
      const key = normalizeProductUrl(url);
      const matches = find.all(key);
      const price = input.price ?? null;
      const currency = price === null ? null : (input.currency ?? null);
      const known = matches[0];
      if (!known) {
        insert.run(input.name, url, key, domainOfUrl(url), price, currency, options.nowMs);
        report.inserted++;
        continue;
      }
      let changed = false;
      if (matches.length > 1) report.changes.push({ kind: 'ambiguous', machineIds: matches.map((m) => m.id), key });
      if (known.url !== url) report.changes.push({ kind: 'url-matched', machineId: known.id, name: input.name, storedUrl: known.url, fileUrl: url });
      if (known.name !== input.name) {
        rename.run(input.name, known.id);
        report.changes.push({ kind: 'renamed', machineId: known.id, from: known.name, to: input.name });
        report.renamed++;
        changed = true;
      }
      if (price !== null) {
        if (known.current_price === null) {
          setPrice.run(price, currency, known.id);
          history.run(known.id, price, currency, null, null, null, options.nowMs);
          report.changes.push({ kind: 'price-set', machineId: known.id, name: input.name, price, currency });
          report.pricesSet++;
          changed = true;
        } else if (known.current_price !== price || (currency !== null && known.currency !== null && known.currency !== currency)) {
          if (options.updatePrices) {
            setPrice.run(price, currency ?? known.currency, known.id);
            const ratio = known.current_price > 0 ? Math.abs(price - known.current_price) / known.current_price : null;
            history.run(known.id, price, currency ?? known.currency, known.current_price, known.currency, ratio, options.nowMs);
            report.changes.push({ kind: 'price-updated', machineId: known.id, name: input.name, from: known.current_price, fromCurrency: known.currency, to: price, toCurrency: currency ?? known.currency });
            report.pricesUpdated++;
            changed = true;
          } else {
            report.changes.push({ kind: 'price-kept', machineId: known.id, name: input.name, stored: known.current_price, storedCurrency: known.currency, file: price, fileCurrency: currency });
            report.pricesKept++;
          }
        }
      }
      if (!changed) report.unchanged++;
    }
    if (options.dryRun) throw new DryRunRollback();
  });
  try {
    run.immediate();
  } catch (error) {
    if (!(error instanceof DryRunRollback)) throw error;
  }
  return report;
}
