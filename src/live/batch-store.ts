/**
 * Batches in the store: the machine list frozen when a batch is created, one result per machine
 * committed the moment its item ends (together with the price it applies or flags), the engine's
 * events as they happen, and the run segments (a batch resumed after a crash or Ctrl-C has
 * several). One batch runs per store at a time: claiming a batch checks, in an IMMEDIATE
 * transaction, that no other batch is running in a live process.
 */
import type { Policy } from '../engine/policy.js';
import type { BatchEvent, ItemOutcome } from '../events/batch-event.js';
import type { RunLogHeader } from '../events/run-log.js';
import type { BatchRecord, BatchRequestRecord, BatchStatus, IsProcessAlive, ResultInput } from './batch-record.js';
import { BatchConflictError, LiveInputError } from './live-errors.js';
import { toMachine, type Machine, type MachineRow } from './machine-store.js';
import { reviewPriceChange, type PriceReview } from './review-price-change.js';
import { createStatementCache, type PrepareStatement } from './statement-cache.js';
import type { SqliteDatabase } from './store-schema.js';

export type { BatchRecord, BatchRequestRecord, BatchStatus, IsProcessAlive, ResultInput } from './batch-record.js';

interface BatchRow {
  id: string;
  status: BatchStatus;
  trigger: string;
  created_ms: number;
  finished_ms: number | null;
  total: number;
  policy_json: string;
  options_json: string;
  owner_pid: number | null;
  report_dir: string | null;
  error: string | null;
}

export class BatchStore {
  constructor(
    private readonly db: SqliteDatabase,
    private readonly isAlive: IsProcessAlive,
  ) {
    this.prepare = createStatementCache(db);
  }

  private readonly prepare: PrepareStatement;

  /**
   * Creates a running batch over `machineIds` (in that order), owned by `pid`. Throws
   * BatchConflictError when another batch runs in a live process; batches left `running` by a
   * dead process become `interrupted` (resumable).
   */
  createBatch(options: { id: string; machineIds: readonly number[]; policy: Policy; request: BatchRequestRecord; nowMs: number; pid: number }): void {
    this.db
      .transaction(() => {
        this.releaseDeadBatches(options.id);
        this.prepare('INSERT INTO batches (id, status, trigger, created_ms, total, policy_json, options_json, owner_pid) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
          .run(options.id, 'running', options.request.trigger, options.nowMs, options.machineIds.length, JSON.stringify(options.policy), JSON.stringify(options.request), options.pid);
        const item = this.prepare('INSERT INTO batch_items (batch_id, position, machine_id) VALUES (?, ?, ?)');
        options.machineIds.forEach((machineId, position) => item.run(options.id, position, machineId));
      })
      .immediate();
  }

  /** Marks a stopped batch running again under `pid`, to resume it. */
  claimForResume(options: { id: string; pid: number }): BatchRecord {
    return this.db
      .transaction(() => {
        const batch = this.getBatch(options.id);
        if (!batch) throw new LiveInputError(`No batch ${options.id} in this store`, 'batch');
        if (batch.status === 'running' && batch.ownerPid !== null && this.isAlive(batch.ownerPid)) throw new BatchConflictError(batch.id);
        this.releaseDeadBatches(options.id);
        if (batch.done >= batch.total) throw new LiveInputError(`Batch ${options.id} is already complete (${batch.done}/${batch.total} machines have a result)`, 'batch');
        this.prepare("UPDATE batches SET status = 'running', owner_pid = ?, finished_ms = NULL, error = NULL WHERE id = ?").run(options.pid, options.id);
        return this.getBatch(options.id) as BatchRecord;
      })
      .immediate();
  }

  /** The batch running in a live process, if any. */
  findRunningBatch(): string | null {
    const rows = this.prepare<[], { id: string; owner_pid: number | null }>("SELECT id, owner_pid FROM batches WHERE status = 'running'").all();
    return rows.find((r) => r.owner_pid !== null && this.isAlive(r.owner_pid))?.id ?? null;
  }

  getBatch(id: string): BatchRecord | null {
    const row = this.prepare<[string], BatchRow>('SELECT * FROM batches WHERE id = ?').get(id);
    return row ? this.toRecord(row) : null;
  }

  /** The most recent batches first. */
  listBatches(limit: number): BatchRecord[] {
    return this.prepare<[number], BatchRow>('SELECT * FROM batches ORDER BY created_ms DESC, id DESC LIMIT ?').all(limit).map((r) => this.toRecord(r));
  }

  /** The batch's machines in batch order; with `remainingOnly`, those without a result yet. */
  batchMachines(id: string, options: { remainingOnly: boolean }): Machine[] {
    const sql = `SELECT m.* FROM batch_items i JOIN machines m ON m.id = i.machine_id
      ${options.remainingOnly ? 'LEFT JOIN batch_results r ON r.batch_id = i.batch_id AND r.machine_id = i.machine_id' : ''}
      WHERE i.batch_id = ? ${options.remainingOnly ? 'AND r.machine_id IS NULL' : ''} ORDER BY i.position`;
    return this.prepare<[string], MachineRow>(sql).all(id).map(toMachine);
  }

  /** Starts a run segment (1 for the first run, 2 for the first resume…) with its run log header. */
  startSegment(options: { batchId: string; header: RunLogHeader; nowMs: number }): number {
    const next = this.prepare<[string], { n: number }>('SELECT COALESCE(MAX(segment), 0) + 1 AS n FROM batch_segments WHERE batch_id = ?').get(options.batchId)?.n ?? 1;
    this.prepare('INSERT INTO batch_segments (batch_id, segment, header_json, started_ms, status) VALUES (?, ?, ?, ?, ?)').run(options.batchId, next, JSON.stringify(options.header), options.nowMs, 'running');
    return next;
  }

  /** Appends events (numbered from `firstSeq`) in one transaction. */
  appendEvents(options: { batchId: string; segment: number; firstSeq: number; events: readonly BatchEvent[] }): void {
    this.#appendTransaction ??= this.db.transaction((args: { batchId: string; segment: number; firstSeq: number; events: readonly BatchEvent[] }) => {
      const insert = this.prepare('INSERT INTO batch_events (batch_id, segment, seq, type, item, at_ms, json) VALUES (?, ?, ?, ?, ?, ?, ?)');
      for (let k = 0; k < args.events.length; k++) {
        const event = args.events[k] as BatchEvent;
        insert.run(args.batchId, args.segment, args.firstSeq + k, event.type, 'item' in event ? event.item : null, Math.round(event.atMs), JSON.stringify(event));
      }
    });
    this.#appendTransaction(options);
  }

  #appendTransaction: ((options: { batchId: string; segment: number; firstSeq: number; events: readonly BatchEvent[] }) => void) | null = null;

  /**
   * Commits one machine's result and what it does to the machine (the price applied, or flagged
   * for review when it changed more than `maxChangeRatio`), atomically. Returns the review of a
   * priced result, else null. A second result for the same machine in a batch is refused.
   */
  commitResult(options: {
    batchId: string;
    segment: number;
    result: ResultInput;
    maxChangeRatio: number | null;
    source: string | null;
    /** Events to append in the same transaction (one commit per finished item). */
    events?: { firstSeq: number; list: readonly BatchEvent[] };
    /**
     * The wall-clock time of the result, ms since the epoch: what the machine's last check and its
     * price history record (the result's own start and end stay on the run's clock, which a time
     * scale speeds up). Default: the result's end.
     */
    wallMs?: number;
  }): PriceReview | null {
    this.#commitTransaction ??= this.db.transaction((args: Parameters<BatchStore['commitResult']>[0]) => this.commitInTransaction(args));
    return this.#commitTransaction(options);
  }

  #commitTransaction: ((options: Parameters<BatchStore['commitResult']>[0]) => PriceReview | null) | null = null;

  private commitInTransaction(options: Parameters<BatchStore['commitResult']>[0]): PriceReview | null {
    const { batchId, result } = options;
    if (options.events) this.appendEvents({ batchId, segment: options.segment, firstSeq: options.events.firstSeq, events: options.events.list });
    const machine = this.prepare<[number], { current_price: number | null; currency: string | null }>('SELECT current_price, currency FROM machines WHERE id = ?').get(result.machineId);
    if (!machine) throw new LiveInputError(`No machine ${result.machineId} in this store`);
    const endMs = Math.round(result.endMs);
    const wallMs = Math.round(options.wallMs ?? result.endMs);
    let review: PriceReview | null = null;
    let price = machine.current_price;
    let currency = machine.currency;
    let checkedMs: number | null = null;
    if (result.outcome === 'priced' && result.price !== null) {
      review = reviewPriceChange({ previousPrice: machine.current_price, previousCurrency: machine.currency, price: result.price, currency: result.currency, maxChangeRatio: options.maxChangeRatio });
      this.prepare('INSERT INTO price_history (machine_id, batch_id, price, currency, previous_price, previous_currency, change_ratio, status, source, checked_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
        result.machineId,
        batchId,
        result.price,
        result.currency,
        machine.current_price,
        machine.currency,
        review.changeRatio,
        review.status,
        options.source,
        wallMs,
      );
      if (review.status === 'applied') {
        price = result.price;
        currency = result.currency ?? currency;
      }
      checkedMs = wallMs;
    }
    this.prepare('UPDATE machines SET current_price = ?, currency = ?, last_checked_ms = COALESCE(?, last_checked_ms), last_attempt_ms = ?, last_outcome = ? WHERE id = ?').run(price, currency, checkedMs, wallMs, result.outcome, result.machineId);
    this.prepare('INSERT INTO batch_results (batch_id, machine_id, segment, outcome, price, currency, reason, error_code, attempts, tier, started_ms, ended_ms, review) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
      batchId,
      result.machineId,
      options.segment,
      result.outcome,
      result.price,
      result.currency,
      result.reason,
      result.errorCode,
      result.attempts,
      result.tier,
      result.startMs === null ? null : Math.round(result.startMs),
      endMs,
      review?.status ?? null,
    );
    return review;
  }

  /** Ends a segment and sets the batch's status. */
  finishSegment(options: { batchId: string; segment: number; status: BatchStatus; nowMs: number; error?: string | null; reportDir?: string | null }): void {
    this.db.transaction(() => {
      this.prepare('UPDATE batch_segments SET ended_ms = ?, status = ? WHERE batch_id = ? AND segment = ?').run(options.nowMs, options.status, options.batchId, options.segment);
      this.prepare('UPDATE batches SET status = ?, finished_ms = ?, error = ?, report_dir = COALESCE(?, report_dir) WHERE id = ?')
        .run(options.status, options.status === 'running' ? null : options.nowMs, options.error ?? null, options.reportDir ?? null, options.batchId);
    })();
  }

  /** The events of a segment in order, and its run log header. */
  readSegment(options: { batchId: string; segment: number }): { header: RunLogHeader; events: BatchEvent[] } | null {
    const row = this.prepare<[string, number], { header_json: string }>('SELECT header_json FROM batch_segments WHERE batch_id = ? AND segment = ?').get(options.batchId, options.segment);
    if (!row) return null;
    const events = this.prepare<[string, number], { json: string }>('SELECT json FROM batch_events WHERE batch_id = ? AND segment = ? ORDER BY seq')
      .all(options.batchId, options.segment)
      .map((r) => JSON.parse(r.json) as BatchEvent);
    return { header: JSON.parse(row.header_json) as RunLogHeader, events };
  }

  /** Every result of the batch, in batch order. */
  listResults(batchId: string): Array<ResultInput & { name: string; review: string | null; segment: number }> {
    return this.prepare<[string], Record<string, unknown>>(
        `SELECT r.*, m.name FROM batch_results r JOIN batch_items i ON i.batch_id = r.batch_id AND i.machine_id = r.machine_id
         JOIN machines m ON m.id = r.machine_id WHERE r.batch_id = ? ORDER BY i.position`,
      )
      .all(batchId)
      .map((r) => ({
        machineId: r['machine_id'] as number,
        name: r['name'] as string,
        segment: r['segment'] as number,
        outcome: r['outcome'] as ItemOutcome,
        price: (r['price'] as number | null) ?? null,
        currency: (r['currency'] as string | null) ?? null,
        reason: (r['reason'] as string | null) ?? null,
        errorCode: (r['error_code'] as string | null) ?? null,
        attempts: r['attempts'] as number,
        tier: r['tier'] as number,
        startMs: (r['started_ms'] as number | null) ?? null,
        endMs: r['ended_ms'] as number,
        review: (r['review'] as string | null) ?? null,
      }));
  }

  /** Refuses when another batch runs in a live process; marks batches of dead processes interrupted. */
  private releaseDeadBatches(exceptId: string): void {
    const rows = this.prepare<[], { id: string; owner_pid: number | null }>("SELECT id, owner_pid FROM batches WHERE status = 'running'").all();
    for (const row of rows) {
      if (row.id === exceptId) continue;
      if (row.owner_pid !== null && this.isAlive(row.owner_pid)) throw new BatchConflictError(row.id);
      this.prepare("UPDATE batches SET status = 'interrupted' WHERE id = ?").run(row.id);
      this.prepare("UPDATE batch_segments SET status = 'interrupted' WHERE batch_id = ? AND status = 'running'").run(row.id);
    }
  }

  private toRecord(row: BatchRow): BatchRecord {
    const counts = { priced: 0, failed: 0, timedOut: 0, skipped: 0 };
    let flagged = 0;
    for (const r of this.prepare<[string], { outcome: string; review: string | null; n: number }>('SELECT outcome, review, COUNT(*) AS n FROM batch_results WHERE batch_id = ? GROUP BY outcome, review').all(row.id)) {
      if (r.outcome === 'priced') counts.priced += r.n;
      else if (r.outcome === 'failed') counts.failed += r.n;
      else if (r.outcome === 'timed-out') counts.timedOut += r.n;
      else counts.skipped += r.n;
      if (r.review === 'flagged') flagged += r.n;
    }
    const segments = this.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM batch_segments WHERE batch_id = ?').get(row.id)?.n ?? 0;
    // A batch left running by a process that is gone was interrupted (a crash or SIGKILL).
    const status = row.status === 'running' && (row.owner_pid === null || !this.isAlive(row.owner_pid)) ? 'interrupted' : row.status;
    return {
      id: row.id,
      status,
      request: JSON.parse(row.options_json) as BatchRequestRecord,
      createdMs: row.created_ms,
      finishedMs: row.finished_ms,
      total: row.total,
      policy: JSON.parse(row.policy_json) as Policy,
      ownerPid: row.owner_pid,
      reportDir: row.report_dir,
      error: row.error,
      done: counts.priced + counts.failed + counts.timedOut + counts.skipped,
      counts,
      flagged,
      segments,
    };
  }
}
