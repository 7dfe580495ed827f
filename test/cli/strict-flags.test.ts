/**
 * Every command refuses a misspelt flag, a bad choice or a missing positional with one line and
 * exit 2 before it reads, sends or writes anything: the store, the reports folder and the mock's
 * request counter stay untouched.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from '../support/run-cli-in-process.js';
import { makeLiveScenario, makeTempDir } from '../live/live-helpers.js';
import { startMockHttpServer } from '../../src/node/mock-http-server.js';
import type { MockHttpServer } from '../../src/node/mock-http-server.js';

const root = resolve(new URL('../..', import.meta.url).pathname);
const incident = join(root, 'scenarios/incident-2025-08-06.json');
const log = join(root, 'scenarios/logs/batch_20250806_030023_901652f0.txt');
let mock: MockHttpServer;
let temp: { dir: string; cleanup: () => void };
let store: string;
let machines: string;

beforeAll(async () => {
  temp = makeTempDir('strict');
  mock = await startMockHttpServer({ world: makeLiveScenario({ count: 3, workers: 1 }).world, timeScale: 100 });
  store = join(temp.dir, 'store.db');
  machines = join(temp.dir, 'machines.csv');
  writeFileSync(machines, 'name,url\nA,https://a.example/p/1\n');
});
afterAll(async () => {
  await mock.close();
  temp.cleanup();
});

describe('strict flags, before any work', () => {
  const live = () => ['--store', store, '--scrapfly-url', mock.url, '--report-dir', join(temp.dir, 'reports')];
  const cases: Array<[string, () => string[], RegExp]> = [
    ['simulate --bogus', () => ['simulate', incident, '--report-dir', join(temp.dir, 'reports'), '--limt', '5'], /^error: Unknown argument: limt\n$/],
    ['simulate --face bogus', () => ['simulate', incident, '--report-dir', join(temp.dir, 'reports'), '--face', 'bogus'], /^error: Invalid values: Argument: face, Given: "bogus", Choices: "direct", "msw"\n$/],
    ['simulate without a scenario', () => ['simulate'], /^error: Missing required argument: scenario\n$/],
    ['replay --bogus', () => ['replay', log, '--emit-scenario', join(temp.dir, 'x.json'), '--limt', '5'], /^error: Unknown argument: limt\n$/],
    ['diagnose --bogus', () => ['diagnose', log, '--budget', '15m', '--emit-scenario', join(temp.dir, 'x.json'), '--report-dir', join(temp.dir, 'reports'), '--limt', '5'], /^error: Unknown argument: limt\n$/],
    ['diagnose --client bogus', () => ['diagnose', log, '--budget', '15m', '--report-dir', join(temp.dir, 'reports'), '--client', 'bogus'], /^error: Invalid values: Argument: client, Given: "bogus", Choices: "python-sdk", "plain"\n$/],
    ['check --bogus', () => ['check', incident, '--report-dir', join(temp.dir, 'reports'), '--limt', '5'], /^error: Unknown argument: limt\n$/],
    ['sweep --bogus', () => ['sweep', incident, '--workers', '1..2', '--report-dir', join(temp.dir, 'reports'), '--limt', '5'], /^error: Unknown argument: limt\n$/],
    ['import --bogus', () => ['import', machines, '--store', store, '--limt', '5'], /^error: Unknown argument: limt\n$/],
    ['run --limt', () => ['run', ...live(), '--limt', '5'], /^error: Unknown argument: limt\n$/],
    ['run --progress bogus', () => ['run', ...live(), '--progress', 'bogus'], /^error: Invalid values: Argument: progress, Given: "bogus", Choices: /],
    ['review --bogus', () => ['review', '--store', store, '--limt', '5'], /^error: Unknown argument: limt\n$/],
    ['batches --bogus', () => ['batches', '--store', store, '--limt', '5'], /^error: Unknown argument: limt\n$/],
    ['serve --prot', () => ['serve', '--store', store, '--prot', '9090'], /^error: Unknown argument: prot\n$/],
    ['serve-mock --prot', () => ['serve-mock', '--scenario', incident, '--prot', '9090'], /^error: Unknown argument: prot\n$/],
  ];
  for (const [name, args, message] of cases) {
    it(`${name}: one line, exit 2, nothing read, sent or written`, async () => {
      const before = mock.core.stats().requests;
      const result = await runCliCaptured(args(), { cwd: temp.dir, env: { SCRAPFLY_KEY: 'scp-test-key', BATCHSCOPE_STORE: store } });
      expect(result.stderr).toMatch(message);
      expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(1);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(readdirSync(temp.dir).sort()).toEqual(['machines.csv']);
      expect(mock.core.stats().requests).toBe(before);
    });
  }

  it('--report-dir naming a file fails at once with one line, before any simulation', async () => {
    const file = join(temp.dir, 'machines.csv');
    for (const args of [['simulate', incident, '--report-dir', file], ['check', incident, '--report-dir', join(file, 'sub')], ['sweep', incident, '--workers', '1..2', '--report-dir', file], ['diagnose', log, '--budget', '15m', '--report-dir', file]]) {
      const result = await runCliCaptured(args, { cwd: temp.dir });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/^error: --report-dir .*machines\.csv.*: (is a file, not a folder|.*machines\.csv is a file, not a folder)\n$/);
      expect(result.stdout).toBe('');
    }
  });

  it('--version prints the package version', async () => {
    const result = await runCliCaptured(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
