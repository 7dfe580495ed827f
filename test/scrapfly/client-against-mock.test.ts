/**
 * Our Scrapfly client against the mock's real HTTP face (over fetch) and its direct face: every
 * error shape of the reference becomes the same typed outcome, with Scrapfly's retryable flag,
 * Retry-After and the credits charged for the attempt.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScrapflyApiError } from '../../src/errors.js';
import { createDirectTransport } from '../../src/mock/direct-transport.js';
import { createMockCore } from '../../src/mock/mock-core.js';
import type { WorldSpec } from '../../src/mock/world-spec.js';
import { startMockHttpServer, type MockHttpServer } from '../../src/node/mock-http-server.js';
import type { Transport } from '../../src/ports.js';
import { createSeededRandom } from '../../src/random/seeded-random.js';
import { toScrapflyApiError, type ScrapeOutcome } from '../../src/scrapfly/scrape-outcome.js';
import type { ScrapeParams } from '../../src/scrapfly/scrape-params.js';
import { createScrapflyClient } from '../../src/scrapfly/scrapfly-client.js';
import { createManualClock, makeWorld, T0 } from '../mock/mock-test-support.js';

/** A Transport over the runtime's fetch: enough for a test, the live transport is undici's. */
const fetchTransport: Transport = {
  send: (request, { signal }) => fetch(request.url, { method: request.method, headers: request.headers, body: request.body ?? null, signal }),
};

const WORLD = {
  account: { concurrency: 50, credits: 100_000 },
  behaviour: { default: { latency: { type: 'fixed', ms: 3000 } } },
  domains: {
    'asp-block.example': { default: { errors: { 'ERR::ASP::SHIELD_PROTECTION_FAILED': 1 } } },
    'proxy-down.example': { default: { errors: { 'ERR::PROXY::TIMEOUT': 1 } } },
    'notfound.example': { default: { errors: { 'upstream-404': 1 } } },
    'broken.example': { default: { errors: { 'upstream-500': 1 } } },
    'slow.example': { default: { latency: { type: 'fixed', ms: 20_000 } } },
    'gateway.example': { default: { rejects: { 'html-502': 1 } } },
    'internal.example': { default: { rejects: { 'ERR::API::INTERNAL_ERROR': 1 } } },
    'storm.example': { default: { rejects: { 'ERR::THROTTLE::MAX_REQUEST_RATE_EXCEEDED': 1 } } },
  },
  options: { retryAfterSeconds: 3 },
};
const params = (url: string, extra: Partial<ScrapeParams> = {}): ScrapeParams => ({
  url,
  renderJs: false,
  asp: false,
  proxyPool: null,
  country: null,
  retry: true,
  timeoutMs: null,
  costBudget: null,
  correlationId: null,
  ...extra,
});

/** Each case: the request, and the outcome fields both faces must give. */
const CASES: Array<[string, ScrapeParams, Record<string, unknown>]> = [
  ['success', params('https://ok.example/p/1', { renderJs: true }), { ok: true, httpStatus: 200, upstreamStatus: 200, costCredits: 6, remainingCredits: expect.any(Number), accountConcurrency: 1 }],
  [
    '504 OPERATION_TIMEOUT (honoured timeout)',
    params('https://slow.example/p/1', { retry: false, timeoutMs: 15_000 }),
    { ok: false, code: 'ERR::SCRAPE::OPERATION_TIMEOUT', errorClass: 'server-timeout', httpStatus: 504, retryable: true, costCredits: 0, retryAfterMs: null },
  ],
  ['422 ASP', params('https://asp-block.example/p/1', { asp: true }), { ok: false, code: 'ERR::ASP::SHIELD_PROTECTION_FAILED', errorClass: 'blocked', httpStatus: 422, retryable: true, costCredits: 0 }],
  ['422 proxy', params('https://proxy-down.example/p/1'), { ok: false, code: 'ERR::PROXY::TIMEOUT', errorClass: 'server-timeout', httpStatus: 422, retryable: true }],
  ['upstream 404 as HTTP 200', params('https://notfound.example/p/1'), { ok: false, code: 'ERR::SCRAPE::BAD_UPSTREAM_RESPONSE', errorClass: 'upstream-4xx', httpStatus: 200, upstreamStatus: 404, retryable: false, costCredits: 1 }],
  ['upstream 500 as HTTP 200', params('https://broken.example/p/1'), { ok: false, errorClass: 'upstream-5xx', httpStatus: 200, upstreamStatus: 500, costCredits: 1 }],
  ['429 throttler storm with Retry-After', params('https://storm.example/p/1'), { ok: false, code: 'ERR::THROTTLE::MAX_REQUEST_RATE_EXCEEDED', errorClass: 'throttled', httpStatus: 429, retryable: true, retryAfterMs: 3000, costCredits: 0 }],
  ['400 timeout out of range', params('https://ok.example/p/1', { retry: false, timeoutMs: 90_000 }), { ok: false, code: 'ERR::SCRAPE::CONFIG_ERROR', errorClass: 'config', httpStatus: 400, retryable: false }],
  ['400 url without http(s)', params('ftp://ok.example/p/1'), { ok: false, code: 'ERR::SCRAPE::CONFIG_ERROR', errorClass: 'config', httpStatus: 400 }],
  ['500 internal error (flat)', params('https://internal.example/p/1'), { ok: false, code: 'ERR::API::INTERNAL_ERROR', errorClass: 'other', httpStatus: 500, retryable: false }],
  ['502 gateway HTML page', params('https://gateway.example/p/1'), { ok: false, code: 'HTTP_502', errorClass: 'other', httpStatus: 502, retryable: true, costCredits: 0 }],
];

let server: MockHttpServer;
let world: WorldSpec;
beforeAll(async () => {
  world = makeWorld(WORLD);
  server = await startMockHttpServer({ world, timeScale: 100_000 });
});
afterAll(() => server?.close());

/** The same scrape through the direct face, on a hand-driven clock. */
async function scrapeDirect(w: WorldSpec, p: ScrapeParams, apiKey = 'k'): Promise<ScrapeOutcome> {
  const clock = createManualClock();
  const core = createMockCore({ world: w, clock, random: createSeededRandom(1), events: { emit: () => {} }, originMs: T0 });
  let done: ScrapeOutcome | null = null;
  const pending = createScrapflyClient({ transport: createDirectTransport({ core, clock }), apiKey }).scrape(p, {}).then((o) => (done = o));
  for (let i = 0; i < 1000 && done === null; i++) {
    await new Promise((r) => setImmediate(r));
    clock.advance(1000);
  }
  return pending;
}

describe('our client against the mock', () => {
  for (const [what, p, expected] of CASES) {
    it(`${what}: the same outcome over HTTP and through the direct face`, async () => {
      const overHttp = await createScrapflyClient({ transport: fetchTransport, apiKey: 'k', baseUrl: server.url }).scrape(p, {});
      expect(overHttp).toMatchObject(expected);
      const direct = await scrapeDirect(world, p);
      expect(direct).toMatchObject(expected);
      if (!overHttp.ok && !direct.ok) expect(direct.message).toBe(overHttp.message);
    });
  }

  it('401 for a refused key, typed as auth', async () => {
    const keyed = makeWorld({ ...WORLD, account: { concurrency: 1, apiKeys: ['scp-good'] } });
    const outcome = await scrapeDirect(keyed, params('https://ok.example/p/1'), 'scp-bad');
    expect(outcome).toMatchObject({ ok: false, code: 'HTTP_401', errorClass: 'auth', httpStatus: 401, retryable: false, message: 'Invalid API key' });
  });

  it('429 TOO_MANY_CONCURRENT_REQUEST in both shapes and QUOTA_LIMIT_REACHED', async () => {
    for (const shape of ['A', 'B']) {
      const clock = createManualClock();
      const s = await startMockHttpServer({ world: makeWorld({ account: { concurrency: 1 }, options: { rejectShape: shape, retryAfterSeconds: 2 } }), clock });
      try {
        const client = createScrapflyClient({ transport: fetchTransport, apiKey: 'k', baseUrl: s.url });
        const held = client.scrape(params('https://ok.example/held'), {});
        for (let i = 0; i < 200 && s.core.stats().inFlight === 0; i++) await new Promise((r) => setTimeout(r, 5));
        const refused = await client.scrape(params('https://ok.example/p/2'), {});
        expect(refused).toMatchObject({ ok: false, code: 'ERR::SCRAPE::TOO_MANY_CONCURRENT_REQUEST', errorClass: 'throttled', httpStatus: 429, retryable: true, retryAfterMs: 2000, costCredits: 0, accountConcurrency: 1 });
        clock.advance(4000);
        expect(await held).toMatchObject({ ok: true, costCredits: 1 });
      } finally {
        await s.close();
      }
    }
    const broke = makeWorld({ account: { concurrency: 1, credits: 0 } });
    expect(await scrapeDirect(broke, params('https://ok.example/p/1'))).toMatchObject({ ok: false, code: 'ERR::SCRAPE::QUOTA_LIMIT_REACHED', errorClass: 'quota', httpStatus: 429, retryable: false });
  });

  it('turns any failure into a typed ScrapflyApiError carrying the flag, Retry-After and cost', async () => {
    const outcome = await createScrapflyClient({ transport: fetchTransport, apiKey: 'k', baseUrl: server.url }).scrape(params('https://storm.example/p/9'), {});
    if (outcome.ok) throw new Error('expected a failure');
    const error = toScrapflyApiError(outcome);
    expect(error).toBeInstanceOf(ScrapflyApiError);
    expect(error).toMatchObject({ code: 'ERR::THROTTLE::MAX_REQUEST_RATE_EXCEEDED', httpStatus: 429, retryable: true, retryAfterMs: 3000, costCredits: 0 });
    expect(error.message).toBe('Scrapfly 429 ERR::THROTTLE::MAX_REQUEST_RATE_EXCEEDED: Request refused: ERR::THROTTLE::MAX_REQUEST_RATE_EXCEEDED');
  });

  it('lets a bug in the mock core throw to the caller instead of passing for a network error', () => {
    const clock = createManualClock();
    const bug = new Error('mock bug');
    const core = createMockCore({ world, clock, random: createSeededRandom(1), events: { emit: () => { throw bug; } }, originMs: T0 });
    const transport = createDirectTransport({ core, clock });
    const url = `https://api.scrapfly.io/scrape?key=k&url=${encodeURIComponent('https://ok.example/p/1')}`;
    expect(() => transport.send({ method: 'GET', url, headers: {} }, {})).toThrow(bug);
  });
});
