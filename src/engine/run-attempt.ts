/**
 * One request of a client call: the `attempt.start` and `attempt.end` events, the read timeout
 * and slow-request timers, and the price extraction of an answered page. The attempt reports to
 * its call the moment it ends: answered, timed out or cut. When it stops waiting before the
 * transport answers, whatever the transport does later is ignored.
 */
import type { AttemptResult, AttemptStartEvent, CutReason } from '../events/batch-event.js';
import { formatCorrelationId } from '../events/batch-event.js';
import { CancelledError, ClientTimeoutError } from '../errors.js';
import type { CancelTimer } from '../ports.js';
import type { ScrapeOutcome } from '../scrapfly/scrape-outcome.js';
import { recommendedReadTimeoutMs } from '../scrapfly/timeout-rules.js';
import type { BatchContext } from './batch-context.js';
import type { Failure } from './batch-types.js';
import { DIRECT_READ_TIMEOUT_MS } from '../direct/direct-fetch-client.js';
import { detectChallengePage } from '../extract/detect-challenge-page.js';
import { isDirectTier, type TierSpec } from './policy.js';
import type { AttemptOutcome, CallRun } from './run-call.js';

interface AttemptEndFields {
  status: number | null;
  errorCode: string | null;
  failure: Failure | null;
  costCredits: number;
  accountConcurrency: number | null;
}

const NO_RESPONSE: AttemptEndFields = { status: null, errorCode: null, failure: null, costCredits: 0, accountConcurrency: null };

/** The read timeout of a request on `tier`, ms, or null for none. */
function resolveReadTimeoutMs(ctx: BatchContext, tier: TierSpec): number | null {
  const setting = tier.readTimeoutMs !== undefined ? tier.readTimeoutMs : ctx.policy.client.readTimeoutMs;
  if (setting === 'auto' && isDirectTier(tier)) return DIRECT_READ_TIMEOUT_MS;
  if (setting === 'auto') return recommendedReadTimeoutMs({ retry: tier.retry, timeoutMs: tier.timeoutMs, renderJs: tier.renderJs, asp: tier.asp });
  return setting;
}

/** One request of a call: read timeout, slow warning, events, price extraction. */
export class Attempt {
  readonly attempt: number;
  readonly startMs: number;
  readonly readTimeoutMs: number | null;
  #ended = false;
  #cancelRead: CancelTimer | null = null;
  #cancelSlow: CancelTimer | null = null;

  /** Numbers the attempt (the item's next) and takes its start time; `send` starts it. */
  constructor(
    private readonly run: CallRun,
    private readonly tryNumber: number,
  ) {
    const { ctx, state, tier } = run;
    this.attempt = ++state.attempts;
    this.readTimeoutMs = resolveReadTimeoutMs(ctx, tier);
    this.startMs = ctx.clock.now();
  }

  /** Emits `attempt.start`, arms the timers and sends the request. */
  send(): void {
    const { run, attempt, readTimeoutMs } = this;
    const { ctx, state, tier } = run;
    const { clock, events } = ctx;
    const direct = isDirectTier(tier);
    const start: AttemptStartEvent = {
      type: 'attempt.start',
      atMs: this.startMs,
      item: state.index,
      worker: state.worker,
      attempt,
      tier: run.tierNumber,
      tierName: tier.name,
      call: run.call,
      try: this.tryNumber,
      retry: tier.retry,
      timeoutMs: tier.timeoutMs,
      readTimeoutMs,
      zombie: run.abandoned,
    };
    // Only direct attempts carry `via`: the events of Scrapfly-only runs stay as they were.
    if (direct) start.via = 'direct';
    events.emit(start);
    // A sink may have cut the call on that event: then nothing is sent.
    if (this.#ended) return;
    if (readTimeoutMs !== null) this.#cancelRead = clock.schedule(readTimeoutMs, () => run.guard(() => run.abortRequest(new ClientTimeoutError(readTimeoutMs))));
    const slowMs = ctx.policy.slowRequestMs;
    if (slowMs !== null) {
      this.#cancelSlow = clock.schedule(slowMs, () => run.guard(() => events.emit({ type: 'attempt.slow', atMs: clock.now(), item: state.index, attempt, elapsedMs: slowMs })));
    }
    const answer = direct
      ? ctx.direct.fetchPage(state.item.url, { signal: run.signal })
      : ctx.client.scrape(
          {
            url: state.item.url,
            renderJs: tier.renderJs,
            asp: tier.asp,
            proxyPool: tier.proxyPool,
            country: tier.country,
            retry: tier.retry,
            timeoutMs: tier.timeoutMs,
            costBudget: tier.costBudget,
            correlationId: formatCorrelationId({ item: state.index, attempt }),
          },
          { signal: run.signal },
        );
    answer.then(
      (outcome) => this.#answered(outcome),
      (error: unknown) => this.stop(error),
    );
  }

  /**
   * Stops waiting: a read timeout or a cut, at the moment it happens, or the transport's own
   * rejection. Whatever the transport does later is ignored.
   */
  stop(error: unknown): void {
    if (!this.#begin()) return;
    const { run } = this;
    run.guard(() => {
      if (error instanceof ClientTimeoutError) {
        const failure: Failure = { errorClass: 'client-timeout', errorCode: null, retryable: true, retryAfterMs: null };
        this.#end('read-timeout', { ...NO_RESPONSE, failure });
        return run.attemptEnded({ kind: 'failed', failure });
      }
      if (error instanceof CancelledError) {
        this.#end('cut', NO_RESPONSE);
        return run.attemptEnded({ kind: 'cut', reason: error.reason as CutReason });
      }
      // The transport rejects only with the reason of an abort (handled above): anything else is a bug.
      run.failed(error);
    });
  }

  #answered(outcome: ScrapeOutcome): void {
    if (!this.#begin()) return;
    this.run.guard(() => this.run.attemptEnded(this.#judge(outcome)));
  }

  /** Marks the attempt ended once and clears its timers; false when it had already ended. */
  #begin(): boolean {
    if (this.#ended) return false;
    this.#ended = true;
    this.#cancelRead?.();
    this.#cancelSlow?.();
    return true;
  }

  /** The outcome of an answered request: an API or network error, a page without price, a price. */
  #judge(outcome: ScrapeOutcome): AttemptOutcome {
    const fields: AttemptEndFields = {
      status: outcome.httpStatus,
      errorCode: outcome.ok ? null : outcome.code,
      failure: null,
      costCredits: outcome.costCredits,
      accountConcurrency: outcome.accountConcurrency,
    };
    if (!outcome.ok) {
      fields.failure = { errorClass: outcome.errorClass, errorCode: outcome.code, retryable: outcome.retryable, retryAfterMs: outcome.retryAfterMs };
      this.#end(outcome.errorClass === 'network' || outcome.errorClass === 'truncated' ? 'network-error' : 'api-error', fields);
      return { kind: 'failed', failure: fields.failure };
    }
    const { item } = this.run.state;
    const found = this.run.ctx.extractPrice(outcome.content, { url: item.url, domain: item.domain });
    if (!found) {
      // A challenge page (CAPTCHA, "checking your browser") is a block, not a product without a price.
      const challenge = detectChallengePage(outcome.content);
      fields.failure = challenge === null ? { errorClass: 'no-price', errorCode: null, retryable: false, retryAfterMs: null } : { errorClass: 'blocked', errorCode: 'CAPTCHA', retryable: false, retryAfterMs: null };
      fields.errorCode = fields.failure.errorCode;
      this.#end('ok', fields);
      return { kind: 'failed', failure: fields.failure };
    }
    this.#end('ok', fields);
    return { kind: 'priced', price: found.price, currency: found.currency };
  }

  #end(result: AttemptResult, fields: AttemptEndFields): void {
    const { ctx, state } = this.run;
    const { clock } = ctx;
    ctx.events.emit({
      type: 'attempt.end',
      atMs: clock.now(),
      item: state.index,
      attempt: this.attempt,
      result,
      status: fields.status,
      errorCode: fields.errorCode,
      errorClass: fields.failure?.errorClass ?? null,
      retryable: fields.failure?.retryable ?? null,
      costCredits: fields.costCredits,
      durationMs: clock.now() - this.startMs,
      zombie: this.run.abandoned,
      accountConcurrency: fields.accountConcurrency,
    });
    if (result !== 'cut') {
      noteTimeoutStreak(ctx, state.item.domain, fields.failure?.errorClass ?? null);
      // The breaker watches the Scrapfly API: a shop's own site failing or answering says nothing of it.
      if (!this.run.abandoned && !isDirectTier(this.run.tier)) noteOutageStreak(ctx, fields);
    }
  }
}

/**
 * Whether a failed request fails as it would in an outage, rather than as one scrape fails: no
 * connection (refused, reset, unreachable), a body cut off, or a 5xx of the API itself. A 504 is a
 * scrape that ran out of time, and a target's own error comes as a 200 envelope: neither counts.
 * One such failure proves nothing; the breaker waits for several in a row.
 */
export function isOutageFailure(fields: { status: number | null; failure: Failure | null }): boolean {
  const failure = fields.failure;
  if (failure === null) return false;
  if (failure.errorClass === 'network' || failure.errorClass === 'truncated') return true;
  return fields.status !== null && fields.status >= 500 && fields.status !== 504;
}

/**
 * Counts requests in a row that failed as in an outage, and stops the batch at the policy's limit.
 * Any answer of the API (a success, a 429, a 4xx) ends the streak. A read timeout does neither: the
 * client cannot tell a stuck scrape from an API that stopped answering, so it is left out.
 */
function noteOutageStreak(ctx: BatchContext, fields: AttemptEndFields): void {
  const breaker = ctx.policy.outageBreaker ?? null;
  if (breaker === null) return;
  if (!isOutageFailure(fields)) {
    if (fields.status !== null) ctx.outageStreak = 0;
    return;
  }
  ctx.outageStreak += 1;
  if (ctx.outageStreak >= breaker.consecutiveFailures) ctx.stopForOutage(fields.failure?.errorCode ?? fields.failure?.errorClass ?? 'network');
}

/** Tracks consecutive timeouts per domain and opens the circuit when the policy says so. */
function noteTimeoutStreak(ctx: BatchContext, domain: string, errorClass: string | null): void {
  const breaker = ctx.policy.circuitBreaker;
  if (breaker === null) return;
  if (errorClass === 'client-timeout' || errorClass === 'server-timeout') {
    const streak = (ctx.timeoutStreaks.get(domain) ?? 0) + 1;
    ctx.timeoutStreaks.set(domain, streak);
    if (streak >= breaker.consecutiveTimeouts && !ctx.openCircuits.has(domain)) {
      ctx.openCircuits.add(domain);
      ctx.events.emit({ type: 'circuit.open', atMs: ctx.clock.now(), domain, consecutiveTimeouts: streak });
    }
  } else {
    ctx.timeoutStreaks.set(domain, 0);
  }
}
