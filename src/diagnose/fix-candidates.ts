/**
 * The policies `diagnose` searches, as scenario policy JSON: concurrent workers up to one past the
 * plan, three ways to cut a hung request (Scrapfly's own timeout with `retry=false`, a client read
 * timeout with `retry=true`, or an application call timeout around the client call), whether a
 * timeout escalates or fails the item, an item deadline or none, and two tier ladders.
 *
 * Every candidate is something the deployed client can be configured to do, as written: the
 * client preset stays the deployed one (the Python SDK keeps its 5 tries on read timeouts and one
 * read timeout for all tiers), and with the Python SDK a timeout around a call can only stop
 * waiting (`asyncio.timeout` around `asyncio.to_thread` cannot stop the thread): `abandon`. Pure.
 */
import { timeoutRangeFor } from '../scrapfly/timeout-rules.js';
import { CLIENT_TIMEOUT_OVERHEAD_MS } from '../scrapfly/timeout-rules.js';

/** How a candidate cuts a request that hangs. */
export type CutRule = 'scrapfly-timeout' | 'read-timeout' | 'call-timeout';

/** What the candidate does with a timeout once it fired. */
export type TimeoutRule = 'escalate' | 'fail-fast';

/**
 * How a 429 is retried on the same tier: `brief` (4 calls, backoff 2 s doubling to 30 s) or
 * `patient` (8 calls, backoff 2 s doubling to 60 s: minutes, as long as a zombie may hold a slot).
 */
export type ThrottleRule = 'brief' | 'patient';

const THROTTLE_RETRY: Record<ThrottleRule, { maxCalls: number; maxMs: number }> = { brief: { maxCalls: 4, maxMs: 30_000 }, patient: { maxCalls: 8, maxMs: 60_000 } };

/** One candidate's settings, as the search varied them. */
export interface FixSettings {
  workers: number;
  cut: CutRule;
  onTimeout: TimeoutRule;
  onThrottle: ThrottleRule;
  itemDeadlineMs: number | null;
  ladder: readonly string[];
  /** Scrapfly `timeout` per tier with `retry=false` (cut `scrapfly-timeout`), ms, else null. */
  tierTimeoutsMs: number[] | null;
  /** The client's read timeout, ms, or `auto` (Scrapfly's recommendation per tier). */
  readTimeoutMs: number | 'auto';
  /** The application's call timeout, ms (cut `call-timeout`), else null. */
  callTimeoutMs: number | null;
  timeoutSemantics: 'abort' | 'abandon';
}

/** The retry of a 429 under `rule`: calls per tier and the longest wait, ms. */
export function throttleRetryOf(rule: ThrottleRule): { maxCalls: number; maxMs: number } {
  return THROTTLE_RETRY[rule];
}

export interface FixCandidate {
  settings: FixSettings;
  /** Scenario policy JSON (load with the scenario). */
  json: Record<string, unknown>;
}

/** The tier ladders searched: the deployed three rungs, and one that skips JS rendering. */
export const LADDERS: ReadonlyArray<readonly string[]> = [
  ['plain', 'render_js', 'asp'],
  ['plain', 'asp'],
];

const TIER_FEATURES: Record<string, { renderJs: boolean; asp: boolean }> = {
  plain: { renderJs: false, asp: false },
  render_js: { renderJs: true, asp: false },
  asp: { renderJs: true, asp: true },
};

/** Errors every candidate escalates (a block, a proxy failure, a page without a price, a 5xx of the site). */
const ALWAYS_ESCALATE = ['blocked', 'proxy', 'no-price', 'upstream-5xx', 'other'];

/** The default item deadline searched besides none, ms. */
export const ITEM_DEADLINE_MS = 240_000;

/**
 * The candidates. `typicalP99Ms` sizes the timeouts: a Scrapfly timeout of twice the p99 of a
 * request (rounded up to 5 s, within the tier's documented range), a read or call timeout of
 * three times it (at least 15 s, at most 155 s). `client` is the deployed preset's name.
 */
export function buildFixCandidates(options: { planConcurrency: number; client: string; typicalP99Ms: number; maxWorkers?: number }): FixCandidate[] {
  const top = Math.min(options.maxWorkers ?? 40, options.planConcurrency + 1);
  const bottom = Math.max(1, options.planConcurrency - 3);
  const roundUp = (ms: number) => Math.ceil(ms / 5000) * 5000;
  const semantics = options.client === 'python-sdk' ? 'abandon' : 'abort';
  const cutMs = Math.min(155_000, Math.max(15_000, roundUp(3 * options.typicalP99Ms)));
  const out: FixCandidate[] = [];
  for (let workers = bottom; workers <= top; workers++) {
    for (const cut of ['scrapfly-timeout', 'read-timeout', 'call-timeout'] as const) {
      for (const onTimeout of ['escalate', 'fail-fast'] as const) {
       for (const onThrottle of ['brief', 'patient'] as const) {
        for (const itemDeadlineMs of [null, ITEM_DEADLINE_MS]) {
          for (const ladder of LADDERS) {
            const tierTimeoutsMs =
              cut === 'scrapfly-timeout'
                ? ladder.map((t) => {
                    const range = timeoutRangeFor(TIER_FEATURES[t] ?? { renderJs: false, asp: false });
                    return Math.min(range.maxMs, Math.max(range.minMs, roundUp(2 * options.typicalP99Ms)));
                  })
                : null;
            // One client serves every tier: the Python SDK takes one read timeout, so it must
            // cover the longest tier's timeout; another client can use Scrapfly's per-tier advice.
            const readTimeoutMs: number | 'auto' =
              cut === 'read-timeout' ? cutMs : tierTimeoutsMs && options.client === 'python-sdk' ? Math.max(...tierTimeoutsMs) + CLIENT_TIMEOUT_OVERHEAD_MS : 'auto';
            const settings: FixSettings = {
              workers,
              cut,
              onTimeout,
              onThrottle,
              itemDeadlineMs,
              ladder,
              tierTimeoutsMs,
              readTimeoutMs,
              callTimeoutMs: cut === 'call-timeout' ? cutMs : null,
              timeoutSemantics: semantics,
            };
            out.push({ settings, json: candidateJson({ settings, client: options.client, name: nameOf(settings) }) });
          }
        }
       }
      }
    }
  }
  return out;
}

/** A short unique name: `fix-w4-scrapfly-timeout-fail-fast-429brief-deadline4m-plain+asp`. */
export function nameOf(s: FixSettings): string {
  const deadline = s.itemDeadlineMs === null ? 'no-deadline' : `deadline${Math.round(s.itemDeadlineMs / 60_000)}m`;
  return `fix-w${s.workers}-${s.cut}-${s.onTimeout}-429${s.onThrottle}-${deadline}-${s.ladder.join('+')}`;
}

/** The scenario policy JSON of `settings`. */
export function candidateJson(options: { settings: FixSettings; client: string; name: string }): Record<string, unknown> {
  const s = options.settings;
  const tiers = s.ladder.map((t, i) => (s.tierTimeoutsMs ? { base: t, retry: false, timeoutMs: s.tierTimeoutsMs[i] } : t));
  const timeouts = s.onTimeout === 'escalate' ? ['server-timeout', 'client-timeout'] : [];
  return {
    name: options.name,
    description: describeSettings(s),
    workers: s.workers,
    execution: 'concurrent',
    client: { preset: options.client, readTimeoutMs: s.readTimeoutMs },
    tiers,
    retry: { maxCalls: THROTTLE_RETRY[s.onThrottle].maxCalls, on: ['throttled', 'network'], backoff: { initialMs: 2000, factor: 2, maxMs: THROTTLE_RETRY[s.onThrottle].maxMs, jitter: 'full' }, respectRetryAfter: true },
    escalateOn: [...ALWAYS_ESCALATE, ...timeouts],
    callTimeoutMs: s.callTimeoutMs,
    timeoutSemantics: s.timeoutSemantics,
    itemDeadlineMs: s.itemDeadlineMs,
  };
}

/** The settings in one sentence. */
export function describeSettings(s: FixSettings): string {
  const cut =
    s.cut === 'scrapfly-timeout'
      ? `retry=false with Scrapfly timeouts ${s.tierTimeoutsMs?.map((ms) => `${ms / 1000}s`).join('/')} (${s.ladder.join('/')}), read timeout ${s.readTimeoutMs === 'auto' ? 'timeout + 5 s' : `${s.readTimeoutMs / 1000}s`}`
      : s.cut === 'read-timeout'
        ? `retry=true with a client read timeout of ${(s.readTimeoutMs as number) / 1000}s`
        : `retry=true with a call timeout of ${(s.callTimeoutMs as number) / 1000}s that ${s.timeoutSemantics === 'abort' ? 'cancels the request' : 'stops waiting (the call runs on)'}`;
  return `${s.workers} concurrent workers; ${cut}; a timeout ${s.onTimeout === 'escalate' ? 'escalates to the next tier' : 'fails the item'}; 429s and network errors retried with backoff (${THROTTLE_RETRY[s.onThrottle].maxCalls} calls, waits up to ${THROTTLE_RETRY[s.onThrottle].maxMs / 1000}s); ${s.itemDeadlineMs === null ? 'no item deadline' : `item deadline ${s.itemDeadlineMs / 60_000}m`}; ladder ${s.ladder.join(' → ')}.`;
}
