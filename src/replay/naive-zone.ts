/**
 * The zone in which to read timestamps that carry none (`2025-08-06 03:00:23`): UTC unless the
 * user says otherwise with `--time-zone`, given as `UTC`, a fixed offset (`+02:00`, `-0530`) or an
 * IANA name (`Europe/Berlin`, daylight saving time included). Pure; IANA offsets come from the
 * runtime's Intl data and are cached per hour, so a million lines cost a few hundred lookups.
 */
import { UsageError } from '../errors.js';

/** How to turn a wall-clock time without a zone into UTC. */
export interface NaiveZone {
  /** As the user wrote it, or `UTC`. */
  readonly label: string;
  /** Milliseconds since the epoch of the wall-clock time `wallMs` (its fields read as if UTC). */
  toUtcMs(wallMs: number): number;
}

/** UTC: wall-clock times are UTC. */
export const UTC_ZONE: NaiveZone = { label: 'UTC', toUtcMs: (wallMs) => wallMs };

const OFFSET = /^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$/i;
const HOUR_MS = 3_600_000;

/** Reads a `--time-zone` value; throws UsageError naming the accepted forms. */
export function parseTimeZone(value: string): NaiveZone {
  const text = value.trim();
  if (/^(?:UTC|GMT|Z|Etc\/UTC)$/i.test(text)) return UTC_ZONE;
  const offset = OFFSET.exec(text);
  if (offset) {
    const hours = Number(offset[2]);
    const minutes = Number(offset[3] ?? '0');
    if (hours > 18 || minutes > 59) throw new UsageError(`--time-zone ${value}: an offset is at most ±18:00`);
    const ms = (offset[1] === '-' ? -1 : 1) * (hours * 60 + minutes) * 60_000;
    return { label: text, toUtcMs: (wallMs) => wallMs - ms };
  }
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', { timeZone: text, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  } catch {
    throw new UsageError(`--time-zone ${value}: not a zone this runtime knows; give UTC, an offset such as +02:00, or an IANA name such as Europe/Berlin`);
  }
  const cache = new Map<number, number>();
  /** The zone's offset at the UTC instant `utcMs`, ms (positive east of Greenwich). */
  const offsetAt = (utcMs: number): number => {
    const key = Math.floor(utcMs / HOUR_MS);
    const known = cache.get(key);
    if (known !== undefined) return known;
    const parts: Record<string, number> = {};
    for (const part of format.formatToParts(new Date(key * HOUR_MS))) if (part.type !== 'literal') parts[part.type] = Number(part.value);
    const wall = Date.UTC(parts['year'] as number, (parts['month'] as number) - 1, parts['day'], parts['hour'], parts['minute'], parts['second']);
    const found = wall - key * HOUR_MS;
    if (cache.size > 100_000) cache.clear();
    cache.set(key, found);
    return found;
  };
  return {
    label: text,
    toUtcMs(wallMs) {
      // The offset at the guess, then at the corrected time (right across a DST change).
      const first = wallMs - offsetAt(wallMs);
      const second = wallMs - offsetAt(first);
      return second;
    },
  };
}
