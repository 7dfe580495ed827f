/**
 * diagnosis.html in a real browser (headless Chromium, Debian's `chromium`): the story, the two
 * timelines (the night as logged and under the fix) and its links, no console error, no request
 * off the folder. Skipped with the reason printed when no browser is found outside CI; required
 * when CI is set.
 */
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { launchChromium, resolveChromiumPath } from '../../src/node/launch-chromium.js';
import { runCliCaptured } from '../support/run-cli-in-process.js';

const chromiumPath = resolveChromiumPath();
const missing = !existsSync(chromiumPath) && !process.env['CI'];
if (missing) console.warn(`diagnosis page browser test skipped: no Chromium at ${chromiumPath} (install it: apt-get install chromium, or set BATCHSCOPE_CHROMIUM); it is required when CI is set`);

describe.skipIf(missing)('the diagnosis page', () => {
  it('shows the story above the timelines of the night and of the fix, links the report beside it, and loads nothing from elsewhere', async () => {
    const reports = mkdtempSync(join(tmpdir(), 'batchscope-diagnosis-page-'));
    const r = await runCliCaptured(['diagnose', 'scenarios/logs/batch_20250806_030023_901652f0.txt', '--plan-concurrency', '5', '--budget', '15m', '--seeds', '3', '--threads', '0', '--report-dir', reports]);
    expect(r.code).toBe(0);
    const [scenario] = readdirSync(reports);
    const [run] = readdirSync(join(reports, scenario!));
    const folder = join(reports, scenario!, run!);
    expect(readdirSync(folder).sort()).toEqual(['diagnosis.html', 'diagnosis.json', 'events.jsonl', 'index.html', 'metrics.json', 'summary.md', 'trace.json']);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
      page.on('pageerror', (e) => void errors.push(String(e)));
      page.on('request', (req) => void requests.push(req.url()));
      await page.goto(pathToFileURL(join(folder, 'diagnosis.html')).href);
      const story = await page.locator('pre.story').innerText();
      for (const part of ['1. What happened', '2. Why: the mechanisms behind each long stall', '3. What to change', '4. The effect', '5. Runner-ups']) expect(story).toContain(part);
      expect(story).toContain('12 read timeouts of 2m40s (5 plain + 5 render_js + 2 asp)');
      const lanes = await page.locator('#timeline svg').count();
      expect(lanes).toBeGreaterThan(0);
      const timeline = await page.locator('#timeline').innerText();
      expect(timeline).toContain('baseline');
      expect(timeline).toMatch(/fix-w\d+-/);
      const links = await page.locator('nav.parts a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      expect(links).toEqual(['#story', '#timeline', 'index.html', 'diagnosis.json']);
      expect(errors).toEqual([]);
      expect(requests.every((u) => u.startsWith(pathToFileURL(folder).href))).toBe(true);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
