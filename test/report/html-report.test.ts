/**
 * The HTML report in a real browser (headless Chromium, Debian's `chromium`). Without a browser
 * these tests are skipped with the reason printed, except when CI is set: there they are required
 * and fail with the message of launchChromium.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, resolveChromiumPath } from '../../src/node/launch-chromium.js';
import { writeRunReport } from '../../src/node/write-run-report.js';
import type { ReportRun } from '../../src/report/report-run.js';
import { loadSmallRun } from './support/small-run.js';
import { buildSimulationReportRuns } from '../../src/report/build-simulation-report-runs.js';
import { computeMetrics } from '../../src/report/compute-metrics.js';
import { simulatePolicy } from '../../src/simulation/simulate-policy.js';
import { createSyntheticScenario } from '../../src/scenario/synthetic-scenario.js';

/** Runs in the page: decodes a PNG and counts its colours and its share of non-white pixels. */
const PIXEL_STATS = `async (base64) => {
  const bitmap = await createImageBitmap(await (await fetch('data:image/png;base64,' + base64)).blob());
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d');
  context.drawImage(bitmap, 0, 0);
  const data = context.getImageData(0, 0, bitmap.width, bitmap.height).data;
  const colours = new Set();
  let inked = 0;
  for (let i = 0; i < data.length; i += 4) {
    colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    if (data[i] + data[i + 1] + data[i + 2] < 600) inked++;
  }
  return { width: bitmap.width, colours: colours.size, inked: inked / (data.length / 4) };
}`;

const chromiumPath = resolveChromiumPath();
const missing = !existsSync(chromiumPath) && !process.env['CI'];
if (missing) console.warn(`HTML report browser tests skipped: no Chromium at ${chromiumPath} (install it: apt-get install chromium, or set BATCHSCOPE_CHROMIUM); they are required when CI is set`);

let browser: Browser;
let page: Page;
let runs: ReportRun[];
const consoleErrors: string[] = [];
const requests: string[] = [];
const dir = mkdtempSync(join(tmpdir(), 'batchscope-html-'));
let setupError: unknown = null;

/** Every test fails with the setup's error (e.g. no Chromium), rather than being skipped. */
function ready(): void {
  if (setupError !== null) throw setupError;
}

beforeAll(async () => {
  if (missing) return;
  try {
    await openReport();
  } catch (error) {
    setupError = error;
  }
});

async function openReport(): Promise<void> {
  const small = await loadSmallRun();
  runs = small.runs;
  const report = writeRunReport({ rootDir: dir, scenario: small.scenario.name, runId: 'test', runs, budgetMs: small.scenario.budgetMs });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  page.on('request', (request) => {
    if (!request.url().startsWith('file:') && !request.url().startsWith('data:')) requests.push(request.url());
  });
  await page.goto(pathToFileURL(report.files['index.html'] as string).href, { waitUntil: 'load' });
}

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(missing)('HTML report in headless Chromium', () => {
  it('loads without console errors and without the network', () => {
    ready();
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([]);
  });

  it('draws every policy on one axis with one lane per worker', async () => {
    ready();
    for (const run of runs) {
      const lanes = page.locator(`g.policy[data-policy="${run.metrics.policy}"] g.lane[data-lane="worker"]`);
      expect(await lanes.count(), run.metrics.policy).toBe(run.metrics.workers);
      expect(await lanes.evaluateAll((els) => els.map((e) => e.getAttribute('data-worker')))).toEqual(Array.from({ length: run.metrics.workers }, (_, k) => String(k + 1)));
    }
    expect(await page.locator('svg.timeline').count()).toBe(1);
  });

  it('shows the details of an attempt on hover', async () => {
    ready();
    const stall = page.locator('g.policy[data-policy="abandon"] g.lane[data-worker="1"] rect.a-stall').first();
    await stall.hover();
    const tip = page.locator('#tip');
    await expect.poll(() => tip.isVisible()).toBe(true);
    const text = await tip.textContent();
    expect(text).toContain('Hanging Cutter');
    expect(text).toMatch(/worker 1 · tier 1 plain · attempt 1/);
    expect(text).toMatch(/STALL/);
  });

  it('zooms every policy into a dragged stretch of time, and back out on double-click', async () => {
    ready();
    // Each tick is labelled at the top and at the bottom.
    const ticks = async () => [...new Set(await page.locator('svg.timeline g.axis text.tick').allTextContents())];
    const bar = page.locator('g.policy[data-policy="abandon"] g.lane[data-worker="2"] rect.a-ok').first();
    const before = { ticks: await ticks(), x: Number(await bar.getAttribute('x')), width: Number(await bar.getAttribute('width')) };
    expect(before.ticks.slice(0, 3)).toEqual(['03:00:00', '03:00:30', '03:01:00']);
    const box = (await page.locator('svg.timeline').boundingBox())!;
    const plotLeft = box.x + (118 / 1200) * box.width;
    await page.mouse.move(plotLeft + 2, box.y + 60);
    await page.mouse.down();
    await page.mouse.move(plotLeft + 200, box.y + 80, { steps: 4 });
    await page.mouse.up();
    const zoomed = await ticks();
    expect(zoomed).not.toEqual(before.ticks);
    expect(zoomed[0]).toMatch(/^03:00:\d\d$/);
    expect(Number(await bar.getAttribute('width'))).toBeGreaterThan(before.width * 3);
    expect(await page.locator('#zoom-reset').isVisible()).toBe(true);
    await page.locator('svg.timeline').dblclick({ position: { x: 600, y: 10 } });
    expect(await ticks()).toEqual(before.ticks);
    expect(Number(await bar.getAttribute('x'))).toBeCloseTo(before.x, 0);
    expect(await page.locator('#zoom-reset').isVisible()).toBe(false);
    expect(consoleErrors).toEqual([]);
  });

  it('holds the metrics table with a column per policy', async () => {
    ready();
    const header = await page.locator('table.metrics thead th').allTextContents();
    expect(header).toEqual(['metric', ...runs.map((r) => r.metrics.policy)]);
    const makespan = await page.locator('table.metrics tr', { hasText: /^makespan/ }).first().locator('td').allTextContents();
    expect(makespan).toEqual(['2m20s', '4m09s']);
  });

  it('makes a screenshot that is not blank', async () => {
    ready();
    const png = await page.locator('svg.timeline').screenshot();
    const stats = (await page.evaluate(`(${PIXEL_STATS})(${JSON.stringify(png.toString('base64'))})`)) as { width: number; colours: number; inked: number };
    expect(stats.width).toBeGreaterThan(1000);
    expect(stats.colours).toBeGreaterThan(8);
    expect(stats.inked).toBeGreaterThan(0.1);
  });
});

describe.skipIf(missing)('HTML report of a large run in headless Chromium', () => {
  it('draws dense lanes per pixel column, shows the request under the pointer and each request once zoomed in', async () => {
    ready();
    // 25,000 items on 10 workers: past DENSE_MARKS, so the lanes are dense.
    const scenario = createSyntheticScenario({ items: 25_000, workers: 10 });
    const policy = scenario.policies[0]!;
    const run = await simulatePolicy({ scenario, policy });
    const large = buildSimulationReportRuns({ scenario, runs: [{ run, metrics: computeMetrics(run.events, { policy, items: scenario.items }) }] });
    const report = writeRunReport({ rootDir: dir, scenario: scenario.name, runId: 'large', runs: large });
    const bytes = statSync(report.files['index.html'] as string).size;
    const large2 = await browser.newPage({ viewport: { width: 1300, height: 900 } });
    const errors: string[] = [];
    large2.on('pageerror', (error) => errors.push(error.message));
    await large2.goto(pathToFileURL(report.files['index.html'] as string).href, { waitUntil: 'load' });
    // Far fewer marks than requests: at most a few per pixel column and lane.
    const rects = await large2.locator('g[data-dense] g.marks rect').count();
    expect(rects).toBeGreaterThan(10);
    expect(rects).toBeLessThan(10 * 2 * 1100);
    expect(bytes).toBeLessThan(3_000_000);
    const lane = large2.locator('g[data-dense]').first();
    const box = (await lane.boundingBox())!;
    await large2.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
    await large2.mouse.move(box.x + box.width * 0.51, box.y + box.height / 2);
    const tip = await large2.evaluate("(() => { const t = document.getElementById('tip'); return t.hidden ? null : t.textContent; })()");
    expect(tip).toMatch(/^.+ \(item \d+\)\ntier \d · (ok|error|timeout|throttled|stall|cut)\n\d\d:\d\d:\d\d → \d\d:\d\d:\d\d · /);
    // A drag over 1% of the plot: each request of that stretch is drawn.
    await large2.mouse.move(box.x + box.width * 0.5, box.y + 4);
    await large2.mouse.down();
    await large2.mouse.move(box.x + box.width * 0.51, box.y + 4, { steps: 4 });
    await large2.mouse.up();
    const detail = await large2.locator('g[data-dense] g.detail rect').count();
    expect(detail).toBeGreaterThan(10);
    expect(await large2.locator('g[data-dense] g.marks').first().isVisible()).toBe(false);
    await large2.dblclick('svg.timeline');
    expect(await large2.locator('g[data-dense] g.detail rect').count()).toBe(0);
    expect(errors).toEqual([]);
    await large2.close();
  }, 60_000);
});
