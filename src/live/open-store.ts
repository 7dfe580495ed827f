/**
 * Opens the embedded store: the machines, their price history, batches with their results and
 * events. Created on first use. Close it when done (the CLI and the API server do).
 */
import { BatchStore, type IsProcessAlive } from './batch-store.js';
import { StoreError } from './live-errors.js';
import { MachineStore } from './machine-store.js';
import { migrateMachineUrlKeys } from './migrate-machine-url-keys.js';
import { openDatabase, type SqliteDatabase } from './store-schema.js';

/** The store at one path. */
export interface Store {
  path: string;
  machines: MachineStore;
  batches: BatchStore;
  /** The raw database, for tests and maintenance. */
  db: SqliteDatabase;
  close(): void;
}

/** Whether `pid` is a live process on this host (EPERM means it exists but is not ours). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Opens (or creates) the store at `path`. */
export function openStore(options: { path: string; isAlive?: IsProcessAlive }): Store {
  const db = openDatabase({ path: options.path });
  try {
    migrateMachineUrlKeys(db);
  } catch (error) {
    db.close();
    throw new StoreError(`Cannot open the store ${options.path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return {
    path: options.path,
    machines: new MachineStore(db),
    batches: new BatchStore(db, options.isAlive ?? isProcessAlive),
    db,
    close: () => db.close(),
  };
}
