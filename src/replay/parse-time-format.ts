/**
 * `--time-format`: reads timestamps written in a strftime format (the notation of Python's
 * `logging.Formatter(datefmt=…)` and of C), for logs whose time no built-in form reads. Supported:
 * `%Y %y %m %d %e %H %I %p %M %S %f %b %B %j %z %Z %s %%` (`%f`: 1–9 digits of fraction; `%s`: epoch
 * seconds). Pure.
 */
import { UsageError } from '../errors.js';
import { UTC_ZONE, type NaiveZone } from './naive-zone.js';

/** Reads one timestamp: ms since the epoch, or null when `text` does not match the format. */
export type TimeFormatReader = (text: string) => { atMs: number; zoned: boolean; fractionDigits: number } | null;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

const DIRECTIVES: Record<string, { pattern: string; field: string }> = {
  Y: { pattern: '(\\d{4})', field: 'year' },
  y: { pattern: '(\\d{2})', field: 'year2' },
  m: { pattern: '(\\d{1,2})', field: 'month' },
  d: { pattern: '(\\d{1,2})', field: 'day' },
  e: { pattern: ' ?(\\d{1,2})', field: 'day' },
  H: { pattern: '(\\d{1,2})', field: 'hour' },
  I: { pattern: '(\\d{1,2})', field: 'hour12' },
  p: { pattern: '([AaPp][Mm])', field: 'ampm' },
  M: { pattern: '(\\d{2})', field: 'minute' },
  S: { pattern: '(\\d{2})', field: 'second' },
  f: { pattern: '(\\d{1,9})', field: 'fraction' },
  b: { pattern: '([A-Za-z]{3})', field: 'monthName' },
  B: { pattern: '([A-Za-z]{3,9})', field: 'monthName' },
  j: { pattern: '(\\d{3})', field: 'yearDay' },
  z: { pattern: '(Z|[+-]\\d{2}:?\\d{2})', field: 'offset' },
  Z: { pattern: '(UTC|GMT|Z)', field: 'utc' },
  s: { pattern: '(\\d{9,11})', field: 'epoch' },
};

/** Compiles `format`; throws UsageError for an unknown directive. */
export function compileTimeFormat(format: string, zone: NaiveZone = UTC_ZONE): TimeFormatReader {
  let source = '^';
  const fields: string[] = [];
  for (let i = 0; i < format.length; i++) {
    const ch = format[i] as string;
    if (ch !== '%') {
      source += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      continue;
    }
    const d = format[++i];
    if (d === '%') {
      source += '%';
      continue;
    }
    const directive = d === undefined ? undefined : DIRECTIVES[d];
    if (!directive) throw new UsageError(`--time-format ${format}: %${d ?? ''} is not supported (supported: ${Object.keys(DIRECTIVES).map((k) => `%${k}`).join(' ')} %%)`);
    source += directive.pattern;
    fields.push(directive.field);
  }
  if (fields.length === 0) throw new UsageError(`--time-format ${format}: no % directive in it`);
  const re = new RegExp(`${source}$`);
  return (text) => {
    const m = re.exec(text.trim());
    if (!m) return null;
    const v: Record<string, string> = {};
    fields.forEach((f, k) => {
      v[f] = m[k + 1] as string;
    });
    if (v['epoch'] !== undefined) return { atMs: Number(v['epoch']) * 1000, zoned: true, fractionDigits: 0 };
    const year = v['year'] !== undefined ? Number(v['year']) : v['year2'] !== undefined ? 2000 + Number(v['year2']) : 1970;
    let month = v['month'] !== undefined ? Number(v['month']) : 1;
    if (v['monthName'] !== undefined) {
      month = MONTHS.indexOf(v['monthName'].slice(0, 3).toLowerCase()) + 1;
      if (month === 0) return null;
    }
    let day = v['day'] !== undefined ? Number(v['day']) : 1;
    if (v['yearDay'] !== undefined) {
      const d = new Date(Date.UTC(year, 0, Number(v['yearDay'])));
      month = d.getUTCMonth() + 1;
      day = d.getUTCDate();
    }
    let hour = v['hour'] !== undefined ? Number(v['hour']) : 0;
    if (v['hour12'] !== undefined) hour = (Number(v['hour12']) % 12) + ((v['ampm'] ?? 'am').toLowerCase() === 'pm' ? 12 : 0);
    const minute = v['minute'] !== undefined ? Number(v['minute']) : 0;
    const second = v['second'] !== undefined ? Number(v['second']) : 0;
    const fraction = v['fraction'] ?? '';
    const ms = fraction === '' ? 0 : Number(fraction.padEnd(3, '0').slice(0, 3));
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;
    const wallMs = Date.UTC(year, month - 1, day, hour, minute, second, ms);
    if (new Date(wallMs).getUTCDate() !== day) return null;
    if (v['offset'] !== undefined) {
      const o = v['offset'];
      if (o === 'Z') return { atMs: wallMs, zoned: true, fractionDigits: fraction.length };
      const sign = o.startsWith('-') ? -1 : 1;
      const digits = o.slice(1).replace(':', '');
      const offsetMs = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
      return { atMs: wallMs - offsetMs, zoned: true, fractionDigits: fraction.length };
    }
    if (v['utc'] !== undefined) return { atMs: wallMs, zoned: true, fractionDigits: fraction.length };
    return { atMs: zone.toUtcMs(wallMs), zoned: false, fractionDigits: fraction.length };
  };
}
