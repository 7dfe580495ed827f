/** `--time-scale`: simulated ms per real ms, from 0.001 to 100,000 (beyond, timers round to nothing). */
import { UsageError } from '../errors.js';

export const MAX_TIME_SCALE = 100_000;

export function readTimeScale(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0.001 || value > MAX_TIME_SCALE) {
    throw new UsageError(`--time-scale must be a number from 0.001 to ${MAX_TIME_SCALE}, got ${String(value)}`);
  }
  return value;
}
