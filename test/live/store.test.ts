import { describe, expect, it } from 'vitest';
import { createDefaultLivePolicy } from '../../src/live/default-live-policy.js';
import type { BatchRequestRecord } from '../../src/live/batch-store.js';
import { BatchConflictError, ImportError, LiveInputError } from '../../src/live/live-errors.js';
import { openStore } from '../../src/live/open-store.js';
import { parseMachinesFile } from '../../src/live/parse-machines-file.js';
import { reviewPriceChange } from '../../src/live/review-price-change.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 10);
const REQUEST: BatchRequestRecord = { trigger: 'cli', selection: { daysThreshold: null, limit: null, ids: null }, transport: 'http', baseUrl: 'http://127.0.0.1:1', maxChangeRatio: 0.5 };

function storeWith(count: number, alive: Set<number> = new Set([1000])) {
  const store = openStore({ path: ':memory:', isAlive: (pid) => alive.has(pid) });
  store.machines.upsertMachines(Array.from({ length: count }, (_, i) => ({ name: `M${i + 1}`, url: `https://www.shop.example/p/${i + 1}`, price: 100 * (i + 1), currency: 'USD' })), T0);
  return store;
}

function priced(machineId: number, price: number, endMs = T0, currency = 'USD') {
  return { machineId, outcome: 'priced' as const, price, currency, reason: null, errorCode: null, attempts: 1, tier: 1, startMs: endMs - 5, endMs };
}

describe('machine store', () => {
  it('upserts by URL: new machines keep their imported price, known ones are renamed, domains drop www.', () => {
    const store = storeWith(2);
    expect(store.machines.upsertMachines([{ name: 'Renamed', url: 'https://www.shop.example/p/1' }, { name: 'New', url: 'https://other.example/x', price: 5, currency: 'EUR' }], T0)).toEqual({ inserted: 1, updated: 1 });
    const all = store.machines.listMachines();
    expect(all.map((m) => [m.id, m.name, m.domain, m.currentPrice, m.currency])).toEqual([
      [1, 'Renamed', 'shop.example', 100, 'USD'],
      [2, 'M2', 'shop.example', 200, 'USD'],
      [3, 'New', 'other.example', 5, 'EUR'],
    ]);
  });

  it('selects like the endpoint: days_threshold on the last successful check, least recently checked first, then limit and ids', () => {
    const store = storeWith(4);
    store.batches.createBatch({ id: 'b1', machineIds: [1, 2, 3], policy: createDefaultLivePolicy(), request: REQUEST, nowMs: T0, pid: 1000 });
    store.batches.commitResult({ batchId: 'b1', segment: 1, result: priced(1, 101, T0 - 10 * DAY), maxChangeRatio: 0.5, source: 'json-ld' });
    store.batches.commitResult({ batchId: 'b1', segment: 1, result: priced(2, 201, T0 - 2 * DAY), maxChangeRatio: 0.5, source: 'json-ld' });
    store.batches.commitResult({ batchId: 'b1', segment: 1, result: { ...priced(3, 0, T0), outcome: 'failed', price: null, currency: null, reason: 'no-price' }, maxChangeRatio: 0.5, source: null });
    const ids = (sel: { daysThreshold: number | null; limit: number | null; ids: number[] | null }) => store.machines.selectMachines(sel, T0).map((m) => m.id);
    // Never priced successfully first (3 failed, 4 never tried), then the oldest check.
    expect(ids({ daysThreshold: 0, limit: null, ids: null })).toEqual([3, 4, 1, 2]);
    expect(ids({ daysThreshold: 7, limit: null, ids: null })).toEqual([3, 4, 1]);
    expect(ids({ daysThreshold: 7, limit: 2, ids: null })).toEqual([3, 4]);
    expect(ids({ daysThreshold: null, limit: null, ids: [2, 1] })).toEqual([1, 2]);
    expect(() => ids({ daysThreshold: null, limit: null, ids: [2, 99, 98] })).toThrow(new LiveInputError('machine_ids names machines the store does not have: 99, 98', 'machine_ids'));
  });
});

describe('batch store', () => {
  it('commits one result per machine with its price applied, or flagged when it moved more than the threshold', () => {
    const store = storeWith(3);
    store.batches.createBatch({ id: 'b1', machineIds: [1, 2, 3], policy: createDefaultLivePolicy(), request: REQUEST, nowMs: T0, pid: 1000 });
    expect(store.batches.commitResult({ batchId: 'b1', segment: 1, result: priced(1, 120), maxChangeRatio: 0.5, source: 'json-ld' })?.status).toBe('applied');
    expect(store.batches.commitResult({ batchId: 'b1', segment: 1, result: priced(2, 2000), maxChangeRatio: 0.5, source: 'meta' })?.status).toBe('flagged');
    expect(store.batches.commitResult({ batchId: 'b1', segment: 1, result: priced(3, 300, T0, 'EUR'), maxChangeRatio: 0.5, source: 'json-ld' })?.status).toBe('flagged');
    expect(() => store.batches.commitResult({ batchId: 'b1', segment: 1, result: priced(1, 130), maxChangeRatio: 0.5, source: null })).toThrow(/UNIQUE|PRIMARY/);
    expect(store.machines.listMachines().map((m) => [m.currentPrice, m.currency, m.lastCheckedMs])).toEqual([
      [120, 'USD', T0],
      [200, 'USD', T0],
      [300, 'USD', T0],
    ]);
    const flagged = store.machines.listFlagged();
    expect(flagged.map((f) => [f.machineId, f.price, f.previousPrice, f.currency])).toEqual([
      [2, 2000, 200, 'USD'],
      [3, 300, 300, 'EUR'],
    ]);
    store.machines.resolveFlagged({ historyId: flagged[0]!.historyId, approve: true, nowMs: T0 });
    store.machines.resolveFlagged({ historyId: flagged[1]!.historyId, approve: false, nowMs: T0 });
    expect(store.machines.getMachines([2, 3]).map((m) => m.currentPrice)).toEqual([2000, 300]);
    expect(store.machines.listFlagged()).toEqual([]);
    const record = store.batches.getBatch('b1')!;
    // The batch keeps what it flagged, whatever the review decided later.
    expect([record.done, record.total, record.counts.priced, record.flagged]).toEqual([3, 3, 3, 2]);
  });

  it('allows one running batch per store; a batch left running by a dead process becomes interrupted and resumable', () => {
    const alive = new Set([1000, 2000]);
    const store = storeWith(3, alive);
    store.batches.createBatch({ id: 'b1', machineIds: [1, 2, 3], policy: createDefaultLivePolicy(), request: REQUEST, nowMs: T0, pid: 1000 });
    expect(() => store.batches.createBatch({ id: 'b2', machineIds: [1], policy: createDefaultLivePolicy(), request: REQUEST, nowMs: T0, pid: 2000 })).toThrow(BatchConflictError);
    expect(store.batches.findRunningBatch()).toBe('b1');
    store.batches.commitResult({ batchId: 'b1', segment: 1, result: priced(2, 200), maxChangeRatio: 0.5, source: null });
    alive.delete(1000);
    expect(store.batches.getBatch('b1')!.status).toBe('interrupted');
    expect(store.batches.findRunningBatch()).toBeNull();
    const claimed = store.batches.claimForResume({ id: 'b1', pid: 2000 });
    expect([claimed.status, claimed.done, claimed.total]).toEqual(['running', 1, 3]);
    expect(store.batches.batchMachines('b1', { remainingOnly: true }).map((m) => m.id)).toEqual([1, 3]);
    expect(() => store.batches.claimForResume({ id: 'b1', pid: 2000 })).toThrow(BatchConflictError);
    expect(() => store.batches.claimForResume({ id: 'nope', pid: 2000 })).toThrow('No batch nope in this store');
  });
});

describe('reviewPriceChange', () => {
  it('applies first prices and small changes, flags large ones and currency changes', () => {
    expect(reviewPriceChange({ previousPrice: null, previousCurrency: null, price: 5, currency: 'USD', maxChangeRatio: 0.5 }).status).toBe('applied');
    expect(reviewPriceChange({ previousPrice: 100, previousCurrency: 'USD', price: 150, currency: 'USD', maxChangeRatio: 0.5 })).toEqual({ status: 'applied', changeRatio: 0.5, why: null });
    expect(reviewPriceChange({ previousPrice: 100, previousCurrency: 'USD', price: 151, currency: 'USD', maxChangeRatio: 0.5 }).status).toBe('flagged');
    expect(reviewPriceChange({ previousPrice: 1299, previousCurrency: 'USD', price: 1.299, currency: 'USD', maxChangeRatio: 0.5 }).why).toContain('above the 50% review threshold');
    expect(reviewPriceChange({ previousPrice: 100, previousCurrency: 'USD', price: 1000, currency: 'USD', maxChangeRatio: null }).status).toBe('applied');
  });
});

describe('parseMachinesFile', () => {
  it('reads JSON (with aliases) and CSV with quotes and European prices', () => {
    expect(parseMachinesFile({ source: 'm.json', text: JSON.stringify({ machines: [{ name: 'A', product_url: 'https://a.example/1', current_price: '$1,299.00' }] }) })).toEqual([
      { name: 'A', url: 'https://a.example/1', price: 1299, currency: 'USD' },
    ]);
    const csv = 'name,url,price,currency\r\n"Laser, 60W ""Pro""",https://b.example/2,"1.299,00 €",\nPlain,https://b.example/3,,\n';
    expect(parseMachinesFile({ source: 'm.csv', text: csv })).toEqual([
      { name: 'Laser, 60W "Pro"', url: 'https://b.example/2', price: 1299, currency: 'EUR' },
      { name: 'Plain', url: 'https://b.example/3', price: null, currency: null },
    ]);
  });

  it('names the file, the line or entry and the field of a bad row', () => {
    const bad = (text: string, source = 'm.csv') => () => parseMachinesFile({ text, source });
    expect(bad('name,url\nA,ftp://x\n')).toThrow(new ImportError('Failed to import m.csv: line 2: url must be an http(s) URL, got "ftp://x"'));
    expect(bad('name,link\n')).toThrow('Failed to import m.csv: line 1 column "link" is not a known field');
    expect(bad('name,url\nA,https://a.example/1\nB,https://a.example/1\n')).toThrow('Failed to import m.csv: line 3 repeats the url of line 2 ("https://a.example/1")');
    expect(bad('[{"name":"A","url":"https://a.example","price":-3}]', 'm.json')).toThrow('Failed to import m.json: entry 0: price must be a positive number such as 1299, 1299.00 or "$1,299.00", got -3');
    expect(bad('[{"name":"A","url":"https://a.example","colour":"red"}]', 'm.json')).toThrow('entry 0.colour is not a known field');
  });
});
