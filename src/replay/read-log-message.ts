/**
 * What a batch log's messages say: the declaration ("Starting concurrent processing of N machines
 * with W workers"), a machine's start ("Processing machine NAME - Worker available"), a result
 * line (a line naming a started machine and saying it ended — completed, finished, done, updated,
 * saved, priced, or failed, error, timed out, gave up — with its duration when the line has one),
 * a batch end (a summary saying the batch is over, with its counts when present), and any other
 * line naming a machine (a warning: evidence on that machine). `--start-pattern` and
 * `--end-pattern` replace the built-in phrasing of starts and results. Pure.
 */
import { UsageError } from '../errors.js';
import type { MachineNameIndex } from './match-machine-name.js';

/** How a result line says the machine ended. */
export type ResultOutcome = 'ok' | 'failed';

/** What one message says (the first that applies, in this order). */
export type MessageMeaning =
  | { kind: 'declaration'; items: number; workers: number }
  | { kind: 'start'; name: string }
  | { kind: 'result'; name: string; outcome: ResultOutcome | null; durationMs: number | null }
  | { kind: 'batch-end'; priced: number | null; failed: number | null; total: number | null; durationMs: number | null }
  | { kind: 'mention'; name: string }
  | { kind: 'other' };

/** User patterns: regexes with a named group `machine` (results: optional `outcome` and `duration`). */
export interface MessagePatterns {
  startPattern?: string | null;
  endPattern?: string | null;
}

const DECLARATION = /\bStart(?:ing|ed)?\b.*?\b(\d+)\s+(?:machines?|items?|products?|urls?|pages?)\b.*?\b(\d+)\s+(?:workers?|threads?|tasks?)\b/i;
const START = /\bProcessing machine\s+(.+?)(?:\s+-\s+Worker available)?\s*$/;
const OK_WORDS = /\b(?:completed?|finished|done|updated|saved|priced|succeeded|success(?:ful(?:ly)?)?|ok)\b/i;
const FAIL_WORDS = /\b(?:failed|failure|errors?|errored|timed[ -]out|time[ -]?out|gave up|giving up|exception|aborted|cancell?ed)\b/i;
const NOT_FINAL = /\b(?:retry|retrying|retries|escalat\w*|will retry|trying again|falling back)\b/i;
const BATCH_END = /\b(?:batch|price update|update run|processing|run|job)\b[^"]*?\b(?:complete|completed|finished|done|ended|over)\b|\b(?:completed|finished|ended)\b[^"]*?\b(?:batch|processing|price update)\b|^all done\b/i;
const DURATION_UNIT: Record<string, number> = { ms: 1, millisecond: 1, milliseconds: 1, s: 1000, sec: 1000, secs: 1000, second: 1000, seconds: 1000, m: 60_000, min: 60_000, mins: 60_000, minute: 60_000, minutes: 60_000, h: 3_600_000, hour: 3_600_000, hours: 3_600_000 };
const DURATION = /(?:\b(?:in|took|after|elapsed|duration)\b[=:]?\s*|\()(?:(\d+):(\d{2}):(\d{2}(?:\.\d+)?)|(\d+)m\s*(\d+(?:\.\d+)?)s|(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hours?)\b)/i;
const COUNT_OK = /\b(\d+)\s*(?:\/\s*\d+\s*)?(?:machines?\s+)?(?:updated|succeeded|successful|priced|ok|success|completed|done)\b|\b(?:updated|succeeded|successful|priced|ok|success)[=:]\s*(\d+)/i;
const COUNT_FAILED = /\b(\d+)\s+(?:machines?\s+)?(?:failed|errors?|timed out)\b|\b(?:failed|errors)[=:]\s*(\d+)/i;
const COUNT_TOTAL = /\b(?:of|total[=:]?)\s*(\d+)\b|\b\d+\s*\/\s*(\d+)\b/i;

/** Reads messages. Throws UsageError for a bad pattern. */
export function createMessageReader(patterns: MessagePatterns = {}): { read(message: string, names: MachineNameIndex): MessageMeaning } {
  const start = patterns.startPattern ? compile(patterns.startPattern, '--start-pattern') : null;
  const end = patterns.endPattern ? compile(patterns.endPattern, '--end-pattern') : null;
  return {
    read(message, names) {
      if (start) {
        const m = start.exec(message);
        if (m) {
          const name = (m.groups?.['machine'] ?? '').trim();
          if (name !== '') return { kind: 'start', name };
        }
      } else {
        const at = message.indexOf('Processing machine');
        if (at >= 0) {
          const name = readStartName(message, at);
          if (name !== null) return { kind: 'start', name };
        }
      }
      if (message.includes('tart')) {
        const declared = DECLARATION.exec(message);
        if (declared) return { kind: 'declaration', items: Number(declared[1]), workers: Number(declared[2]) };
      }
      if (end) {
        const m = end.exec(message);
        if (m) {
          const name = names.find(message, m.groups?.['machine'] ?? null);
          if (name !== null) {
            const outcome = m.groups?.['outcome'];
            const duration = m.groups?.['duration'];
            return {
              kind: 'result',
              name,
              outcome: outcome === undefined ? 'ok' : FAIL_WORDS.test(outcome) ? 'failed' : 'ok',
              durationMs: duration === undefined ? null : readDuration(`in ${duration}${/^\d+(?:\.\d+)?$/.test(duration.trim()) ? 's' : ''}`),
            };
          }
        }
      }
      const name = names.size > 0 ? names.find(message) : null;
      if (name !== null) {
        if (end) return { kind: 'mention', name };
        // The outcome words outside the machine's name ("Done Laser 3" must not read as done).
        const rest = message.replace(name, ' ');
        if (NOT_FINAL.test(rest)) return { kind: 'mention', name };
        const failed = FAIL_WORDS.test(rest);
        const ok = !failed && OK_WORDS.test(rest);
        if (failed || ok) return { kind: 'result', name, outcome: failed ? 'failed' : 'ok', durationMs: readDuration(rest) };
        return { kind: 'mention', name };
      }
      if (BATCH_END.test(message)) {
        return { kind: 'batch-end', priced: firstNumber(COUNT_OK.exec(message)), failed: firstNumber(COUNT_FAILED.exec(message)), total: firstNumber(COUNT_TOTAL.exec(message)), durationMs: readDuration(message) };
      }
      return { kind: 'other' };
    },
  };
}

/**
 * The machine a built-in start line names, `message` holding "Processing machine" at `at`; null
 * when it is no start. The common line (printable ASCII, single blanks) is read by hand, which
 * costs a tenth of the regular expression's lazy match; any other goes to START itself.
 */
function readStartName(message: string, at: number): string | null {
  const before = at === 0 ? 32 : message.charCodeAt(at - 1);
  let from = at + 18;
  if (message.charCodeAt(from) !== 32 || isAsciiWordChar(before)) return slowStartName(message);
  while (message.charCodeAt(from) === 32) from++;
  let end = message.length;
  for (let k = from; k < end; k++) {
    const c = message.charCodeAt(k);
    if (c < 32 || c > 126) return slowStartName(message);
  }
  while (end > from && message.charCodeAt(end - 1) === 32) end--;
  // "NAME - Worker available": the name ends where the blanks before the dash start.
  if (end - from > 16 && message.endsWith('Worker available', end)) {
    let k = end - 16;
    if (message.charCodeAt(k - 1) === 32) {
      while (message.charCodeAt(k - 1) === 32) k--;
      if (message.charCodeAt(k - 1) === 45 && message.charCodeAt(k - 2) === 32) {
        k--;
        while (message.charCodeAt(k - 1) === 32) k--;
        if (k > from) end = k;
        else return slowStartName(message);
      }
    }
  }
  if (end <= from || message.charCodeAt(from) === 45) return slowStartName(message);
  return message.slice(from, end);
}

function slowStartName(message: string): string | null {
  const m = START.exec(message);
  return m ? (m[1] as string).trim() : null;
}

function isAsciiWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** The duration a message states ("in 41.0s", "took 350ms", "after 0:33:48", "(33m48s)"), ms, or null. */
export function readDuration(message: string): number | null {
  const m = DURATION.exec(message);
  if (!m) return null;
  if (m[1] !== undefined) return Math.round((Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3])) * 1000);
  if (m[4] !== undefined) return Math.round((Number(m[4]) * 60 + Number(m[5])) * 1000);
  const unit = DURATION_UNIT[(m[7] as string).toLowerCase()];
  return unit === undefined ? null : Math.round(Number(m[6]) * unit);
}

function firstNumber(m: RegExpExecArray | null): number | null {
  if (!m) return null;
  for (let k = 1; k < m.length; k++) if (m[k] !== undefined) return Number(m[k]);
  return null;
}

function compile(pattern: string, flag: string): RegExp {
  let re: RegExp;
  try {
    re = new RegExp(pattern);
  } catch (error) {
    throw new UsageError(`${flag} is not a valid regular expression: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!pattern.includes('(?<machine>')) throw new UsageError(`${flag} needs a named group (?<machine>…)`);
  return re;
}
