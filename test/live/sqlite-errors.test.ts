/**
 * SQLite's failures after the store is open, produced for real by better-sqlite3 (a size limit
 * reached, a read-only connection written, a lock held by another connection), read as one line
 * each; and the CLI's answer when another process holds the store locked: one line, exit 1.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeSqliteError } from '../../src/live/describe-sqlite-error.js';
import { runCliCaptured } from '../support/run-cli-in-process.js';

const temp = mkdtempSync(join(tmpdir(), 'batchscope-sqlite-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** The error `step` throws (the test fails when it throws nothing). */
function thrownBy(step: () => unknown): unknown {
  try {
    step();
  } catch (error) {
    return error;
  }
  throw new Error('expected the step to throw');
}

describe('SQLite errors in one line', () => {
  it('a full store, a read-only connection and a held lock name their cause and SQLite code', () => {
    const path = join(temp, 'full.db');
    const db = new Database(path);
    db.exec('CREATE TABLE t (b BLOB)');
    db.pragma('max_page_count = 8');
    const full = thrownBy(() => db.prepare('INSERT INTO t VALUES (?)').run(Buffer.alloc(64 * 1024)));
    expect(describeSqliteError(full)).toBe("the store failed: the disk (or the store's size limit) is full; free space and resume (SQLITE_FULL: database or disk is full)");

    const reader = new Database(path, { readonly: true });
    const readonly = thrownBy(() => reader.prepare('INSERT INTO t VALUES (1)').run());
    expect(describeSqliteError(readonly)).toBe('the store failed: the store cannot be written (read-only file, folder or mount) (SQLITE_READONLY: attempt to write a readonly database)');
    reader.close();

    const other = new Database(path, { timeout: 0 });
    db.exec('BEGIN EXCLUSIVE');
    const busy = thrownBy(() => other.prepare('INSERT INTO t VALUES (1)').run());
    db.exec('ROLLBACK');
    expect(describeSqliteError(busy)).toBe('the store failed: another process holds the store locked (waited 5 s) (SQLITE_BUSY: database is locked)');
    other.close();
    db.close();
  });

  it('other errors are not SQLite errors', () => {
    expect(describeSqliteError(new Error('database is locked'))).toBeNull();
    expect(describeSqliteError(Object.assign(new Error('x'), { code: 'SQLITE_FULL' }))).toBeNull();
    expect(describeSqliteError('SQLITE_FULL')).toBeNull();
  });

  it('import into a store another process holds locked: one line after the 5 s wait, exit 1, nothing written', { timeout: 60_000 }, async () => {
    const store = join(temp, 'locked.db');
    const first = join(temp, 'first.csv');
    writeFileSync(first, 'name,url\nA,https://a.example/p/1\n');
    expect((await runCliCaptured(['import', first, '--store', store])).code).toBe(0);
    const more = join(temp, 'more.csv');
    writeFileSync(more, 'name,url\nB,https://a.example/p/2\n');
    const holder = new Database(store);
    holder.exec('BEGIN EXCLUSIVE');
    let result;
    try {
      result = await runCliCaptured(['import', more, '--store', store]);
    } finally {
      holder.exec('ROLLBACK');
    }
    expect(result.stderr).not.toMatch(/\n\s+at |\(unexpected;/);
    expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(result.stderr).toMatch(/^error: .*(locked|SQLITE_BUSY)/);
    expect(result.code).toBe(1);
    expect((holder.prepare('SELECT count(*) AS n FROM machines').get() as { n: number }).n).toBe(1);
    holder.close();
  });
});
