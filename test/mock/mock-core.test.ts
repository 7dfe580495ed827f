import { describe, expect, it } from 'vitest';
import { serveMockRequest } from '../../src/mock/serve-request.js';
import { makeCore, makeWorld, request, scrapeUrl, T0 } from './mock-test-support.js';

const URL_1 = 'https://shop.example/products/laser-1';
const ok = (extra: Record<string, string | number | boolean> = {}) => scrapeUrl({ key: 'k', url: URL_1, ...extra });

describe('success envelope', () => {
  it('answers after the server time with the full envelope and the accounting headers', async () => {
    const setup = makeCore(makeWorld());
    const r = await request(setup, ok({ correlation_id: '3.1' }));
    expect(r.status).toBe(200);
    expect(r.atMs).toBe(T0 + 4000);
    expect(r.headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'x-scrapfly-api-cost': '1',
      'x-scrapfly-remaining-api-credit': '999',
      'x-scrapfly-account-concurrent-usage': '1',
      'x-scrapfly-account-remaining-concurrent-usage': '1',
      'x-scrapfly-project-concurrent-usage': '1',
      'x-scrapfly-response-time': '4.000000',
    });
    expect(r.headers['x-scrapfly-reject-code']).toBeUndefined();
    expect(Object.keys(r.body).sort()).toEqual(['config', 'context', 'result', 'uuid']);
    expect(r.body.uuid).toBe(r.headers['x-request-id']);
    expect(r.body.uuid).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(r.body.result).toMatchObject({
      status: 'DONE',
      success: true,
      status_code: 200,
      reason: 'OK',
      format: 'text',
      duration: 4,
      url: URL_1,
      error: null,
      log_url: `https://scrapfly.io/dashboard/monitoring/log/${r.body.uuid}`,
      response_headers: { 'content-type': 'text/html; charset=utf-8' },
    });
    expect(r.body.result.content).toContain('"@type":"Product"');
    expect(r.body.config).toMatchObject({ url: URL_1, method: 'GET', retry: true, timeout: 150_000, asp: false, render_js: false, correlation_id: '3.1', headers: {}, env: 'LIVE' });
    expect(r.body.context).toMatchObject({ cost: { total: 1, details: [{ amount: 1, code: 'PROXY_DATACENTER_NETWORK' }] }, retry: 0, created_at: new Date(T0).toISOString() });
    expect(r.body.context.uri).toMatchObject({ host: 'shop.example', scheme: 'https', port: 443 });
    expect(setup.core.stats()).toMatchObject({ requests: 1, accepted: 1, inFlight: 0, creditsUsed: 1, creditsRemaining: 999, responses: { 200: 1 } });
    expect(setup.events.map((e) => e.type)).toEqual(['mock.accept', 'mock.end']);
  });

  it('charges 1 credit on datacenter, 25 on residential, +5 with render_js', async () => {
    const costs: string[] = [];
    const variants: Array<Record<string, string | boolean>> = [{}, { render_js: true }, { proxy_pool: 'public_residential_pool' }, { proxy_pool: 'public_residential_pool', render_js: true }, { asp: true }];
    for (const extra of variants) {
      costs.push((await request(makeCore(makeWorld()), ok(extra))).headers['x-scrapfly-api-cost'] as string);
    }
    expect(costs).toEqual(['1', '6', '25', '30', '1']);
  });

  it('echoes the method, session, headers[…] and rendering options; adds rendering_wait to browser time', async () => {
    const r = await request(makeCore(makeWorld()), ok({ render_js: true, rendering_wait: 2500, session: 'cart-7', 'headers[X-Trace]': 'a b', format: 'markdown:no_links', wait_for_selector: '.price' }), 'POST');
    expect(r.atMs).toBe(T0 + 6500);
    expect(r.body.config).toMatchObject({ method: 'POST', render_js: true, rendering_wait: 2500, session: 'cart-7', session_sticky_proxy: true, headers: { 'x-trace': 'a b' }, format: 'markdown:no_links', wait_for_selector: '.price' });
  });

  it('does not honour a timeout sent with retry=true (the API manages 150 s itself)', async () => {
    const r = await request(makeCore(makeWorld()), ok({ timeout: 20_000 }));
    expect(r.status).toBe(200);
    expect(r.body.config.timeout).toBe(150_000);
  });
});

describe('scrape failures (shape A envelopes)', () => {
  it('504 OPERATION_TIMEOUT when the scrape outlives an honoured timeout: free, retryable, reject headers', async () => {
    const setup = makeCore(makeWorld({ behaviour: { default: { latency: { type: 'fixed', ms: 20_000 } } } }));
    const r = await request(setup, ok({ retry: false, timeout: 15_000 }));
    expect(r.status).toBe(504);
    expect(r.atMs).toBe(T0 + 15_000);
    expect(r.body.result).toMatchObject({ success: false, status: 'DONE', error: { code: 'ERR::SCRAPE::OPERATION_TIMEOUT', http_code: 504, retryable: true } });
    expect(r.body.result.error.links).toEqual({ 'Related Error Doc': 'https://scrapfly.io/docs/scrape-api/error/ERR::SCRAPE::OPERATION_TIMEOUT' });
    expect(r.headers).toMatchObject({
      'x-scrapfly-api-cost': '0',
      'x-scrapfly-reject-code': 'ERR::SCRAPE::OPERATION_TIMEOUT',
      'x-scrapfly-reject-http-code': '504',
      'x-scrapfly-reject-retryable': 'true',
      'x-scrapfly-reject-doc': 'https://scrapfly.io/docs/scrape-api/error/ERR::SCRAPE::OPERATION_TIMEOUT',
    });
    expect(setup.core.stats().creditsUsed).toBe(0);
  });

  it('a hang answers 504 only when the hang ends, past the 150 s budget', async () => {
    const r = await request(makeCore(makeWorld({ behaviour: { default: { latency: { type: 'fixed', ms: 1000 }, hang: { p: 1, latency: { type: 'fixed', ms: 200_000 } } } } })), ok());
    expect([r.status, r.atMs]).toEqual([504, T0 + 200_000]);
  });

  it('422 ASP failure after Scrapfly retried it 3 times internally (retry=true), once with retry=false; never billed', async () => {
    const world = makeWorld({ behaviour: { default: { latency: { type: 'fixed', ms: 4000 }, errors: { 'ERR::ASP::SHIELD_PROTECTION_FAILED': 1 } } } });
    const withRetry = await request(makeCore(world), ok({ asp: true }));
    expect([withRetry.status, withRetry.atMs, withRetry.body.context.retry]).toEqual([422, T0 + 12_000, 2]);
    expect(withRetry.body.result.error).toMatchObject({ code: 'ERR::ASP::SHIELD_PROTECTION_FAILED', http_code: 422, retryable: true });
    expect(withRetry.headers['x-scrapfly-api-cost']).toBe('0');
    const once = await request(makeCore(world), ok({ asp: true, retry: false, timeout: 60_000 }));
    expect([once.status, once.atMs]).toEqual([422, T0 + 4000]);
  });

  it('422 proxy errors', async () => {
    const r = await request(makeCore(makeWorld({ behaviour: { default: { latency: { type: 'fixed', ms: 1000 }, errors: { 'ERR::PROXY::UNAVAILABLE': 1 } } } })), ok({ retry: false }));
    expect([r.status, r.body.result.error.code, r.headers['x-scrapfly-reject-code']]).toEqual([422, 'ERR::PROXY::UNAVAILABLE', 'ERR::PROXY::UNAVAILABLE']);
  });

  it('upstream 404 and 500 come back as HTTP 200 with success:false and the target status, billed and not retried', async () => {
    for (const status of [404, 500]) {
      const setup = makeCore(makeWorld({ behaviour: { default: { latency: { type: 'fixed', ms: 3000 }, errors: { [`upstream-${status}`]: 1 } } } }));
      const r = await request(setup, ok({ render_js: true }));
      expect(r.status).toBe(200);
      expect(r.atMs).toBe(T0 + 3000);
      expect(r.body.result).toMatchObject({ success: false, status: 'DONE', status_code: status, error: { code: 'ERR::SCRAPE::BAD_UPSTREAM_RESPONSE', http_code: 200, retryable: false } });
      expect(r.body.result.content).toContain(`Error ${status}`);
      expect(r.headers['x-scrapfly-api-cost']).toBe('6');
      expect(r.body.context.cost.total).toBe(6);
      expect(setup.core.stats().creditsUsed).toBe(6);
    }
  });

  it('billedErrorCredits fixes what a billed error costs', async () => {
    const world = makeWorld({ behaviour: { default: { latency: { type: 'fixed', ms: 3000 }, errors: { 'upstream-404': 1 } } }, options: { billedErrorCredits: 0 } });
    expect((await request(makeCore(world), ok({ render_js: true }))).headers['x-scrapfly-api-cost']).toBe('0');
  });

  it('422 COST_BUDGET_LIMIT at once when cost_budget is below the scrape cost', async () => {
    const setup = makeCore(makeWorld());
    const r = await request(setup, ok({ proxy_pool: 'public_residential_pool', cost_budget: 20 }));
    expect([r.status, r.atMs, r.body.result.error.code]).toEqual([422, T0, 'ERR::SCRAPE::COST_BUDGET_LIMIT']);
    expect(setup.core.stats()).toMatchObject({ accepted: 0, inFlight: 0, creditsUsed: 0 });
  });
});

describe('account limits', () => {
  const occupy = (setup: ReturnType<typeof makeCore>, n: number) => {
    for (let i = 0; i < n; i++) void serveMockRequest({ core: setup.core, clock: setup.clock, method: 'GET', url: scrapeUrl({ key: 'k', url: `https://shop.example/p/${i}` }) });
  };

  it('429 TOO_MANY_CONCURRENT_REQUEST at once past the plan, as an envelope (shape A) by default', async () => {
    const setup = makeCore(makeWorld());
    occupy(setup, 2);
    const r = await request(setup, ok());
    expect([r.status, r.atMs]).toEqual([429, T0]);
    expect(r.body.result.error).toMatchObject({ code: 'ERR::SCRAPE::TOO_MANY_CONCURRENT_REQUEST', http_code: 429, retryable: true });
    expect(r.headers).toMatchObject({ 'x-scrapfly-api-cost': '0', 'x-scrapfly-account-concurrent-usage': '2', 'x-scrapfly-account-remaining-concurrent-usage': '0', 'x-scrapfly-reject-code': 'ERR::SCRAPE::TOO_MANY_CONCURRENT_REQUEST' });
    expect(r.headers['retry-after']).toBeUndefined();
    expect(setup.core.stats()).toMatchObject({ throttled: 1, rejected: { 'ERR::SCRAPE::TOO_MANY_CONCURRENT_REQUEST': 1 }, peakConcurrency: 2 });
  });

  it('shape B flat 429 with Retry-After when the world says so', async () => {
    const setup = makeCore(makeWorld({ options: { rejectShape: 'B', retryAfterSeconds: 7 } }));
    occupy(setup, 2);
    const r = await request(setup, ok());
    expect(r.status).toBe(429);
    expect(r.headers['retry-after']).toBe('7');
    expect(r.body).toEqual({
      code: 'ERR::SCRAPE::TOO_MANY_CONCURRENT_REQUEST',
      error_id: r.headers['x-request-id'],
      http_code: 429,
      message: 'Concurrency limit of 2 reached',
      reason: 'Too Many Requests',
      retryable: true,
      doc_url: 'https://scrapfly.io/docs/scrape-api/error/ERR::SCRAPE::TOO_MANY_CONCURRENT_REQUEST',
      links: { 'Related Error Doc': 'https://scrapfly.io/docs/scrape-api/error/ERR::SCRAPE::TOO_MANY_CONCURRENT_REQUEST' },
    });
  });

  it('429 QUOTA_LIMIT_REACHED (not retryable) once credits are used up, unless overage', async () => {
    const setup = makeCore(makeWorld({ account: { concurrency: 2, credits: 1 } }));
    expect((await request(setup, ok())).headers['x-scrapfly-remaining-api-credit']).toBe('0');
    const r = await request(setup, ok());
    expect([r.status, r.body.result.error.code, r.body.result.error.retryable]).toEqual([429, 'ERR::SCRAPE::QUOTA_LIMIT_REACHED', false]);
    const over = makeCore(makeWorld({ account: { concurrency: 2, credits: 1 }, options: { overage: true } }));
    await request(over, ok());
    expect((await request(over, ok())).status).toBe(200);
    const account = await request(over, 'https://api.scrapfly.io/account?key=k');
    expect(account.body.subscription.usage.scrape).toMatchObject({ current: 2, limit: 1, remaining: 0, extra: 1 });
  });

  it('throttlers refuse past their concurrency and their 60 s request window', async () => {
    const setup = makeCore(makeWorld({ account: { concurrency: 10 }, throttlers: { 'shop.example': { concurrency: 1 } } }));
    occupy(setup, 1);
    const r = await request(setup, ok());
    expect([r.status, r.body.result.error.code]).toEqual([429, 'ERR::THROTTLE::MAX_CONCURRENT_REQUEST_EXCEEDED']);
    const other = await request(setup, scrapeUrl({ key: 'k', url: 'https://other.example/p' }));
    expect(other.status).toBe(200);

    const rate = makeCore(makeWorld({ account: { concurrency: 10 }, throttlers: { 'www.shop.example': { requestsPerMinute: 2 } } }));
    expect((await request(rate, ok())).status).toBe(200);
    expect((await request(rate, ok())).status).toBe(200);
    const refused = await request(rate, ok());
    expect([refused.status, refused.atMs, refused.body.result.error.code]).toEqual([429, T0 + 8000, 'ERR::THROTTLE::MAX_REQUEST_RATE_EXCEEDED']);
    rate.clock.advance(52_000);
    expect((await request(rate, ok())).status).toBe(200);
  });

  it('GET /account reports the plan, the usage and the credits', async () => {
    const setup = makeCore(makeWorld({ account: { concurrency: 5, credits: 300 } }));
    occupy(setup, 2);
    const r = await request(setup, 'https://api.scrapfly.io/account?key=k');
    expect(r.status).toBe(200);
    expect(r.body.subscription).toMatchObject({ max_concurrency: 5, usage: { scrape: { concurrent_limit: 5, concurrent_usage: 2, concurrent_remaining: 3, limit: 300, remaining: 300 } } });
    expect((await request(setup, 'https://api.scrapfly.io/account')).status).toBe(401);
  });
});

describe('request errors (shape B)', () => {
  it('401 without a key or with a refused key, without code or links', async () => {
    const missing = await request(makeCore(makeWorld()), scrapeUrl({ url: URL_1 }));
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({ status: 'error', http_code: 401, reason: 'Unauthorized', error_id: missing.headers['x-request-id'], message: 'Missing API key: the key parameter is required' });
    const refused = await request(makeCore(makeWorld({ account: { concurrency: 1, apiKeys: ['scp-good'] } })), scrapeUrl({ key: 'scp-bad', url: URL_1 }));
    expect([refused.status, refused.body.message]).toEqual([401, 'Invalid API key']);
  });

  const cases: Array<[string, string, RegExp, string?]> = [
    ['no url', scrapeUrl({ key: 'k' }), /url parameter is required/],
    ['url without a protocol', scrapeUrl({ key: 'k', url: 'shop.example/p' }), /must start with http:\/\/ or https:\/\/, got protocol none/],
    ['ftp url', scrapeUrl({ key: 'k', url: 'ftp://shop.example/p' }), /got protocol "ftp"/],
    ['timeout below the range', ok({ retry: false, timeout: 5000 }), /timeout must be between 15000 and 30000 ms for asp=false, render_js=false with retry=false, got 5000/],
    ['timeout above the ASP range', ok({ asp: true, retry: false, timeout: 200_000 }), /between 30000 and 150000 ms for asp=true/],
    ['timeout that is not a number', ok({ retry: false, timeout: '15s' }), /timeout must be a non-negative integer number of milliseconds, got "15s"/],
    ['a boolean that is not one', ok({ render_js: 'yes' }), /render_js must be true or false, got "yes"/],
    ['an unknown proxy pool', ok({ proxy_pool: 'public_tor_pool' }), /Unknown proxy_pool "public_tor_pool"/, 'ERR::PROXY::POOL_NOT_FOUND'],
    ['a malformed country', ok({ country: 'usa' }), /country must be ISO 3166-1 alpha-2/, 'ERR::PROXY::POOL_UNAVAILABLE_COUNTRY'],
    ['an unknown format', ok({ format: 'pdf' }), /format must be one of/],
    ['a malformed percent-encoding in the path', 'https://api.scrapfly.io/scr%ZZape?key=k', /Malformed request URL/],
  ];
  for (const [what, url, message, code = 'ERR::SCRAPE::CONFIG_ERROR'] of cases) {
    it(`400 for ${what}`, async () => {
      const setup = makeCore(makeWorld());
      const r = await request(setup, url);
      expect([r.status, r.atMs]).toEqual([400, T0]);
      expect(r.body).toMatchObject({ code, http_code: 400, reason: 'Bad Request', retryable: false, error_id: r.headers['x-request-id'] });
      expect(r.body.message).toMatch(message);
      expect(r.body.result).toBeUndefined();
      expect(setup.core.stats()).toMatchObject({ accepted: 0, inFlight: 0, creditsUsed: 0 });
    });
  }

  it('a timeout sent with retry=true is a 400 when the world says the API rejects it', async () => {
    const r = await request(makeCore(makeWorld({ options: { timeoutWithRetry: 'reject' } })), ok({ timeout: 20_000 }));
    expect([r.status, r.body.message]).toEqual([400, 'timeout can only be set with retry=false']);
  });

  it('unknown parameters are ignored, or a 400 when the world says so', async () => {
    expect((await request(makeCore(makeWorld()), ok({ frobnicate: 1 }))).status).toBe(200);
    const r = await request(makeCore(makeWorld({ options: { unknownParams: 'reject' } })), ok({ frobnicate: 1 }));
    expect([r.status, r.body.message]).toEqual([400, 'Unknown parameter "frobnicate"']);
  });

  it('404 for an unknown path and 405 for a method /scrape does not take', async () => {
    const setup = makeCore(makeWorld());
    expect((await request(setup, 'https://api.scrapfly.io/scrapes?key=k')).status).toBe(404);
    const r = await request(setup, ok(), 'DELETE');
    expect([r.status, r.body.message]).toEqual([405, 'Method DELETE is not allowed on /scrape']);
  });
});

describe('immediate refusals and waves', () => {
  it('rejects: a gateway HTML 502, an internal 500, a share of throttler 429s', async () => {
    const html = await request(makeCore(makeWorld({ behaviour: { default: { latency: { type: 'fixed', ms: 1 }, rejects: { 'html-502': 1 } } } })), ok());
    expect([html.status, html.headers['content-type'], typeof html.body]).toEqual([502, 'text/html; charset=utf-8', 'string']);
    expect(html.body).toContain('502 Bad Gateway');
    const internal = await request(makeCore(makeWorld({ behaviour: { default: { latency: { type: 'fixed', ms: 1 }, rejects: { 'ERR::API::INTERNAL_ERROR': 1 } } } })), ok());
    expect([internal.status, internal.body.code]).toEqual([500, 'ERR::API::INTERNAL_ERROR']);

    const setup = makeCore(makeWorld({ account: { concurrency: 1000 }, behaviour: { default: { latency: { type: 'fixed', ms: 1 }, rejects: { 'ERR::THROTTLE::MAX_REQUEST_RATE_EXCEEDED': 0.5 } } } }));
    for (let i = 0; i < 400; i++) void serveMockRequest({ core: setup.core, clock: setup.clock, method: 'GET', url: scrapeUrl({ key: 'k', url: `https://shop.example/p/${i}` }) });
    const stats = setup.core.stats();
    expect(stats.throttled + stats.accepted).toBe(400);
    expect(stats.throttled).toBeGreaterThan(150);
    expect(stats.throttled).toBeLessThan(250);
  });

  it('a wave changes a domain only inside its window', async () => {
    const setup = makeCore(
      makeWorld({
        behaviour: { default: { latency: { type: 'fixed', ms: 1000 } } },
        waves: [{ domain: 'shop.example', startMs: '10m', durationMs: '20m', levels: ['asp'], behaviour: { errors: { 'ERR::ASP::SHIELD_PROTECTION_FAILED': 1 } } }],
      }),
    );
    const at = async (minute: number, extra: Record<string, string | number | boolean>) => {
      setup.clock.advance(T0 + minute * 60_000 - setup.clock.now());
      return (await request(setup, ok({ retry: false, timeout: 30_000, ...extra }))).status;
    };
    expect(await at(5, { asp: true })).toBe(200);
    expect(await at(10, { asp: true })).toBe(422);
    expect(await at(15, {})).toBe(200);
    expect(await at(29, { asp: true })).toBe(422);
    expect(await at(30, { asp: true })).toBe(200);
  });
});

describe('disconnects', () => {
  it('a client that leaves keeps its slot until the scrape ends server-side (a zombie)', async () => {
    const setup = makeCore(makeWorld({ account: { concurrency: 1 } }));
    const controller = new AbortController();
    const pending = serveMockRequest({ core: setup.core, clock: setup.clock, method: 'GET', url: ok(), signal: controller.signal });
    controller.abort(new Error('gone'));
    setup.clock.advance(1000);
    expect(setup.core.stats().inFlight).toBe(1);
    expect((await request(setup, ok())).status).toBe(429);
    setup.clock.advance(T0 + 4000 - setup.clock.now());
    await expect(pending).rejects.toThrow('gone');
    expect(setup.core.stats()).toMatchObject({ inFlight: 0, zombiesEnded: 1, creditsUsed: 1 });
    const end = setup.events.find((e) => e.type === 'mock.end');
    expect(end).toMatchObject({ atMs: T0 + 4000, clientGone: true, costCredits: 1 });
  });

  it('frees the slot at once when the world says disconnects release it', async () => {
    const setup = makeCore(makeWorld({ account: { concurrency: 1 }, options: { releaseSlotOnDisconnect: true } }));
    const controller = new AbortController();
    const pending = serveMockRequest({ core: setup.core, clock: setup.clock, method: 'GET', url: ok(), signal: controller.signal });
    controller.abort(new Error('gone'));
    await expect(pending).rejects.toThrow('gone');
    expect(setup.core.stats().inFlight).toBe(0);
    expect((await request(setup, ok())).status).toBe(200);
  });
});
