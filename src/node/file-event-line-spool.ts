/**
 * A spool of run-log lines in a temporary file, for simulations too large to keep even their lines
 * in memory: each event becomes its JSON line as it happens, a few thousand lines go to the file
 * at a time, and `lines()` reads the file back in pieces of 64 KB. `dispose()` removes the
 * file; a process that exits first, or is stopped by SIGINT or SIGTERM while spools are open, removes
 * it too.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { EventLineSpool, EventLineSpoolFactory } from '../events/event-line-spool.js';

/**
 * Lines per write and bytes per read: small enough that each string stays under V8's large-object
 * size (about 128 KB), so it dies young instead of waiting in the old generation for a full
 * collection (at 100,000 items that waiting garbage was over 100 MB of peak RSS).
 */
const LINES_PER_WRITE = 256;
const READ_BYTES = 64 * 1024;

/** Spool files not yet disposed of, removed when the process exits. */
const open = new Set<string>();
let exitHookInstalled = false;

/** File spools in one temporary folder, made when the first spool is. */
export interface FileEventLineSpools {
  /** A new spool (one file) per call. */
  create: EventLineSpoolFactory;
  /** Removes the folder and every spool in it. */
  dispose(): void;
}

/** File spools under one new temporary folder of `parentDir` (the OS's by default). */
export function createFileEventLineSpools(options: { parentDir?: string } = {}): FileEventLineSpools {
  let dir: string | null = null;
  let count = 0;
  const spools: EventLineSpool[] = [];
  // Stopped by a signal, Node runs no exit handlers: remove the folder, then die of the signal.
  const onSignal = (signal: NodeJS.Signals) => {
    dispose();
    process.kill(process.pid, signal);
  };
  const dispose = () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    for (const spool of spools) spool.dispose();
    if (dir !== null) {
      rmSync(dir, { recursive: true, force: true });
      open.delete(dir);
    }
    dir = null;
  };
  return {
    create: () => {
      if (dir === null) {
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
      }
      dir ??= mkdtempSync(join(options.parentDir ?? tmpdir(), 'batchscope-events-'));
      count += 1;
      const spool = createFileEventLineSpool(join(dir, `run-${count}.jsonl`), dir);
      spools.push(spool);
      return spool;
    },
    dispose,
  };
}

function createFileEventLineSpool(path: string, dir: string): EventLineSpool {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const p of open) rmSync(p, { recursive: true, force: true });
    });
  }
  open.add(dir);
  let fd: number | null = openSync(path, 'w');
  let pending: string[] = [];
  let disposed = false;
  const flush = () => {
    if (pending.length === 0 || fd === null) return;
    writeSync(fd, pending.join(''));
    pending = [];
  };
  return {
    sink: {
      emit(event) {
        if (fd === null) throw new Error(`event line spool ${path}: an event after the lines were read`);
        pending.push(`${JSON.stringify(event)}\n`);
        if (pending.length >= LINES_PER_WRITE) flush();
      },
    },
    *lines() {
      if (disposed) throw new Error(`event line spool ${path}: read after dispose`);
      if (fd !== null) {
        flush();
        closeSync(fd);
        fd = null;
      }
      const input = openSync(path, 'r');
      try {
        const buffer = Buffer.allocUnsafe(READ_BYTES);
        const decoder = new StringDecoder('utf8');
        for (;;) {
          const n = readSync(input, buffer, 0, READ_BYTES, null);
          if (n === 0) break;
          yield decoder.write(buffer.subarray(0, n));
        }
        const rest = decoder.end();
        if (rest) yield rest;
      } finally {
        closeSync(input);
      }
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      if (fd !== null) closeSync(fd);
      fd = null;
      pending = [];
      rmSync(path, { force: true });
    },
  };
}
