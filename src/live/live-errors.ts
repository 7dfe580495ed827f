/**
 * Errors of live batches, in the project's one hierarchy (every class extends BatchscopeError and
 * carries a `code`). None of them ever holds the Scrapfly API key.
 */
import { BatchscopeError } from '../errors.js';

/** The store cannot be opened, read or written. */
export class StoreError extends BatchscopeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('STORE', message, options);
  }
}

/** Another batch is already running on this store (the API answers 409). */
export class BatchConflictError extends BatchscopeError {
  readonly runningBatchId: string;

  constructor(runningBatchId: string) {
    super('BATCH_CONFLICT', `Batch ${runningBatchId} is already running on this store; one batch at a time`);
    this.runningBatchId = runningBatchId;
  }
}

/** Input that names something the store does not have, or a value it cannot take. */
export class LiveInputError extends BatchscopeError {
  /** The field at fault, e.g. `machine_ids` or `--limit`, when there is one. */
  readonly field: string | null;

  constructor(message: string, field: string | null = null) {
    super('LIVE_INPUT', message);
    this.field = field;
  }
}

/** A machines file (JSON or CSV) that does not validate; the message names the file, line or entry, and field. */
export class ImportError extends BatchscopeError {
  constructor(message: string) {
    super('IMPORT_INVALID', message);
  }
}

/** Scrapfly refused the key or cannot be reached before a batch starts. */
export class ScrapflyUnavailableError extends BatchscopeError {
  constructor(message: string) {
    super('SCRAPFLY_UNAVAILABLE', message);
  }
}
