/**
 * The envelope of a log line: its time and its message, in the dialects real services print.
 * Text dialects (the seed's `YYYY-MM-DD HH:MM:SS - message`, Python's logging with its logger,
 * level, process or thread fields, ISO 8601 with `T`, fractions and zones) share one reader; JSON
 * lines from structured loggers, Docker's `{"log", "time"}` wrapper and logfmt have their own; a
 * user's `--line-pattern` covers the rest. The engine's own run log is not an envelope (its lines
 * are events) and is read by the parser itself. Pure; one holder is reused across lines.
 */
import { UsageError } from '../errors.js';
import { UTC_ZONE, type NaiveZone } from './naive-zone.js';
import { compileTimeFormat, type TimeFormatReader } from './parse-time-format.js';
import { parseLogfmt, readLogfmtKeys } from './read-logfmt.js';
import { createPrefixFieldReader, stripPrefixFields, type PrefixFields } from './strip-prefix-fields.js';
import { createTextStamp, readStampValue, readTextStamp, skipFieldSeparators, type TextStamp } from './read-text-stamp.js';
import { splitDockerLine, type DockerFields } from './split-docker-line.js';

export { parseLogfmt } from './read-logfmt.js';
export { stripPrefixFields } from './strip-prefix-fields.js';

/** A way of writing log lines. `text` is the seed's own; `run-log` is the engine's events. */
export type LogDialect = 'text' | 'python-logging' | 'iso8601' | 'json' | 'docker-json' | 'logfmt' | 'pattern' | 'run-log';

/** Every dialect that auto-detection tries, in the order it tries them (for messages and help). */
export const BUILT_IN_DIALECTS: readonly LogDialect[] = ['text', 'python-logging', 'iso8601', 'json', 'docker-json', 'logfmt', 'run-log'];

/** What one line says, filled in by an envelope reader. */
export interface Envelope {
  /** Milliseconds since the epoch (UTC). */
  atMs: number;
  message: string;
  /** The level the line names (INFO, WARNING, error…), or null. */
  level: string | null;
  /** Whether the time carried its own zone. */
  zoned: boolean;
  /** Digits of the fraction of a second the time was written with. */
  fractionDigits: number;
}

/** Reads lines of one dialect. `read` returns `ok`, `untimed` (no time: count it) or `bad` (`reason` says why). */
export interface EnvelopeReader {
  readonly dialect: LogDialect;
  read(line: string, out: Envelope): 'ok' | 'untimed' | 'bad';
  /** Why the last `bad` line is bad. */
  readonly reason: string;
}

/** A holder to reuse across lines. */
export function createEnvelope(): Envelope {
  return { atMs: 0, message: '', level: null, zoned: false, fractionDigits: 0 };
}

/** Options of every reader: the naive zone, and for `pattern` the user's regex and time format. */
export interface EnvelopeOptions {
  zone?: NaiveZone;
  /** `--line-pattern`: a regex with named groups `time` and `message` (and optionally `level`). */
  linePattern?: string | null;
  /** `--time-format`: a strftime format for the time group or field. */
  timeFormat?: string | null;
}

const TIME_KEYS = ['timestamp', 'time', 'ts', '@timestamp', 'asctime', 'datetime', 'date', 't'];
const MESSAGE_KEYS = ['message', 'msg', 'event', 'log', 'text'];
const LEVEL_KEYS = ['level', 'levelname', 'severity', 'lvl', 'log.level'];
/** The logfmt keys read: the time keys, then the message keys, then the level keys. */
const LOGFMT_KEYS = [...TIME_KEYS, ...MESSAGE_KEYS, ...LEVEL_KEYS];

/**
 * Picks the dialect of a file from one of its lines: null when this line does not tell (no
 * timestamp, not JSON…), so the caller tries the next one. `linePattern` decides at once.
 */
export function detectDialect(line: string, options: EnvelopeOptions = {}): LogDialect | null {
  if (options.linePattern) return 'pattern';
  const first = line.charCodeAt(0);
  if (first === 123) {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return null;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
    const obj = value as Record<string, unknown>;
    if (typeof obj['type'] === 'string' && (obj['type'] === 'run.meta' || typeof obj['atMs'] === 'number')) return 'run-log';
    if (typeof obj['log'] === 'string' && (typeof obj['time'] === 'string' || typeof obj['stream'] === 'string')) return 'docker-json';
    return pickKey(obj, TIME_KEYS) !== undefined ? 'json' : null;
  }
  if (/^[A-Za-z_@][\w.@-]*=/.test(line)) {
    const pairs = parseLogfmt(line);
    return pickKey(pairs, TIME_KEYS) !== undefined ? 'logfmt' : null;
  }
  const stamp = createTextStamp();
  const read = readTextStamp(line, stamp);
  // A line that starts like a date but is a bad one is a text log's malformed line: say so.
  if (read === 'bad') return 'text';
  if (read !== 'ok') return null;
  const fields = stripPrefixFields(line, stamp.messageStart);
  const t = line.charCodeAt(line.charCodeAt(0) === 91 ? 11 : 10);
  if (t === 84 || t === 116 || stamp.zoned) return 'iso8601';
  if (fields.level !== null || line.charCodeAt(19) === 44) return 'python-logging';
  return 'text';
}

/** Creates the reader of `dialect` (not `run-log`). Throws UsageError for a bad `--line-pattern`. */
export function createEnvelopeReader(dialect: LogDialect, options: EnvelopeOptions = {}): EnvelopeReader {
  const zone = options.zone ?? UTC_ZONE;
  const formatReader = options.timeFormat ? compileTimeFormat(options.timeFormat, zone) : null;
  const stamp = createTextStamp();
  const strip = createPrefixFieldReader();
  const state = { reason: '' };
  const readTime = (value: unknown, out: Envelope): boolean => {
    if (formatReader && typeof value === 'string') {
      const read = formatReader(value);
      if (!read) return false;
      out.atMs = read.atMs;
      out.zoned = read.zoned;
      out.fractionDigits = read.fractionDigits;
      return true;
    }
    if (!readStampValue(value, stamp, zone)) return false;
    out.atMs = stamp.atMs;
    out.zoned = stamp.zoned;
    out.fractionDigits = stamp.fractionDigits;
    return true;
  };
  const bad = (reason: string): 'bad' => {
    state.reason = reason;
    return 'bad';
  };
  switch (dialect) {
    case 'text':
    case 'python-logging':
    case 'iso8601':
      return {
        dialect,
        get reason() {
          return state.reason;
        },
        read(line, out) {
          let rest: number;
          if (formatReader) {
            rest = readFormattedPrefix(line, formatReader, out);
            if (rest < 0) return 'untimed';
          } else {
            const result = readTextStamp(line, stamp, zone);
            if (result === 'untimed') return 'untimed';
            if (result === 'bad') return bad(`malformed timestamp: ${stamp.reason}`);
            out.atMs = stamp.atMs;
            out.zoned = stamp.zoned;
            out.fractionDigits = stamp.fractionDigits;
            rest = stamp.messageStart;
          }
          const fields = strip(line, rest);
          out.level = fields.level;
          out.message = fields.messageStart === 0 ? line : line.slice(fields.messageStart);
          return 'ok';
        },
      };
    case 'json':
    case 'docker-json': {
      const docker: DockerFields = { log: '', stream: '', time: '' };
      return {
        dialect,
        get reason() {
          return state.reason;
        },
        read(line, out) {
          if (line.charCodeAt(0) !== 123) return 'untimed';
          if (dialect === 'docker-json' && splitDockerLine(line, docker)) return readDocker(docker.log, docker.stream, docker.time, out, readTime, zone, stamp, strip) ? 'ok' : 'untimed';
          let value: unknown;
          try {
            value = JSON.parse(line);
          } catch (error) {
            return bad(`not valid JSON (${error instanceof Error ? error.message : String(error)})`);
          }
          if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad('expected a JSON object');
          const obj = value as Record<string, unknown>;
          if (dialect === 'docker-json') {
            const log = obj['log'];
            if (typeof log !== 'string') return 'untimed';
            return readDocker(withoutNewline(log), obj['stream'], obj['time'], out, readTime, zone, stamp, strip) ? 'ok' : 'untimed';
          }
          const time = pickKey(obj, TIME_KEYS);
          if (time === undefined) return 'untimed';
          if (!readTime(time, out)) return bad(`the time ${JSON.stringify(time)} is not a timestamp`);
          const message = pickKey(obj, MESSAGE_KEYS);
          out.message = typeof message === 'string' ? message : message === undefined ? '' : JSON.stringify(message);
          const level = pickKey(obj, LEVEL_KEYS);
          out.level = typeof level === 'string' ? level : typeof level === 'number' ? String(level) : null;
          return 'ok';
        },
      };
    }
    case 'logfmt': {
      const logfmtValues: Array<string | undefined> = [];
      return {
        dialect,
        get reason() {
          return state.reason;
        },
        read(line, out) {
          // Only the keys the replay reads are cut out of the line, each its last value.
          readLogfmtKeys(line, LOGFMT_KEYS, logfmtValues);
          const time = firstValue(logfmtValues, 0, TIME_KEYS.length);
          if (time === undefined) return 'untimed';
          if (!readTime(time, out)) return bad(`the time "${time}" is not a timestamp`);
          const message = firstValue(logfmtValues, TIME_KEYS.length, TIME_KEYS.length + MESSAGE_KEYS.length);
          out.message = message ?? '';
          out.level = firstValue(logfmtValues, TIME_KEYS.length + MESSAGE_KEYS.length, LOGFMT_KEYS.length) ?? null;
          return 'ok';
        },
      };
    }
    case 'pattern': {
      const re = compileLinePattern(options.linePattern ?? '');
      return {
        dialect,
        get reason() {
          return state.reason;
        },
        read(line, out) {
          const m = re.exec(line);
          if (!m || !m.groups) return 'untimed';
          const time = m.groups['time'] as string;
          if (!readTime(time, out)) return bad(`the time group "${time}" is not a timestamp${formatReader ? ' in the --time-format' : ' (set --time-format)'}`);
          out.message = m.groups['message'] ?? '';
          out.level = m.groups['level'] ?? null;
          return 'ok';
        },
      };
    }
    case 'run-log':
      throw new Error('the run log is read by the parser, not by an envelope reader');
  }
}

/** Compiles `--line-pattern`, checking its groups; throws UsageError. */
export function compileLinePattern(pattern: string): RegExp {
  let re: RegExp;
  try {
    re = new RegExp(pattern);
  } catch (error) {
    throw new UsageError(`--line-pattern is not a valid regular expression: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!pattern.includes('(?<time>') || !pattern.includes('(?<message>')) throw new UsageError('--line-pattern needs named groups (?<time>…) and (?<message>…)');
  return re;
}

/** `log` without its final newline (\n or \r\n). */
function withoutNewline(log: string): string {
  return log.endsWith('\n') ? log.slice(0, log.endsWith('\r\n') ? -2 : -1) : log;
}

/**
 * Docker's json-file driver: `{"log": "<the line>\n", "stream": "stdout", "time": "<RFC 3339>"}`;
 * `text` is the line without its newline, `stream` and `dockerTime` the other two values as read.
 */
function readDocker(text: string, stream: unknown, dockerTime: unknown, out: Envelope, readTime: (v: unknown, out: Envelope) => boolean, zone: NaiveZone, stamp: TextStamp, strip: (line: string, from: number) => PrefixFields): boolean {
  // Docker's own clock is UTC with nanoseconds: the reliable one. The application's own stamp
  // inside the line (often a naive local time) is stripped from the message.
  const inner = readTextStamp(text, stamp, zone);
  // Reading Docker's time reuses the holder: what the inner stamp said is kept first.
  const innerAtMs = stamp.atMs;
  const innerZoned = stamp.zoned;
  const innerDigits = stamp.fractionDigits;
  const innerEnd = stamp.messageStart;
  if (dockerTime !== undefined && readTime(dockerTime, out)) {
    // keep Docker's time
  } else if (inner === 'ok') {
    out.atMs = innerAtMs;
    out.zoned = innerZoned;
    out.fractionDigits = innerDigits;
  } else return false;
  if (inner === 'ok') {
    const fields = strip(text, innerEnd);
    out.message = text.slice(fields.messageStart);
    out.level = fields.level;
  } else {
    const fields = strip(text, 0);
    out.message = text.slice(fields.messageStart);
    out.level = fields.level ?? (stream === 'stderr' ? 'stderr' : null);
  }
  return true;
}

/** Reads a `--time-format` time at the start of a text line into `out`; returns where the rest starts, or -1. */
function readFormattedPrefix(line: string, reader: TimeFormatReader, out: Envelope): number {
  // Try prefixes ending at blanks, longest first, so a format with spaces in it is read whole.
  let end = line.length;
  for (let tries = 0; tries < 8 && end > 0; tries++) {
    const read = reader(line.slice(0, end));
    if (read) {
      out.atMs = read.atMs;
      out.zoned = read.zoned;
      out.fractionDigits = read.fractionDigits;
      return skipFieldSeparators(line, end);
    }
    end = line.lastIndexOf(' ', end - 1);
  }
  return -1;
}

function pickKey<T>(obj: Record<string, T>, keys: readonly string[]): T | undefined {
  for (const key of keys) {
    const v = obj[key];
    if (v !== undefined && v !== null) return v;
  }
  return undefined;
}

/** The first value set in `values[from..to)` (keys in order of preference), or undefined. */
function firstValue(values: ReadonlyArray<string | undefined>, from: number, to: number): string | undefined {
  for (let k = from; k < to; k++) if (values[k] !== undefined) return values[k];
  return undefined;
}
