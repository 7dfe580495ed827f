/**
 * The admin page in headless Chromium (Debian's `chromium`), against `serve`'s API server and the
 * mock's HTTP face: sign in, start a batch, watch its progress and worker lanes (stalls, timeouts,
 * zombies), open its report, approve a flagged price. Skipped, with the reason, when no browser is
 * installed and CI is not set; required in CI.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScaledClock } from '../../src/clock/real-clock.js';
import { createPriceExtractor } from '../../src/extract/extract-price.js';
import { startBatchApiServer, type BatchApiServer } from '../../src/live/batch-api-server.js';
import { createDefaultLivePolicy } from '../../src/live/default-live-policy.js';
import { openStore, type Store } from '../../src/live/open-store.js';
import { createUndiciTransport, type UndiciTransport } from '../../src/live/undici-transport.js';
import { launchChromium, resolveChromiumPath } from '../../src/node/launch-chromium.js';
import type { MockHttpServer } from '../../src/node/mock-http-server.js';
import { parseScenario } from '../../src/scenario/parse-scenario.js';
import { makeTempDir, startMockFor } from './live-helpers.js';

const TOKEN = 'admin-page-token-0123456789abcdef';
const SCALE = 20;
const chromiumPath = resolveChromiumPath();
const missing = !existsSync(chromiumPath);
if (missing && !process.env['CI']) console.warn(`admin page tests skipped: no Chromium at ${chromiumPath} (install it: apt-get install chromium, or set BATCHSCOPE_CHROMIUM); they are required when CI is set`);

/**
 * 12 machines on three shops, at 20 simulated ms per real ms: shop-a answers in 6 s (300 ms real);
 * shop-b's scrapes run 18 s, past Scrapfly's 15 s budget for plain and past the policy's 16 s call
 * timeout for render_js (stalls over the 12 s threshold, then an abandoned call: a zombie); shop-c
 * hangs, so its calls are abandoned at 16 s and their requests end at the 20 s read timeout.
 * Every real wait is hundreds of milliseconds away from the next timeout.
 */
const scenario = parseScenario({
  source: 'admin-page',
  json: {
    name: 'admin-page',
    startAt: '2025-08-06T03:00:00Z',
    seed: 5,
    items: { count: 12, domains: { 'shop-a.example': 2, 'shop-b.example': 1, 'shop-c.example': 1 } },
    world: {
      account: { concurrency: 8 },
      behaviour: { default: { latency: { type: 'fixed', ms: '6s' } } },
      domains: {
        'shop-b.example': { default: { latency: { type: 'fixed', ms: '18s' } } },
        'shop-c.example': { default: { hang: { p: 1, latency: { type: 'fixed', ms: '120s' } } } },
      },
    },
    policies: [{ name: 'unused', workers: 1 }],
  },
});

let temp: { dir: string; cleanup: () => void };
let mock: MockHttpServer;
let store: Store;
let transport: UndiciTransport;
let api: BatchApiServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const consoleErrors: string[] = [];
const requests: string[] = [];

let setupError: unknown = null;

/** The console errors and uncaught exceptions of `target`, as they happen. */
function recordConsoleErrors(target: Page): string[] {
  const errors: string[] = [];
  target.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  target.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

/**
 * Runs `load` and answers the status of the /favicon.ico answer it led to, once that has loaded.
 * Playwright does not report that request (the browser makes it on its own); the DevTools
 * protocol does.
 */
async function loadWatchingFavicon(cdp: CDPSession, load: () => Promise<unknown>): Promise<number> {
  const answered = new Promise<number>((resolve) => {
    const statuses = new Map<string, number>();
    cdp.on('Network.responseReceived', (event) => {
      if (new URL(event.response.url).pathname === '/favicon.ico') statuses.set(event.requestId, event.response.status);
    });
    const settle = (event: { requestId: string }) => {
      const status = statuses.get(event.requestId);
      if (status !== undefined) resolve(status);
    };
    cdp.on('Network.loadingFinished', settle);
    cdp.on('Network.loadingFailed', settle);
  });
  await cdp.send('Network.enable');
  await load();
  return answered;
}

/** Every test fails with the setup's error (in CI, a missing Chromium), rather than being skipped. */
function ready(): void {
  if (setupError !== null) throw setupError;
}

describe.skipIf(missing && !process.env['CI'])('admin page in headless Chromium', () => {
  beforeAll(async () => {
    try {
      await setUp();
    } catch (error) {
      setupError = error;
    }
  });

  async function setUp(): Promise<void> {
    temp = makeTempDir('admin');
    mock = await startMockFor(scenario, { timeScale: SCALE });
    store = openStore({ path: join(temp.dir, 'store.db') });
    // The first shop-a machine is known at 1 USD: the page will say otherwise, so its change is flagged.
    store.machines.importMachines(scenario.items.map((i, k) => ({ name: i.name, url: i.url, ...(k === 0 ? { price: 1, currency: 'USD' } : {}) })), { nowMs: Date.UTC(2025, 0, 1) });
    transport = createUndiciTransport({ connections: 4 });
    api = await startBatchApiServer({
      env: {
        store,
        transport,
        clock: createScaledClock({ scale: SCALE }),
        scrapfly: { apiKey: 'scp-admin-test', baseUrl: mock.url },
        direct: { baseUrl: mock.sitesUrl },
        extractPrice: createPriceExtractor(),
        maxChangeRatio: 0.5,
        reportsDir: join(temp.dir, 'reports'),
        stallThresholdMs: 12_000,
      },
      policy: { ...createDefaultLivePolicy(), workers: 2, callTimeoutMs: 16_000, timeoutSemantics: 'abandon', circuitBreaker: null, itemDeadlineMs: null },
      tokens: [TOKEN],
      maxWorkersLimit: 4,
      timeScale: SCALE,
    });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1300, height: 1000 } });
    context.on('request', (request) => requests.push(request.url()));
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
  }

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await transport?.close();
    await mock?.close();
    store?.close();
    temp?.cleanup();
  });

  it('refuses a wrong token, and signs in with the right one into an HttpOnly SameSite=Strict session', async () => {
    ready();
    const stranger = await browser.newContext();
    stranger.on('request', (request) => requests.push(request.url()));
    const other = await stranger.newPage();
    await other.goto(api.url);
    await other.fill('input[name="token"]', 'not-the-token-0123456789');
    await other.click('button[type="submit"]');
    await expect.poll(() => other.locator('#signin-error').textContent()).toBe('That is not the API token.');
    expect(await stranger.cookies()).toEqual([]);
    expect((await other.evaluate(() => fetch('/api/v1/batches').then((r) => r.status)))).toBe(401);
    await stranger.close();

    await page.goto(api.url);
    await page.fill('input[name="token"]', TOKEN);
    await page.click('button[type="submit"]');
    await page.waitForSelector('#start');
    expect(page.url()).toBe(`${api.url}/`);
    const [cookie, ...others] = await context.cookies();
    expect(others).toEqual([]);
    expect(cookie).toMatchObject({ name: 'batchscope_session', httpOnly: true, sameSite: 'Strict' });
    expect(cookie!.value).not.toContain(TOKEN);
    expect(await page.content()).not.toContain(TOKEN);
    expect(await page.evaluate('document.cookie')).toBe('');
    await expect.poll(() => page.locator('#connection').textContent()).toBe('live');
  });

  it('refuses a POST without the CSRF token, or with a wrong one', async () => {
    ready();
    const side = await context.newPage();
    await side.goto(`${api.url}/healthz`);
    const tries = await side.evaluate(async () => {
      const post = (headers: Record<string, string>) =>
        fetch('/api/v1/batch-update', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' }).then(async (r) => [r.status, ((await r.json()) as { error: { code: string } }).error.code]);
      return [await post({}), await post({ 'x-csrf-token': 'forged' })];
    });
    expect(tries).toEqual([
      [403, 'CSRF'],
      [403, 'CSRF'],
    ]);
    await side.close();
    expect(store.batches.listBatches(10)).toEqual([]);
  });

  it('starts a batch and shows its progress and its worker lanes as they change, stalls, timeouts and zombies included', async () => {
    ready();
    await page.fill('input[name="max_workers"]', '2');
    await page.click('#start button[type="submit"]');
    await expect.poll(() => page.locator('#start-message').textContent()).toMatch(/^started batch_\d{8}_\d{6}_[0-9a-f]{8} \(12 machines\)$/);
    // The batch runs about 5 s: its row's duration goes on while it runs (the list is not reloaded meanwhile).
    const row = page.locator('#batches tbody tr').first();
    const runningDuration = async () => {
      if ((await row.count()) === 0) return 'no row';
      const [status, shown] = await Promise.all([row.locator('td.status').textContent(), row.locator('td.duration').textContent()]);
      return status === 'running' ? shown : `${status} (${shown})`;
    };
    await expect.poll(runningDuration, { timeout: 4_000, interval: 50 }).toMatch(/^[1-9]\d*s$/);
    const done = () => page.locator('#live-progress').getAttribute('data-done').then(Number);
    const bars = () => page.locator('#lanes g.lane[data-worker] rect.attempt').count();
    // Mid-batch: some machines done, others not, requests on the lanes.
    await expect.poll(done, { timeout: 20_000, interval: 50 }).toBeGreaterThanOrEqual(2);
    const early = { done: await done(), bars: await bars() };
    expect(early.done).toBeLessThan(12);
    expect(early.bars).toBeGreaterThan(0);
    expect(await page.locator('#lanes g.lane[data-worker]').count()).toBe(2);
    await expect.poll(() => page.locator('#live-id').textContent(), { timeout: 30_000 }).toMatch(/ · completed$/);
    expect(await done()).toBe(12);
    expect(await bars()).toBeGreaterThan(early.bars);
    expect(await page.locator('#live-progress').textContent()).toBe('12/12 done: 6 priced, 6 failed, 0 timed out, 0 skipped');
    expect(await page.locator('#lanes rect[data-state="stall"]').count()).toBeGreaterThan(0);
    expect(await page.locator('#lanes path.tmark').count()).toBeGreaterThan(0);
    expect(await page.locator('#lanes g[data-lane="zombies"] rect.zombie').count()).toBeGreaterThan(0);
    expect(await page.locator('#lanes rect[data-state="ok"]').count()).toBe(6);
    await expect.poll(() => row.locator('td.status').textContent()).toBe('completed');
    expect(await row.locator('td').nth(2).textContent()).toBe('12/12');
    expect(await row.locator('td.resumable').textContent()).toBe('no');
  });

  it("opens the batch report from its row, with no console error (the browser's own favicon request included)", async () => {
    ready();
    const link = page.locator('#batches tbody tr').first().locator('a.report-link[data-file="index.html"]');
    await expect.poll(() => link.count()).toBe(1);
    const [report] = await Promise.all([context.waitForEvent('page'), link.click()]);
    const reportErrors = recordConsoleErrors(report);
    await report.waitForLoadState('load');
    const reportUrl = report.url();
    expect(reportUrl).toMatch(new RegExp(`^${api.url}/api/v1/batches/batch_[^/]+/report/index\\.html$`));
    expect(await report.locator('svg.timeline').count()).toBe(1);
    await report.evaluate('0');
    expect(reportErrors).toEqual([]);
    await report.close();

    // Chromium asks an origin for /favicon.ico once (it remembers a failure for the whole browser),
    // and the /healthz page above asked first: a fresh browser shows what opening the report does.
    const fresh = await launchChromium();
    try {
      const alone = await fresh.newContext();
      await alone.addCookies(await context.cookies());
      const tab = await alone.newPage();
      const errors = recordConsoleErrors(tab);
      expect(await loadWatchingFavicon(await alone.newCDPSession(tab), () => tab.goto(reportUrl))).toBeLessThan(400);
      await tab.evaluate('0');
      expect(errors).toEqual([]);
    } finally {
      await fresh.close();
    }
  });

  it('approves a flagged price change from the review queue', async () => {
    ready();
    const rows = page.locator('#reviews tbody tr');
    await expect.poll(() => rows.count()).toBe(1);
    const id = Number(await rows.first().getAttribute('data-change-id'));
    expect(await rows.first().locator('td').nth(3).textContent()).toBe('1 USD');
    await rows.first().locator('button.approve').click();
    await expect.poll(() => page.locator('#review-message').textContent()).toBe(`approved change ${id}`);
    await expect.poll(() => rows.count()).toBe(0);
    const machine = store.machines.getMachines([1])[0]!;
    expect(machine.currentPrice).not.toBe(1);
    expect(store.machines.listFlagged()).toEqual([]);
  });

  it('made no request off 127.0.0.1, no polling storm, and no console error', () => {
    ready();
    const offHost = requests.filter((url) => !url.startsWith(`${api.url}/`));
    expect(offHost).toEqual([]);
    expect(requests.filter((url) => url === `${api.url}/api/v1/events`).length).toBe(1);
    expect(requests.filter((url) => url === `${api.url}/api/v1/batches`).length).toBeLessThan(10);
    expect(consoleErrors).toEqual([]);
  });
});
