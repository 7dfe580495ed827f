/** A small scenario for budget tests: 12 items of 2-4 s on one domain, one slow and one fast policy. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function tinyScenarioJson(budgets: unknown): Record<string, unknown> {
  return {
    name: 'tiny',
    seed: 7,
    startAt: '2025-08-06T03:00:00Z',
    budget: '1m',
    items: { count: 12, domains: { 'a.example': 1 } },
    world: { account: { concurrency: 4, credits: 100_000 }, behaviour: { default: { latency: { type: 'uniform', minMs: '2s', maxMs: '4s' } } } },
    policies: [
      { name: 'one', workers: 1, tiers: [{ base: 'plain', retry: false, timeoutMs: '15s' }] },
      { name: 'three', workers: 3, tiers: [{ base: 'plain', retry: false, timeoutMs: '15s' }] },
    ],
    budgets,
  };
}

/** A fresh temporary folder. */
export function makeTempDir(): string {
  return mkdtempSync(join(tmpdir(), 'batchscope-check-'));
}

/** Writes `json` as `<dir>/<name>` and returns the path. */
export function writeJson(dir: string, name: string, json: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, `${JSON.stringify(json, null, 2)}\n`);
  return path;
}
