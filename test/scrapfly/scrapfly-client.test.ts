import { describe, expect, it } from 'vitest';
import { TransportError } from '../../src/errors.js';
import type { Transport, TransportResponse } from '../../src/ports.js';
import { parseScrapeResponse } from '../../src/scrapfly/parse-scrape-response.js';
import { createScrapflyClient } from '../../src/scrapfly/scrapfly-client.js';
import { buildScrapeQuery, redactSecret, type ScrapeParams } from '../../src/scrapfly/scrape-params.js';

const KEY = 'scp-live-0123456789abcdef';
const params: ScrapeParams = {
  url: 'https://shop.example/p?id=1&x=2',
  renderJs: true,
  asp: true,
  proxyPool: 'public_residential_pool',
  country: 'us',
  retry: false,
  timeoutMs: 60_000,
  costBudget: 30,
  correlationId: '3.7',
};

const headers = (values: Record<string, string>) => ({ get: (name: string) => values[name.toLowerCase()] ?? null });
const respond = (status: number, body: unknown, h: Record<string, string> = {}): TransportResponse => ({
  status,
  headers: headers(h),
  json: async () => {
    if (typeof body === 'string') throw new SyntaxError('Unexpected token');
    return body;
  },
  text: async () => (typeof body === 'string' ? body : JSON.stringify(body)),
});

describe('scrape query', () => {
  it('encodes every parameter as the official SDKs do', () => {
    expect(buildScrapeQuery({ key: KEY, params })).toBe(
      `key=${KEY}&url=https%3A%2F%2Fshop.example%2Fp%3Fid%3D1%26x%3D2&country=us&timeout=60000&cost_budget=30&render_js=true&asp=true&retry=false&proxy_pool=public_residential_pool&correlation_id=3.7`,
    );
  });

  it('omits defaults: retry=true, no timeout, datacenter pool', () => {
    const q = buildScrapeQuery({ key: 'k', params: { ...params, renderJs: false, asp: false, proxyPool: null, country: null, retry: true, timeoutMs: null, costBudget: null, correlationId: null } });
    expect(q).toBe('key=k&url=https%3A%2F%2Fshop.example%2Fp%3Fid%3D1%26x%3D2');
  });
});

describe('response parsing', () => {
  it('reads a success envelope and the accounting headers', () => {
    const outcome = parseScrapeResponse({
      status: 200,
      headers: headers({ 'x-scrapfly-api-cost': '30', 'x-scrapfly-remaining-api-credit': '970', 'x-scrapfly-account-concurrent-usage': '3' }),
      body: { result: { success: true, status: 'DONE', content: '<html></html>', status_code: 200 } },
    });
    expect(outcome).toEqual({ ok: true, httpStatus: 200, content: '<html></html>', upstreamStatus: 200, costCredits: 30, remainingCredits: 970, accountConcurrency: 3 });
  });

  it('maps shape-A errors with the retryable flag', () => {
    const outcome = parseScrapeResponse({
      status: 422,
      headers: headers({}),
      body: { result: { success: false, status: 'DONE', error: { code: 'ERR::ASP::SHIELD_PROTECTION_FAILED', message: 'blocked', retryable: true } } },
    });
    expect(outcome).toMatchObject({ ok: false, code: 'ERR::ASP::SHIELD_PROTECTION_FAILED', errorClass: 'blocked', retryable: true, httpStatus: 422 });
  });

  it('maps an upstream 404 served as HTTP 200', () => {
    const outcome = parseScrapeResponse({
      status: 200,
      headers: headers({ 'x-scrapfly-api-cost': '1' }),
      body: { result: { success: false, status: 'DONE', status_code: 404, error: { code: 'ERR::SCRAPE::BAD_UPSTREAM_RESPONSE', retryable: false } } },
    });
    expect(outcome).toMatchObject({ ok: false, errorClass: 'upstream-4xx', upstreamStatus: 404, costCredits: 1, retryable: false });
  });

  it('maps a flat (shape-B) 429 with Retry-After, and a 401 without a code', () => {
    expect(
      parseScrapeResponse({ status: 429, headers: headers({ 'retry-after': '5' }), body: { code: 'ERR::THROTTLE::MAX_CONCURRENT_REQUEST_EXCEEDED', http_code: 429, error_id: 'x', retryable: true, message: 'Too many' } }),
    ).toMatchObject({ ok: false, errorClass: 'throttled', retryable: true, retryAfterMs: 5000 });
    expect(parseScrapeResponse({ status: 401, headers: headers({}), body: { status: 'error', http_code: 401, reason: 'Unauthorized', error_id: 'x', message: 'Invalid API key' } })).toMatchObject({
      ok: false,
      code: 'HTTP_401',
      errorClass: 'auth',
      retryable: false,
      message: 'Invalid API key',
    });
  });

  it('takes the credits from context.cost.total when X-Scrapfly-Api-Cost is missing', () => {
    const body = { context: { cost: { total: 25 } }, result: { success: true, status: 'DONE', content: 'x', status_code: 200 } };
    expect(parseScrapeResponse({ status: 200, headers: headers({}), body })).toMatchObject({ ok: true, costCredits: 25 });
    expect(parseScrapeResponse({ status: 200, headers: headers({ 'x-scrapfly-api-cost': '6' }), body })).toMatchObject({ ok: true, costCredits: 6 });
  });

  it('names the error from the X-Scrapfly-Reject-* headers when the body is not JSON', () => {
    const outcome = parseScrapeResponse({
      status: 422,
      headers: headers({ 'x-scrapfly-reject-code': 'ERR::ASP::SHIELD_PROTECTION_FAILED', 'x-scrapfly-reject-description': 'blocked', 'x-scrapfly-reject-retryable': 'yes' }),
      body: undefined,
    });
    expect(outcome).toMatchObject({ ok: false, code: 'ERR::ASP::SHIELD_PROTECTION_FAILED', errorClass: 'blocked', message: 'blocked', retryable: true });
  });

  it('reads Retry-After in seconds and ignores the HTTP-date form', () => {
    const body = { code: 'ERR::SCRAPE::TOO_MANY_CONCURRENT_REQUEST', http_code: 429, error_id: 'x', message: 'Too many' };
    expect(parseScrapeResponse({ status: 429, headers: headers({ 'retry-after': '1.5' }), body })).toMatchObject({ retryAfterMs: 1500 });
    expect(parseScrapeResponse({ status: 429, headers: headers({ 'retry-after': 'Wed, 21 Oct 2025 07:28:00 GMT' }), body })).toMatchObject({ retryAfterMs: null });
  });

  it('treats a body that is not an envelope as a retryable server error', () => {
    expect(parseScrapeResponse({ status: 502, headers: headers({}), body: undefined })).toMatchObject({ ok: false, code: 'HTTP_502', retryable: true });
  });
});

describe('client', () => {
  it('sends the request through the transport and parses the answer', async () => {
    const seen: string[] = [];
    const transport: Transport = {
      send: async (request) => {
        seen.push(request.url);
        return respond(200, { result: { success: true, status: 'DONE', content: 'ok', status_code: 200 } }, { 'x-scrapfly-api-cost': '1' });
      },
    };
    const outcome = await createScrapflyClient({ transport, apiKey: KEY, baseUrl: 'http://127.0.0.1:9/' }).scrape(params, {});
    expect(outcome).toMatchObject({ ok: true, content: 'ok', costCredits: 1 });
    expect(seen).toEqual([`http://127.0.0.1:9/scrape?${buildScrapeQuery({ key: KEY, params })}`]);
  });

  it('turns a non-JSON body into a failure, not an exception', async () => {
    const transport: Transport = { send: async () => respond(502, '<html>Bad gateway</html>') };
    expect(await createScrapflyClient({ transport, apiKey: KEY }).scrape(params, {})).toMatchObject({ ok: false, code: 'HTTP_502' });
  });

  it('never lets the API key into a network failure', async () => {
    const transport: Transport = {
      send: async (request) => {
        throw new TransportError(`connect ECONNREFUSED while fetching ${request.url} (key ${KEY})`);
      },
    };
    const outcome = await createScrapflyClient({ transport, apiKey: KEY }).scrape(params, {});
    expect(outcome.ok).toBe(false);
    expect(JSON.stringify(outcome)).not.toContain(KEY);
    expect(outcome.ok === false && outcome.errorClass).toBe('network');
  });

  it('rejects with the abort reason when the caller aborts', async () => {
    const controller = new AbortController();
    const transport: Transport = {
      send: (_request, { signal }) => new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason))),
    };
    const pending = createScrapflyClient({ transport, apiKey: KEY }).scrape(params, { signal: controller.signal });
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
  });

  it('redacts keys in any text', () => {
    expect(redactSecret(`GET https://api.scrapfly.io/scrape?key=${KEY}&url=x failed for ${KEY}`, KEY)).toBe('GET https://api.scrapfly.io/scrape?key=***&url=x failed for ***');
  });
});
