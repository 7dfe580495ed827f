/**
 * SQLite failures after the store is open (a full disk, an I/O error, a lock held too long), as
 * one line a person can act on. better-sqlite3 throws them as `SqliteError` with SQLite's extended
 * result code (`SQLITE_IOERR_WRITE`, `SQLITE_READONLY_DBMOVED`, …); the primary code decides.
 */

const REASONS: Record<string, string> = {
  SQLITE_FULL: 'the disk (or the store\'s size limit) is full; free space and resume',
  SQLITE_IOERR: 'an input/output error while reading or writing the file',
  SQLITE_READONLY: 'the store cannot be written (read-only file, folder or mount)',
  SQLITE_BUSY: 'another process holds the store locked (waited 5 s)',
  SQLITE_LOCKED: 'the store is locked by another connection',
  SQLITE_CORRUPT: 'the file is damaged (SQLite reports corruption)',
  SQLITE_NOTADB: 'the file is not a SQLite database',
  SQLITE_CANTOPEN: 'the file (or its -wal/-shm companion) cannot be opened',
  SQLITE_PROTOCOL: 'the store\'s lock protocol failed (a network file system?)',
  SQLITE_NOMEM: 'SQLite ran out of memory',
};

/** Whether `error` is an error thrown by SQLite through better-sqlite3. */
export function isSqliteError(error: unknown): error is Error & { code: string } {
  return error instanceof Error && error.name === 'SqliteError' && typeof (error as { code?: unknown }).code === 'string';
}

/**
 * One line for a SQLite error, e.g. "the store failed: the disk (or the store's size limit) is
 * full; free space and resume (SQLITE_FULL: database or disk is full)"; null for any other error.
 */
export function describeSqliteError(error: unknown): string | null {
  if (!isSqliteError(error)) return null;
  const code = error.code;
  const primary = /^SQLITE_[A-Z]+/.exec(code)?.[0] ?? code;
  const reason = REASONS[primary];
  const detail = `${code}: ${error.message.replace(/\s*\n\s*/g, ' ')}`;
  return reason ? `the store failed: ${reason} (${detail})` : `the store failed (${detail})`;
}
