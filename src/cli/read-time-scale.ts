/** `--time-scale`: simulated ms per real ms, from 0.001 to 100,000 (beyond, timers round to nothing). */
import { readNumberOption } from './read-number-option.js';

export const MAX_TIME_SCALE = 100_000;

/** The scale given (1 when absent). Throws a one-line UsageError naming the value otherwise. */
export function readTimeScale(value: unknown): number {
  return readNumberOption(value, '--time-scale', { min: 0.001, max: MAX_TIME_SCALE }) ?? 1;
}
