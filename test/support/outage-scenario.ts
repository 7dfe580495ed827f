/**
 * The outage world several tests share: 40 items of 2 s on one domain, 3 workers retrying network
 * errors, and an API that refuses every connection from 10 s on for an hour. With
 * `outageBreaker: { consecutiveFailures: 5 }` the breaker stops the batch at 11.7 s.
 */
import { parseScenario } from '../../src/scenario/parse-scenario.js';
import type { Scenario } from '../../src/scenario/scenario-types.js';

/** A policy of the outage world named `name`, with `extra` fields on top (an `outageBreaker`, say). */
export function outagePolicy(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    workers: 3,
    tiers: [{ base: 'plain', retry: false, timeoutMs: '15s' }],
    retry: { maxCalls: 6, on: ['network'], backoff: { initialMs: '1s', factor: 2, maxMs: '10s', jitter: 'none' } },
    ...extra,
  };
}

/** The outage world's scenario JSON with `policies` (and `extra` top-level fields, a `budget` say). */
export function outageScenarioJson(policies: ReadonlyArray<Record<string, unknown>>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'outage',
    seed: 3,
    startAt: '2025-08-06T03:00:00Z',
    ...extra,
    items: { count: 40, domains: { 'a.example': 1 } },
    world: {
      account: { concurrency: 4 },
      behaviour: { default: { latency: { type: 'fixed', ms: '2s' } } },
      // The API refuses every connection from 10 s on.
      network: { roundTrip: '100ms', outages: [{ startMs: '10s', durationMs: '1h', kind: 'refused' }] },
    },
    policies,
  };
}

/** The outage world, parsed. */
export function outageScenario(policies: ReadonlyArray<Record<string, unknown>>, extra: Record<string, unknown> = {}): Scenario {
  return parseScenario({ source: 'outage.json', json: outageScenarioJson(policies, extra) });
}
