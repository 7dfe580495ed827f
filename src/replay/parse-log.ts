/**
 * Parses a whole log from a stream of lines (the CLI reads the file, plain or gzipped, and hands
 * the lines over in chunks): the streaming parser feeds a collector that gathers each run.
 */
import { CancelledError } from '../errors.js';
import { createLogRunCollector } from './collect-log-runs.js';
import { createLogParser } from './create-log-parser.js';
import type { ParsedLog } from './log-records.js';
import type { NaiveZone } from './naive-zone.js';
import type { LogDialect } from './read-log-envelope.js';

/** Lines without their newlines, one at a time or in arrays (cheaper for big files). */
export type LogLineSource = AsyncIterable<string | readonly string[]> | Iterable<string | readonly string[]>;

/**
 * Reads every line of `lines`. Throws LogParseError for a malformed line (unless `skipMalformed`),
 * a binary file or a file with no usable line; CancelledError when `signal` aborts (checked between
 * chunks). The caller owns `signal` and the source.
 */
export async function parseLog(options: {
  lines: LogLineSource;
  /** The file name or label used in messages. */
  source: string;
  /** `auto` (default) or a dialect of read-log-envelope.ts. */
  format?: LogDialect | 'auto';
  skipMalformed?: boolean;
  /** The zone of times without one (default UTC). */
  zone?: NaiveZone;
  /** `--line-pattern`, `--time-format`, `--start-pattern`, `--end-pattern` (see create-log-parser.ts). */
  linePattern?: string | null;
  timeFormat?: string | null;
  startPattern?: string | null;
  endPattern?: string | null;
  /** Keep every run-log event (default true): timelines and reports of the logged run need them. */
  keepEvents?: boolean;
  signal?: AbortSignal;
}): Promise<ParsedLog> {
  const collector = createLogRunCollector({ keepEvents: options.keepEvents !== false });
  const parser = createLogParser({
    format: options.format ?? 'auto',
    skipMalformed: options.skipMalformed === true,
    source: options.source,
    visitor: collector,
    zone: options.zone,
    linePattern: options.linePattern,
    timeFormat: options.timeFormat,
    startPattern: options.startPattern,
    endPattern: options.endPattern,
  });
  for await (const chunk of options.lines) {
    if (options.signal?.aborted) throw new CancelledError('log parsing cancelled');
    if (typeof chunk === 'string') parser.push(chunk);
    else for (let i = 0; i < chunk.length; i++) parser.push(chunk[i] as string);
  }
  const read = parser.finish();
  return {
    source: options.source,
    format: read.format,
    dialect: read.dialect,
    resolutionMs: read.resolutionMs,
    naiveLines: read.naiveLines,
    naiveZone: options.zone?.label ?? 'UTC',
    runs: collector.runs(),
    lines: read.lines,
  };
}
