/**
 * A batch policy: how many workers, how the work executes, the tier ladder with its Scrapfly
 * parameters, the client's own timeouts and retries, the application's retry and escalation rules,
 * timeouts and deadlines. Durations are milliseconds; null means "none".
 */
import { MAX_DURATION_MS } from '../units/duration.js';
import type { ErrorClass } from '../events/batch-event.js';
import type { ProxyPool } from '../scrapfly/scrape-params.js';

/** Error classes a rule applies to; `retryable` means Scrapfly's retryable flag, `any` everything. */
export type ErrorSelector = ErrorClass | 'retryable' | 'any';

/** Exponential backoff: `initialMs × factor^n`, capped at `maxMs`, with jitter. */
export interface BackoffSpec {
  initialMs: number;
  factor: number;
  maxMs: number;
  /** `full`: uniform in [0, d]; `equal`: d/2 + uniform in [0, d/2]; `none`: d. */
  jitter: 'none' | 'full' | 'equal';
}

/**
 * One rung of the tier ladder, in Scrapfly's terms, or a direct fetch of the product page itself
 * (`via: 'direct'`: no Scrapfly, no credits; the Scrapfly fields are then unused).
 */
export interface TierSpec {
  name: string;
  /** Where the page comes from: Scrapfly (absent, the default) or a direct fetch of the page. */
  via?: 'scrapfly' | 'direct';
  renderJs: boolean;
  asp: boolean;
  proxyPool: ProxyPool | null;
  country: string | null;
  /** Scrapfly's `retry` parameter. */
  retry: boolean;
  /** Scrapfly's `timeout` parameter, ms, or null to send none. Not honoured by the API with `retry=true`. */
  timeoutMs: number | null;
  costBudget: number | null;
  /** Overrides the client's read timeout for this tier; `auto` is Scrapfly's recommendation. */
  readTimeoutMs?: number | 'auto' | null;
}

/**
 * The client library's behaviour for one call: each request has a read timeout (the request is
 * closed when it fires) and the library itself retries some failures before the call fails.
 */
export interface ClientSpec {
  /** Read timeout per request, ms; `auto` is Scrapfly's recommendation (155 s with retry, timeout + 5 s without). */
  readTimeoutMs: number | 'auto' | null;
  /**
   * How long a request waits for its connection, ms; null or absent: the transport's default
   * (undici's 10 s live, the operating system's 127 s in simulation).
   */
  connectTimeoutMs?: number | null;
  /** Requests per call, including the first (≥ 1). */
  maxTries: number;
  /** Failures the library retries by itself. */
  retryOn: ErrorSelector[];
  backoff: BackoffSpec;
}

/** The application's own retries of a failed call on the same tier. */
export interface RetryRule {
  /** Calls per tier, including the first (≥ 1). */
  maxCalls: number;
  on: ErrorSelector[];
  backoff: BackoffSpec;
  /** Wait at least the Retry-After a 429 carries. */
  respectRetryAfter: boolean;
}

export interface Policy {
  name: string;
  description: string;
  workers: number;
  /**
   * `concurrent`: workers run in parallel. `blocking`: each item's calls block the one event loop
   * (a synchronous client inside async workers), so one item runs at a time and no timeout or
   * deadline can fire while a call is running; they take effect when it returns.
   */
  execution: 'concurrent' | 'blocking';
  client: ClientSpec;
  tiers: TierSpec[];
  retry: RetryRule;
  /** Failures that move the item to the next tier once retries are spent; others fail it. */
  escalateOn: ErrorSelector[];
  /** The application's hard timeout around one client call, ms. */
  callTimeoutMs: number | null;
  /** What a call timeout or a deadline does to the request: cancel it, or stop waiting and let it run on. */
  timeoutSemantics: 'abort' | 'abandon';
  /** Time an item may take from its start, ms. */
  itemDeadlineMs: number | null;
  /** Time the batch may take from its start, ms; queued items are skipped after it. */
  batchDeadlineMs: number | null;
  /** Emit a slow-request warning when a request has run this long, ms. */
  slowRequestMs: number | null;
  /** Skip a domain's remaining items after this many consecutive timeouts on it. */
  circuitBreaker: { consecutiveTimeouts: number } | null;
  /**
   * The account-wide breaker: stop the batch once this many requests in a row, whatever their item,
   * failed with a network error or a 5xx of the API itself (not a target's error, not a 504 of a
   * stuck scrape). Items not yet priced end as `outage`, without a result: a live batch is then
   * interrupted and resumable. Null: never stop.
   */
  outageBreaker?: { consecutiveFailures: number } | null;
}

/**
 * Python's `backoff.expo` with full jitter: waits uniform in [0, 1 s], [0, 2 s], [0, 4 s]… with no
 * cap of its own; the cap here is the longest duration a scenario may name (30 days), which no
 * wait of a 5-try call comes near.
 */
export const PYTHON_BACKOFF: BackoffSpec = { initialMs: 1000, factor: 2, maxMs: MAX_DURATION_MS, jitter: 'full' };

/**
 * The official Python SDK's `scrape()` (github scrapfly/python-scrapfly, 0.10.x):
 * - `timeout=(connect_timeout, web_scraping_api_read_timeout)` = (30 s, 160 s) on every request
 *   (client.py `_scrape_request`, `DEFAULT_CONNECT_TIMEOUT = 30`, `DEFAULT_WEBSCRAPING_API_READ_TIMEOUT = 160`).
 *   requests' read timeout is the longest silence between bytes, not a total; the mock sends an
 *   answer whole, so here it is the time to the answer.
 * - `@backoff.on_exception(backoff.expo, exception=NetworkError, max_tries=5)` on `scrape()`:
 *   up to 5 tries with full-jitter waits of up to 1, 2, 4, 8 s, only on
 *   `NetworkError = (ConnectionError, requests.ConnectionError, requests.ReadTimeout)`. A refused
 *   or reset connection and a connect timeout (`ConnectTimeout` is a `ConnectionError`) are
 *   retried; a body that breaks off (`ChunkedEncodingError`, class `truncated` here) is not; an
 *   HTTP error answer is not.
 * - A body typed JSON that is not JSON raises `EncoderError`, which derives from `BaseException`
 *   (errors.py) and so escapes an application's `except Exception`. Not retried either (class
 *   `other` here); what it does to the application is the application's: not modelled.
 * - `ScrapflyClient(timeout=…)` does not exist: `__init__` takes `**kwargs` and ignores it.
 */
export const PYTHON_SDK_CLIENT: ClientSpec = {
  readTimeoutMs: 160_000,
  connectTimeoutMs: 30_000,
  maxTries: 5,
  retryOn: ['client-timeout', 'network'],
  backoff: PYTHON_BACKOFF,
};

/** A client with Scrapfly's recommended read timeout, undici's 10 s connect timeout and no retries of its own. */
export const PLAIN_CLIENT: ClientSpec = {
  readTimeoutMs: 'auto',
  connectTimeoutMs: 10_000,
  maxTries: 1,
  retryOn: [],
  backoff: { initialMs: 1000, factor: 2, maxMs: 30_000, jitter: 'full' },
};

/** The named client presets a scenario can refer to. */
export const CLIENT_PRESETS: Record<string, ClientSpec> = {
  'python-sdk': PYTHON_SDK_CLIENT,
  plain: PLAIN_CLIENT,
};

/** The classic ladder: plain datacenter fetch, then JS rendering, then ASP on residential proxies. */
export const DEFAULT_TIERS: TierSpec[] = [
  { name: 'plain', renderJs: false, asp: false, proxyPool: null, country: null, retry: true, timeoutMs: null, costBudget: null },
  { name: 'render_js', renderJs: true, asp: false, proxyPool: null, country: null, retry: true, timeoutMs: null, costBudget: null },
  { name: 'asp', renderJs: true, asp: true, proxyPool: 'public_residential_pool', country: null, retry: true, timeoutMs: null, costBudget: null },
];

/**
 * The direct tier: the product page fetched over HTTP with browser-like headers, without Scrapfly
 * (the existing system's `use_scrapfly: false`). Costs no credits; its read timeout `auto` is
 * `DIRECT_READ_TIMEOUT_MS`.
 */
export const DIRECT_TIER: TierSpec = { name: 'direct', via: 'direct', renderJs: false, asp: false, proxyPool: null, country: null, retry: false, timeoutMs: null, costBudget: null };

/** True when the tier fetches the page directly rather than through Scrapfly. */
export function isDirectTier(tier: Pick<TierSpec, 'via'>): boolean {
  return tier.via === 'direct';
}

/** True when any tier of `policy` goes through Scrapfly (then a key is needed). */
export function usesScrapfly(policy: Pick<Policy, 'tiers'>): boolean {
  return policy.tiers.some((t) => !isDirectTier(t));
}

/**
 * The policy with its ladder replaced by one direct tier (`use_scrapfly: false`, `run --direct`):
 * workers, client, retries, timeouts, deadlines and the circuit breaker stay as they are.
 */
export function toDirectPolicy(policy: Policy): Policy {
  if (policy.tiers.length === 1 && isDirectTier(policy.tiers[0]!)) return policy;
  return { ...policy, name: `${policy.name}+direct`, description: `${policy.description ? `${policy.description} ` : ''}Pages fetched directly (no Scrapfly).`.trim(), tiers: [{ ...DIRECT_TIER }] };
}

/** The most requests one item can make under `policy`. */
export function maxAttemptsPerItem(policy: Policy): number {
  return policy.tiers.length * policy.retry.maxCalls * policy.client.maxTries;
}
