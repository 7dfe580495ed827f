/**
 * Reads a machines file for import: JSON (an array, or `{"machines": [...]}`) or CSV with a header
 * row. Fields: `name`, `url` (alias `product_url`), optional `price` (alias `current_price`; may be
 * written "$1,299.00") and `currency`; `id` and `domain` (as an export of the store has them) are
 * ignored. Field names are case-insensitive in both formats, values are trimmed, and an empty
 * optional value is no value: CSV and JSON accept and refuse the same values with the same words.
 * Two entries whose URLs normalize alike (`/p/6` and `/p/6/?utm_source=x`) are refused. Errors
 * name the file, the entry or line, and the field.
 */
import { parsePriceNumber } from '../extract/parse-price-number.js';
import { detectCurrency } from '../extract/detect-currency.js';
import { ImportError } from './live-errors.js';
import type { MachineInput } from './machine-store.js';
import { normalizeProductUrl } from './normalize-product-url.js';

const ALIASES: Record<string, string> = { name: 'name', url: 'url', product_url: 'url', price: 'price', current_price: 'price', currency: 'currency' };
/** Fields a store export carries that an import does not take. */
const IGNORED = ['id', 'domain'];

/** Parses `text`; `format` defaults to the file extension, then to JSON when the text starts with `[` or `{`. */
export function parseMachinesFile(options: { text: string; source: string; format?: 'json' | 'csv' }): MachineInput[] {
  const format = options.format ?? (/\.csv$/i.test(options.source) ? 'csv' : /^\s*[[{]/.test(options.text) ? 'json' : 'csv');
  const machines = format === 'json' ? parseJson(options.text, options.source) : parseCsv(options.text, options.source);
  const seen = new Map<string, { where: string; url: string }>();
  for (const { machine: m, where } of machines) {
    const key = normalizeProductUrl(m.url);
    const previous = seen.get(key);
    if (previous !== undefined) {
      const same = previous.url === m.url ? `("${m.url}")` : `("${m.url}" and "${previous.url}" are the same page once normalized)`;
      throw new ImportError(`Failed to import ${options.source}: ${where} repeats the url of ${previous.where} ${same}`);
    }
    seen.set(key, { where, url: m.url });
  }
  return machines.map((m) => m.machine);
}

function parseJson(text: string, source: string): Array<{ machine: MachineInput; where: string }> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ImportError(`Failed to import ${source}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const list = Array.isArray(json) ? json : isRecord(json) && Array.isArray(json['machines']) ? json['machines'] : null;
  if (list === null) throw new ImportError(`Failed to import ${source}: expected an array of machines or {"machines": [...]}`);
  return list.map((entry, i) => {
    if (!isRecord(entry)) throw new ImportError(`Failed to import ${source}: entry ${i} must be an object`);
    const fields: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(entry)) {
      const canonical = canonicalField(key);
      if (canonical === undefined) throw new ImportError(`Failed to import ${source}: entry ${i}.${key} is not a known field (expected name, url, price, currency)`);
      if (canonical !== null) fields[canonical] = value;
    }
    return { machine: toMachine(fields, `${source}: entry ${i}`), where: `entry ${i}` };
  });
}

/** The canonical name of a field or column, null for one that is ignored, undefined for an unknown one. */
function canonicalField(name: string): string | null | undefined {
  const key = name.trim().toLowerCase();
  if (IGNORED.includes(key)) return null;
  return ALIASES[key];
}

function parseCsv(text: string, source: string): Array<{ machine: MachineInput; where: string }> {
  const rows = splitCsv(text, source);
  const header = rows.shift();
  if (!header) throw new ImportError(`Failed to import ${source}: the file is empty (expected a header row: name,url,price,currency)`);
  const columns = header.map((h) => canonicalField(h));
  header.forEach((h, i) => {
    if (columns[i] === undefined) throw new ImportError(`Failed to import ${source}: line 1 column "${h.trim()}" is not a known field (expected name, url, price, currency)`);
  });
  for (const required of ['name', 'url']) {
    if (!columns.includes(required)) throw new ImportError(`Failed to import ${source}: line 1 has no "${required}" column`);
  }
  return rows
    .map((cells, r) => ({ cells, line: r + 2 }))
    .filter(({ cells }) => !(cells.length === 1 && cells[0]?.trim() === ''))
    .map(({ cells, line }) => {
      if (cells.length !== columns.length) throw new ImportError(`Failed to import ${source}: line ${line} has ${cells.length} cells, the header has ${columns.length}`);
      const fields: Record<string, unknown> = {};
      columns.forEach((c, i) => {
        if (c !== null && c !== undefined) fields[c] = cells[i] as string;
      });
      return { machine: toMachine(fields, `${source}: line ${line}`), where: `line ${line}` };
    });
}

/** Validates one machine's fields, whichever format they came from. */
function toMachine(fields: Record<string, unknown>, where: string): MachineInput {
  const fail = (message: string): never => {
    throw new ImportError(`Failed to import ${where}: ${message}`);
  };
  const text = (value: unknown) => (typeof value === 'string' ? value.trim() : value);
  const name = text(fields['name']);
  if (typeof name !== 'string' || name === '') return fail(`name must be a non-empty string, got ${describeValue(name)}`);
  const url = text(fields['url']);
  if (typeof url !== 'string' || !isHttpUrl(url)) return fail(`url must be an http(s) URL, got ${describeValue(url)}`);
  let price: number | null = null;
  let priceCurrency: string | null = null;
  const rawPrice = text(fields['price']);
  if (rawPrice !== undefined && rawPrice !== null && rawPrice !== '') {
    price = readImportPrice(rawPrice);
    if (price === null) return fail(`price must be a positive number such as 1299, 1299.00 or "$1,299.00", got ${describeValue(rawPrice)}`);
    if (typeof rawPrice === 'string') priceCurrency = detectCurrency(rawPrice);
  }
  let currency: string | null = null;
  const rawCurrency = text(fields['currency']);
  if (rawCurrency !== undefined && rawCurrency !== null && rawCurrency !== '') {
    if (typeof rawCurrency !== 'string' || !/^[A-Za-z]{3}$/.test(rawCurrency)) return fail(`currency must be an ISO 4217 code such as "USD", got ${describeValue(rawCurrency)}`);
    currency = rawCurrency.toUpperCase();
    if (priceCurrency !== null && priceCurrency !== currency) return fail(`price ${describeValue(rawPrice)} is in ${priceCurrency} but currency says ${currency}`);
  }
  return { name, url, price, currency: price === null ? null : (currency ?? priceCurrency ?? 'USD') };
}

/**
 * A price as a file may write it: a positive number, or a text of digits with thousands and
 * decimal separators and at most a currency symbol or code around them ("1299", "1.299,00 €",
 * "USD 49.90"). A sign, an exponent or other words make it no price (null).
 */
function readImportPrice(raw: unknown): number | null {
  if (typeof raw === 'number') return Number.isFinite(raw) && raw > 0 ? raw : null;
  if (typeof raw !== 'string') return null;
  const match = /^([^\d\s]{0,4})\s*(\d[\d\s.,'\u00a0\u202f]*)\s*([^\d\s]{0,4})$/u.exec(raw);
  if (!match) return null;
  const [, before = '', , after = ''] = match;
  for (const affix of [before, after]) if (affix !== '' && detectCurrency(affix) === null) return null;
  if (before !== '' && after !== '') return null;
  const value = parsePriceNumber(match[2] as string);
  return value !== null && value > 0 ? value : null;
}

function isHttpUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:';
  } catch {
    return false;
  }
}

/** A value in an error message, the same for a CSV cell and a JSON string. */
function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  return JSON.stringify(value) ?? String(value);
}

/** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and newlines. */
function splitCsv(text: string, source: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const body = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && body[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (quoted) throw new ImportError(`Failed to import ${source}: line ${rows.length + 1} has an unclosed quote`);
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
