/** Helpers for the mock's tests: worlds from scenario JSON, a hand-driven clock, a core on it. */
import type { BatchEvent } from '../../src/events/batch-event.js';
import type { MockResponse } from '../../src/mock/envelopes.js';
import { createMockCore, type MockCore } from '../../src/mock/mock-core.js';
import { serveMockRequest } from '../../src/mock/serve-request.js';
import type { WorldSpec } from '../../src/mock/world-spec.js';
import type { CancelTimer, Clock } from '../../src/ports.js';
import { createSeededRandom } from '../../src/random/seeded-random.js';
import { parseScenario } from '../../src/scenario/parse-scenario.js';

export const T0 = Date.UTC(2025, 8, 1, 2, 0, 0);

/** A world from the `world` section of a scenario (fast plain latency by default). */
export function makeWorld(world: Record<string, unknown> = {}): WorldSpec {
  const json = {
    name: 'mock-test',
    items: { count: 1, domains: { 'shop.example': 1 } },
    world: {
      account: { concurrency: 2, credits: 1000 },
      behaviour: { default: { latency: { type: 'fixed', ms: 4000 } } },
      ...world,
    },
    policies: [{ name: 'p', workers: 1 }],
  };
  return parseScenario({ json, source: 'mock-test' }).world;
}

/** A clock that moves only when told to; timers fire in time order, ties in creation order. */
export interface ManualClock extends Clock {
  advance(ms: number): void;
}

export function createManualClock(startMs = T0): ManualClock {
  let now = startMs;
  let seq = 0;
  const timers: Array<{ at: number; seq: number; callback: () => void; cancelled: boolean }> = [];
  const schedule = (ms: number, callback: () => void): CancelTimer => {
    const timer = { at: now + Math.max(0, ms), seq: seq++, callback, cancelled: false };
    timers.push(timer);
    return () => void (timer.cancelled = true);
  };
  return {
    now: () => now,
    schedule,
    sleep: (ms) => new Promise<void>((resolve) => schedule(ms, resolve)),
    advance(ms) {
      const until = now + ms;
      for (;;) {
        timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
        const next = timers.find((t) => !t.cancelled && t.at <= until);
        if (!next) break;
        timers.splice(timers.indexOf(next), 1);
        now = next.at;
        next.callback();
      }
      now = until;
    },
  };
}

/** A core on a manual clock, collecting its events. */
export function makeCore(world: WorldSpec, seed = 1): { core: MockCore; clock: ManualClock; events: BatchEvent[] } {
  const clock = createManualClock();
  const events: BatchEvent[] = [];
  const core = createMockCore({ world, clock, random: createSeededRandom(seed), events: { emit: (e) => void events.push(e) }, originMs: T0 });
  return { core, clock, events };
}

/** Builds a /scrape URL with URL-encoded parameters. */
export function scrapeUrl(params: Record<string, string | number | boolean>, base = 'https://api.scrapfly.io'): string {
  const query = Object.entries(params)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
  return `${base}/scrape?${query}`;
}

/**
 * Sends one request to the core and advances the clock until it answers. `atMs` is the clock time
 * of the answer; the body is what its JSON text decodes to (a string for a raw page).
 */
export async function request(
  setup: { core: MockCore; clock: ManualClock },
  url: string,
  method = 'GET',
): Promise<{ status: number; headers: Record<string, string>; body: any; atMs: number }> {
  let settled: { response: MockResponse; atMs: number } | null = null;
  const pending = serveMockRequest({ core: setup.core, clock: setup.clock, method, url, wrap: (response) => ({ response, atMs: setup.clock.now() }) }).then((r) => (settled = r));
  for (let i = 0; i < 10_000 && settled === null; i++) {
    await Promise.resolve();
    await Promise.resolve();
    if (settled === null) setup.clock.advance(100);
  }
  const { response, atMs } = await pending;
  const body = typeof response.body === 'string' ? response.body : JSON.parse(JSON.stringify(response.body));
  return { status: response.status, headers: response.headers, body, atMs };
}
