/**
 * How the report scales: simulates a synthetic batch (default 100,000 items × 100 workers, not
 * timed; as `simulate` does, its events are projected and spooled as run-log lines, not kept), then
 * times rendering and writing its report folder and prints the wall and CPU time of that step,
 * the process's peak RSS and the size of each file. The page is then opened in headless
 * chromium when one is found: the time until it has loaded, and whether hovering a lane shows a
 * tooltip.
 *
 * Usage: npm run build && node dist/bench/report-scale.js [items] [workers]
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';
import { launchChromium, resolveChromiumPath } from '../node/launch-chromium.js';
import { writeRunReport } from '../node/write-run-report.js';
import { createFileEventLineSpools } from '../node/file-event-line-spool.js';
import { buildSimulationReportRuns } from '../report/build-simulation-report-runs.js';
import { simulateAndMeasure } from '../simulation/simulate-and-measure.js';
import { createSyntheticScenario } from '../scenario/synthetic-scenario.js';

const items = Number(process.argv[2] ?? 100_000);
const workers = Number(process.argv[3] ?? 100);
const scenario = createSyntheticScenario({ items, workers });
const policy = scenario.policies[0]!;
// As `simulate` does: the events are projected and spooled as run-log lines, not kept.
const spools = createFileEventLineSpools();
const measured = await simulateAndMeasure({ scenario, policy, seed: scenario.seed, spool: spools.create });
const runs = buildSimulationReportRuns({ scenario, runs: [measured] });
const rssBefore = process.memoryUsage().rss;
const dir = mkdtempSync(join(tmpdir(), 'batchscope-report-scale-'));
try {
  const t = performance.now();
  const cpu = process.cpuUsage();
  const written = writeRunReport({ rootDir: dir, scenario: scenario.name, runId: 'bench', runs });
  const wallMs = performance.now() - t;
  // CPU time of the step (user + system): less moved than wall time by other work on the machine.
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  const sizes = Object.fromEntries(Object.entries(written.files).map(([name, path]) => [name, +(statSync(path).size / 1e6).toFixed(1)]));
  const out: Record<string, unknown> = { items, workers, events: measured.projection.eventCount, renderAndWriteMs: Math.round(wallMs), renderAndWriteCpuMs: Math.round(cpuMs), rssAfterSimulationMb: Math.round(rssBefore / 1e6), peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024), filesMb: sizes };
  if (existsSync(resolveChromiumPath())) {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const t0 = performance.now();
      await page.goto(pathToFileURL(written.files['index.html']!).href, { waitUntil: 'load', timeout: 120_000 });
      await page.waitForFunction("document.querySelector('svg.timeline') !== null", null, { timeout: 120_000 });
      out['pageLoadMs'] = Math.round(performance.now() - t0);
      const lane = page.locator('g.lane[data-lane="worker"]').first();
      const box = await lane.boundingBox();
      if (box) {
        await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
        await page.waitForTimeout(200);
        out['hoverTip'] = await page.evaluate("(() => { const tip = document.getElementById('tip'); return tip && !tip.hidden ? tip.textContent : null; })()");
      }
    } finally {
      await browser.close();
    }
  }
  console.log(JSON.stringify(out));
} finally {
  rmSync(dir, { recursive: true, force: true });
  spools.dispose();
}
