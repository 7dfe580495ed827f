/** Prepared statements compiled once per store: preparing a statement costs more than running it. */
import type { SqliteDatabase, Statement } from './store-schema.js';

/** Returns the prepared statement for `sql`, compiling it on first use. */
export type PrepareStatement = <P extends unknown[] = unknown[], R = unknown>(sql: string) => Statement<P, R>;

export function createStatementCache(db: SqliteDatabase): PrepareStatement {
  const statements = new Map<string, Statement<unknown[], unknown>>();
  return <P extends unknown[] = unknown[], R = unknown>(sql: string): Statement<P, R> => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement as unknown as Statement<P, R>;
  };
}
