/**
 * Whatever a user brings — a broken scenario, a garbled log, a stray flag, a bad import file, an
 * odd API body — ends in one line and a known exit code: no stack trace, no "(unexpected …)",
 * no exit code other than 0, 1 or 2. 500 generated inputs per kind, counted in the test names.
 */
import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LiveInputError } from '../../src/live/live-errors.js';
import { parseBatchRequest } from '../../src/live/parse-batch-request.js';
import { runCliCaptured, type CliResult } from '../support/run-cli-in-process.js';

const RUNS = 500;
const root = resolve(new URL('../..', import.meta.url).pathname);
const dir = mkdtempSync(join(tmpdir(), 'batchscope-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;
const file = (name: string, content: string) => {
  const path = join(dir, `${counter++}-${name}`);
  writeFileSync(path, content);
  return path;
};

/** The promise every command keeps, whatever its input. */
function expectOneLineOutcome(result: CliResult, what: string): void {
  expect([0, 1, 2], `${what}: exit ${result.code}\n${result.stderr}`).toContain(result.code);
  // "(unexpected; set BATCHSCOPE_DEBUG=1 …)" marks an error the CLI did not expect: a bug, never an answer to input.
  expect(result.stderr, what).not.toMatch(/\n\s+at |\(unexpected;/);
  if (result.code !== 0) {
    const lines = result.stderr.split('\n').filter((l) => l !== '');
    expect(lines.length, `${what}:\n${result.stderr}`).toBe(1);
    expect(lines[0], what).toMatch(/^error: /);
  }
}

const jsonValue = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -1e9, max: 1e9 }),
  fc.double({ noNaN: false }),
  fc.constantFrom(1e21, 1e308, -0, 0, -1, 2 ** 53, '9'.repeat(310), '30s', '-5s', '1e3ms', '', ' ', '2025-02-30T00:00:00Z', 'bad host/<>', '\u0000'),
  fc.string({ maxLength: 12 }),
  fc.array(fc.integer({ min: -3, max: 3 }), { maxLength: 3 }),
  fc.dictionary(fc.constantFrom('type', 'ms', 'minMs', 'maxMs', 'p', 'name', 'x'), fc.oneof(fc.integer({ min: -5, max: 5 }), fc.string({ maxLength: 4 })), { maxKeys: 3 }),
);

/** Sets `value` at the path of `keys` in a copy of `json` (creating objects on the way). */
function mutate(json: unknown, keys: readonly string[], value: unknown): unknown {
  const copy = structuredClone(json) as Record<string, unknown>;
  let at: Record<string, unknown> = copy;
  keys.forEach((key, k) => {
    if (k === keys.length - 1) at[key] = value;
    else {
      if (typeof at[key] !== 'object' || at[key] === null) at[key] = {};
      at = at[key] as Record<string, unknown>;
    }
  });
  return copy;
}

const baseScenario = {
  name: 'fuzz',
  startAt: '2025-08-06T03:00:00Z',
  seed: 1,
  items: { count: 5, domains: { 'a.example': 1 } },
  world: { account: { concurrency: 2 }, behaviour: { default: { latency: { type: 'fixed', ms: 1000 } } }, network: { roundTrip: '100ms' } },
  policies: [{ name: 'p', workers: 2, tiers: [{ base: 'plain', retry: false, timeoutMs: '15s' }] }],
};
const scenarioPaths = fc.constantFrom(
  ['name'], ['seed'], ['startAt'], ['items', 'count'], ['items', 'domains'], ['items', 'list'], ['world', 'account', 'concurrency'], ['world', 'account', 'credits'],
  ['world', 'behaviour', 'default', 'latency'], ['world', 'behaviour', 'default', 'latency', 'ms'], ['world', 'behaviour', 'default', 'hang'], ['world', 'network'], ['world', 'network', 'roundTrip'],
  ['world', 'network', 'outages'], ['world', 'options'], ['world', 'waves'], ['policies'], ['budget'], ['budgets'], ['description'], ['extra'],
);

describe(`fuzzed inputs end in one line (${RUNS} per kind)`, () => {
  it(`${RUNS} scenarios: mutated fields and corrupted text, through check`, async () => {
    await fc.assert(
      fc.asyncProperty(scenarioPaths, jsonValue, fc.nat({ max: 400 }), fc.constantFrom('mutate', 'truncate', 'insert'), async (keys, value, cut, how) => {
        const json = mutate(baseScenario, keys, value);
        const text = JSON.stringify(json, null, 2);
        const body = how === 'mutate' ? text : how === 'truncate' ? text.slice(0, cut) : `${text.slice(0, cut)}{,"]\u0000${text.slice(cut)}`;
        const path = file('scenario.json', body);
        expectOneLineOutcome(await runCliCaptured(['check', path, '--no-report', '--seeds', '1', '--threads', '0'], { cwd: dir }), `${how} ${keys.join('.')}=${JSON.stringify(value)?.slice(0, 80)}`);
      }),
      { numRuns: RUNS, seed: 1 },
    );
  }, 240_000);

  const logLines = [
    ...readFileSync(join(root, 'scenarios/logs/batch_20250806_030023_901652f0.excerpt.txt'), 'utf8').split('\n').slice(0, 8),
    ...readFileSync(join(root, 'scenarios/logs/formats/python-logging.log'), 'utf8').split('\n').slice(0, 6),
    ...readFileSync(join(root, 'scenarios/logs/formats/json-lines.jsonl'), 'utf8').split('\n').slice(0, 6),
  ].filter(Boolean);
  it(`${RUNS} logs: real lines shuffled, cut and mixed with garbage, through replay`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fc.constantFrom(...logLines), fc.string({ maxLength: 60 }), fc.constantFrom('{', '{"time": 1e400, "msg": "Processing machine X"}', '2025-13-45 99:99:99 - Processing machine Y - Worker available', '\u0000\u0001')), { maxLength: 30 }), fc.boolean(), async (lines, gz) => {
        const path = file(gz ? 'night.log' : 'night.txt', `${lines.join('\n')}\n`);
        expectOneLineOutcome(await runCliCaptured(['replay', path, '--json'], { cwd: dir }), lines.slice(0, 3).join(' | '));
      }),
      { numRuns: RUNS, seed: 2 },
    );
  }, 240_000);

  const words = ['simulate', 'replay', 'check', 'sweep', 'import', 'review', 'batches', 'run', '--seed', '--seeds', '--face', '--json', '--no-report', '--policy', '-p', '--workers', '--timeout', '--limit', '--store', '--report-dir', '--time-scale', '--format', '--help', '--version', '--limt', '-x', '1..3', '0', '-1', '1e21', 'abc', '30s', 'direct', 'msw', 'none'];
  it(`${RUNS} command lines: commands, flags and values in any order`, async () => {
    const scenario = join(root, 'test/report/fixtures/small-run.json');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fc.constantFrom(...words), fc.constant(scenario), fc.string({ maxLength: 8 })), { minLength: 1, maxLength: 7 }), async (argv) => {
        const args = [...argv, '--no-report'];
        // `run` without a store never reaches the network; `serve`/`serve-mock` are not in the words (they serve until stopped).
        expectOneLineOutcome(await runCliCaptured(args, { cwd: dir, env: { BATCHSCOPE_STORE: join(dir, 'none.db') } }), args.join(' '));
      }),
      { numRuns: RUNS, seed: 3 },
    );
  }, 240_000);

  it(`${RUNS} import files: CSV and JSON with odd names, URLs and prices, through import --dry-run`, async () => {
    const cell = fc.oneof(fc.constantFrom('A', 'https://a.example/p/1', 'https://a.example/p/1?utm=1', 'ftp://x', '-5', '1e3', '$1,299.00', '1.299,00 €', '', '"', '""', ',', 'USD 49.90', 'nan'), fc.string({ maxLength: 10 }));
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.array(fc.array(cell, { minLength: 1, maxLength: 4 }), { maxLength: 6 }), fc.constantFrom('name,url,price', 'name,url', 'url,name,currency,price', 'nom,url', ''), async (asJson, rows, header) => {
        const content = asJson ? JSON.stringify(rows.map((r) => ({ name: r[0], url: r[1], price: r[2] }))) : `${header}\n${rows.map((r) => r.join(',')).join('\n')}\n`;
        const path = file(asJson ? 'machines.json' : 'machines.csv', content);
        expectOneLineOutcome(await runCliCaptured(['import', path, '--store', join(dir, `store-${counter}.db`), '--dry-run'], { cwd: dir }), content.slice(0, 120));
      }),
      { numRuns: RUNS, seed: 4 },
    );
  }, 240_000);

  it(`${RUNS} batch-update API bodies: accepted, or refused with one line naming the field`, () => {
    fc.assert(
      fc.property(fc.oneof(jsonValue, fc.dictionary(fc.constantFrom('days_threshold', 'limit', 'max_workers', 'use_scrapfly', 'wait', 'machine_ids', 'limt'), jsonValue, { maxKeys: 4 })), (body) => {
        try {
          parseBatchRequest({ body, maxWorkersLimit: 8 });
        } catch (error) {
          expect(error).toBeInstanceOf(LiveInputError);
          expect((error as Error).message).not.toContain('\n');
        }
      }),
      { numRuns: RUNS, seed: 5 },
    );
  });
});
