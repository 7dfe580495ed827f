/**
 * The embedded store's schema (SQLite through better-sqlite3) and how it is opened: created on
 * first use, in WAL mode with `synchronous=NORMAL`, so that every committed transaction survives
 * the process being killed (it is in the WAL file the moment the commit returns). Times are
 * milliseconds since the epoch; prices are in the page's currency.
 */
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { StoreError } from './live-errors.js';
import { describeFileError } from '../node/describe-file-error.js';

export type SqliteDatabase = Database.Database;
export type Statement<P extends unknown[] = unknown[], R = unknown> = Database.Statement<P, R>;

const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS machines (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  url TEXT NOT NULL UNIQUE,
  domain TEXT NOT NULL,
  current_price REAL,
  currency TEXT,
  -- When the price was last read successfully (what days_threshold selects on).
  last_checked_ms INTEGER,
  last_attempt_ms INTEGER,
  last_outcome TEXT,
  created_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS price_history (
  id INTEGER PRIMARY KEY,
  machine_id INTEGER NOT NULL REFERENCES machines(id),
  batch_id TEXT,
  price REAL NOT NULL,
  currency TEXT,
  previous_price REAL,
  previous_currency TEXT,
  change_ratio REAL,
  -- applied, flagged (waiting for review), approved or rejected.
  status TEXT NOT NULL,
  source TEXT,
  checked_ms INTEGER NOT NULL,
  reviewed_ms INTEGER
);
CREATE INDEX IF NOT EXISTS price_history_by_machine ON price_history(machine_id, checked_ms);
CREATE INDEX IF NOT EXISTS price_history_by_status ON price_history(status);
CREATE TABLE IF NOT EXISTS batches (
  id TEXT PRIMARY KEY,
  -- running, completed, cancelled, interrupted or failed.
  status TEXT NOT NULL,
  trigger TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  finished_ms INTEGER,
  total INTEGER NOT NULL,
  policy_json TEXT NOT NULL,
  options_json TEXT NOT NULL,
  owner_pid INTEGER,
  report_dir TEXT,
  error TEXT
);
CREATE TABLE IF NOT EXISTS batch_items (
  batch_id TEXT NOT NULL REFERENCES batches(id),
  position INTEGER NOT NULL,
  machine_id INTEGER NOT NULL REFERENCES machines(id),
  PRIMARY KEY (batch_id, position),
  UNIQUE (batch_id, machine_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS batch_results (
  batch_id TEXT NOT NULL REFERENCES batches(id),
  machine_id INTEGER NOT NULL REFERENCES machines(id),
  segment INTEGER NOT NULL,
  outcome TEXT NOT NULL,
  price REAL,
  currency TEXT,
  reason TEXT,
  error_code TEXT,
  attempts INTEGER NOT NULL,
  tier INTEGER NOT NULL,
  started_ms INTEGER,
  ended_ms INTEGER NOT NULL,
  -- For priced items: applied or flagged.
  review TEXT,
  PRIMARY KEY (batch_id, machine_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS batch_segments (
  batch_id TEXT NOT NULL REFERENCES batches(id),
  segment INTEGER NOT NULL,
  header_json TEXT NOT NULL,
  started_ms INTEGER NOT NULL,
  ended_ms INTEGER,
  status TEXT NOT NULL,
  PRIMARY KEY (batch_id, segment)
) WITHOUT ROWID;
-- A rowid table: its rows hold whole events, too large for a WITHOUT ROWID b-tree.
CREATE TABLE IF NOT EXISTS batch_events (
  id INTEGER PRIMARY KEY,
  batch_id TEXT NOT NULL,
  segment INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  type TEXT NOT NULL,
  item INTEGER,
  at_ms INTEGER NOT NULL,
  json TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS batch_events_by_segment ON batch_events(batch_id, segment, seq);
`;

/** Opens (creating when missing) the store at `path`; `:memory:` gives a throwaway store. */
export function openDatabase(options: { path: string; readonly?: boolean }): SqliteDatabase {
  const { path } = options;
  let db: SqliteDatabase;
  try {
    if (path !== ':memory:' && !options.readonly) mkdirSync(dirname(path), { recursive: true });
    db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  } catch (error) {
    throw new StoreError(`Cannot open the store ${path}: ${explainOpenFailure(path, error)}`);
  }
  try {
    db.pragma('busy_timeout = 5000');
    if (options.readonly) return db;
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new StoreError(`The store ${path} has schema version ${version}; this version of batchscope reads up to ${SCHEMA_VERSION}`);
    }
    db.exec(SCHEMA);
    // Only when it differs: setting it rewrites the file's header (a dry-run import changes nothing).
    if (version !== SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`);
    return db;
  } catch (error) {
    db.close();
    if (error instanceof StoreError) throw error;
    throw new StoreError(`Cannot open the store ${path}: ${explainOpenFailure(path, error)}`);
  }
}

/**
 * Why the store at `path` could not be opened, in words: SQLite says only "unable to open
 * database file" or "attempt to write a readonly database", whatever the cause.
 */
function explainOpenFailure(path: string, error: unknown): string {
  if (typeof (error as NodeJS.ErrnoException).syscall === 'string') return describeFileError(error);
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown }).code;
  const sqlite = `${message}${typeof code === 'string' ? ` (${code})` : ''}`;
  if (path === ':memory:') return sqlite;
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat?.isDirectory()) return 'it is a folder, not a file (EISDIR)';
  const denied = (at: string, mode: number) => {
    try {
      accessSync(at, mode);
      return false;
    } catch {
      return true;
    }
  };
  if (stat && denied(path, constants.R_OK | constants.W_OK)) return `permission denied: this user cannot read and write the file (${sqlite})`;
  // SQLite writes its -wal and -shm files next to the store, so the folder must be writable too.
  if (denied(dirname(path), constants.W_OK)) return `permission denied: this user cannot write in its folder ${dirname(path)} (${sqlite})`;
  return sqlite;
}
