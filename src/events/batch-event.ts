/**
 * The typed event record of a batch. The engine and the mock emit these with clock timestamps
 * (`atMs`, milliseconds since the Unix epoch); reports, timelines, the CI gate and run logs are all
 * built from them. Field order is fixed by the emitters so that serialised streams are
 * byte-identical for the same scenario and seed.
 */

/** How an item ended. Every item ends in exactly one. */
export type ItemOutcome = 'priced' | 'failed' | 'timed-out' | 'skipped';

/**
 * What went wrong with an attempt, as policy rules see it.
 * - `client-timeout`: the client's read timeout fired before a response.
 * - `network`: the connection failed (refused, reset before the answer, connect timeout).
 * - `truncated`: the answer's headers arrived, then its body broke off.
 * - `server-timeout`: Scrapfly answered with one of its timeout errors.
 * - `throttled`: a retryable 429 (account concurrency, throttler, session).
 * - `quota`: credits used up (not retryable).
 * - `blocked`: anti-bot (ASP) failures.
 * - `proxy`: proxy failures.
 * - `upstream-4xx` / `upstream-5xx`: the target site answered with an error status.
 * - `no-price`: the page was fetched but held no price.
 * - `config`: Scrapfly rejected the parameters (400).
 * - `auth`: the API key was refused (401).
 * - `other`: any other API error.
 */
export type ErrorClass =
  | 'client-timeout'
  | 'network'
  | 'truncated'
  | 'server-timeout'
  | 'throttled'
  | 'quota'
  | 'blocked'
  | 'proxy'
  | 'upstream-4xx'
  | 'upstream-5xx'
  | 'no-price'
  | 'config'
  | 'auth'
  | 'other';

/** Every error class, in a fixed order. */
export const ERROR_CLASSES: readonly ErrorClass[] = [
  'client-timeout',
  'network',
  'truncated',
  'server-timeout',
  'throttled',
  'quota',
  'blocked',
  'proxy',
  'upstream-4xx',
  'upstream-5xx',
  'no-price',
  'config',
  'auth',
  'other',
];

/** Why the client stopped waiting for an attempt before it answered. */
export type CutReason = 'call-timeout' | 'item-deadline' | 'batch-deadline' | 'cancelled' | 'outage';

/** How one attempt (one HTTP request) ended from the client's point of view. */
export type AttemptResult = 'ok' | 'api-error' | 'read-timeout' | 'network-error' | 'cut';

export interface BatchStartEvent {
  type: 'batch.start';
  atMs: number;
  batchId: string;
  policy: string;
  items: number;
  workers: number;
  execution: 'concurrent' | 'blocking';
}

export interface ItemStartEvent {
  type: 'item.start';
  atMs: number;
  item: number;
  name: string;
  domain: string;
  worker: number;
  /** Time the item waited in the queue since the batch started, ms. */
  queuedMs: number;
}

export interface AttemptStartEvent {
  type: 'attempt.start';
  atMs: number;
  item: number;
  worker: number;
  /** 1-based attempt number within the item, counting every HTTP request. */
  attempt: number;
  /** 1-based tier on the ladder. */
  tier: number;
  tierName: string;
  /** 1-based client call within the item (one call may make several attempts). */
  call: number;
  /** 1-based try within the call (client-level retries). */
  try: number;
  /** The Scrapfly `retry` parameter sent. */
  retry: boolean;
  /** The Scrapfly `timeout` parameter sent, ms, or null when not sent. */
  timeoutMs: number | null;
  /** The client read timeout for this request, ms, or null for none. */
  readTimeoutMs: number | null;
  /** True when the call this attempt belongs to was already abandoned (it runs as a zombie). */
  zombie: boolean;
  /** `direct` when the attempt fetched the page itself (a direct tier); absent for Scrapfly requests. */
  via?: 'direct';
}

export interface AttemptEndEvent {
  type: 'attempt.end';
  atMs: number;
  item: number;
  attempt: number;
  result: AttemptResult;
  /** HTTP status of the API response, or null when none arrived. */
  status: number | null;
  errorCode: string | null;
  errorClass: ErrorClass | null;
  retryable: boolean | null;
  /** Credits charged for this request (from X-Scrapfly-Api-Cost), 0 when unknown. */
  costCredits: number;
  durationMs: number;
  /** True when the client had stopped waiting before this attempt ended. */
  zombie: boolean;
  /** X-Scrapfly-Account-Concurrent-Usage of the response, or null. */
  accountConcurrency: number | null;
}

/** The client stopped waiting for an attempt but let it run on (`abandon` semantics). */
export interface AttemptAbandonEvent {
  type: 'attempt.abandon';
  atMs: number;
  item: number;
  attempt: number;
  reason: CutReason;
}

/** A slow-request warning: the attempt has been running for `elapsedMs` and has not answered. */
export interface AttemptSlowEvent {
  type: 'attempt.slow';
  atMs: number;
  item: number;
  attempt: number;
  elapsedMs: number;
}

export interface BackoffEvent {
  type: 'backoff';
  atMs: number;
  item: number;
  /** The attempt whose failure is being retried. */
  attempt: number;
  delayMs: number;
  /** `client`: the SDK's own retry loop; `policy`: the application's retry rule. */
  layer: 'client' | 'policy';
  errorClass: ErrorClass;
}

export interface CallTimeoutEvent {
  type: 'call.timeout';
  atMs: number;
  item: number;
  call: number;
  semantics: 'abort' | 'abandon';
}

export interface TierEscalateEvent {
  type: 'tier.escalate';
  atMs: number;
  item: number;
  fromTier: number;
  toTier: number;
  errorClass: ErrorClass;
  errorCode: string | null;
}

export interface CircuitOpenEvent {
  type: 'circuit.open';
  atMs: number;
  domain: string;
  consecutiveTimeouts: number;
}

/**
 * The API looked down: `consecutiveFailures` requests in a row, across the whole batch, failed with
 * a network error or a 5xx of the API itself. The batch stops; what was not priced stays unpriced.
 */
export interface OutageEvent {
  type: 'batch.outage';
  atMs: number;
  consecutiveFailures: number;
  /** The last failure's error code or class. */
  lastError: string;
}

export interface ItemEndEvent {
  type: 'item.end';
  atMs: number;
  item: number;
  worker: number | null;
  outcome: ItemOutcome;
  price: number | null;
  currency: string | null;
  /** Why the item did not price: an error class, `batch-deadline`, `item-deadline` or `circuit-open`. */
  reason: string | null;
  errorCode: string | null;
  attempts: number;
  /** The last tier tried, 0 when none. */
  tier: number;
  durationMs: number;
}

export interface BatchEndEvent {
  type: 'batch.end';
  atMs: number;
  makespanMs: number;
  priced: number;
  failed: number;
  timedOut: number;
  skipped: number;
}

/** The mock accepted a scrape and holds an account concurrency slot until `mock.end`. */
export interface MockAcceptEvent {
  type: 'mock.accept';
  atMs: number;
  correlationId: string;
  /** Account requests in flight after accepting this one. */
  concurrency: number;
}

/** The mock refused a request at once (429, 400, 401) without holding a slot. */
export interface MockRejectEvent {
  type: 'mock.reject';
  atMs: number;
  correlationId: string;
  status: number;
  errorCode: string;
  concurrency: number;
}

/** A scrape accepted by the mock finished server-side and released its slot. */
export interface MockEndEvent {
  type: 'mock.end';
  atMs: number;
  correlationId: string;
  status: number;
  errorCode: string | null;
  costCredits: number;
  /** Account requests in flight after releasing this one. */
  concurrency: number;
  /** True when the client had already disconnected (a server-side zombie). */
  clientGone: boolean;
}

export type EngineEvent =
  | BatchStartEvent
  | ItemStartEvent
  | AttemptStartEvent
  | AttemptEndEvent
  | AttemptAbandonEvent
  | AttemptSlowEvent
  | BackoffEvent
  | CallTimeoutEvent
  | TierEscalateEvent
  | CircuitOpenEvent
  | OutageEvent
  | ItemEndEvent
  | BatchEndEvent;

export type MockEvent = MockAcceptEvent | MockRejectEvent | MockEndEvent;

export type BatchEvent = EngineEvent | MockEvent;

/** The correlation id the engine sends as Scrapfly's `correlation_id` for an attempt. */
export function formatCorrelationId(options: { item: number; attempt: number }): string {
  return `${options.item}.${options.attempt}`;
}

/** Reads back `{item, attempt}` from a correlation id made by `formatCorrelationId`, or null. */
export function parseCorrelationId(id: string): { item: number; attempt: number } | null {
  const dot = id.indexOf('.');
  if (dot <= 0) return null;
  const item = Number(id.slice(0, dot));
  const attempt = Number(id.slice(dot + 1));
  if (!Number.isInteger(item) || !Number.isInteger(attempt)) return null;
  return { item, attempt };
}
