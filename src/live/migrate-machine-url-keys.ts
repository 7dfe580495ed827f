/**
 * Gives every machine its URL match key (`url_key`, see normalizeProductUrl), for stores made
 * before imports normalized URLs: the column is added when missing and filled where empty, in one
 * transaction. Machines that an older import kept apart although their URLs normalize alike keep
 * their rows (and histories); the index is not unique, and an import matching such a key names
 * them all.
 */
import { normalizeProductUrl } from './normalize-product-url.js';
import type { SqliteDatabase } from './store-schema.js';

/** Adds and fills `machines.url_key` when needed; idempotent and cheap once done. */
export function migrateMachineUrlKeys(db: SqliteDatabase): void {
  const columns = db.prepare<[], { name: string }>('PRAGMA table_info(machines)').all();
  const hasColumn = columns.some((c) => c.name === 'url_key');
  const missing = hasColumn ? (db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM machines WHERE url_key IS NULL').get()?.n ?? 0) : 1;
  if (hasColumn && missing === 0) {
    db.exec('CREATE INDEX IF NOT EXISTS machines_by_url_key ON machines(url_key)');
    return;
  }
  db.transaction(() => {
    if (!hasColumn) db.exec('ALTER TABLE machines ADD COLUMN url_key TEXT');
    const update = db.prepare('UPDATE machines SET url_key = ? WHERE id = ?');
    for (const row of db.prepare<[], { id: number; url: string }>('SELECT id, url FROM machines WHERE url_key IS NULL').all()) {
      let key: string;
      try {
        key = normalizeProductUrl(row.url);
      } catch {
        // A URL stored before imports validated them: it only matches itself.
        key = row.url;
      }
      update.run(key, row.id);
    }
    db.exec('CREATE INDEX IF NOT EXISTS machines_by_url_key ON machines(url_key)');
  }).immediate();
}
