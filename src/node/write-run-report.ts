/**
 * Writes the report folder of one run (one command invocation, one or more policies) to
 * `<rootDir>/<scenario>/<runId>/`:
 * - `index.html`: every policy on one time axis, hover details, the metrics table (self-contained);
 * - `trace.json`: the Chrome / Perfetto trace (open it in ui.perfetto.dev);
 * - `summary.md`: the Markdown summary for a CI step summary;
 * - `metrics.json`: the metrics of every policy (an array, in run order);
 * - `events.jsonl`: the run logs of every policy, one after the other, each starting with its
 *   `run.meta` header.
 * Callers add files through `extraFiles` (written last, so they may replace one of the above).
 * Every file is written to a temporary name (the large ones piece by piece, never as one string)
 * and all are renamed once every one is written, so a failure leaves no half-written report. The contents depend only on the runs:
 * the same scenario and seed give byte-identical files. Synchronous; returns the paths written.
 * A file-system failure throws one line naming the folder or file and why (FileAccessError).
 */
import { closeSync, existsSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { removeQuietly } from './write-output-file.js';
import { join } from 'node:path';
import { formatRunLogHeader } from '../events/run-log.js';
import { withFileErrors } from './describe-file-error.js';
import { renderReportFiles, type FileContent } from '../report/render-report-files.js';
import type { ReportRun } from '../report/report-run.js';

/** One policy's run: its run log header, its events and its metrics. */
export type RunReportInput = ReportRun;

export interface WrittenReport {
  dir: string;
  /** Path of every file written, by file name. */
  files: Record<string, string>;
}

/** The run logs of every policy, one after the other, line by line. */
function* runLogsOf(runs: readonly RunReportInput[]): Generator<string> {
  for (const run of runs) {
    yield `${formatRunLogHeader(run.header)}\n`;
    yield* run.eventLines();
  }
}

/**
 * Characters gathered before each write of a streamed file. Kept under V8's large-object size
 * (about 128 KB) so that the gathered strings die young: a megabyte at a time left the whole
 * file's worth of dead strings in the old generation until a full collection.
 */
const WRITE_CHUNK_CHARS = 48 * 1024;

/** Writes `content` to `path`: at once, or piece by piece (small pieces gathered, large ones written as they come). */
function writeContent(path: string, content: FileContent): void {
  const fd = openSync(path, 'w');
  try {
    if (typeof content === 'string') {
      writeSync(fd, content);
      return;
    }
    let gathered: string[] = [];
    let size = 0;
    const flush = () => {
      if (size === 0) return;
      writeSync(fd, gathered.length === 1 ? (gathered[0] as string) : gathered.join(''));
      gathered = [];
      size = 0;
    };
    for (const piece of content()) {
      if (piece.length >= WRITE_CHUNK_CHARS) {
        flush();
        writeSync(fd, piece);
        continue;
      }
      gathered.push(piece);
      size += piece.length;
      if (size >= WRITE_CHUNK_CHARS) flush();
    }
    flush();
  } finally {
    closeSync(fd);
  }
}

/** A folder-safe form of a scenario name or run id. */
export function toFolderName(text: string): string {
  return text.replace(/[^A-Za-z0-9._+-]+/g, '-').replace(/^-+|-+$/g, '') || 'run';
}

/** A run id from a wall-clock time (ms) and a seed, e.g. `20261128-194500-seed2096`. */
export function makeRunId(options: { wallMs: number; seed: number | null }): string {
  const iso = new Date(options.wallMs).toISOString();
  const stamp = `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}`;
  return options.seed === null ? stamp : `${stamp}-seed${options.seed}`;
}

/** Writes the run's files; `extraFiles` maps file names to their content. */
export function writeRunReport(options: {
  rootDir: string;
  scenario: string;
  runId: string;
  runs: readonly RunReportInput[];
  extraFiles?: Record<string, string>;
  /** The scenario's time budget of a batch, ms: adds a verdict per policy. */
  budgetMs?: number | null;
  /** One line saying what the scenario is, shown at the top of the page and the summary. */
  description?: string | null;
  /**
   * What to do when the folder already exists: `overwrite` it (the default), or write to a new
   * sibling with a suffix (`<runId>-2`, `-3`, …) so that two runs in the same second both survive.
   */
  ifExists?: 'overwrite' | 'suffix';
}): WrittenReport {
  const rendered: Record<string, FileContent> = {
    ...renderReportFiles({ runs: options.runs, budgetMs: options.budgetMs ?? null, description: options.description ?? null }),
    'events.jsonl': () => runLogsOf(options.runs),
    ...options.extraFiles,
  };
  const parent = join(options.rootDir, toFolderName(options.scenario));
  const base = toFolderName(options.runId);
  let dir = join(parent, base);
  if (options.ifExists === 'suffix') for (let k = 2; existsSync(dir); k++) dir = join(parent, `${base}-${k}`);
  withFileErrors('create the report folder', dir, () => mkdirSync(dir, { recursive: true }));
  const files: Record<string, string> = {};
  const partials: string[] = [];
  try {
    for (const [name, content] of Object.entries(rendered)) {
      const partial = join(dir, `${name}.partial`);
      partials.push(partial);
      withFileErrors('write the report file', join(dir, name), () => writeContent(partial, content));
    }
  } catch (error) {
    for (const partial of partials) removeQuietly(partial);
    throw error;
  }
  for (const name of Object.keys(rendered)) {
    const path = join(dir, name);
    withFileErrors('write the report file', path, () => renameSync(`${path}.partial`, path));
    files[name] = path;
  }
  return { dir, files };
}
