/**
 * Parses a whole log from a stream of lines (the CLI reads the file, plain or gzipped, and hands
 * the lines over in chunks): the streaming parser feeds a collector that gathers each run.
 */
import { CancelledError } from '../errors.js';
import { createLogRunCollector } from './collect-log-runs.js';
import { createLogParser } from './create-log-parser.js';
import type { LogFormat, ParsedLog } from './log-records.js';

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
  format?: LogFormat | 'auto';
  skipMalformed?: boolean;
  /** Keep every run-log event (default true): timelines and reports of the logged run need them. */
  keepEvents?: boolean;
  signal?: AbortSignal;
}): Promise<ParsedLog> {
  const collector = createLogRunCollector({ keepEvents: options.keepEvents !== false });
  const parser = createLogParser({ format: options.format ?? 'auto', skipMalformed: options.skipMalformed === true, source: options.source, visitor: collector });
  for await (const chunk of options.lines) {
    if (options.signal?.aborted) throw new CancelledError('log parsing cancelled');
    if (typeof chunk === 'string') parser.push(chunk);
    else for (let i = 0; i < chunk.length; i++) parser.push(chunk[i] as string);
  }
  const { format, lines } = parser.finish();
  return { source: options.source, format, runs: collector.runs(), lines };
}
