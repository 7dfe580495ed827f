/**
 * The official npm SDK (`scrapfly-sdk` 0.11.1) as an independent client of the mock's real HTTP
 * face: it must accept our success envelopes with the content as served, and raise its own classes
 * for every failure, exactly as it does against the real API (see the reference, section 6).
 */
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScrapeConfig, ScrapeResult, ScrapflyClient, errors, log } from 'scrapfly-sdk';
import { productForUrl, renderProductPage } from '../../src/mock/product-page.js';
import type { WorldSpec } from '../../src/mock/world-spec.js';
import { startMockHttpServer, type MockHttpServer } from '../../src/node/mock-http-server.js';
import { createManualClock, makeWorld } from './mock-test-support.js';

type FetchRetry = (config: { url: string; method?: string; headers?: Record<string, string>; body?: string }, retries?: number, retryDelay?: number) => Promise<Response>;
// The SDK's own retry wrapper, with its 1 s pause set to 0 where a test only needs the outcome.
const { fetchRetry } = (await import(pathToFileURL(new URL('../../node_modules/scrapfly-sdk/esm/utils.js', import.meta.url).pathname).href)) as { fetchRetry: FetchRetry };

const KEY = 'scp-live-mock';
const fast = { type: 'fixed', ms: 3000 };
const WORLD = {
  account: { concurrency: 20, credits: 100_000, apiKeys: [KEY] },
  behaviour: { default: { latency: fast } },
  domains: {
    'asp-block.example': { default: { errors: { 'ERR::ASP::SHIELD_PROTECTION_FAILED': 1 } } },
    'proxy-down.example': { default: { errors: { 'ERR::PROXY::UNAVAILABLE': 1 } } },
    'notfound.example': { default: { errors: { 'upstream-404': 1 } } },
    'broken.example': { default: { errors: { 'upstream-500': 1 } } },
    'stuck.example': { default: { hang: { p: 1, latency: { type: 'fixed', ms: 200_000 } } } },
    'gateway.example': { default: { rejects: { 'html-502': 1 } } },
    'internal.example': { default: { rejects: { 'ERR::API::INTERNAL_ERROR': 1 } } },
  },
};

let server: MockHttpServer;
let world: WorldSpec;
// The SDK's logger keeps its level in a private field; its level names compare as strings, so a
// name above "WARN" silences it (setLevel only takes the four known names).
const logger = log as unknown as { level: string };
const savedLevel = logger.level;

beforeAll(async () => {
  logger.level = 'ZZZ';
  world = makeWorld(WORLD);
  server = await startMockHttpServer({ world, timeScale: 100_000, seed: 3 });
});
afterAll(async () => {
  logger.level = savedLevel;
  await server?.close();
});

const client = (options: { key?: string; host?: string; fastRetries?: boolean } = {}) => {
  const c = new ScrapflyClient({ key: options.key ?? KEY, host: options.host ?? server.url });
  if (options.fastRetries !== false) c.fetch = (config) => fetchRetry(config, 3, 0);
  return c;
};
const config = (url: string, extra: Record<string, unknown> = {}) => new ScrapeConfig({ url, session_sticky_proxy: false, ...extra });
/** `scrape()` returns a fetch Response only in proxified mode, which these tests never use. */
const scrape = async (c: ScrapflyClient, cfg: ScrapeConfig): Promise<ScrapeResult> => {
  const result = await c.scrape(cfg);
  if (!(result instanceof ScrapeResult)) throw new Error('expected a ScrapeResult');
  return result;
};
const failure = (promise: Promise<unknown>) => promise.then(() => null, (error: unknown) => error as Error & { args?: Record<string, any> });
const requestsFor = async (work: () => Promise<unknown>) => {
  const before = server.core.stats().requests;
  await work();
  return server.core.stats().requests - before;
};

describe('official scrapfly-sdk against the mock over HTTP', () => {
  it('accepts a success envelope with the content as served', async () => {
    const url = 'https://ok.example/products/laser-10';
    const result = await scrape(client(), config(url, { render_js: true, country: 'us', proxy_pool: 'public_residential_pool' }));
    expect(result.result.content).toBe(renderProductPage(productForUrl(url, world.products)));
    expect(result.result).toMatchObject({ status: 'DONE', success: true, status_code: 200, url, format: 'text' });
    expect(result.context.cost.total).toBe(30);
    expect(result.config).toMatchObject({ url, render_js: true, country: 'us', proxy_pool: 'public_residential_pool' });
    expect(result.selector('h1').text()).toBe('Laser 10');
  });

  it('sends retry=false and timeout the way the mock validates them', async () => {
    const ok = await scrape(client(), config('https://ok.example/p/1', { asp: true, retry: false, timeout: 60_000, cost_budget: 30 }));
    expect(ok.config).toMatchObject({ retry: false, timeout: 60_000, asp: true, cost_budget: 30 });
    const error = await failure(client().scrape(config('https://ok.example/p/1', { retry: false, timeout: 5_000 })));
    expect(error).toBeInstanceOf(errors.ApiHttpClientError);
    expect(error?.constructor).toBe(errors.ApiHttpClientError);
    expect(JSON.parse(error!.message)).toMatchObject({ code: 'ERR::SCRAPE::CONFIG_ERROR', http_code: 400 });
  });

  it('raises ScrapflyAspError for an ASP failure (422)', async () => {
    const error = await failure(client().scrape(config('https://asp-block.example/p/1', { asp: true })));
    expect(error).toBeInstanceOf(errors.ScrapflyAspError);
    expect(error?.args).toMatchObject({ code: 'ERR::ASP::SHIELD_PROTECTION_FAILED', is_retryable: true, resource: 'ASP' });
  });

  it('raises ScrapflyProxyError for a proxy failure (422)', async () => {
    const error = await failure(client().scrape(config('https://proxy-down.example/p/1')));
    expect(error).toBeInstanceOf(errors.ScrapflyProxyError);
    expect(error?.args?.['code']).toBe('ERR::PROXY::UNAVAILABLE');
  });

  it('raises UpstreamHttpClientError for an upstream 404 and UpstreamHttpServerError for an upstream 500', async () => {
    const notFound = await failure(client().scrape(config('https://notfound.example/p/1')));
    expect(notFound?.constructor).toBe(errors.UpstreamHttpClientError);
    expect(notFound?.args).toMatchObject({ code: 'ERR::SCRAPE::BAD_UPSTREAM_RESPONSE', http_status_code: 404, is_retryable: false });
    const broken = await failure(client().scrape(config('https://broken.example/p/1')));
    expect(broken?.constructor).toBe(errors.UpstreamHttpServerError);
    expect(broken?.args?.['http_status_code']).toBe(500);
  });

  it('raises BadApiKeyError for a refused key (401)', async () => {
    const error = await failure(client({ key: 'scp-live-wrong' }).scrape(config('https://ok.example/p/1')));
    expect(error).toBeInstanceOf(errors.BadApiKeyError);
    expect(JSON.parse(error!.message)).toMatchObject({ http_code: 401, reason: 'Unauthorized' });
    await expect(client({ key: 'scp-live-wrong' }).account()).rejects.toBeInstanceOf(errors.BadApiKeyError);
  });

  it('gives up after 3 requests with a plain Error on a 504 OPERATION_TIMEOUT (its default 1 s pauses)', async () => {
    let error: (Error & { args?: unknown }) | null = null;
    const hits = await requestsFor(async () => {
      error = await failure(client({ fastRetries: false }).scrape(config('https://stuck.example/p/1')));
    });
    expect(hits).toBe(3);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(errors.ScrapflyError);
    expect(error!.message).toBe('Fetch failed with status: 504');
  });

  it('gives up after 3 requests with a plain Error on a 500 internal error or a gateway HTML 502', async () => {
    for (const [host, status] of [['internal.example', 500], ['gateway.example', 502]] as const) {
      let error: Error | null = null;
      const hits = await requestsFor(async () => {
        error = await failure(client().scrape(config(`https://${host}/p/1`)));
      });
      expect(hits).toBe(3);
      expect(error!.message).toBe(`Fetch failed with status: ${status}`);
    }
  });

  it('reads the plan from GET /account and runs concurrentScrape with it', async () => {
    const account = await client().account();
    expect(account.subscription).toMatchObject({ max_concurrency: 20, usage: { scrape: { concurrent_limit: 20 } } });
    const results = [];
    for await (const r of client().concurrentScrape([1, 2, 3].map((n) => config(`https://ok.example/p/c${n}`)))) results.push(r);
    expect(results.map((r) => (r instanceof ScrapeResult ? r.result.status_code : String(r)))).toEqual([200, 200, 200]);
  });
});

describe('official scrapfly-sdk against account limits', () => {
  async function limitedServer(world: Record<string, unknown>) {
    const clock = createManualClock();
    const s = await startMockHttpServer({ world: makeWorld({ behaviour: { default: { latency: { type: 'fixed', ms: 1000 } } }, ...world }), clock });
    return { server: s, clock };
  }
  const occupy = async (s: MockHttpServer) => {
    const pending = fetch(`${s.url}/scrape?key=k&url=${encodeURIComponent('https://ok.example/held')}`).then((r) => r.text());
    for (let i = 0; i < 200 && s.core.stats().inFlight === 0; i++) await new Promise((r) => setTimeout(r, 5));
    return { pending };
  };

  it('raises ScrapflyScrapeError for TOO_MANY_CONCURRENT_REQUEST (shape A) and ApiHttpClientError for a flat 429 (shape B)', async () => {
    for (const [shape, expected] of [['A', errors.ScrapflyScrapeError], ['B', errors.ApiHttpClientError]] as const) {
      const { server: s, clock } = await limitedServer({ account: { concurrency: 1 }, options: { rejectShape: shape } });
      try {
        const held = (await occupy(s)).pending;
        const error = await failure(client({ host: s.url, key: 'k' }).scrape(config('https://ok.example/p/1')));
        expect(error?.constructor).toBe(expected);
        if (shape === 'A') expect(error?.args).toMatchObject({ code: 'ERR::SCRAPE::TOO_MANY_CONCURRENT_REQUEST', is_retryable: true });
        else expect(JSON.parse(error!.message)).toMatchObject({ code: 'ERR::SCRAPE::TOO_MANY_CONCURRENT_REQUEST', http_code: 429 });
        clock.advance(1000);
        await held;
      } finally {
        await s.close();
      }
    }
  });

  it('raises the base ScrapflyError for a throttler 429 envelope', async () => {
    const { server: s, clock } = await limitedServer({ throttlers: { 'throttled.example': { requestsPerMinute: 1 } } });
    try {
      const first = client({ host: s.url, key: 'k' }).scrape(config('https://throttled.example/p/1'));
      for (let i = 0; i < 200 && s.core.stats().inFlight === 0; i++) await new Promise((r) => setTimeout(r, 5));
      clock.advance(1000);
      await first;
      const error = await failure(client({ host: s.url, key: 'k' }).scrape(config('https://throttled.example/p/2')));
      expect(error?.constructor).toBe(errors.ScrapflyError);
      expect(error?.args).toMatchObject({ code: 'ERR::THROTTLE::MAX_REQUEST_RATE_EXCEEDED', is_retryable: true });
    } finally {
      await s.close();
    }
  });

  it('raises ScrapflyScrapeError for QUOTA_LIMIT_REACHED (429, not retryable)', async () => {
    const { server: s, clock } = await limitedServer({ account: { concurrency: 2, credits: 1 } });
    try {
      const first = client({ host: s.url, key: 'k' }).scrape(config('https://ok.example/p/1'));
      for (let i = 0; i < 200 && s.core.stats().inFlight === 0; i++) await new Promise((r) => setTimeout(r, 5));
      clock.advance(1000);
      await first;
      const error = await failure(client({ host: s.url, key: 'k' }).scrape(config('https://ok.example/p/2')));
      expect(error?.constructor).toBe(errors.ScrapflyScrapeError);
      expect(error?.args).toMatchObject({ code: 'ERR::SCRAPE::QUOTA_LIMIT_REACHED', is_retryable: false });
    } finally {
      await s.close();
    }
  });
});
