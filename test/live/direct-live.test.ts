/** Direct fetching in live batches: the API's use_scrapfly=false and `run --direct`, against the mock's HTTP face. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createScaledClock } from '../../src/clock/real-clock.js';
import { createPriceExtractor } from '../../src/extract/extract-price.js';
import { startBatchApiServer } from '../../src/live/batch-api-server.js';
import { createDefaultLivePolicy } from '../../src/live/default-live-policy.js';
import { openStore } from '../../src/live/open-store.js';
import { createUndiciTransport } from '../../src/live/undici-transport.js';
import { runCliCaptured } from '../support/run-cli-in-process.js';
import { importScenarioItems, makeLiveScenario, makeTempDir, releaseLiveResourcesAfterEach, startMockFor } from './live-helpers.js';

const TOKEN = 'direct-test-token-0123456789';
releaseLiveResourcesAfterEach();

describe('direct fetching in live batches', () => {
  it('a batch with use_scrapfly=false prices every machine through the direct transport, with no Scrapfly request; a server without a key refuses the others with 400 and records nothing', async () => {
    const temp = makeTempDir('direct-api');
    // 6 machines of 4 s each at 100×: 40 ms per page, far from the direct tier's 30 s read timeout.
    const scenario = makeLiveScenario({ count: 6, workers: 2, latencyMs: 4000 });
    const mock = await startMockFor(scenario, { timeScale: 100 });
    const store = openStore({ path: join(temp.dir, 'store.db') });
    importScenarioItems(store, scenario);
    const transport = createUndiciTransport({ connections: 4 });
    const api = await startBatchApiServer({
      env: {
        store,
        transport,
        clock: createScaledClock({ scale: 100 }),
        // No usable Scrapfly: a request to it would fail the batch; and no key.
        scrapfly: { apiKey: 'scp-unused', baseUrl: 'http://127.0.0.1:1', hasKey: false },
        direct: { baseUrl: mock.sitesUrl },
        extractPrice: createPriceExtractor(),
        maxChangeRatio: 0.5,
        reportsDir: join(temp.dir, 'reports'),
      },
      policy: createDefaultLivePolicy(),
      tokens: [TOKEN],
      maxWorkersLimit: 4,
    });
    try {
      const refused = await fetch(`${api.url}/api/v1/batch-update`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ days_threshold: 0, limit: null, max_workers: 2, use_scrapfly: true }),
      });
      const refusal = (await refused.json()) as Record<string, any>;
      expect([refused.status, refusal['error']['code'], refusal['error']['field']]).toEqual([400, 'INVALID_FIELD', 'use_scrapfly']);
      expect(refusal['error']['message']).toMatch(/^This server has no Scrapfly API key/);
      expect(store.batches.listBatches(10)).toEqual([]);
      const response = await fetch(`${api.url}/api/v1/batch-update`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ days_threshold: 0, limit: null, max_workers: 2, use_scrapfly: false, wait: true }),
      });
      const body = (await response.json()) as Record<string, any>;
      expect([response.status, body['status'], body['outcomes']['priced'], body['policy'], body['fetch']]).toEqual([200, 'completed', 6, 'live-default+direct', 'direct']);
      expect(mock.core.stats().requests).toBe(0);
      expect(mock.sites.stats()).toMatchObject({ requests: 6, responses: { 200: 6 } });
      const events = store.batches.readSegment({ batchId: body['batch_id'], segment: 1 })!.events;
      const starts = events.filter((e) => e.type === 'attempt.start');
      expect(starts.map((e) => e.type === 'attempt.start' && [e.via, e.tierName, e.readTimeoutMs])).toEqual(Array(6).fill(['direct', 'direct', 30_000]));
      expect(events.filter((e) => e.type === 'attempt.end').every((e) => e.type === 'attempt.end' && e.costCredits === 0 && e.status === 200)).toBe(true);
      expect(store.machines.listMachines().every((m) => m.currentPrice !== null)).toBe(true);
    } finally {
      await api.close();
      await transport.close();
      store.close();
    }
  });

  it('run --direct needs no Scrapfly key and never calls Scrapfly; a site\'s refusals are real failures', async () => {
    const temp = makeTempDir('direct-run');
    const scenario = makeLiveScenario({
      count: 8,
      workers: 2,
      latencyMs: 4000,
      sites: { default: { latency: { type: 'fixed', ms: '4s' } }, domains: { 'shop-c.example': { errors: { 'http-403': 1 } } } },
    });
    const mock = await startMockFor(scenario, { timeScale: 100 });
    const machines = join(temp.dir, 'machines.csv');
    writeFileSync(machines, `name,url\n${scenario.items.map((i) => `${i.name},${i.url}`).join('\n')}\n`);
    const store = join(temp.dir, 'store.db');
    expect((await runCliCaptured(['import', machines, '--store', store])).code).toBe(0);
    const run = await runCliCaptured(
      ['run', '--direct', '--direct-base-url', mock.sitesUrl, '--store', store, '--time-scale', '100', '--progress', 'none', '--report-dir', join(temp.dir, 'reports'), '--batch-id', 'b-direct'],
      { env: {} },
    );
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(new RegExp(`^batch b-direct: pricing 8 of 8 machines with 4 workers fetching the pages directly \\(through ${mock.sitesUrl.replace(/[.]/g, '\\.')}\\) \\(policy live-default\\+direct\\)\\n`));
    const blocked = scenario.items.filter((i) => i.domain === 'shop-c.example').length;
    expect(run.stdout).toContain(`: ${8 - blocked} priced (0 flagged for review), ${blocked} failed, 0 timed out, 0 skipped`);
    expect(run.code).toBe(0);
    expect(mock.core.stats().requests).toBe(0);
    expect(mock.sites.stats().responses).toEqual({ 200: 8 - blocked, 403: blocked });
    // The report's summary.md counts the direct fetches and the site's refusals.
    const summary = readFileSync(join(temp.dir, 'reports', 'live', 'b-direct', 'summary.md'), 'utf8').split('\n');
    const cells = (start: string) => summary.find((line) => line.startsWith(start))!.slice(2, -2).split(' | ');
    const header = cells('| policy |');
    const row = cells('| **live-default+direct** |');
    expect([row[header.indexOf('direct')], row[header.indexOf('refused')]]).toEqual(['8', String(blocked)]);
    expect(summary).toContain(`- **live-default+direct** direct: 8 direct fetches (no credits) · ${blocked} refused (403 or a challenge page) · 0 × 429 · 0 connection failures`);
    const s = openStore({ path: store });
    try {
      const results = s.batches.listResults('b-direct');
      expect(results.filter((r) => r.outcome === 'failed').map((r) => [r.reason, r.errorCode])).toEqual(Array(blocked).fill(['blocked', 'HTTP_403']));
      expect(s.batches.getBatch('b-direct')!.request).toMatchObject({ useScrapfly: false, directBaseUrl: mock.sitesUrl });
    } finally {
      s.close();
    }
  });

  it('refuses a bad --direct-base-url and --direct with --resume, in one line', async () => {
    const bad = await runCliCaptured(['run', '--direct', '--direct-base-url', 'ftp://x', '--store', ':memory:'], { env: {} });
    expect([bad.code, bad.stderr]).toEqual([2, 'error: --direct-base-url must be an http(s) URL without query, such as http://127.0.0.1:8787/sites, got ftp://x\n']);
    const resume = await runCliCaptured(['run', '--direct', '--resume', 'b', '--store', ':memory:'], { env: {} });
    expect([resume.code, resume.stderr]).toEqual([2, 'error: --resume continues a batch with its own policy; drop --direct\n']);
  });
});
