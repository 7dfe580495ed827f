/**
 * Every kind of bad input the batch-update API can receive, sent to a real server on 127.0.0.1:
 * bad JSON, wrong types, numbers out of range, unknown fields, bad ids, query strings, oversized
 * bodies, wrong media types, wrong methods, a caller that goes away mid-body. Each is answered
 * 4xx with one line of JSON naming the field; none reaches the 500 path kept for bugs (nothing is
 * logged as an internal error), and nothing is recorded in the store.
 */
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScaledClock } from '../../src/clock/real-clock.js';
import { createPriceExtractor } from '../../src/extract/extract-price.js';
import { startBatchApiServer, type BatchApiServer } from '../../src/live/batch-api-server.js';
import { createDefaultLivePolicy } from '../../src/live/default-live-policy.js';
import { openStore, type Store } from '../../src/live/open-store.js';
import { MAX_BODY_BYTES } from '../../src/live/read-api-request.js';
import { createUndiciTransport, type UndiciTransport } from '../../src/live/undici-transport.js';
import { makeTempDir } from './live-helpers.js';

const TOKEN = 'bad-input-token-0123456789';
const BATCH = 'batch_20250806_030023_901652f0';
let api: BatchApiServer;
let store: Store;
let transport: UndiciTransport;
let cleanup: () => void;
const internalErrors: string[] = [];

beforeAll(async () => {
  const temp = makeTempDir('api-bad-input');
  cleanup = temp.cleanup;
  // No machines: a valid batch request has nothing to do, so no batch ever starts here.
  store = openStore({ path: `${temp.dir}/store.db` });
  store.batches.createBatch({ id: BATCH, machineIds: [], policy: createDefaultLivePolicy(), request: { trigger: 'cli', selection: { daysThreshold: null, limit: null, ids: null }, transport: 'http', baseUrl: null, maxChangeRatio: null }, nowMs: Date.now(), pid: process.pid });
  transport = createUndiciTransport({ connections: 2 });
  api = await startBatchApiServer({
    env: { store, transport, clock: createScaledClock({ scale: 1 }), scrapfly: { apiKey: 'scp-x', baseUrl: 'http://127.0.0.1:1' }, extractPrice: createPriceExtractor(), maxChangeRatio: null, reportsDir: null },
    policy: createDefaultLivePolicy(),
    tokens: [TOKEN],
    maxWorkersLimit: 8,
    onInternalError: (line) => internalErrors.push(line),
  });
});

afterAll(async () => {
  await api?.close();
  await transport?.close();
  store?.close();
  cleanup?.();
});

interface Answer {
  status: number;
  text: string;
  error: { code: string; message: string; field?: string | null };
}

async function send(path: string, init: { method?: string; body?: string; type?: string | null; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { authorization: `Bearer ${TOKEN}`, ...init.headers };
  if (init.type !== null) headers['content-type'] = init.type ?? 'application/json';
  const response = await fetch(`${api.url}${path}`, { method: init.method ?? (init.body === undefined ? 'GET' : 'POST'), headers, body: init.body });
  const text = await response.text();
  return { status: response.status, text, error: (JSON.parse(text) as { error: Answer['error'] }).error };
}

/** The promise of every refusal: its status and code, the field named, one line of JSON. */
function expectRefusal(answer: Answer, status: number, code: string, field: string | null, message?: RegExp): void {
  expect([answer.status, answer.error.code, answer.error.field ?? null], answer.text).toEqual([status, code, field]);
  expect(answer.text.endsWith('\n') && answer.text.indexOf('\n') === answer.text.length - 1, answer.text).toBe(true);
  expect(answer.error.message).not.toMatch(/\n/);
  if (message) expect(answer.error.message).toMatch(message);
}

describe('bad input to the batch-update API', () => {
  const batchUpdate: Array<[string, { body: string; type?: string | null; headers?: Record<string, string> }, number, string, string, RegExp?]> = [
    ['JSON broken across lines', { body: '{"limit": 5,\n"x": }' }, 400, 'INVALID_JSON', '(body)', /^The body is not valid JSON \(.+\)$/],
    ['an empty body', { body: '' }, 400, 'INVALID_JSON', '(body)', /^The body is not valid JSON \(the body is empty\)$/],
    ['a string for a number', { body: '{"limit": "5"}' }, 400, 'INVALID_FIELD', 'limit', /^limit must be an integer from 1 to 2147483647, or null, got "5"$/],
    ['a number for a boolean', { body: '{"use_scrapfly": 1}' }, 400, 'INVALID_FIELD', 'use_scrapfly'],
    ['a string for the ids', { body: '{"machine_ids": "1,2"}' }, 400, 'INVALID_FIELD', 'machine_ids'],
    ['a limit of 1e20', { body: '{"limit": 1e20}' }, 400, 'INVALID_FIELD', 'limit'],
    ['a limit of 1e400 (Infinity)', { body: '{"limit": 1e400}' }, 400, 'INVALID_FIELD', 'limit'],
    ['no workers', { body: '{"max_workers": 0}' }, 400, 'INVALID_FIELD', 'max_workers'],
    ['negative days', { body: '{"days_threshold": -1}' }, 400, 'INVALID_FIELD', 'days_threshold'],
    ['a machine id past 2^31 − 1', { body: '{"machine_ids": [2147483648]}' }, 400, 'INVALID_FIELD', 'machine_ids'],
    ['machine ids the store does not have', { body: '{"machine_ids": [1, 2]}' }, 400, 'INVALID_FIELD', 'machine_ids', /^machine_ids names machines the store does not have: 1, 2$/],
    ['an unknown field', { body: '{"limt": 5}' }, 400, 'INVALID_FIELD', 'limt'],
    ['an array nested 30,000 deep', { body: `${'['.repeat(30_000)}${']'.repeat(30_000)}` }, 400, 'INVALID_JSON', '(body)', /^The body is nested more than 32 levels deep \(at character 33\)$/],
    ['an XML body', { body: '<limit>5</limit>', type: 'application/xml' }, 415, 'UNSUPPORTED_MEDIA_TYPE', 'content-type', /^Send the body as JSON \(Content-Type: application\/json\), not "application\/xml"$/],
    ['a multipart form', { body: '--x\r\n\r\n{}\r\n--x--', type: 'multipart/form-data; boundary=x' }, 415, 'UNSUPPORTED_MEDIA_TYPE', 'content-type'],
    ['JSON in UTF-16', { body: '{}', type: 'application/json; charset=utf-16' }, 415, 'UNSUPPORTED_MEDIA_TYPE', 'content-type', /charset "utf-16"/],
    ['a gzipped body', { body: '{}', headers: { 'content-encoding': 'gzip' } }, 415, 'UNSUPPORTED_MEDIA_TYPE', 'content-encoding'],
    ['a body past 64 KiB', { body: JSON.stringify({ machine_ids: Array.from({ length: 20_000 }, (_, i) => i + 1) }) }, 413, 'BODY_TOO_LARGE', '(body)'],
  ];
  for (const [what, init, status, code, field, message] of batchUpdate) {
    it(`POST /api/v1/batch-update with ${what}: ${status} naming ${field}`, async () => {
      expectRefusal(await send('/api/v1/batch-update', init), status, code, field, message);
    });
  }

  it('accepts a JSON body sent as fetch and curl -d send it (text/plain, form-urlencoded) or without a type', async () => {
    for (const type of ['text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'application/json; charset=utf-8', null]) {
      const response = await fetch(`${api.url}/api/v1/batch-update`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, ...(type ? { 'content-type': type } : {}) }, body: type === null ? new Uint8Array(Buffer.from('{"days_threshold": 1}')) : '{"days_threshold": 1}' });
      expect([type, response.status, ((await response.json()) as { status: string }).status]).toEqual([type, 200, 'nothing-to-do']);
    }
  });

  it('refuses query parameters on API routes, naming the parameter', async () => {
    expectRefusal(await send('/api/v1/batches?limit=5'), 400, 'INVALID_QUERY', 'query.limit', /^\/api\/v1\/batches takes no query parameters, got "limit"$/);
    expectRefusal(await send('/api/v1/batch-update?wait=true', { body: '{}' }), 400, 'INVALID_QUERY', 'query.wait');
    expectRefusal(await send(`/api/v1/batches/${BATCH}?x%ZZ`), 400, 'INVALID_QUERY', 'query.x%ZZ');
    expect((await send('/api/v1/batches?')).status).toBe(200);
  });

  it('answers a bad batch id 400 and an unknown one 404, naming batch_id; a bad report file name 400, an unknown one 404, naming file', async () => {
    expectRefusal(await send('/api/v1/batches/bad%20id'), 400, 'INVALID_FIELD', 'batch_id', /^batch_id must be a batch id \(letters, digits, '_', '-' and '\.', at most 100\), got "bad%20id"$/);
    expectRefusal(await send('/api/v1/batches/%ZZ'), 400, 'INVALID_FIELD', 'batch_id');
    expectRefusal(await send(`/api/v1/batches/${'b'.repeat(101)}`), 400, 'INVALID_FIELD', 'batch_id');
    expectRefusal(await send('/api/v1/batches/'), 400, 'INVALID_FIELD', 'batch_id');
    expectRefusal(await send('/api/v1/batches/x!y/cancel', { method: 'POST', type: null }), 400, 'INVALID_FIELD', 'batch_id');
    expectRefusal(await send('/api/v1/batches/batch_unknown'), 404, 'NOT_FOUND', 'batch_id', /^No batch batch_unknown$/);
    expectRefusal(await send('/api/v1/batches/batch_unknown/resume', { method: 'POST', type: null }), 404, 'NOT_FOUND', 'batch_id');
    expectRefusal(await send(`/api/v1/batches/${BATCH}/report/..%2F..%2Fstore.db`), 400, 'INVALID_FIELD', 'file');
    expectRefusal(await send(`/api/v1/batches/${BATCH}/report/metrics.json`), 404, 'NOT_FOUND', 'file');
    // The batch is running in a live process (this one) but not in this server.
    expectRefusal(await send(`/api/v1/batches/${BATCH}/cancel`, { method: 'POST', type: null }), 409, 'NOT_RUNNING', 'batch_id');
  });

  it('refuses bad review bodies naming the field', async () => {
    expectRefusal(await send('/api/v1/reviews', { body: '{"approve": [1e300]}' }), 400, 'INVALID_FIELD', 'approve');
    expectRefusal(await send('/api/v1/reviews', { body: '{"reject": "3"}' }), 400, 'INVALID_FIELD', 'reject');
    expectRefusal(await send('/api/v1/reviews', { body: JSON.stringify({ approve: Array.from({ length: 1001 }, (_, i) => i + 1) }) }), 400, 'INVALID_FIELD', 'approve', /^approve names 1001 changes; settle at most 1000 in one request$/);
    expectRefusal(await send('/api/v1/reviews', { body: '{"aprove": [1]}' }), 400, 'INVALID_FIELD', 'aprove');
    expectRefusal(await send('/api/v1/reviews', { body: '{"approve": [' }), 400, 'INVALID_JSON', '(body)');
    expectRefusal(await send('/api/v1/reviews', { body: '{"approve": [7]}' }), 400, 'INVALID_REVIEW', 'id', /^No price change with id 7$/);
    expectRefusal(await send('/api/v1/reviews', { body: 'approve=1', type: 'text/csv' }), 415, 'UNSUPPORTED_MEDIA_TYPE', 'content-type');
  });

  it('answers a wrong method 405, a missing token 401, a foreign sign-in 403 and an oversized sign-in 413', async () => {
    expectRefusal(await send('/api/v1/batch-update'), 405, 'METHOD_NOT_ALLOWED', null);
    expectRefusal(await send('/api/v1/reviews', { method: 'PUT', body: '{}' }), 405, 'METHOD_NOT_ALLOWED', null);
    expectRefusal(await send(`/api/v1/batches/${BATCH}`, { method: 'DELETE', type: null }), 405, 'METHOD_NOT_ALLOWED', null);
    expectRefusal(await send('/api/v1/batches', { headers: { authorization: 'Bearer nope' } }), 401, 'UNAUTHORIZED', null);
    const login = await fetch(`${api.url}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${'x'.repeat(MAX_BODY_BYTES)}` });
    const text = await login.text();
    expect([login.status, (JSON.parse(text) as Answer).error.code]).toEqual([413, 'BODY_TOO_LARGE']);
  });

  it('answers a body past 64 KiB sent in chunks (no Content-Length) 413 and closes the connection', async () => {
    const answer = await new Promise<{ status: number; text: string; connection: string | undefined }>((resolve, reject) => {
      const req = httpRequest(`${api.url}/api/v1/batch-update`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' } }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text, connection: res.headers.connection }));
      });
      req.on('error', reject);
      const chunk = `[${'1,'.repeat(8_000)}1]`;
      for (let k = 0; k < 6; k++) req.write(chunk);
      req.end();
    });
    expect([answer.status, (JSON.parse(answer.text) as Answer).error.field, answer.connection]).toEqual([413, '(body)', 'close']);
  });

  it('a caller that goes away in the middle of its body is not an internal error, and the server answers the next one', async () => {
    await new Promise<void>((resolve, reject) => {
      const socket = connect(api.port, '127.0.0.1', () => {
        socket.write(`POST /api/v1/batch-update HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${TOKEN}\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"limit": `);
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 50);
      });
      socket.on('error', reject);
    });
    expect((await send('/healthz')).status).toBe(200);
  });

  it('none of it was an internal error, and nothing was recorded', () => {
    expect(internalErrors).toEqual([]);
    expect(store.batches.listBatches(10).map((b) => b.id)).toEqual([BATCH]);
  });
});
