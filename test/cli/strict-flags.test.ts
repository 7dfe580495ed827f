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

  // Every number and duration flag is bounded; the refusal names the flag and the value as given.
  const n310 = '9'.repeat(310);
  const bounded: Array<[string, () => string[], string]> = [
    ['simulate --width 39', () => ['simulate', incident, '--width', '39'], '--width must be an integer from 40 to 1000, got 39'],
    ['simulate --width 1e9', () => ['simulate', incident, '--width', '1e9'], '--width must be an integer from 40 to 1000, got 1e9'],
    ['simulate --stall-threshold of 310 digits', () => ['simulate', incident, '--stall-threshold', `${n310}s`], `--stall-threshold must be a duration from 1ms to 30 days such as 60s, got ${n310}s`],
    ['replay --width 5000', () => ['replay', log, '--width', '5000'], '--width must be an integer from 40 to 1000, got 5000'],
    ['replay --account-concurrency 1e21', () => ['replay', log, '--account-concurrency', '1e21'], '--account-concurrency must be an integer from 1 to 100000, got 1e21'],
    ['replay --stall-threshold 721h', () => ['replay', log, '--stall-threshold', '721h'], '--stall-threshold must be a duration from 1ms to 30 days such as 60s, got 721h'],
    ['replay --min-duration 2h', () => ['replay', log, '--min-duration', '2h'], '--min-duration must be a duration from 0ms to 1h00m such as 1.5s, got 2h'],
    ['diagnose --plan-concurrency 0', () => ['diagnose', log, '--budget', '15m', '--plan-concurrency', '0'], '--plan-concurrency must be an integer from 1 to 10000, got 0'],
    ['diagnose --budget 0s', () => ['diagnose', log, '--budget', '0s'], '--budget must be a duration from 1ms to 30 days such as 15m, got 0s'],
    ['diagnose --seeds 1001', () => ['diagnose', log, '--budget', '15m', '--seeds', '1001'], '--seeds must be an integer from 1 to 1000, got 1001'],
    ['diagnose --threads 257', () => ['diagnose', log, '--budget', '15m', '--threads', '257'], '--threads must be an integer from 0 to 256, got 257'],
    ['check --seeds abc', () => ['check', incident, '--seeds', 'abc'], '--seeds must be an integer from 1 to 100000, got abc'],
    ['check --seeds 1.5', () => ['check', incident, '--seeds', '1.5'], '--seeds must be an integer from 1 to 100000, got 1.5'],
    ['check --threads -1', () => ['check', incident, '--threads', '-1'], '--threads must be an integer from 0 to 256, got -1'],
    ['check --stall-threshold 0', () => ['check', incident, '--stall-threshold', '0'], '--stall-threshold must be a duration from 1ms to 30 days such as 60s, got 0'],
    ['sweep --seeds 10001', () => ['sweep', incident, '--seeds', '10001'], '--seeds must be an integer from 1 to 10000, got 10001'],
    ['sweep --workers 1..10001', () => ['sweep', incident, '--workers', '1..10001'], '--workers range "1..10001" goes past 10000 workers (a policy\'s most)'],
    ['sweep --workers 99999999999999999999', () => ['sweep', incident, '--workers', '99999999999999999999'], '--workers must list integers from 1 to 10000 or ranges like 1..40, got "99999999999999999999"'],
    ['sweep --timeout 721h', () => ['sweep', incident, '--timeout', 'none,721h'], '--timeout must list durations from 1ms to 30 days with a unit (30s, 1.5m) or none, got "721h"'],
    ['run --limit 1e20', () => ['run', ...live(), '--limit', '1e20'], '--limit must be an integer from 1 to 2147483647, got 1e20'],
    ['run --limit without a value', () => ['run', ...live(), '--limit'], 'Not enough arguments following: limit'],
    ['run --workers 1e21', () => ['run', ...live(), '--workers', '1e21'], '--workers must be an integer from 1 to 10000, got 1e21'],
    ['run --days-threshold 36501', () => ['run', ...live(), '--days-threshold', '36501'], '--days-threshold must be a number of days from 0 to 36500, got 36501'],
    ['run --days-threshold -1', () => ['run', ...live(), '--days-threshold=-1'], '--days-threshold must be a number of days from 0 to 36500, got -1'],
    ['run --ids 99999999999', () => ['run', ...live(), '--ids', '1,99999999999'], '--ids must be machine ids (integers from 1 to 2147483647) separated by commas, got "1,99999999999"'],
    ['run --time-scale Infinity', () => ['run', ...live(), '--time-scale', 'Infinity'], '--time-scale must be a number from 0.001 to 100000, got Infinity'],
    ['run --max-change 1001', () => ['run', ...live(), '--max-change', '1001'], '--max-change must be a ratio from 0 to 1000 (0.5 = ±50%), got 1001'],
    ['run --stall-threshold 721h', () => ['run', ...live(), '--stall-threshold', '721h'], '--stall-threshold must be a duration from 1ms to 30 days such as 60s, got 721h'],
    ['run --workers 2 --workers 3', () => ['run', ...live(), '--workers', '2', '--workers', '3'], '--workers was given more than once (2, 3); give it once'],
    ['serve --port 65536', () => ['serve', '--store', store, '--port', '65536'], '--port must be an integer from 0 to 65535, got 65536'],
    ['serve --max-workers 0', () => ['serve', '--store', store, '--max-workers', '0'], '--max-workers must be an integer from 1 to 10000, got 0'],
    ['serve --time-scale 1e6', () => ['serve', '--store', store, '--time-scale', '1e6'], '--time-scale must be a number from 0.001 to 100000, got 1e6'],
    ['serve-mock --port -1', () => ['serve-mock', '--scenario', incident, '--port=-1'], '--port must be an integer from 0 to 65535, got -1'],
    ['serve-mock --time-scale abc', () => ['serve-mock', '--scenario', incident, '--time-scale', 'abc'], '--time-scale must be a number from 0.001 to 100000, got abc'],
    ['batches --limit 0', () => ['batches', '--store', store, '--limit', '0'], '--limit must be an integer from 1 to 100000, got 0'],
  ];
  for (const [name, args, message] of bounded) {
    it(`${name}: refused with the flag and the value, exit 2, nothing read, sent or written`, async () => {
      const before = mock.core.stats().requests;
      const result = await runCliCaptured(args(), { cwd: temp.dir, env: { SCRAPFLY_KEY: 'scp-test-key', BATCHSCOPE_STORE: store, BATCHSCOPE_API_TOKEN: 'strict-test-token-0123456789' } });
      expect([result.code, result.stderr, result.stdout]).toEqual([2, `error: ${message}\n`, '']);
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
