/**
 * A PNG of a report's timeline, taken in headless Chromium: the picture in the README is made by
 * the project itself. As a script (after `npm run build`):
 *
 *   node dist/node/screenshot-report.js [scenario.json] [--policy a,b] [--seed N] [--out file.png]
 *   node dist/node/screenshot-report.js --html reports/<scenario>/<run id>/index.html --out file.png
 *
 * The first form simulates the scenario (default: the 2025-08-06 incident, every policy) and
 * renders the same page `simulate` writes; the second photographs a report already written.
 */
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { BatchscopeError, UsageError } from '../errors.js';
import { loadScenarioFile } from '../cli/load-scenario-file.js';
import { buildSimulationReportRuns } from '../report/build-simulation-report-runs.js';
import { simulateAndMeasure } from '../simulation/simulate-and-measure.js';
import { renderHtmlReport } from '../report/render-html-report.js';
import { selectPolicies } from '../scenario/select-policies.js';
import { launchChromium } from './launch-chromium.js';

/** The part of the page in the picture by default: the legend and the timeline. */
export const TIMELINE_SELECTOR = '.timeline-figure';

/**
 * Renders `html` in headless Chromium and saves a PNG of the element matching `selector` to
 * `outPath` (folders are created). `scale` is the device pixel ratio. The caller owns `signal`;
 * the browser is closed before this resolves or rejects.
 */
export async function screenshotReport(options: {
  html: string;
  outPath: string;
  selector?: string;
  scale?: number;
  signal?: AbortSignal;
  executablePath?: string | null;
}): Promise<{ path: string; bytes: number }> {
  const browser = await launchChromium({ executablePath: options.executablePath, signal: options.signal });
  const onAbort = () => void browser.close();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const page = await browser.newPage({ viewport: { width: 1320, height: 900 }, deviceScaleFactor: options.scale ?? 1 });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.setContent(options.html, { waitUntil: 'load' });
    const target = page.locator(options.selector ?? TIMELINE_SELECTOR).first();
    if ((await target.count()) === 0) throw new BatchscopeError('SCREENSHOT_FAILED', `The page has no element matching ${options.selector ?? TIMELINE_SELECTOR}`);
    mkdirSync(dirname(options.outPath), { recursive: true });
    const box = await target.boundingBox();
    if (box === null) throw new BatchscopeError('SCREENSHOT_FAILED', `The element matching ${options.selector ?? TIMELINE_SELECTOR} is not visible`);
    // A margin of page around the element, as it looks in the browser.
    const margin = 12;
    const clip = { x: Math.max(0, box.x - margin), y: Math.max(0, box.y - margin), width: box.width + 2 * margin, height: box.height + 2 * margin };
    await page.screenshot({ path: options.outPath, clip, fullPage: true, animations: 'disabled' });
    if (errors.length > 0) throw new BatchscopeError('SCREENSHOT_FAILED', `The page raised errors: ${errors.join('; ')}`);
    options.signal?.throwIfAborted();
    return { path: options.outPath, bytes: statSync(options.outPath).size };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await browser.close();
  }
}

/** Simulates `scenarioPath` (relative to `cwd`) and renders its report page. */
export async function renderScenarioPage(options: { scenarioPath: string; cwd: string; policies?: readonly string[]; seed?: number | null; signal?: AbortSignal }): Promise<string> {
  const scenario = loadScenarioFile(options.scenarioPath, options.cwd);
  const seed = options.seed ?? scenario.seed;
  const runs = [];
  for (const policy of selectPolicies(scenario, [...(options.policies ?? [])])) {
    runs.push(await simulateAndMeasure({ scenario, policy, seed, signal: options.signal }));
  }
  return renderHtmlReport({
    runs: buildSimulationReportRuns({ scenario, runs }),
    budgetMs: scenario.budgetMs,
    description: scenario.description.split('\n')[0] || null,
  });
}

async function main(argv: readonly string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      policy: { type: 'string', short: 'p', multiple: true },
      seed: { type: 'string' },
      html: { type: 'string' },
      out: { type: 'string', short: 'o' },
      selector: { type: 'string' },
      scale: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(
      'Usage: node dist/node/screenshot-report.js [scenario.json] [--policy a,b] [--seed N] [--out file.png] [--scale 2]\n' +
        '       node dist/node/screenshot-report.js --html reports/<scenario>/<run id>/index.html [--out file.png]\n' +
        'Saves a PNG of the report timeline (default: scenarios/incident-2025-08-06.json to reports/incident-timeline.png).\n',
    );
    return;
  }
  const cwd = process.cwd();
  const seed = values.seed === undefined ? null : Number(values.seed);
  if (seed !== null && (!Number.isInteger(seed) || seed < 0)) throw new UsageError(`--seed must be a non-negative integer, got ${values.seed}`);
  const scale = values.scale === undefined ? 1 : Number(values.scale);
  if (!(scale >= 1 && scale <= 4)) throw new UsageError(`--scale must be a number from 1 to 4, got ${values.scale}`);
  const controller = new AbortController();
  const onSignal = () => controller.abort(new BatchscopeError('CANCELLED', 'interrupted'));
  process.once('SIGINT', onSignal);
  try {
    const html = values.html
      ? readHtml(resolve(cwd, values.html))
      : await renderScenarioPage({
          scenarioPath: positionals[0] ?? 'scenarios/incident-2025-08-06.json',
          cwd,
          policies: (values.policy ?? []).flatMap((p) => p.split(',')).map((p) => p.trim()).filter(Boolean),
          seed,
          signal: controller.signal,
        });
    const outPath = resolve(cwd, values.out ?? 'reports/incident-timeline.png');
    const shot = await screenshotReport({ html, outPath, selector: values.selector, scale, signal: controller.signal });
    process.stdout.write(`${shot.path} (${shot.bytes} bytes)\n`);
  } finally {
    process.off('SIGINT', onSignal);
  }
}

function readHtml(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = error instanceof BatchscopeError && error.code === 'USAGE' ? 2 : 1;
  });
}
