import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readServeOptions, runServeCommand } from '../../src/cli/commands/serve.js';
import type { CliIo } from '../../src/cli/cli-io.js';
import { openStore } from '../../src/live/open-store.js';
import type { MockHttpServer } from '../../src/node/mock-http-server.js';
import { runCliCaptured } from '../support/run-cli-in-process.js';
import { makeLiveScenario, makeTempDir, startMockFor, releaseLiveResourcesAfterEach } from './live-helpers.js';

const TOKEN = 'serve-test-token-0123456789';

let mock: MockHttpServer | null = null;
releaseLiveResourcesAfterEach();

describe('serve and review commands', () => {
  it('serve refuses to start without a token, in one line', async () => {
    const result = await runCliCaptured(['serve', '--store', ':memory:', '--scrapfly-url', 'http://127.0.0.1:1'], { env: {} });
    expect([result.code, result.stderr]).toEqual([2, 'error: No API token: set BATCHSCOPE_API_TOKEN or pass --token-file <file> (callers send it as Authorization: Bearer <token>)\n']);
    const short = await runCliCaptured(['serve', '--store', ':memory:', '--scrapfly-url', 'http://127.0.0.1:1'], { env: { BATCHSCOPE_API_TOKEN: 'short' } });
    expect(short.stderr).toBe('error: BATCHSCOPE_API_TOKEN: the token is 5 characters long; a token needs at least 16\n');
    const scale = await runCliCaptured(['serve', '--store', ':memory:', '--scrapfly-url', 'http://127.0.0.1:1', '--time-scale', '0'], { env: { BATCHSCOPE_API_TOKEN: TOKEN } });
    expect([scale.code, scale.stderr]).toEqual([2, 'error: --time-scale must be a number from 0.001 to 100000, got 0\n']);
  });

  it('serves the API until SIGTERM, runs a batch for the cron caller, and flagged prices wait for review', async () => {
    const temp = makeTempDir('serve');
    const scenario = makeLiveScenario({ count: 3, workers: 2, latencyMs: 1000 });
    mock = await startMockFor(scenario, { timeScale: 100 });
    const store = join(temp.dir, 'store.db');
    // The first machine's known price is far from what the page will say: its change is flagged.
    const machines = join(temp.dir, 'machines.json');
    writeFileSync(machines, JSON.stringify(scenario.items.map((i, k) => ({ name: i.name, url: i.url, ...(k === 0 ? { price: 1 } : {}) }))));
    expect((await runCliCaptured(['import', machines, '--store', store])).code).toBe(0);

    let stdout = '';
    let listening: (url: string) => void = () => {};
    const url = new Promise<string>((resolve) => (listening = resolve));
    const io: CliIo = {
      stdout: (text) => {
        stdout += text;
        const match = /listening on (http:\/\/\S+)/.exec(stdout);
        if (match) listening(match[1] as string);
      },
      stderr: () => {},
      env: { BATCHSCOPE_API_TOKEN: TOKEN },
      cwd: temp.dir,
      columns: 100,
      isTty: false,
    };
    const serving = runServeCommand(readServeOptions({ store, 'scrapfly-url': mock.url, port: 0, host: '127.0.0.1', 'max-workers': 4, 'time-scale': 100, reports: join(temp.dir, 'reports') }, io), io);
    const base = await url;
    const response = await fetch(`${base}/api/v1/batch-update`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: JSON.stringify({ days_threshold: 0, limit: null, max_workers: 2, use_scrapfly: true, wait: true }) });
    const body = (await response.json()) as { status: string; outcomes: { priced: number }; flagged_for_review: number };
    expect([response.status, body.status, body.outcomes.priced, body.flagged_for_review]).toEqual([200, 'completed', 3, 1]);
    process.emit('SIGTERM');
    expect(await serving).toBe(0);
    expect(stdout).toMatch(/^batchscope API listening on http:\/\/127\.0\.0\.1:\d+ \(store store\.db, Scrapfly http:\/\/127\.0\.0\.1:\d+, policy live-default, time scale 100\)\n/m);
    expect(stdout).toMatch(/^batch batch_\S+ completed: 3 priced \(1 flagged\), 0 failed, 0 timed out, 0 skipped$/m);
    expect(stdout).toContain('stopping: cancelling the running batch, if any');

    const listed = await runCliCaptured(['review', '--store', store]);
    expect(listed.stdout).toMatch(/^id {2}machine {2}name +stored price {2}new price/);
    const row = /^ *(\d+) +1 +\S.* +1 USD +\d/m.exec(listed.stdout);
    expect(row, listed.stdout).not.toBeNull();
    const id = Number(row![1]);
    expect((await runCliCaptured(['review', '--store', store, '--approve', String(id)])).stdout).toBe(`approved change ${id}\n`);
    expect((await runCliCaptured(['review', '--store', store])).stdout).toBe('no price change waits for review\n');
    const s = openStore({ path: store });
    expect(s.machines.getMachines([1])[0]!.currentPrice).not.toBe(1);
    s.close();
    const again = await runCliCaptured(['review', '--store', store, '--approve', String(id)]);
    expect([again.code, again.stderr]).toEqual([1, `error: Price change ${id} is not waiting for review (it is approved)\n`]);
  });
});
