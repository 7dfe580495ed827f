/**
 * The options that say how to read an application log (format, zone, patterns, malformed lines,
 * the starts-only assumption, the stall threshold), shared by `replay` and `diagnose`, and the
 * reading of one log file with them.
 */
import { relative, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { UsageError } from '../errors.js';
import { readLogLines } from '../node/read-log-lines.js';
import { diagnoseRun } from '../replay/diagnose-run.js';
import type { FitInput } from '../simulation/fit-world.js';
import { DEFAULT_MIN_DURATION_MS } from '../replay/estimate-concurrency.js';
import type { ParsedLog } from '../replay/log-records.js';
import { parseTimeZone, UTC_ZONE, type NaiveZone } from '../replay/naive-zone.js';
import { parseLog } from '../replay/parse-log.js';
import { compileTimeFormat } from '../replay/parse-time-format.js';
import { BUILT_IN_DIALECTS, compileLinePattern, type LogDialect } from '../replay/read-log-envelope.js';
import { createMessageReader } from '../replay/read-log-message.js';
import { readDurationOption } from './read-duration-option.js';

export interface LogReadingOptions {
  format: LogDialect | 'auto';
  zone: NaiveZone;
  linePattern: string | null;
  timeFormat: string | null;
  startPattern: string | null;
  endPattern: string | null;
  /** The shortest duration assumed for one machine when inferring from starts, ms. */
  minDurationMs: number;
  run: string | null;
  /** Items running longer than this are stalls, ms. */
  stallThresholdMs: number;
  skipMalformed: boolean;
}

/** Registers the log-reading options on yargs. */
export function describeLogReadingOptions(y: Argv): Argv {
  return y
    .option('format', { choices: ['auto', ...BUILT_IN_DIALECTS] as const, default: 'auto' as const, describe: 'Log dialect (auto: from the first line that tells)' })
    .option('time-zone', { type: 'string', default: 'UTC', describe: 'Zone of timestamps that carry none: UTC, an offset (+02:00) or an IANA name (Europe/Berlin)' })
    .option('line-pattern', { type: 'string', describe: 'Regex for other line formats, with named groups (?<time>…) and (?<message>…)' })
    .option('time-format', { type: 'string', describe: 'strftime format of the time (with --line-pattern, or for a text log whose time no built-in form reads), e.g. "%d/%b/%Y:%H:%M:%S %z"' })
    .option('start-pattern', { type: 'string', describe: 'Regex for a machine\'s start line, with a named group (?<machine>…) (default: "Processing machine NAME")' })
    .option('end-pattern', { type: 'string', describe: 'Regex for a machine\'s result line, with (?<machine>…) and optional (?<outcome>…), (?<duration>…) (default: a line naming a started machine with a word such as finished, done, failed, error, timed out)' })
    .option('min-duration', { type: 'string', default: `${DEFAULT_MIN_DURATION_MS / 1000}s`, describe: 'Starts-only logs: the shortest time one machine can take (starts closer than this cannot share a worker); an assumption, not read from the log' })
    .option('run', { type: 'string', describe: 'Which run of a file holding several: its number, policy name or batch id (default: the first)' })
    .option('stall-threshold', { type: 'string', default: '60s', describe: 'Items running longer than this are stalls; gaps longer than this are reported' })
    .option('skip-malformed', { type: 'boolean', default: false, describe: 'Skip and count malformed lines instead of stopping at the first' });
}

/** Reads the log-reading options from parsed argv, rejecting bad values with one-line errors. */
export function readLogReadingOptions(argv: Record<string, unknown>): LogReadingOptions {
  const threshold = readDurationOption(argv['stall-threshold'], '--stall-threshold', '60s');
  const text = (key: string) => readTextOption(argv, key);
  const linePattern = text('line-pattern');
  if (linePattern !== null) compileLinePattern(linePattern);
  const timeFormat = text('time-format');
  const zone = parseTimeZone(String(argv['time-zone'] ?? 'UTC'));
  if (timeFormat !== null) compileTimeFormat(timeFormat, zone);
  const startPattern = text('start-pattern');
  const endPattern = text('end-pattern');
  createMessageReader({ startPattern, endPattern });
  const minDuration = readDurationOption(argv['min-duration'], '--min-duration', `${DEFAULT_MIN_DURATION_MS / 1000}s`, { minMs: 0, maxMs: 3_600_000 });
  const format = argv['format'];
  if (format !== undefined && format !== 'auto' && !BUILT_IN_DIALECTS.includes(format as LogDialect)) throw new UsageError(`--format must be auto or one of ${BUILT_IN_DIALECTS.join(', ')}, got ${String(format)}`);
  const run = argv['run'];
  return {
    format: format === undefined || format === 'auto' ? 'auto' : (format as LogDialect),
    zone: zone ?? UTC_ZONE,
    linePattern,
    timeFormat,
    startPattern,
    endPattern,
    minDurationMs: minDuration,
    run: run === undefined ? null : String(run),
    stallThresholdMs: threshold,
    skipMalformed: Boolean(argv['skip-malformed']),
  };
}

/** A string option's value, or null when absent; an empty one is a one-line UsageError. */
export function readTextOption(argv: Record<string, unknown>, key: string): string | null {
  const v = argv[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string' || v.trim() === '') throw new UsageError(`--${key} needs a value`);
  return v;
}

/**
 * The runs of other nights' logs, each diagnosed, to fit the world on together with the first
 * log's (runs without items are left out).
 */
export async function readOtherNights(options: { files: readonly string[]; cwd: string; reading: LogReadingOptions; signal: AbortSignal }): Promise<FitInput[]> {
  const out: FitInput[] = [];
  const r = options.reading;
  for (const file of options.files) {
    const { log, label } = await readLogFile({ file, cwd: options.cwd, reading: r, signal: options.signal });
    for (const run of log.runs) {
      if (run.items.length === 0) continue;
      out.push({ source: label, run, diagnosis: diagnoseRun({ run, stallThresholdMs: r.stallThresholdMs, resolutionMs: log.resolutionMs, minDurationMs: r.minDurationMs }) });
    }
  }
  return out;
}

/** Reads and parses one log file; `label` is how it is named in messages (relative to `cwd`). */
export async function readLogFile(options: { file: string; cwd: string; reading: LogReadingOptions; signal: AbortSignal }): Promise<{ log: ParsedLog; label: string }> {
  const path = resolve(options.cwd, options.file);
  const label = relative(options.cwd, path) || options.file;
  const r = options.reading;
  const log = await parseLog({
    lines: readLogLines({ path, shown: label, signal: options.signal }),
    source: label,
    format: r.format,
    skipMalformed: r.skipMalformed,
    zone: r.zone,
    linePattern: r.linePattern,
    timeFormat: r.timeFormat,
    startPattern: r.startPattern,
    endPattern: r.endPattern,
  });
  return { log, label };
}
