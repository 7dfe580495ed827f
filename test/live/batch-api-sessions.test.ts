/**
 * The API's session side without a browser: sign-in, the cookie, CSRF and Origin checks, the
 * review routes (all or none), cancel and resume, and the event stream.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createScaledClock } from '../../src/clock/real-clock.js';
import { createPriceExtractor } from '../../src/extract/extract-price.js';
import { startBatchApiServer, type BatchApiServer } from '../../src/live/batch-api-server.js';
import { createDefaultLivePolicy } from '../../src/live/default-live-policy.js';
import { openStore, type Store } from '../../src/live/open-store.js';
import { createUndiciTransport, type UndiciTransport } from '../../src/live/undici-transport.js';
import { importScenarioItems, makeLiveScenario, makeTempDir, releaseLiveResourcesAfterEach, startMockFor } from './live-helpers.js';

const TOKEN = 'sessions-test-token-0123456789';
releaseLiveResourcesAfterEach();

let api: BatchApiServer | null = null;
let transport: UndiciTransport | null = null;
let store: Store | null = null;
afterEach(async () => {
  await api?.close();
  await transport?.close();
  store?.close();
  api = null;
  transport = null;
  store = null;
});

/** An API over `count` machines of `latencyMs` each at 100× on the mock's HTTP face. */
async function setUp(options: { count: number; latencyMs: number; workers?: number }) {
  const temp = makeTempDir('sessions');
  const scenario = makeLiveScenario({ count: options.count, workers: options.workers ?? 2, latencyMs: options.latencyMs });
  const mock = await startMockFor(scenario, { timeScale: 100 });
  store = openStore({ path: join(temp.dir, 'store.db') });
  importScenarioItems(store, scenario);
  transport = createUndiciTransport({ connections: 4 });
  api = await startBatchApiServer({
    env: { store, transport, clock: createScaledClock({ scale: 100 }), scrapfly: { apiKey: 'scp-x', baseUrl: mock.url }, extractPrice: createPriceExtractor(), maxChangeRatio: 0.5, reportsDir: join(temp.dir, 'reports') },
    policy: { ...createDefaultLivePolicy(), workers: options.workers ?? 2 },
    tokens: [TOKEN],
    maxWorkersLimit: 4,
    timeScale: 100,
  });
  return { api, store, url: api.url };
}

async function signIn(url: string): Promise<{ cookie: string; csrf: string }> {
  const response = await fetch(`${url}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url }, body: `token=${encodeURIComponent(TOKEN)}`, redirect: 'manual' });
  expect(response.status).toBe(303);
  const setCookie = response.headers.get('set-cookie') ?? '';
  expect(setCookie).toMatch(/^batchscope_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/; Max-Age=43200$/);
  const cookie = setCookie.split(';')[0] as string;
  const page = await fetch(`${url}/`, { headers: { cookie } });
  const html = await page.text();
  expect(html).not.toContain(TOKEN);
  expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
  const csrf = /<meta name="csrf-token" content="([^"]+)">/.exec(html)?.[1];
  expect(csrf).toBeDefined();
  return { cookie, csrf: csrf as string };
}

describe('the API with a session', () => {
  it('signs in only with the token and from its own origin; a session needs its CSRF token and its origin to change anything', async () => {
    const { url } = await setUp({ count: 2, latencyMs: 1000 });
    const wrong = await fetch(`${url}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url }, body: 'token=nope-nope-nope-nope', redirect: 'manual' });
    expect([wrong.status, wrong.headers.get('set-cookie')]).toEqual([401, null]);
    const foreign = await fetch(`${url}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://evil.example' }, body: `token=${TOKEN}`, redirect: 'manual' });
    expect([foreign.status, foreign.headers.get('set-cookie')]).toEqual([403, null]);

    const { cookie, csrf } = await signIn(url);
    expect((await fetch(`${url}/api/v1/batches`, { headers: { cookie } })).status).toBe(200);
    const post = (headers: Record<string, string>) => fetch(`${url}/api/v1/reviews`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', ...headers }, body: '{"approve":[1]}' }).then(async (r) => [r.status, ((await r.json()) as { error: { code: string; message: string } }).error]);
    expect(await post({})).toEqual([403, { code: 'CSRF', message: 'Refused: the X-CSRF-Token header is missing' }]);
    expect(await post({ 'x-csrf-token': 'forged' })).toEqual([403, { code: 'CSRF', message: 'Refused: the X-CSRF-Token header is wrong' }]);
    expect(await post({ 'x-csrf-token': csrf, origin: 'http://evil.example' })).toEqual([403, { code: 'CSRF', message: 'Refused: the request comes from another origin (http://evil.example)' }]);
    // With the token and its origin, the request reaches the route (which has no change 1 to approve).
    expect(await post({ 'x-csrf-token': csrf, origin: url })).toEqual([400, { code: 'INVALID_REVIEW', message: 'No price change with id 1', field: 'id' }]);
    // The bearer token needs no CSRF token.
    const bearer = await fetch(`${url}/api/v1/reviews`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: '{"reject":[1]}' });
    expect(bearer.status).toBe(400);

    const out = await fetch(`${url}/logout`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrf }, redirect: 'manual' });
    expect([out.status, out.headers.get('set-cookie')]).toEqual([303, 'batchscope_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0']);
    expect((await fetch(`${url}/api/v1/batches`, { headers: { cookie } })).status).toBe(401);
    expect(await (await fetch(`${url}/`, { headers: { cookie } })).text()).toContain('<form method="post" action="/login"');
  });

  it('approves and rejects several changes together or not at all', async () => {
    const { url, store: s } = await setUp({ count: 3, latencyMs: 1000 });
    const flag = s.db.prepare("INSERT INTO price_history (machine_id, batch_id, price, currency, previous_price, previous_currency, change_ratio, status, checked_ms) VALUES (?, NULL, ?, 'USD', 100, 'USD', 1, 'flagged', 0)");
    flag.run(1, 200);
    flag.run(2, 300);
    const call = (body: unknown) => fetch(`${url}/api/v1/reviews`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(body) }).then(async (r) => [r.status, await r.json()]);
    const listed = (await (await fetch(`${url}/api/v1/reviews`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { reviews: Array<{ id: number; machine_id: number; price: number }> };
    expect(listed.reviews.map((r) => [r.id, r.machine_id, r.price])).toEqual([
      [1, 1, 200],
      [2, 2, 300],
    ]);
    expect(await call({ approve: [1, 7] })).toEqual([400, { error: { code: 'INVALID_REVIEW', message: 'Nothing was changed: no price change with id 7', field: 'id' } }]);
    expect(s.machines.listFlagged()).toHaveLength(2);
    expect(await call({ approve: ['1'] })).toEqual([400, { error: { code: 'INVALID_FIELD', message: 'approve must be an array of change ids (integers from 1 to 2147483647), got ["1"]', field: 'approve' } }]);
    expect(await call({ approve: [1], reject: [2] })).toEqual([200, { approved: 1, rejected: 1, waiting: 0 }]);
    expect(s.machines.getMachines([1, 2]).map((m) => m.currentPrice)).toEqual([200, null]);
  });

  it('cancels a running batch (resumable) and resumes it, and streams the batch over server-sent events', async () => {
    // 32 machines of 10 s each at 100× on 2 workers: 1.6 s in all, 100 ms per machine; it is cancelled after 3.
    const { url, store: s } = await setUp({ count: 32, latencyMs: 10_000 });
    const auth = { authorization: `Bearer ${TOKEN}` };
    const events = await fetch(`${url}/api/v1/events`, { headers: auth });
    expect(events.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = events.body!.getReader();
    let streamed = '';
    const readUntil = async (pattern: RegExp) => {
      while (!pattern.test(streamed)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${pattern}`);
        streamed += new TextDecoder().decode(value);
      }
    };
    await readUntil(/event: hello\ndata: \{"clock_ms":\d+(\.\d+)?,"time_scale":100,"stall_threshold_ms":60000,"running":null\}\n\n/);

    const started = (await (await fetch(`${url}/api/v1/batch-update`, { method: 'POST', headers: auth, body: '{"max_workers": 2}' })).json()) as { batch_id: string };
    const id = started.batch_id;
    await readUntil(new RegExp(`event: batch\\ndata: \\{"batch_id":"${id}","status":"running","total":32,"workers":2,"policy":"live-default"\\}`));
    await readUntil(/event: engine\ndata: \{"batch_id":"[^"]+","clock_ms":[\d.]+,"progress":\{"done":\d+,"total":32,[^\n]*"events":\[\{"type":"batch.start"/);
    for (let i = 0; i < 200 && (s.batches.getBatch(id)?.done ?? 0) < 3; i++) await new Promise((r) => setTimeout(r, 10));
    const cancel = await fetch(`${url}/api/v1/batches/${id}/cancel`, { method: 'POST', headers: auth });
    expect([cancel.status, await cancel.json()]).toEqual([202, { batch_id: id, status: 'cancelling' }]);
    await readUntil(new RegExp(`event: batch\\ndata: \\{"batch_id":"${id}","status":"cancelled"`));
    const stopped = (await (await fetch(`${url}/api/v1/batches/${id}`, { headers: auth })).json()) as Record<string, unknown>;
    expect(stopped).toMatchObject({ status: 'cancelled', resumable: true });
    expect((await fetch(`${url}/api/v1/batches/${id}/cancel`, { method: 'POST', headers: auth })).status).toBe(409);

    const resumed = await fetch(`${url}/api/v1/batches/${id}/resume`, { method: 'POST', headers: auth });
    expect(resumed.status).toBe(202);
    await readUntil(new RegExp(`event: batch\\ndata: \\{"batch_id":"${id}","status":"completed","done":32,"total":32`));
    const done = (await (await fetch(`${url}/api/v1/batches/${id}`, { headers: auth })).json()) as Record<string, unknown>;
    expect(done).toMatchObject({ status: 'completed', done: 32, runs: 2, resumable: false });
    await reader.cancel();
  });
});
