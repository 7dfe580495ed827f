/**
 * Synthetic scenarios for benchmarks and tests: N items over a few domains, a plain concurrent
 * policy of W workers, lognormal latencies with rare errors and stalls, and an account whose
 * concurrency does not bind.
 */
import { parseScenario } from './parse-scenario.js';
import type { Scenario } from './scenario-types.js';

/** Builds a synthetic scenario of `items` items and one policy of `workers` workers. */
export function createSyntheticScenario(options: { items: number; workers: number; seed?: number; name?: string }): Scenario {
  return parseScenario({ json: syntheticScenarioJson(options), source: `synthetic(${options.items}x${options.workers})` });
}

/** The scenario file of `createSyntheticScenario` (for running it through the CLI). */
export function syntheticScenarioJson(options: { items: number; workers: number; seed?: number; name?: string }): Record<string, unknown> {
  return {
    name: options.name ?? `synthetic-${options.items}x${options.workers}`,
    description: 'Synthetic batch for benchmarks: lognormal latencies with rare errors and stalls.',
    startAt: '2025-08-06T03:00:00Z',
    seed: options.seed ?? 1,
    items: { count: options.items, domains: { 'shop-a.example': 3, 'shop-b.example': 2, 'shop-c.example': 1 } },
    world: {
      account: { concurrency: options.workers * 2, credits: options.items * 100 },
      behaviour: {
        default: {
          latency: { type: 'mixture', components: [{ weight: 1, model: { type: 'lognormal', medianMs: 6000, sigma: 0.4 } }], stalls: [{ p: 0.002, ms: 120_000 }] },
          errors: { 'ERR::PROXY::TIMEOUT': 0.01, 'upstream-404': 0.002 },
        },
        render_js: { latency: { type: 'lognormal', medianMs: 14_000, sigma: 0.4 } },
        asp: { latency: { type: 'lognormal', medianMs: 25_000, sigma: 0.5 } },
      },
    },
    policies: [
      {
        name: 'default',
        workers: options.workers,
        client: { preset: 'plain', readTimeoutMs: 'auto', maxTries: 1 },
        tiers: [
          { base: 'plain', retry: false, timeoutMs: 30_000 },
          { base: 'render_js', retry: false, timeoutMs: 60_000 },
          { base: 'asp', retry: false, timeoutMs: 90_000 },
        ],
        escalateOn: ['any'],
      },
    ],
  };
}
