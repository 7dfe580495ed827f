/**
 * `--seed`: what a scenario's `seed` accepts (a whole number from 0 to 2^53 − 1), read from the
 * command line's text so that `12abc`, `1e3`, `-1` or `0x10` are refused rather than coerced.
 */
import { UsageError } from '../errors.js';

/** The yargs option of a seed: read as text, validated by `readSeedOption`. */
export const SEED_OPTION = { type: 'string', requiresArg: true } as const;

/** The seed given, or null when the option is absent. Throws a one-line UsageError otherwise. */
export function readSeedOption(value: unknown, flag = '--seed'): number | null {
  if (value === undefined) return null;
  const text = Array.isArray(value) ? String(value.at(-1)) : String(value);
  const seed = /^\d{1,16}$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isSafeInteger(seed)) throw new UsageError(`${flag} must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER} (as a scenario's seed), got ${JSON.stringify(text)}`);
  return seed;
}
