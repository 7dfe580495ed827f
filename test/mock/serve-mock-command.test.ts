import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runCliCaptured } from '../support/run-cli-in-process.js';

const root = new URL('../..', import.meta.url).pathname;
const cli = new URL('../../dist/cli/main.js', import.meta.url).pathname;

/** Starts the built CLI's serve-mock and resolves once its readiness line is out. */
function serve(args: string[]) {
  const child = spawn(process.execPath, [cli, 'serve-mock', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => void (stderr += c.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+) /.exec(stdout)?.[1];
      if (url) resolve(url);
    });
    void exited.then((code) => reject(new Error(`serve-mock exited with ${code}: ${stderr}`)));
  });
  return { child, ready, exited, output: () => ({ stdout, stderr }) };
}

describe('batchscope serve-mock', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`prints one readiness line, serves the scenario and stops cleanly on ${signal}`, async () => {
      const run = serve(['--scenario', 'scenarios/asp-wave.json', '--port', '0', '--time-scale', '1000', '--seed', '3']);
      const url = await run.ready;
      const scrape = await fetch(`${url}/scrape?key=k&url=${encodeURIComponent('https://laserhub.example/products/x')}`);
      expect(scrape.status).toBe(200);
      expect(((await scrape.json()) as any).result.success).toBe(true);
      const stats = (await (await fetch(`${url}/__admin/stats`)).json()) as Record<string, unknown>;
      expect(stats).toMatchObject({ requests: 1, accepted: 1, inFlight: 0, throttled: 0, creditsUsed: 1 });
      run.child.kill(signal);
      expect(await run.exited).toBe(0);
      const { stdout, stderr } = run.output();
      expect(stdout).toBe(
        `mock Scrapfly API for asp-wave listening on ${url} (time scale 1000, seed 3, concurrency 5, 200000 credits; stats at ${url}/__admin/stats, simulated time at ${url}/__admin/clock)\n`,
      );
      expect(stderr).toMatch(/^mock stopped after \S+ simulated: 1 requests, 1 accepted, 0 × 429, peak concurrency 1\/5, 1 credits, 0 zombies\n$/);
    });
  }

  it('warns in one line when the time scale outruns a client whose read timeout is on the wall clock, and serves the world simulate simulates', async () => {
    const run = serve(['--scenario', 'scenarios/incident-2025-08-06.json', '--time-scale', '20', '--network']);
    const url = await run.ready;
    const clock = (await (await fetch(`${url}/__admin/clock`)).json()) as { timeScale: number };
    expect(clock.timeScale).toBe(20);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    const { stdout, stderr } = run.output();
    expect(stdout).toContain("(time scale 20, seed 2096, concurrency 5, 200000 credits; with the world's network; stats at");
    const warning = stderr.split('\n').filter((l) => l.startsWith('warning:'));
    expect(warning).toEqual([
      "warning: at time scale 20, requests that hang 2m50s or more answer after 8.5s of wall time, before a client's own 2m40s read timeout (the Python SDK's) can fire: such a client sees a 504 where the world says it times out. Divide the client's timeouts and backoff by 20 (web_scraping_api_read_timeout=8), or keep --time-scale at most 1.06.",
    ]);
  });

  it('refuses a seed a scenario would refuse, before serving', async () => {
    const run = serve(['--scenario', 'scenarios/incident-2025-08-06.json', '--seed', '12abc']);
    await run.ready.catch(() => undefined);
    expect(await run.exited).toBe(2);
    expect(run.output().stderr).toContain('--seed must be a whole number from 0 to 9007199254740991 (as a scenario\'s seed), got "12abc"');
  });

  it('stops cleanly with a request still in flight', async () => {
    const run = serve(['--scenario', 'scenarios/concurrency-limit.json']);
    const url = await run.ready;
    const pending = fetch(`${url}/scrape?key=k&url=${encodeURIComponent('https://slowlasers.example/p/1')}`).catch((e: unknown) => e);
    for (let i = 0; i < 200; i++) {
      const stats = (await (await fetch(`${url}/__admin/stats`)).json()) as { inFlight: number };
      if (stats.inFlight === 1) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(await pending).toBeInstanceOf(Error);
  });

  it('rejects bad flags and files with one line and the usual exit codes', async () => {
    const cases: Array<[string[], number, RegExp]> = [
      [['serve-mock', '--scenario', 'scenarios/asp-wave.json', '--port', '70000'], 2, /^error: --port must be an integer from 0 to 65535, got 70000\n$/],
      [['serve-mock', '--scenario', 'scenarios/asp-wave.json', '--time-scale', '0'], 2, /^error: --time-scale must be a number from 0.001 to 100000, got 0\n$/],
      [['serve-mock'], 2, /^error: (Missing required argument: scenario|--scenario is required: the scenario file whose world the mock serves)\n$/],
      [['serve-mock', '--scenario', 'scenarios/nope.json'], 1, /^error: Failed to load scenario scenarios\/nope\.json: cannot read the file: no such file or folder \(ENOENT\)\n$/],
    ];
    for (const [args, code, stderr] of cases) {
      const result = await runCliCaptured(args);
      expect({ code: result.code, stdout: result.stdout }).toEqual({ code, stdout: '' });
      expect(result.stderr).toMatch(stderr);
    }
  });

  it('says so in one line when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const result = await runCliCaptured(['serve-mock', '--scenario', 'scenarios/asp-wave.json', '--port', String(port)]);
      expect(result).toEqual({ code: 1, stdout: '', stderr: `error: Cannot listen on 127.0.0.1:${port}: the address is already in use\n` });
    } finally {
      blocker.close();
    }
  });
});
