/**
 * Reads a timestamp at the start of a text log line, in the forms real loggers print:
 * `YYYY-MM-DD HH:MM:SS` or ISO 8601's `YYYY-MM-DDTHH:MM:SS`, optionally with a fraction of a
 * second after `,` (Python's logging) or `.`, optionally with a zone (`Z`, `+02:00`, `+0200`,
 * `+02`, ` UTC`), optionally inside brackets (`[2025-08-06 03:00:23,481]`). A time without a zone
 * is read in the naive zone the caller gives (UTC by default). This sits on the parser's hot path,
 * so it reads characters by hand and writes into a holder the caller reuses.
 */
import { UTC_ZONE, type NaiveZone } from './naive-zone.js';

/** Filled in by `readTextStamp`. */
export interface TextStamp {
  /** Milliseconds since the epoch (UTC). */
  atMs: number;
  /** Index in the line where the text after the timestamp starts (separators skipped). */
  messageStart: number;
  /** Why a line that starts like a timestamp is not a valid one. */
  reason: string;
  /** Whether the timestamp carried its own zone (else it was read in the naive zone). */
  zoned: boolean;
  /** Digits of the fraction of a second (0 for whole seconds). */
  fractionDigits: number;
}

/** A holder to reuse across lines. */
export function createTextStamp(): TextStamp {
  return { atMs: 0, messageStart: 0, reason: '', zoned: false, fractionDigits: 0 };
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Reads `line` from `from` into `out`. Returns `ok`, `untimed` (the line does not start with a
 * date: a continuation or another format) or `bad` (it starts with `YYYY-` but the timestamp is
 * malformed; `out.reason` says how). `skipSeparators` (default true) moves `messageStart` past
 * the blanks and one ` - ` or ` | ` after the timestamp.
 */
export function readTextStamp(line: string, out: TextStamp, zone: NaiveZone = UTC_ZONE, from = 0, skipSeparators = true): 'ok' | 'untimed' | 'bad' {
  let o = from;
  const bracket = line.charCodeAt(o) === 91;
  if (bracket) o++;
  if (line.length < o + 5 || !isDigit(line, o) || !isDigit(line, o + 1) || !isDigit(line, o + 2) || !isDigit(line, o + 3) || line.charCodeAt(o + 4) !== 45) return 'untimed';
  const shape =
    line.length >= o + 19 &&
    isDigit(line, o + 5) &&
    isDigit(line, o + 6) &&
    line.charCodeAt(o + 7) === 45 &&
    isDigit(line, o + 8) &&
    isDigit(line, o + 9) &&
    (line.charCodeAt(o + 10) === 32 || line.charCodeAt(o + 10) === 84 || line.charCodeAt(o + 10) === 116) &&
    isDigit(line, o + 11) &&
    isDigit(line, o + 12) &&
    line.charCodeAt(o + 13) === 58 &&
    isDigit(line, o + 14) &&
    isDigit(line, o + 15) &&
    line.charCodeAt(o + 16) === 58 &&
    isDigit(line, o + 17) &&
    isDigit(line, o + 18);
  const shown = () => line.slice(from, Math.min(line.length, o + 19));
  if (!shape) return fail(out, `expected a timestamp like "2025-08-06 03:00:23", got "${shown()}"`);
  const year = num(line, o, 4);
  const month = num(line, o + 5, 2);
  const day = num(line, o + 8, 2);
  const hour = num(line, o + 11, 2);
  const minute = num(line, o + 14, 2);
  const second = num(line, o + 17, 2);
  if (month < 1 || month > 12) return fail(out, `month ${month} is out of range in "${shown()}"`);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const maxDay = month === 2 && !leap ? 28 : (DAYS_IN_MONTH[month - 1] as number);
  if (day < 1 || day > maxDay) return fail(out, `day ${day} does not exist in ${line.slice(o, o + 7)} ("${shown()}")`);
  if (hour > 23 || minute > 59 || second > 59) return fail(out, `time ${line.slice(o + 11, o + 19)} is out of range`);
  let at = o + 19;
  let ms = 0;
  let digits = 0;
  const sep = line.charCodeAt(at);
  if ((sep === 44 || sep === 46) && isDigit(line, at + 1)) {
    at++;
    while (at < line.length && isDigit(line, at)) {
      if (digits < 3) ms = ms * 10 + (line.charCodeAt(at) - 48);
      digits++;
      at++;
    }
    if (digits > 9) return fail(out, `the fraction of a second in "${line.slice(from, at)}" is too long`);
    for (let d = Math.min(digits, 3); d < 3; d++) ms *= 10;
  }
  const wallMs = dayStartMs(year, month, day) + hour * 3_600_000 + minute * 60_000 + second * 1000 + ms;
  // A zone: Z, ±HH:MM, ±HHMM, ±HH, or " UTC" / " GMT".
  let offsetMs: number | null = null;
  const z = line.charCodeAt(at);
  if (z === 90 || z === 122) {
    offsetMs = 0;
    at++;
  } else if ((z === 43 || z === 45) && isDigit(line, at + 1) && isDigit(line, at + 2)) {
    const sign = z === 45 ? -1 : 1;
    const hh = num(line, at + 1, 2);
    let mm = 0;
    let end = at + 3;
    if (line.charCodeAt(end) === 58 && isDigit(line, end + 1) && isDigit(line, end + 2)) {
      mm = num(line, end + 1, 2);
      end += 3;
    } else if (isDigit(line, end) && isDigit(line, end + 1)) {
      mm = num(line, end, 2);
      end += 2;
    }
    if (hh > 18 || mm > 59) return fail(out, `the zone offset in "${line.slice(from, end)}" is out of range`);
    offsetMs = sign * (hh * 60 + mm) * 60_000;
    at = end;
  } else if (z === 32 && (line.startsWith('UTC', at + 1) || line.startsWith('GMT', at + 1)) && !isLetter(line, at + 4)) {
    offsetMs = 0;
    at += 4;
  }
  if (bracket) {
    if (line.charCodeAt(at) !== 93) return fail(out, `expected "]" after the timestamp "${line.slice(from, at)}"`);
    at++;
  }
  if (at < line.length) {
    const c = line.charCodeAt(at);
    // A timestamp is followed by a blank or by punctuation that separates fields.
    if (c !== 32 && c !== 9 && c !== 124 && c !== 58 && c !== 93 && c !== 44) return fail(out, `unexpected "${line.charAt(at)}" after the timestamp "${line.slice(from, at)}"`);
    if (skipSeparators) at = skipFieldSeparators(line, at);
  }
  out.atMs = offsetMs === null ? zone.toUtcMs(wallMs) : wallMs - offsetMs;
  out.zoned = offsetMs !== null;
  out.fractionDigits = digits;
  out.messageStart = at;
  return 'ok';
}

/** Index past blanks and at most one field separator (` - `, ` | `, `: `, `, `) starting at `at`. */
export function skipFieldSeparators(line: string, at: number): number {
  while (at < line.length && (line.charCodeAt(at) === 32 || line.charCodeAt(at) === 9)) at++;
  const c = line.charCodeAt(at);
  if ((c === 45 || c === 124 || c === 58 || c === 44) && (at + 1 === line.length || line.charCodeAt(at + 1) === 32)) {
    at++;
    while (at < line.length && (line.charCodeAt(at) === 32 || line.charCodeAt(at) === 9)) at++;
  }
  return at;
}

/**
 * Reads a whole timestamp value, as structured loggers write them: an ISO 8601 or Python-logging
 * string (see `readTextStamp`), or a number of seconds, milliseconds, microseconds or nanoseconds
 * since the epoch (told apart by size; a string of digits counts as a number). Returns null when
 * `value` is none of these; fills `out` otherwise.
 */
export function readStampValue(value: unknown, out: TextStamp, zone: NaiveZone = UTC_ZONE): boolean {
  let n: number | null = null;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string') {
    // A date's fifth character is its dash: test for a number only when it could be one.
    const fifth = value.charCodeAt(4);
    if (fifth >= 48 && fifth <= 57 && /^\d{9,19}(?:\.\d+)?$/.test(value)) n = Number(value);
    else {
      if (readTextStamp(value, out, zone, 0, false) !== 'ok') return false;
      return out.messageStart >= value.length;
    }
  }
  if (n === null || !Number.isFinite(n) || n <= 0) return false;
  // Seconds up to the year 5138, then milliseconds, microseconds, nanoseconds.
  const ms = n < 1e11 ? n * 1000 : n < 1e14 ? n : n < 1e17 ? n / 1000 : n / 1e6;
  out.atMs = Math.round(ms);
  out.zoned = true;
  out.fractionDigits = n < 1e11 ? (Number.isInteger(n) ? 0 : 3) : 3;
  out.messageStart = 0;
  return true;
}

// The day of the last line read: a log's lines share their day by the thousand.
let lastDayKey = -1;
let lastDayMs = 0;

/** Date.UTC of midnight of the day (the same mapping of years as Date.UTC), remembered for the next line. */
function dayStartMs(year: number, month: number, day: number): number {
  const key = year * 10_000 + month * 100 + day;
  if (key !== lastDayKey) {
    lastDayMs = Date.UTC(year, month - 1, day);
    lastDayKey = key;
  }
  return lastDayMs;
}

function fail(out: TextStamp, reason: string): 'bad' {
  out.reason = reason;
  return 'bad';
}

function isDigit(line: string, i: number): boolean {
  const c = line.charCodeAt(i);
  return c >= 48 && c <= 57;
}

function isLetter(line: string, i: number): boolean {
  const c = line.charCodeAt(i) | 32;
  return c >= 97 && c <= 122;
}

function num(line: string, from: number, length: number): number {
  let value = 0;
  for (let i = from; i < from + length; i++) value = value * 10 + (line.charCodeAt(i) - 48);
  return value;
}
