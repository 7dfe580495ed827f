/** Durations: parsing "15m"-style strings and formatting milliseconds for people. */

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** The longest duration a scenario or config may name, ms (30 days): longer is a typo, and would overflow timers. */
export const MAX_DURATION_MS = 30 * 24 * 3600 * 1000;

/**
 * Parses a duration such as `250ms`, `30s`, `1.5m`, `2h`, `1h30m` or a bare number of
 * milliseconds. Returns milliseconds, or null when the text is not a duration.
 */
export function parseDurationMs(text: string | number): number | null {
  if (typeof text === 'number') return Number.isFinite(text) ? text : null;
  const trimmed = text.trim();
  if (trimmed === '') return null;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  const part = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (let match = part.exec(trimmed); match; match = part.exec(trimmed)) {
    total += Number(match[1]) * (UNIT_MS[match[2] as string] as number);
    consumed = part.lastIndex;
  }
  return consumed === trimmed.length && consumed > 0 ? total : null;
}

/** Formats milliseconds compactly: 950ms, 7s, 2.5s, 34m08s, 1h02m. */
export function formatDurationMs(ms: number): string {
  if (!Number.isFinite(ms)) return '∞';
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  if (abs < 1000) return `${sign}${Math.round(abs)}ms`;
  if (abs < 60_000) {
    const s = Math.round(abs / 100) / 10;
    return `${sign}${Number.isInteger(s) ? s : s.toFixed(1)}s`;
  }
  const totalS = Math.round(abs / 1000);
  if (totalS < 3600) {
    const m = Math.floor(totalS / 60);
    const s = totalS % 60;
    return `${sign}${m}m${String(s).padStart(2, '0')}s`;
  }
  const h = Math.floor(totalS / 3600);
  const m = Math.floor((totalS % 3600) / 60);
  return `${sign}${h}h${String(m).padStart(2, '0')}m`;
}
