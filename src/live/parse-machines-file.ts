/**
 * Reads a machines file for import: JSON (an array, or `{"machines": [...]}`) or CSV with a header
 * row. Fields: `name`, `url` (alias `product_url`), optional `price` (alias `current_price`; may be
 * written "$1,299.00") and `currency`. Errors name the file, the entry or line, and the field.
 */
import { parsePriceNumber } from '../extract/parse-price-number.js';
import { detectCurrency } from '../extract/detect-currency.js';
import { ImportError } from './live-errors.js';
import type { MachineInput } from './machine-store.js';

const ALIASES: Record<string, string> = { name: 'name', url: 'url', product_url: 'url', price: 'price', current_price: 'price', currency: 'currency' };

/** Parses `text`; `format` defaults to the file extension, then to JSON when the text starts with `[` or `{`. */
export function parseMachinesFile(options: { text: string; source: string; format?: 'json' | 'csv' }): MachineInput[] {
  const format = options.format ?? (/\.csv$/i.test(options.source) ? 'csv' : /^\s*[[{]/.test(options.text) ? 'json' : 'csv');
  const machines = format === 'json' ? parseJson(options.text, options.source) : parseCsv(options.text, options.source);
  const seen = new Map<string, string>();
  for (const [i, m] of machines.entries()) {
    const where = format === 'json' ? `entry ${i}` : `line ${i + 2}`;
    const previous = seen.get(m.url);
    if (previous !== undefined) throw new ImportError(`Failed to import ${options.source}: ${where} repeats the url of ${previous} ("${m.url}")`);
    seen.set(m.url, where);
  }
  return machines;
}

function parseJson(text: string, source: string): MachineInput[] {
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
      const canonical = ALIASES[key];
      if (canonical !== undefined) fields[canonical] = value;
      else if (key !== 'id' && key !== 'domain') throw new ImportError(`Failed to import ${source}: entry ${i}.${key} is not a known field (expected name, url, price, currency)`);
    }
    return toMachine(fields, `${source}: entry ${i}`);
  });
}

function parseCsv(text: string, source: string): MachineInput[] {
  const rows = splitCsv(text, source);
  const header = rows.shift();
  if (!header) throw new ImportError(`Failed to import ${source}: the file is empty (expected a header row: name,url,price,currency)`);
  const columns = header.map((h) => ALIASES[h.trim().toLowerCase()] ?? null);
  header.forEach((h, i) => {
    if (columns[i] === null) throw new ImportError(`Failed to import ${source}: line 1 column "${h.trim()}" is not a known field (expected name, url, price, currency)`);
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
        const cell = (cells[i] as string).trim();
        if (c !== null && cell !== '') fields[c] = cell;
      });
      return toMachine(fields, `${source}: line ${line}`);
    });
}

function toMachine(fields: Record<string, unknown>, where: string): MachineInput {
  const fail = (message: string): never => {
    throw new ImportError(`Failed to import ${where}: ${message}`);
  };
  const name = fields['name'];
  if (typeof name !== 'string' || name.trim() === '') fail(`name must be a non-empty string, got ${JSON.stringify(name) ?? 'nothing'}`);
  const url = fields['url'];
  if (typeof url !== 'string') return fail(`url must be an http(s) URL, got ${JSON.stringify(url) ?? 'nothing'}`);
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('protocol');
  } catch {
    fail(`url must be an http(s) URL, got "${url}"`);
  }
  let price: number | null = null;
  let currency: string | null = null;
  if (fields['price'] !== undefined && fields['price'] !== null) {
    const raw = fields['price'];
    price = typeof raw === 'number' || typeof raw === 'string' ? parsePriceNumber(raw) : null;
    if (price === null || price <= 0) fail(`price must be a positive number, got ${JSON.stringify(raw)}`);
    if (typeof raw === 'string') currency = detectCurrency(raw);
  }
  if (fields['currency'] !== undefined && fields['currency'] !== null) {
    const raw = fields['currency'];
    if (typeof raw !== 'string' || !/^[A-Za-z]{3}$/.test(raw.trim())) fail(`currency must be an ISO 4217 code such as "USD", got ${JSON.stringify(raw)}`);
    currency = (raw as string).trim().toUpperCase();
  }
  return { name: (name as string).trim(), url, price, currency: price === null ? null : (currency ?? 'USD') };
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
