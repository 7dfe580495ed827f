/**
 * Number flags (`--workers 4`, `--time-scale 60`): read from the command line's text and checked
 * against bounds before any work, so that a refusal quotes what was given (yargs' own number type
 * turns `abc` into NaN, and `--limit` without a value into no limit at all), and `1e21`, `0x10`,
 * `Infinity` or a number past the flag's range never reach V8's limits, SQLite or a timer.
 */
import { UsageError } from '../errors.js';

/**
 * The yargs option of a number flag: left untyped, so that it arrives as the text given (the CLI
 * turns yargs' number parsing off) and the help shows no misleading `[string]`; validated by
 * `readNumberOption`.
 */
export const NUMBER_OPTION = { requiresArg: true } as const;

/** What a number flag accepts. */
export interface NumberBounds {
  /** Smallest and largest value accepted (inclusive). */
  min: number;
  max: number;
  /** Whole numbers only. */
  integer?: boolean;
  /** How the message names the value: "a number of days" (default "an integer" or "a number"). */
  what?: string;
  /** Said after the range, e.g. "(0.5 = ±50%)". */
  note?: string;
}

const INTEGER_TEXT = /^[+-]?\d+$/;
const DECIMAL_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/**
 * The value of `flag` within `bounds`, or null when the flag is absent. Takes the text yargs hands
 * over (or a number, for defaults and callers in code). Throws a one-line UsageError naming the
 * flag and the value as given otherwise: plain decimal notation only.
 */
export function readNumberOption(value: unknown, flag: string, bounds: NumberBounds): number | null {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value)) throw new UsageError(`${flag} was given more than once (${value.map(String).join(', ')}); give it once`);
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : null;
  const number = text === null ? NaN : typeof value === 'number' ? value : (bounds.integer ? INTEGER_TEXT : DECIMAL_TEXT).test(text) ? Number(text) : NaN;
  if (!Number.isFinite(number) || (bounds.integer && !Number.isInteger(number)) || number < bounds.min || number > bounds.max) {
    const what = bounds.what ?? (bounds.integer ? 'an integer' : 'a number');
    throw new UsageError(`${flag} must be ${what} from ${bounds.min} to ${bounds.max}${bounds.note ? ` ${bounds.note}` : ''}, got ${showGiven(value)}`);
  }
  return number;
}

/** An integer flag within [min, max] (present, or defaulted by yargs). */
export function readCountOption(value: unknown, flag: string, range: { min: number; max: number }): number {
  const count = readNumberOption(value, flag, { ...range, integer: true });
  if (count === null) throw new UsageError(`${flag} needs a value: an integer from ${range.min} to ${range.max}`);
  return count;
}

/** `--threads`: worker threads from 0 (in-process) to 256, or null for the CPU cores. */
export function readThreadsOption(value: unknown): number | null {
  return readNumberOption(value, '--threads', { min: 0, max: 256, integer: true });
}

/** The value as the user wrote it, quoted when it would not read as one word. */
function showGiven(value: unknown): string {
  const text = String(value);
  return text === '' || /\s/.test(text) ? JSON.stringify(text) : text;
}
