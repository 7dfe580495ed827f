/**
 * Duration flags (`--stall-threshold 60s`, `--budget 15m`): a duration such as `250ms`, `30s`,
 * `1.5m` or `1h30m` (or a bare number of milliseconds), bounded like a scenario's durations, so that
 * 310 digits of seconds cannot parse to Infinity and be accepted.
 */
import { UsageError } from '../errors.js';
import { formatDurationMs, MAX_DURATION_MS, parseDurationMs } from '../units/duration.js';

/**
 * The duration of `flag` in ms, from `minMs` (default 1 ms) to `maxMs` (default 30 days); `fallback`
 * when the flag is absent. Throws a one-line UsageError naming the flag and the value otherwise.
 */
export function readDurationOption(value: unknown, flag: string, fallback: string, bounds: { minMs?: number; maxMs?: number } = {}): number {
  const minMs = bounds.minMs ?? 1;
  const maxMs = bounds.maxMs ?? MAX_DURATION_MS;
  if (Array.isArray(value)) throw new UsageError(`${flag} was given more than once (${value.map(String).join(', ')}); give it once`);
  const text = value === undefined || value === null ? fallback : String(value);
  const ms = parseDurationMs(text);
  if (ms === null || !Number.isFinite(ms) || ms < minMs || ms > maxMs) {
    throw new UsageError(`${flag} must be a duration from ${describeBound(minMs)} to ${describeBound(maxMs)} such as ${fallback}, got ${text === '' ? '""' : text}`);
  }
  return ms;
}

function describeBound(ms: number): string {
  return ms === MAX_DURATION_MS ? '30 days' : formatDurationMs(ms);
}
