/**
 * Writes the files of one run (one command invocation, one or more policies) to
 * `<rootDir>/<scenario>/<runId>/`: `events.jsonl` (the run logs of every policy, one after the
 * other, each starting with its `run.meta` header) and `metrics.json`. Renderers add their files
 * through `extraFiles`. Creates the folders; returns the paths written.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BatchEvent } from '../events/batch-event.js';
import { formatRunLog, type RunLogHeader } from '../events/run-log.js';
import type { RunMetrics } from '../report/compute-metrics.js';

export interface RunReportInput {
  header: RunLogHeader;
  events: readonly BatchEvent[];
  metrics: RunMetrics;
}

export interface WrittenReport {
  dir: string;
  /** Path of every file written, by file name. */
  files: Record<string, string>;
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
}): WrittenReport {
  const dir = join(options.rootDir, toFolderName(options.scenario), toFolderName(options.runId));
  mkdirSync(dir, { recursive: true });
  const files: Record<string, string> = {};
  const write = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    files[name] = path;
  };
  write('events.jsonl', options.runs.map((r) => formatRunLog(r.header, r.events)).join(''));
  write('metrics.json', `${JSON.stringify(options.runs.map((r) => r.metrics), null, 2)}\n`);
  for (const [name, content] of Object.entries(options.extraFiles ?? {})) write(name, content);
  return { dir, files };
}
