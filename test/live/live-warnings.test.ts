import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/live/open-store.js';
import type { MockHttpServer } from '../../src/node/mock-http-server.js';
import { parseScenario } from '../../src/scenario/parse-scenario.js';
import { runCliCaptured } from '../support/run-cli-in-process.js';
import { makeTempDir, startMockFor, releaseLiveResourcesAfterEach } from './live-helpers.js';

let mock: MockHttpServer | null = null;
releaseLiveResourcesAfterEach();

const SCENARIO = {
  name: 'dead-domain',
  startAt: '2025-08-06T03:00:00Z',
  seed: 3,
  items: {
    list: [
      { name: 'Dead 1', url: 'https://dead.example/p/1' },
      { name: 'Fine 1', url: 'https://fine.example/p/1' },
      { name: 'Dead 2', url: 'https://dead.example/p/2' },
      { name: 'Dead 3', url: 'https://dead.example/p/3' },
      { name: 'Fine 2', url: 'https://fine.example/p/2' },
      { name: 'Dead 4', url: 'https://dead.example/p/4' },
    ],
  },
  world: {
    account: { concurrency: 4, credits: 1000 },
    behaviour: { default: { latency: { type: 'fixed', ms: '5s' } } },
    domains: { 'dead.example': { default: { hang: { p: 1, latency: { type: 'fixed', ms: '200s' } } } } },
  },
  policies: [
    {
      name: 'recommendation-5',
      workers: 1,
      client: { preset: 'plain', readTimeoutMs: 'auto', maxTries: 1 },
      tiers: [{ base: 'plain', retry: false, timeoutMs: '30s' }],
      escalateOn: [],
      slowRequestMs: '20s',
      circuitBreaker: { consecutiveTimeouts: 2 },
    },
  ],
};

describe('recommendation 5 on the live path', () => {
  it('warns about slow requests (in the run log and on stderr) and skips a domain after consecutive timeouts', async () => {
    const temp = makeTempDir('warn');
    const scenarioFile = join(temp.dir, 'dead-domain.json');
    writeFileSync(scenarioFile, JSON.stringify(SCENARIO));
    mock = await startMockFor(parseScenario({ json: SCENARIO, source: 'dead-domain' }), { timeScale: 200 });
    const machines = join(temp.dir, 'machines.json');
    writeFileSync(machines, JSON.stringify(SCENARIO.items.list));
    const store = join(temp.dir, 'store.db');
    await runCliCaptured(['import', machines, '--store', store]);
    const run = await runCliCaptured(
      ['run', '--store', store, '--scrapfly-url', mock.url, '--time-scale', '200', '--scenario', scenarioFile, '--policy', 'recommendation-5', '--batch-id', 'b5', '--report-dir', join(temp.dir, 'reports'), '--progress', 'lines'],
      { env: {} },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('(policy recommendation-5)');
    expect(run.stderr).toContain('warning: Dead 1: request 1 still running after 20s');
    expect(run.stderr).toContain('warning: dead.example: 2 timeouts in a row, skipping its remaining machines');

    const s = openStore({ path: store });
    try {
      expect(s.batches.listResults('b5').map((r) => [r.name, r.outcome, r.reason])).toEqual([
        ['Dead 1', 'failed', 'client-timeout'],
        ['Fine 1', 'priced', null],
        ['Dead 2', 'failed', 'client-timeout'],
        ['Dead 3', 'skipped', 'circuit-open'],
        ['Fine 2', 'priced', null],
        ['Dead 4', 'skipped', 'circuit-open'],
      ]);
    } finally {
      s.close();
    }
    const log = readFileSync(join(temp.dir, 'reports', 'live', 'b5', 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(log.filter((e) => e.type === 'attempt.slow').map((e) => [e.item, e.elapsedMs])).toEqual([
      [0, 20_000],
      [2, 20_000],
    ]);
    expect(log.filter((e) => e.type === 'circuit.open')).toEqual([expect.objectContaining({ domain: 'dead.example', consecutiveTimeouts: 2 })]);
    const metrics = JSON.parse(readFileSync(join(temp.dir, 'reports', 'live', 'b5', 'metrics.json'), 'utf8'));
    expect(metrics[0].warnings.slowRequests).toHaveLength(2);
  });
});
