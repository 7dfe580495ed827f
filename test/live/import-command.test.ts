/** Imports that behave: URLs matched once normalized, re-imports that say what changed, the same rules for CSV and JSON. */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { normalizeProductUrl } from '../../src/live/normalize-product-url.js';
import { openStore } from '../../src/live/open-store.js';
import { parseMachinesFile } from '../../src/live/parse-machines-file.js';
import { runCliCaptured } from '../support/run-cli-in-process.js';
import { makeTempDir, releaseLiveResourcesAfterEach } from './live-helpers.js';

releaseLiveResourcesAfterEach();

describe('URL normalization for matching', () => {
  it.each([
    ['https://A.EXAMPLE/p/6', 'https://a.example/p/6'],
    ['HTTPS://a.Example/p/6', 'https://a.example/p/6'],
    ['https://a.example/p/6/', 'https://a.example/p/6'],
    ['https://a.example/p/6?utm=1', 'https://a.example/p/6'],
    ['https://a.example/p/6?utm_source=news&utm_medium=mail&utm_campaign=x', 'https://a.example/p/6'],
    ['https://a.example/p/6?gclid=abc&fbclid=def&msclkid=1&srsltid=2', 'https://a.example/p/6'],
    ['https://a.example:443/p/6', 'https://a.example/p/6'],
    ['http://a.example:80/p/6', 'http://a.example/p/6'],
    ['https://a.example:8443/p/6', 'https://a.example:8443/p/6'],
    ['https://a.example/p/6#reviews', 'https://a.example/p/6'],
    ['https://a.example./p/6', 'https://a.example/p/6'],
    ['https://a.example/p/./x/../6', 'https://a.example/p/6'],
    ['https://a.example/p/6?variant=2&color=red', 'https://a.example/p/6?color=red&variant=2'],
    ['https://a.example/p/6?size=1&size=2&utm_term=z', 'https://a.example/p/6?size=1&size=2'],
    ['https://a.example/', 'https://a.example/'],
    ['https://a.example', 'https://a.example/'],
    ['  https://a.example/p/6  ', 'https://a.example/p/6'],
  ])('%s matches as %s', (url, key) => {
    expect(normalizeProductUrl(url)).toBe(key);
  });

  it.each([
    ['http and https', 'http://a.example/p/6', 'https://a.example/p/6'],
    ['www and the bare host', 'https://www.a.example/p/6', 'https://a.example/p/6'],
    ['letter case in the path', 'https://a.example/P/6', 'https://a.example/p/6'],
    ['a parameter that is not tracking', 'https://a.example/p/6?variant=2', 'https://a.example/p/6'],
  ])('keeps %s apart', (_what, a, b) => {
    expect(normalizeProductUrl(a)).not.toBe(normalizeProductUrl(b));
  });
});

describe('import', () => {
  function setUp() {
    const temp = makeTempDir('import');
    const store = join(temp.dir, 'store.db');
    const file = (name: string, text: string) => {
      const path = join(temp.dir, name);
      writeFileSync(path, text);
      return path;
    };
    return { dir: temp.dir, store, file };
  }

  it('matches spellings of one URL to one machine, keeps the original, reports renames and kept prices, and updates prices only with --update-prices', async () => {
    const t = setUp();
    const first = t.file('first.csv', 'name,url,price\nSix,https://A.EXAMPLE/p/6,100\nSeven,https://a.example/p/7,\n');
    const one = await runCliCaptured(['import', first, '--store', t.store], { cwd: t.dir });
    expect(one.stdout).toBe('imported 2 machines from first.csv: 2 new, 0 renamed, 0 unchanged; the store store.db holds 2\n');

    const again = t.file('again.json', JSON.stringify([
      { name: 'Six v2', url: 'https://a.example/p/6/?utm_source=mail&gclid=1#top', price: 120 },
      { name: 'Seven', url: 'https://a.example:443/p/7', price: '$250.00' },
    ]));
    const two = await runCliCaptured(['import', again, '--store', t.store], { cwd: t.dir });
    expect(two.stdout).toBe(
      [
        'imported 2 machines from again.json: 0 new, 1 renamed, 1 price added, 1 price differs (kept), 0 unchanged; the store store.db holds 2',
        '  matched   machine 1 (Six v2): https://a.example/p/6/?utm_source=mail&gclid=1#top is https://A.EXAMPLE/p/6 once normalized',
        '  renamed   machine 1: "Six" → "Six v2"',
        '  price     machine 1 (Six v2): kept 100 USD, the file says 120 USD',
        '  matched   machine 2 (Seven): https://a.example:443/p/7 is https://a.example/p/7 once normalized',
        '  price     machine 2 (Seven): none → 250 USD',
        "known prices were kept; pass --update-prices to replace them with the file's",
        '',
      ].join('\n'),
    );
    const dry = await runCliCaptured(['import', again, '--store', t.store, '--update-prices', '--dry-run'], { cwd: t.dir });
    expect(dry.stdout).toMatch(/^would import 2 machines from again\.json: 0 new, 0 renamed, 1 price updated, 1 unchanged; nothing written \(--dry-run\); the store store\.db holds 2\n/);
    let s = openStore({ path: t.store });
    expect(s.machines.listMachines().map((m) => [m.id, m.name, m.url, m.currentPrice])).toEqual([
      [1, 'Six v2', 'https://A.EXAMPLE/p/6', 100],
      [2, 'Seven', 'https://a.example/p/7', 250],
    ]);
    s.close();

    const three = await runCliCaptured(['import', again, '--store', t.store, '--update-prices'], { cwd: t.dir });
    expect(three.code).toBe(0);
    expect(three.stdout).toContain('0 new, 0 renamed, 1 price updated, 1 unchanged');
    expect(three.stdout).toContain('  price     machine 1 (Six v2): 100 USD → 120 USD\n');
    s = openStore({ path: t.store });
    try {
      expect(s.machines.getMachines([1])[0]!.currentPrice).toBe(120);
      const history = s.db.prepare('SELECT machine_id, price, previous_price, status, source, batch_id FROM price_history ORDER BY id').all();
      expect(history).toEqual([
        { machine_id: 2, price: 250, previous_price: null, status: 'applied', source: 'import', batch_id: null },
        { machine_id: 1, price: 120, previous_price: 100, status: 'applied', source: 'import', batch_id: null },
      ]);
    } finally {
      s.close();
    }
  });

  it('a dry run creates no store, and leaves an existing one as it was, byte for byte', async () => {
    const t = setUp();
    const file = t.file('ok.json', JSON.stringify([{ name: 'Six', url: 'https://a.example/p/6', price: 100 }]));
    const fresh = join(t.dir, 'new', 'fresh.db');
    const dry = await runCliCaptured(['import', file, '--store', fresh, '--dry-run'], { cwd: t.dir });
    expect([dry.code, dry.stdout, dry.stderr]).toEqual([0, 'would import 1 machines from ok.json: 1 new, 0 renamed, 0 unchanged; nothing written (--dry-run); there is no store new/fresh.db yet\n', '']);
    const json = await runCliCaptured(['import', file, '--store', fresh, '--dry-run', '--json'], { cwd: t.dir });
    expect(JSON.parse(json.stdout)).toMatchObject({ store: 'new/fresh.db', dryRun: true, inserted: 1, storeTotal: 0, storeExists: false });
    expect(readdirSync(t.dir)).toEqual(['ok.json']);

    expect((await runCliCaptured(['import', file, '--store', t.store], { cwd: t.dir })).code).toBe(0);
    const again = t.file('again.json', JSON.stringify([{ name: 'Six v2', url: 'https://a.example/p/6/', price: 120 }, { name: 'Seven', url: 'https://a.example/p/7' }]));
    const files = readdirSync(t.dir).sort();
    const before = readFileSync(t.store);
    const second = await runCliCaptured(['import', again, '--store', t.store, '--dry-run', '--update-prices'], { cwd: t.dir });
    expect(second.stdout).toMatch(/^would import 2 machines from again\.json: 1 new, 1 renamed, 1 price updated, 0 unchanged; nothing written \(--dry-run\); the store store\.db holds 1\n/);
    expect(readdirSync(t.dir).sort()).toEqual(files);
    expect(readFileSync(t.store).equals(before)).toBe(true);
  });

  it('refuses a file that names one page twice under two spellings', async () => {
    const t = setUp();
    const file = t.file('dup.csv', 'name,url\nA,https://a.example/p/6\nB,https://a.example/p/6/?fbclid=x\n');
    const result = await runCliCaptured(['import', file, '--store', t.store], { cwd: t.dir });
    expect([result.code, result.stderr]).toEqual([1, 'error: Failed to import dup.csv: line 3 repeats the url of line 2 ("https://a.example/p/6/?fbclid=x" and "https://a.example/p/6" are the same page once normalized)\n']);
  });

  it('gives a store made before normalization its URL keys, and names machines an older import kept apart', async () => {
    const t = setUp();
    // An older store: no url_key column, two rows for one page.
    const old = new Database(t.store);
    old.exec(`CREATE TABLE machines (id INTEGER PRIMARY KEY, name TEXT NOT NULL, url TEXT NOT NULL UNIQUE, domain TEXT NOT NULL, current_price REAL, currency TEXT,
      last_checked_ms INTEGER, last_attempt_ms INTEGER, last_outcome TEXT, created_ms INTEGER NOT NULL);
      INSERT INTO machines (name, url, domain, created_ms) VALUES ('Six', 'https://a.example/p/6', 'a.example', 0), ('Six again', 'https://a.example/p/6/', 'a.example', 0);`);
    old.pragma('user_version = 1');
    old.close();
    const file = t.file('six.json', JSON.stringify([{ name: 'Six', url: 'https://a.example/p/6?utm_campaign=z' }]));
    const result = await runCliCaptured(['import', file, '--store', t.store], { cwd: t.dir });
    expect(result.stdout).toContain('  warning   machines 1, 2 share the normalized URL https://a.example/p/6 (imported apart by an older version): matched 1; merge them by hand\n');
    expect(result.stdout).toContain('0 new, 0 renamed, 1 unchanged; the store store.db holds 2');
  });
});

describe('CSV and JSON refuse the same values', () => {
  const parse = (format: 'csv' | 'json', fields: Record<string, string>) => {
    const names = Object.keys(fields);
    const csv = `${names.join(',')}\n${names.map((n) => `"${(fields[n] as string).replace(/"/g, '""')}"`).join(',')}\n`;
    const text = format === 'csv' ? csv : JSON.stringify([fields]);
    try {
      return { ok: parseMachinesFile({ text, source: `m.${format}`, format }) };
    } catch (error) {
      return { error: (error as Error).message.replace(/^Failed to import m\.(csv|json): (line 2|entry 0): /, '') };
    }
  };
  const url = 'https://a.example/p/1';
  it.each([
    ['a negative price', { name: 'A', url, price: '-5' }],
    ['a price with words', { name: 'A', url, price: '5 or best offer' }],
    ['a price in exponent form', { name: 'A', url, price: '1e3' }],
    ['a zero price', { name: 'A', url, price: '0' }],
    ['a price that is not a number', { name: 'A', url, price: 'abc' }],
    ['a price whose symbol contradicts the currency', { name: 'A', url, price: '€5', currency: 'USD' }],
    ['a currency that is not a code', { name: 'A', url, price: '5', currency: 'dollars' }],
    ['an empty name', { name: '  ', url }],
    ['a URL that is not http(s)', { name: 'A', url: 'ftp://a.example/p' }],
    ['a URL that is not a URL', { name: 'A', url: 'a.example/p' }],
  ])('%s', (_what, fields) => {
    const csv = parse('csv', fields);
    const json = parse('json', fields);
    expect(csv.error, JSON.stringify(csv)).toBeDefined();
    expect(json.error).toBe(csv.error);
  });

  it.each([
    ['a price with a symbol and thousands', { name: 'A', url, price: '$1,299.00' }, 1299, 'USD'],
    ['a European price', { name: 'A', url, price: '1.299,00 €' }, 1299, 'EUR'],
    ['spaces around every value', { name: ' A ', url: ` ${url} `, price: ' 42 ', currency: ' eur ' }, 42, 'EUR'],
    ['an empty price', { name: 'A', url, price: '', currency: '' }, null, null],
  ])('accept %s alike', (_what, fields, price, currency) => {
    for (const format of ['csv', 'json'] as const) {
      expect(parse(format, fields).ok, format).toEqual([{ name: 'A', url, price, currency }]);
    }
  });

  it('ignores id and domain (a store export) and reads field names in any case, in both formats', () => {
    expect(parseMachinesFile({ text: 'ID,Name,URL,Domain\n3,A,https://a.example/p,a.example\n', source: 'm.csv' })).toEqual([{ name: 'A', url: 'https://a.example/p', price: null, currency: null }]);
    expect(parseMachinesFile({ text: JSON.stringify([{ ID: 3, Name: 'A', URL: 'https://a.example/p', domain: 'a.example' }]), source: 'm.json' })).toEqual([{ name: 'A', url: 'https://a.example/p', price: null, currency: null }]);
  });
});
