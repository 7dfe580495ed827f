/**
 * Reads the timestamp at the start of a text log line: `YYYY-MM-DD HH:MM:SS`, optionally with
 * `,mmm` or `.mmm` (Python's logging adds milliseconds after a comma), then ` - ` or spaces before
 * the message. The zone is not in the line: times are read as UTC. This sits on the parser's hot
 * path, so it reads characters by hand and writes into a holder the caller reuses.
 */

/** Filled in by `readTextStamp`. */
export interface TextStamp {
  /** Milliseconds since the epoch (UTC). */
  atMs: number;
  /** Index in the line where the message starts. */
  messageStart: number;
  /** Why a line that starts like a timestamp is not a valid one. */
  reason: string;
}

/** A holder to reuse across lines. */
export function createTextStamp(): TextStamp {
  return { atMs: 0, messageStart: 0, reason: '' };
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Reads `line` into `out`. Returns `ok`, `untimed` (the line does not start with a date: a
 * continuation or another format) or `bad` (it starts with `YYYY-` but the timestamp is malformed;
 * `out.reason` says how).
 */
export function readTextStamp(line: string, out: TextStamp): 'ok' | 'untimed' | 'bad' {
  if (line.length < 5 || !isDigit(line, 0) || !isDigit(line, 1) || !isDigit(line, 2) || !isDigit(line, 3) || line.charCodeAt(4) !== 45) return 'untimed';
  const shape =
    line.length >= 19 &&
    isDigit(line, 5) &&
    isDigit(line, 6) &&
    line.charCodeAt(7) === 45 &&
    isDigit(line, 8) &&
    isDigit(line, 9) &&
    (line.charCodeAt(10) === 32 || line.charCodeAt(10) === 84) &&
    isDigit(line, 11) &&
    isDigit(line, 12) &&
    line.charCodeAt(13) === 58 &&
    isDigit(line, 14) &&
    isDigit(line, 15) &&
    line.charCodeAt(16) === 58 &&
    isDigit(line, 17) &&
    isDigit(line, 18);
  if (!shape) return fail(out, `expected a timestamp like "2025-08-06 03:00:23", got "${line.slice(0, 19)}"`);
  const year = num(line, 0, 4);
  const month = num(line, 5, 2);
  const day = num(line, 8, 2);
  const hour = num(line, 11, 2);
  const minute = num(line, 14, 2);
  const second = num(line, 17, 2);
  if (month < 1 || month > 12) return fail(out, `month ${month} is out of range in "${line.slice(0, 19)}"`);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const maxDay = month === 2 && !leap ? 28 : (DAYS_IN_MONTH[month - 1] as number);
  if (day < 1 || day > maxDay) return fail(out, `day ${day} does not exist in ${line.slice(0, 7)} ("${line.slice(0, 19)}")`);
  if (hour > 23 || minute > 59 || second > 59) return fail(out, `time ${line.slice(11, 19)} is out of range`);
  let at = 19;
  let ms = 0;
  const sep = line.charCodeAt(19);
  if ((sep === 44 || sep === 46) && isDigit(line, 20)) {
    let digits = 0;
    at = 20;
    while (at < line.length && isDigit(line, at)) {
      if (digits < 3) ms = ms * 10 + (line.charCodeAt(at) - 48);
      digits++;
      at++;
    }
    if (digits > 9) return fail(out, `the fraction of a second in "${line.slice(0, at)}" is too long`);
    for (let d = Math.min(digits, 3); d < 3; d++) ms *= 10;
  }
  if (at < line.length) {
    const c = line.charCodeAt(at);
    if (c !== 32 && c !== 9) return fail(out, `unexpected "${line.charAt(at)}" after the timestamp "${line.slice(0, at)}"`);
    while (at < line.length && (line.charCodeAt(at) === 32 || line.charCodeAt(at) === 9)) at++;
    if (line.charCodeAt(at) === 45 && (at + 1 === line.length || line.charCodeAt(at + 1) === 32)) {
      at++;
      while (at < line.length && line.charCodeAt(at) === 32) at++;
    }
  }
  out.atMs = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  out.messageStart = at;
  return 'ok';
}

function fail(out: TextStamp, reason: string): 'bad' {
  out.reason = reason;
  return 'bad';
}

function isDigit(line: string, i: number): boolean {
  const c = line.charCodeAt(i);
  return c >= 48 && c <= 57;
}

function num(line: string, from: number, length: number): number {
  let value = 0;
  for (let i = from; i < from + length; i++) value = value * 10 + (line.charCodeAt(i) - 48);
  return value;
}
