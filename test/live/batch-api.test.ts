import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScaledClock } from '../../src/clock/real-clock.js';
import { createPriceExtractor } from '../../src/extract/extract-price.js';
import { startBatchApiServer, type BatchApiServer } from '../../src/live/batch-api-server.js';
import { createDefaultLivePolicy } from '../../src/live/default-live-policy.js';
import { openStore, type Store } from '../../src/live/open-store.js';
import { createUndiciTransport, type UndiciTransport } from '../../src/live/undici-transport.js';
import type { MockHttpServer } from '../../src/node/mock-http-server.js';
import { importScenarioItems, makeLiveScenario, makeTempDir, startMockFor } from './live-helpers.js';

const TOKEN = 'test-token-0123456789abcdef';
const SCALE = 100;

let mock: MockHttpServer;
let store: Store;
let transport: UndiciTransport;
let api: BatchApiServer;
let cleanup: () => void;

beforeAll(async () => {
  const temp = makeTempDir('api');
  cleanup = temp.cleanup;
  // 8 machines of 10 s each, 100× faster: 100 ms per machine, 400 ms for the batch on 2 workers.
  const scenario = makeLiveScenario({ count: 8, workers: 2, latencyMs: 10_000 });
  mock = await startMockFor(scenario, { timeScale: SCALE });
  store = openStore({ path: `${temp.dir}/store.db` });
  importScenarioItems(store, scenario);
  transport = createUndiciTransport({ connections: 8 });
  api = await startBatchApiServer({
    env: {
      store,
      transport,
      clock: createScaledClock({ scale: SCALE }),
      scrapfly: { apiKey: 'scp-api-test', baseUrl: mock.url },
      extractPrice: createPriceExtractor(),
      maxChangeRatio: 0.5,
      reportsDir: `${temp.dir}/reports`,
    },
    policy: { ...createDefaultLivePolicy(), workers: 2 },
    tokens: [TOKEN],
    maxWorkersLimit: 8,
  });
});

afterAll(async () => {
  await api?.close();
  await transport?.close();
  await mock?.close();
  store?.close();
  cleanup?.();
});

async function call(path: string, init: { method?: string; body?: unknown; token?: string | null; raw?: string } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (init.token !== null) headers['authorization'] = `Bearer ${init.token ?? TOKEN}`;
  const response = await fetch(`${api.url}${path}`, { method: init.method ?? 'GET', headers, body: init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body)) });
  return { status: response.status, json: (await response.json()) as Record<string, any>, headers: response.headers };
}

async function waitUntilDone(id: string): Promise<Record<string, any>> {
  for (let i = 0; i < 500; i++) {
    const { json } = await call(`/api/v1/batches/${id}`);
    if (json['status'] !== 'running') return json;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`batch ${id} did not finish`);
}

describe('the batch-update API', () => {
  it('refuses requests without the bearer token (401), except the health check', async () => {
    const none = await call('/api/v1/batch-update', { method: 'POST', body: {}, token: null });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="batchscope"');
    expect(none.json['error']['code']).toBe('UNAUTHORIZED');
    expect((await call('/api/v1/batches', { token: 'wrong-token-0123456789abcdef' })).status).toBe(401);
    expect((await call('/healthz', { token: null })).status).toBe(200);
    expect(store.batches.listBatches(10)).toEqual([]);
  });

  it.each([
    ['not JSON', { raw: '{"limit": ' }, '(body)', /^The body is not valid JSON/],
    ['an array', { body: [1] }, '(body)', /^The body must be a JSON object/],
    ['an unknown field', { body: { limt: 5 } }, 'limt', /^limt is not a known field \(expected one of: days_threshold, limit, max_workers, use_scrapfly, wait, machine_ids\)$/],
    ['a negative limit', { body: { limit: -3 } }, 'limit', /^limit must be an integer from 1 to 2147483647, or null, got -3$/],
    ['a limit of 1e20', { body: { limit: 1e20 } }, 'limit', /^limit must be an integer from 1 to 2147483647, or null, got 100000000000000000000$/],
    ['days past a century', { body: { days_threshold: 1e9 } }, 'days_threshold', /^days_threshold must be a number of days from 0 to 36500, or null, got 1000000000$/],
    ['too many workers', { body: { max_workers: 9 } }, 'max_workers', /^max_workers must be an integer from 1 to 8, or null, got 9$/],
    ['days as a string', { body: { days_threshold: '7' } }, 'days_threshold', /got "7"$/],
    ['use_scrapfly as a string', { body: { use_scrapfly: 'no' } }, 'use_scrapfly', /^use_scrapfly must be true or false, got "no"$/],
    ['wait as a string', { body: { wait: 'yes' } }, 'wait', /^wait must be true or false, got "yes"$/],
    ['unknown machine ids', { body: { machine_ids: [2, 999] } }, 'machine_ids', /^machine_ids names machines the store does not have: 999$/],
  ])('answers 400 naming the field for %s', async (_what, init, field, message) => {
    const { status, json } = await call('/api/v1/batch-update', { method: 'POST', ...init });
    expect(status).toBe(400);
    expect(json['error']['field']).toBe(field);
    expect(json['error']['message']).toMatch(message);
    expect(store.batches.listBatches(10)).toEqual([]);
  });

  it('answers 202 at once (admin UI), 409 to a second batch while it runs, then shows its progress and report', async () => {
    const started = await call('/api/v1/batch-update', { method: 'POST', body: { days_threshold: 0, limit: null, max_workers: 2, use_scrapfly: true } });
    expect(started.status).toBe(202);
    const id = started.json['batch_id'] as string;
    expect(started.json).toEqual({ batch_id: id, status: 'running', total: 8, status_url: `${api.url}/api/v1/batches/${id}` });
    expect(id).toMatch(/^batch_\d{8}_\d{6}_[0-9a-f]{8}$/);

    const second = await call('/api/v1/batch-update', { method: 'POST', body: { wait: true } });
    expect(second.status).toBe(409);
    expect(second.json['error']).toMatchObject({ code: 'BATCH_RUNNING', running_batch_id: id });

    const running = await call(`/api/v1/batches/${id}`);
    expect(running.json).toMatchObject({ batch_id: id, status: 'running', trigger: 'api', total: 8, workers: 2 });
    expect(running.json['progress']).toEqual(expect.objectContaining({ in_flight: expect.any(Number), stalled_workers: 0 }));

    const done = await waitUntilDone(id);
    expect(done).toMatchObject({ status: 'completed', total: 8, done: 8, outcomes: { priced: 8, failed: 0, timed_out: 0, skipped: 0 }, progress: null, error: null });
    const files = done['report']['files'] as Record<string, string>;
    expect(Object.keys(files)).toEqual(expect.arrayContaining(['events.jsonl', 'metrics.json']));
    const log = await fetch(files['events.jsonl']!, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(log.status).toBe(200);
    expect((await log.text()).split('\n')[0]).toContain('"type":"run.meta"');
    expect((await call(`/api/v1/batches`)).json['batches'][0]['batch_id']).toBe(id);
  });

  it('with wait=true (cron) answers when the batch is done, with every result', async () => {
    const { status, json } = await call('/api/v1/batch-update', { method: 'POST', body: { machine_ids: [3, 1], wait: true, max_workers: 1 } });
    expect(status).toBe(200);
    expect(json).toMatchObject({ status: 'completed', total: 2, done: 2, workers: 1, outcomes: { priced: 2 } });
    expect(json['results'].map((r: { machine_id: number; outcome: string; review: string }) => [r.machine_id, r.outcome, r.review])).toEqual([
      [1, 'priced', 'applied'],
      [3, 'priced', 'applied'],
    ]);
  });

  it('answers 200 with nothing to do when no machine matches, and 404/405 where they belong', async () => {
    const nothing = await call('/api/v1/batch-update', { method: 'POST', body: { days_threshold: 1 } });
    expect([nothing.status, nothing.json['status'], nothing.json['batch_id']]).toEqual([200, 'nothing-to-do', null]);
    expect((await call('/api/v1/batches/nope')).status).toBe(404);
    expect((await call('/api/v1/batch-update')).status).toBe(405);
  });
});
