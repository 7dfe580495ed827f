/**
 * Validation helpers for JSON input with precise errors: every failure names the source, the
 * field path and the bad value, e.g. "Failed to load scenario scenarios/x.json:
 * policies[2].workers must be a positive integer, got -3".
 */
import { ScenarioError } from '../errors.js';
import { MAX_DURATION_MS, parseDurationMs } from '../units/duration.js';

export { MAX_DURATION_MS };

export type JsonObject = Record<string, unknown>;

/** Reads fields of one source (a file name or label) and throws ScenarioError on bad values. */
export class FieldReader {
  constructor(readonly source: string) {}

  /** Throws a ScenarioError for `path`. */
  fail(path: string, message: string): never {
    throw new ScenarioError(`Failed to load scenario ${this.source}: ${path} ${message}`);
  }

  object(value: unknown, path: string): JsonObject {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(path, `must be an object, got ${show(value)}`);
    return value as JsonObject;
  }

  array(value: unknown, path: string): unknown[] {
    if (!Array.isArray(value)) this.fail(path, `must be an array, got ${show(value)}`);
    return value;
  }

  /** Rejects fields not in `allowed` (catches typos such as `workerz`). */
  knownKeys(obj: JsonObject, allowed: readonly string[], path: string): void {
    for (const key of Object.keys(obj)) {
      if (!allowed.includes(key)) this.fail(join(path, key), `is not a known field (expected one of: ${allowed.join(', ')})`);
    }
  }

  string(value: unknown, path: string): string {
    if (typeof value !== 'string' || value.length === 0) this.fail(path, `must be a non-empty string, got ${show(value)}`);
    return value;
  }

  boolean(value: unknown, path: string): boolean {
    if (typeof value !== 'boolean') this.fail(path, `must be true or false, got ${show(value)}`);
    return value;
  }

  number(value: unknown, path: string, options: { min?: number; max?: number; integer?: boolean; positive?: boolean } = {}): number {
    const kind = options.positive ? (options.integer ? 'a positive integer' : 'a positive number') : options.integer ? 'an integer' : 'a number';
    if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(path, `must be ${kind}, got ${show(value)}`);
    if (options.integer && !Number.isInteger(value)) this.fail(path, `must be ${kind}, got ${show(value)}`);
    if (options.positive && value <= 0) this.fail(path, `must be ${kind}, got ${show(value)}`);
    if (options.min !== undefined && value < options.min) this.fail(path, `must be at least ${options.min}, got ${show(value)}`);
    if (options.max !== undefined && value > options.max) this.fail(path, `must be at most ${options.max}, got ${show(value)}`);
    return value;
  }

  probability(value: unknown, path: string): number {
    return this.number(value, path, { min: 0, max: 1 });
  }

  /** A duration in ms: a number of milliseconds or a string such as "30s", "15m", "1h30m"; at most MAX_DURATION_MS. */
  durationMs(value: unknown, path: string, options: { allowZero?: boolean } = {}): number {
    const ms = typeof value === 'number' || typeof value === 'string' ? parseDurationMs(value) : null;
    if (ms === null || !Number.isFinite(ms) || ms < 0 || (!options.allowZero && ms === 0)) {
      this.fail(path, `must be a ${options.allowZero ? 'non-negative' : 'positive'} duration (milliseconds, or a string like "30s" or "15m"), got ${show(value)}`);
    }
    if (ms > MAX_DURATION_MS) this.fail(path, `must be at most 30 days (${MAX_DURATION_MS} ms), got ${show(value)}`);
    return ms;
  }

  /** A duration or null (`null` or the string "none" mean no limit). */
  optionalDurationMs(value: unknown, path: string): number | null {
    if (value === null || value === 'none') return null;
    return this.durationMs(value, path);
  }

  oneOf<T extends string>(value: unknown, allowed: readonly T[], path: string): T {
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      this.fail(path, `must be one of ${allowed.map((a) => `"${a}"`).join(', ')}, got ${show(value)}`);
    }
    return value as T;
  }
}

/** Bounds of counts a scenario may name: more would exhaust the heap rather than simulate anything. */
export const LIMITS = { workers: 10_000, items: 10_000_000, accountConcurrency: 100_000, credits: 1e12 } as const;

/** `a.b`, `a[2]`: joins a path and a key. */
export function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

/** Shows a value in an error message, shortened. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
