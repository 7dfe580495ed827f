/**
 * The machines of the store: import (matched by normalized URL), selection for a batch the way the existing
 * endpoint selects (`days_threshold`, `limit`, explicit ids), and the review queue of flagged
 * price changes. Times are milliseconds since the epoch.
 */
import { importMachines, type ImportReport } from './import-machines.js';
import { LiveInputError } from './live-errors.js';
import { createStatementCache, type PrepareStatement } from './statement-cache.js';
import type { SqliteDatabase } from './store-schema.js';

/** One machine as stored. */
export interface Machine {
  id: number;
  name: string;
  url: string;
  domain: string;
  currentPrice: number | null;
  currency: string | null;
  /** When the price was last read successfully, or null. */
  lastCheckedMs: number | null;
  lastAttemptMs: number | null;
  lastOutcome: string | null;
}

/** A machine to import. */
export interface MachineInput {
  name: string;
  url: string;
  /** The known price: stored for new machines and machines without one; replaces a known one only with `--update-prices`. */
  price?: number | null;
  currency?: string | null;
}

/** Which machines a batch prices. */
export interface MachineSelection {
  /** Machines whose price was not read for at least this many days (0: all); null: no filter. */
  daysThreshold: number | null;
  /** At most this many (the least recently checked first); null: no limit. */
  limit: number | null;
  /** Only these ids; null: any. Unknown ids are an error. */
  ids: number[] | null;
}

/** A flagged price change waiting for review. */
export interface FlaggedPrice {
  historyId: number;
  machineId: number;
  name: string;
  batchId: string | null;
  price: number;
  currency: string | null;
  previousPrice: number | null;
  previousCurrency: string | null;
  changeRatio: number | null;
  checkedMs: number;
}

const DAY_MS = 86_400_000;

/** A row of the `machines` table. */
export interface MachineRow {
  id: number;
  name: string;
  url: string;
  domain: string;
  current_price: number | null;
  currency: string | null;
  last_checked_ms: number | null;
  last_attempt_ms: number | null;
  last_outcome: string | null;
}

/** A machines row as a Machine. */
export function toMachine(row: MachineRow): Machine {
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    domain: row.domain,
    currentPrice: row.current_price,
    currency: row.currency,
    lastCheckedMs: row.last_checked_ms,
    lastAttemptMs: row.last_attempt_ms,
    lastOutcome: row.last_outcome,
  };
}

/** The site of a product URL: its host without a leading `www.`. */
export function domainOfUrl(url: string): string {
  return new URL(url).hostname.toLowerCase().replace(/^www\./, '');
}

export class MachineStore {
  constructor(private readonly db: SqliteDatabase) {
    this.prepare = createStatementCache(db);
  }

  private readonly prepare: PrepareStatement;

  /**
   * Imports machines matched by normalized URL, in one transaction (see importMachines): inserts
   * new ones, renames known ones, sets missing prices and, with `updatePrices`, changed ones.
   */
  importMachines(inputs: readonly MachineInput[], options: { nowMs: number; updatePrices?: boolean; dryRun?: boolean }): ImportReport {
    return importMachines(this.db, this.prepare, inputs, options);
  }

  /** Inserts new machines and renames known ones (matched by normalized URL); prices of known machines are not touched. */
  upsertMachines(inputs: readonly MachineInput[], nowMs: number): { inserted: number; updated: number } {
    const report = this.importMachines(inputs, { nowMs });
    return { inserted: report.inserted, updated: report.renamed + report.pricesSet };
  }

  /** The machines a batch would price, least recently checked first. */
  selectMachines(selection: MachineSelection, nowMs: number): Machine[] {
    const where: string[] = [];
    const params: number[] = [];
    if (selection.ids !== null) {
      const unknown = this.findUnknownIds(selection.ids);
      if (unknown.length > 0) throw new LiveInputError(`machine_ids names machines the store does not have: ${unknown.join(', ')}`, 'machine_ids');
      if (selection.ids.length === 0) return [];
      where.push(`id IN (${selection.ids.map(() => '?').join(',')})`);
      params.push(...selection.ids);
    }
    if (selection.daysThreshold !== null) {
      where.push('(last_checked_ms IS NULL OR last_checked_ms <= ?)');
      params.push(nowMs - selection.daysThreshold * DAY_MS);
    }
    let sql = 'SELECT * FROM machines';
    if (where.length > 0) sql += ` WHERE ${where.join(' AND ')}`;
    sql += ' ORDER BY last_checked_ms IS NOT NULL, last_checked_ms, id';
    if (selection.limit !== null) {
      sql += ' LIMIT ?';
      params.push(selection.limit);
    }
    return this.prepare<number[], MachineRow>(sql).all(...params).map(toMachine);
  }

  /** Every machine, by id. */
  listMachines(): Machine[] {
    return this.prepare<[], MachineRow>('SELECT * FROM machines ORDER BY id').all().map(toMachine);
  }

  /** The machines with these ids, in the order given (unknown ids are left out). */
  getMachines(ids: readonly number[]): Machine[] {
    const get = this.prepare<[number], MachineRow>('SELECT * FROM machines WHERE id = ?');
    const out: Machine[] = [];
    for (const id of ids) {
      const row = get.get(id);
      if (row) out.push(toMachine(row));
    }
    return out;
  }

  /** Price changes waiting for review, oldest first. */
  listFlagged(): FlaggedPrice[] {
    const rows = this.prepare<[], Record<string, unknown>>(
        `SELECT h.id AS history_id, h.machine_id, m.name, h.batch_id, h.price, h.currency, h.previous_price, h.previous_currency, h.change_ratio, h.checked_ms
         FROM price_history h JOIN machines m ON m.id = h.machine_id WHERE h.status = 'flagged' ORDER BY h.checked_ms, h.id`,
      )
      .all();
    return rows.map((r) => ({
      historyId: r['history_id'] as number,
      machineId: r['machine_id'] as number,
      name: r['name'] as string,
      batchId: (r['batch_id'] as string | null) ?? null,
      price: r['price'] as number,
      currency: (r['currency'] as string | null) ?? null,
      previousPrice: (r['previous_price'] as number | null) ?? null,
      previousCurrency: (r['previous_currency'] as string | null) ?? null,
      changeRatio: (r['change_ratio'] as number | null) ?? null,
      checkedMs: r['checked_ms'] as number,
    }));
  }

  /** Approves (applies the price) or rejects one flagged change. */
  resolveFlagged(options: { historyId: number; approve: boolean; nowMs: number }): void {
    this.resolveFlaggedMany({ approve: options.approve ? [options.historyId] : [], reject: options.approve ? [] : [options.historyId], nowMs: options.nowMs });
  }

  /**
   * Approves (applies the prices of) and rejects flagged changes together: every id is checked
   * first, in the transaction that applies them, and either all are settled or none is. Refused,
   * with every problem named: an unknown id, a change not waiting for review, an id given twice or
   * in both lists, two approvals for one machine.
   */
  resolveFlaggedMany(options: { approve: readonly number[]; reject: readonly number[]; nowMs: number }): { approved: number; rejected: number } {
    const get = this.prepare<[number], { id: number; machine_id: number; price: number; currency: string | null; status: string; name: string }>(
      'SELECT h.id, h.machine_id, h.price, h.currency, h.status, m.name FROM price_history h JOIN machines m ON m.id = h.machine_id WHERE h.id = ?',
    );
    const settle = this.prepare('UPDATE price_history SET status = ?, reviewed_ms = ? WHERE id = ?');
    const apply = this.prepare('UPDATE machines SET current_price = ?, currency = ? WHERE id = ?');
    return this.db
      .transaction(() => {
        const problems: string[] = [];
        const seen = new Map<number, 'approve' | 'reject'>();
        const approvedFor = new Map<number, number>();
        const rows = new Map<number, NonNullable<ReturnType<typeof get.get>>>();
        for (const [action, ids] of [['approve', options.approve], ['reject', options.reject]] as const) {
          for (const id of ids) {
            const before = seen.get(id);
            if (before !== undefined) {
              problems.push(before === action ? `change ${id} is named twice` : `change ${id} is both approved and rejected`);
              continue;
            }
            seen.set(id, action);
            const row = get.get(id);
            if (!row) {
              problems.push(`no price change with id ${id}`);
              continue;
            }
            if (row.status !== 'flagged') {
              problems.push(`price change ${id} is not waiting for review (it is ${row.status})`);
              continue;
            }
            rows.set(id, row);
            if (action === 'approve') {
              const other = approvedFor.get(row.machine_id);
              if (other !== undefined) problems.push(`changes ${other} and ${id} are both for machine ${row.machine_id} (${row.name}): approve one, reject the other`);
              approvedFor.set(row.machine_id, id);
            }
          }
        }
        // One id named once: its one problem says it all.
        if (problems.length === 1 && options.approve.length + options.reject.length === 1) throw new LiveInputError(capitalize(problems[0] as string), 'id');
        if (problems.length > 0) throw new LiveInputError(`Nothing was changed: ${problems.join('; ')}`, 'id');
        for (const id of options.approve) {
          const row = rows.get(id)!;
          settle.run('approved', options.nowMs, id);
          apply.run(row.price, row.currency, row.machine_id);
        }
        for (const id of options.reject) settle.run('rejected', options.nowMs, id);
        return { approved: options.approve.length, rejected: options.reject.length };
      })
      .immediate();
  }

  private findUnknownIds(ids: readonly number[]): number[] {
    const exists = this.prepare<[number], { id: number }>('SELECT id FROM machines WHERE id = ?');
    return ids.filter((id) => !exists.get(id));
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
