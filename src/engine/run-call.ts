/**
 * One client call: what a single `client.scrape(config)` does inside the client library. Each
 * request has the read timeout (the request is closed when it fires); the library retries the
 * failures its spec names, with backoff, up to `maxTries` requests. A call can be aborted (the
 * request in flight is cancelled) or abandoned (nobody waits for it any more, but it runs on,
 * retries included, as a zombie whose events say so).
 */
import type { AttemptResult, CutReason } from '../events/batch-event.js';
import { formatCorrelationId } from '../events/batch-event.js';
import { CancelledError, ClientTimeoutError } from '../errors.js';
import type { Random } from '../ports.js';
import type { ScrapeOutcome } from '../scrapfly/scrape-outcome.js';
import { recommendedReadTimeoutMs } from '../scrapfly/timeout-rules.js';
import { computeBackoffMs } from './backoff.js';
import type { BatchContext, ItemState } from './batch-context.js';
import type { Failure } from './batch-types.js';
import { matchesSelectors } from './error-selector.js';
import type { TierSpec } from './policy.js';
import type { SignalHolder } from './signal-holder.js';

/** How an attempt or a call ended. */
export type AttemptOutcome =
  | { kind: 'priced'; price: number; currency: string | null }
  | { kind: 'failed'; failure: Failure }
  | { kind: 'cut'; reason: CutReason };

interface AttemptEndFields {
  status: number | null;
  errorCode: string | null;
  failure: Failure | null;
  costCredits: number;
  accountConcurrency: number | null;
}

const NO_RESPONSE: AttemptEndFields = { status: null, errorCode: null, failure: null, costCredits: 0, accountConcurrency: null };

/** The read timeout of a request on `tier`, ms, or null for none. */
export function resolveReadTimeoutMs(ctx: BatchContext, tier: TierSpec): number | null {
  const setting = tier.readTimeoutMs !== undefined ? tier.readTimeoutMs : ctx.policy.client.readTimeoutMs;
  if (setting === 'auto') return recommendedReadTimeoutMs({ retry: tier.retry, timeoutMs: tier.timeoutMs, renderJs: tier.renderJs, asp: tier.asp });
  return setting;
}

/** A call in progress. `result` never rejects except on a bug. */
export class CallRun {
  readonly result: Promise<AttemptOutcome>;
  #abandoned = false;
  #abortReason: CutReason | null = null;
  /** The attempt in flight, or 0. */
  #attempt = 0;
  #lastAttempt = 0;
  #stopWaiting: ((reason: unknown) => void) | null = null;
  #backoff: AbortController | null = null;
  #signals: SignalHolder;
  #random: Random | null = null;

  constructor(
    private readonly ctx: BatchContext,
    private readonly state: ItemState,
    private readonly tier: TierSpec,
    private readonly tierNumber: number,
    private readonly call: number,
  ) {
    this.#signals = state.signals;
    this.result = this.#run();
  }

  /** Cancels the request in flight (or the backoff) and ends the call as cut. */
  abort(reason: CutReason): void {
    if (this.#abortReason !== null) return;
    this.#abortReason = reason;
    const cancel = new CancelledError(reason);
    if (this.#stopWaiting) this.#abortRequest(cancel);
    this.#backoff?.abort(cancel);
  }

  /** Stops anyone waiting from caring; the call runs on and its events say zombie. */
  abandon(reason: CutReason): void {
    if (this.#abandoned) return;
    this.#abandoned = true;
    // The zombie keeps the signal of its request; the worker goes on with a fresh one.
    this.#signals = this.#signals.handOver();
    if (this.#attempt !== 0) {
      this.ctx.events.emit({ type: 'attempt.abandon', atMs: this.ctx.clock.now(), item: this.state.index, attempt: this.#attempt, reason });
    }
  }

  #abortRequest(reason: unknown): void {
    this.#signals.abort(reason);
    this.#stopWaiting?.(reason);
  }

  async #run(): Promise<AttemptOutcome> {
    const { ctx } = this;
    const client = ctx.policy.client;
    for (let tryNumber = 1; ; tryNumber++) {
      if (this.#abortReason !== null) return { kind: 'cut', reason: this.#abortReason };
      const outcome = await this.#attemptOnce(tryNumber);
      if (outcome.kind !== 'failed') return outcome;
      if (tryNumber >= client.maxTries || !matchesSelectors(client.retryOn, outcome.failure)) return outcome;
      if (this.#abortReason !== null) return { kind: 'cut', reason: this.#abortReason };
      this.#random ??= ctx.random.fork(`i${this.state.index}.c${this.call}`);
      const delayMs = computeBackoffMs(client.backoff, tryNumber - 1, this.#random);
      emitBackoff(ctx, { item: this.state.index, attempt: this.#lastAttempt, failure: outcome.failure, delayMs, layer: 'client' });
      this.#backoff = new AbortController();
      try {
        await ctx.clock.sleep(delayMs, this.#backoff.signal);
      } catch (error) {
        if (error instanceof CancelledError) return { kind: 'cut', reason: error.reason as CutReason };
        throw error;
      } finally {
        this.#backoff = null;
      }
    }
  }

  /** One request: read timeout, slow warning, events, price extraction. */
  async #attemptOnce(tryNumber: number): Promise<AttemptOutcome> {
    const { ctx, state, tier } = this;
    const { clock, events } = ctx;
    const attempt = ++state.attempts;
    this.#attempt = attempt;
    this.#lastAttempt = attempt;
    const readTimeoutMs = resolveReadTimeoutMs(ctx, tier);
    const startMs = clock.now();
    events.emit({
      type: 'attempt.start',
      atMs: startMs,
      item: state.index,
      worker: state.worker,
      attempt,
      tier: this.tierNumber,
      tierName: tier.name,
      call: this.call,
      try: tryNumber,
      retry: tier.retry,
      timeoutMs: tier.timeoutMs,
      readTimeoutMs,
      zombie: this.#abandoned,
    });
    const cancelRead = readTimeoutMs === null ? null : clock.schedule(readTimeoutMs, () => this.#abortRequest(new ClientTimeoutError(readTimeoutMs)));
    const slowMs = ctx.policy.slowRequestMs;
    const cancelSlow =
      slowMs === null ? null : clock.schedule(slowMs, () => events.emit({ type: 'attempt.slow', atMs: clock.now(), item: state.index, attempt, elapsedMs: slowMs }));
    const end = (result: AttemptResult, fields: AttemptEndFields) => {
      events.emit({
        type: 'attempt.end',
        atMs: clock.now(),
        item: state.index,
        attempt,
        result,
        status: fields.status,
        errorCode: fields.errorCode,
        errorClass: fields.failure?.errorClass ?? null,
        retryable: fields.failure?.retryable ?? null,
        costCredits: fields.costCredits,
        durationMs: clock.now() - startMs,
        zombie: this.#abandoned,
        accountConcurrency: fields.accountConcurrency,
      });
      if (result !== 'cut') noteTimeoutStreak(ctx, state.item.domain, fields.failure?.errorClass ?? null);
    };

    let outcome: ScrapeOutcome;
    try {
      const signal = this.#signals.signal;
      outcome = await new Promise<ScrapeOutcome>((resolve, reject) => {
        // The attempt stops waiting the moment it aborts, whenever the transport gets round to
        // rejecting: no abort listener per request.
        this.#stopWaiting = reject;
        ctx.client
          .scrape(
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
            { signal },
          )
          .then(resolve, reject);
      });
    } catch (error) {
      if (error instanceof ClientTimeoutError) {
        const failure: Failure = { errorClass: 'client-timeout', errorCode: null, retryable: true, retryAfterMs: null };
        end('read-timeout', { ...NO_RESPONSE, failure });
        return { kind: 'failed', failure };
      }
      if (error instanceof CancelledError) {
        end('cut', NO_RESPONSE);
        return { kind: 'cut', reason: error.reason as CutReason };
      }
      throw error;
    } finally {
      this.#stopWaiting = null;
      this.#attempt = 0;
      cancelRead?.();
      cancelSlow?.();
    }

    const fields: AttemptEndFields = {
      status: outcome.ok ? outcome.httpStatus : outcome.httpStatus,
      errorCode: outcome.ok ? null : outcome.code,
      failure: null,
      costCredits: outcome.costCredits,
      accountConcurrency: outcome.accountConcurrency,
    };
    if (!outcome.ok) {
      fields.failure = { errorClass: outcome.errorClass, errorCode: outcome.code, retryable: outcome.retryable, retryAfterMs: outcome.retryAfterMs };
      end(outcome.errorClass === 'network' ? 'network-error' : 'api-error', fields);
      return { kind: 'failed', failure: fields.failure };
    }
    const found = ctx.extractPrice(outcome.content, { url: state.item.url, domain: state.item.domain });
    if (!found) {
      fields.failure = { errorClass: 'no-price', errorCode: null, retryable: false, retryAfterMs: null };
      end('ok', fields);
      return { kind: 'failed', failure: fields.failure };
    }
    end('ok', fields);
    return { kind: 'priced', price: found.price, currency: found.currency };
  }
}

/** Emits a backoff event for `attempt`, which just failed. */
export function emitBackoff(
  ctx: BatchContext,
  options: { item: number; attempt: number; failure: Failure; delayMs: number; layer: 'client' | 'policy' },
): void {
  ctx.events.emit({
    type: 'backoff',
    atMs: ctx.clock.now(),
    item: options.item,
    attempt: options.attempt,
    delayMs: options.delayMs,
    layer: options.layer,
    errorClass: options.failure.errorClass,
  });
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
