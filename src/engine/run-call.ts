/**
 * One client call: what a single `client.scrape(config)` does inside the client library. Each
 * request has the read timeout (the request is closed when it fires); the library retries the
 * failures its spec names, with backoff, up to `maxTries` requests. The policy's call timeout and
 * the item's cuts end the wait for a call with the policy's semantics: `abort` cancels the request
 * in flight, `abandon` stops waiting but lets the call run on, retries included, as a zombie whose
 * events say so.
 */
import type { CutReason } from '../events/batch-event.js';
import { CancelledError, type ClientTimeoutError } from '../errors.js';
import type { CancelTimer, Random } from '../ports.js';
import { computeBackoffMs } from './backoff.js';
import type { BatchContext, ItemState } from './batch-context.js';
import type { Failure } from './batch-types.js';
import { matchesSelectors } from './error-selector.js';
import type { TierSpec } from './policy.js';
import { Attempt } from './run-attempt.js';
import type { SignalHolder } from './signal-holder.js';

/** How an attempt or a call ended. */
export type AttemptOutcome =
  | { kind: 'priced'; price: number; currency: string | null }
  | { kind: 'failed'; failure: Failure }
  | { kind: 'cut'; reason: CutReason };

/** Who waits for a call: told once, the moment the wait ends. */
export interface CallWaiter {
  /** The call ended with `outcome`, or (under `abandon`) the wait was cut and the call runs on. */
  callEnded(call: CallRun, outcome: AttemptOutcome): void;
  /** A bug surfaced while running the call. */
  callFailed(call: CallRun, error: unknown): void;
}

/**
 * A call in progress; its waiter hears how it ended.
 *
 * A state machine rather than an async function: between its requests a call waits on the clock
 * or the transport, and a thousand calls in flight would each keep a suspended frame alive. Each
 * step (an answer, a read timeout, an abort, the end of a backoff) runs at the moment it happens.
 */
export class CallRun {
  /** True while the item waits for this call. */
  #waited = true;
  #cancelCallTimeout: CancelTimer | null = null;
  #abandoned = false;
  #finished: Promise<void> | null = null;
  #resolveFinished: (() => void) | null = null;
  #rejectFinished: ((error: unknown) => void) | null = null;
  #abortReason: CutReason | null = null;
  /** The request in flight, or null. */
  #inFlight: Attempt | null = null;
  #lastAttempt = 0;
  #tryNumber = 0;
  #cancelBackoff: CancelTimer | null = null;
  #signals: SignalHolder;
  #random: Random | null = null;

  constructor(
    readonly ctx: BatchContext,
    readonly state: ItemState,
    readonly tier: TierSpec,
    readonly tierNumber: number,
    readonly call: number,
    /**
     * Hears the call's outcome, or a cut the moment the call timeout passes or the item is cut
     * (under `abandon` the call then runs on as a zombie; see `finished`).
     */
    private readonly waiter: CallWaiter,
  ) {
    this.#signals = state.signals;
    this.#startTry();
    // Under blocking execution no timer can interrupt the call: the item checks after it returns.
    if (ctx.policy.execution !== 'blocking') this.#watch();
  }

  /** Whether the call was abandoned (its events say zombie). */
  get abandoned(): boolean {
    return this.#abandoned;
  }

  /** Resolves when an abandoned call has really ended; at once for a call nobody abandoned. */
  get finished(): Promise<void> {
    return this.#finished ?? Promise.resolve();
  }

  /** The signal the next request goes out with. */
  get signal(): AbortSignal {
    return this.#signals.signal;
  }

  /** Cancels the request in flight (or the backoff) and ends the call as cut. */
  abort(reason: CutReason): void {
    if (this.#abortReason !== null) return;
    this.#abortReason = reason;
    if (this.#inFlight) this.abortRequest(new CancelledError(reason));
    if (this.#cancelBackoff) {
      this.#cancelBackoff();
      this.#cancelBackoff = null;
      this.#end({ kind: 'cut', reason });
    }
  }

  /** Cancels the request in flight with `reason` (a read timeout or a cut) and stops waiting for it. */
  abortRequest(reason: ClientTimeoutError | CancelledError): void {
    this.#signals.abort(reason);
    this.#inFlight?.stop(reason);
  }

  /**
   * Runs one step that a timer, a cut or the transport started (nothing above it would catch): a
   * bug thrown by it fails the call, so the batch rejects instead of the clock.
   */
  guard(step: () => void): void {
    try {
      step();
    } catch (error) {
      this.failed(error);
    }
  }

  /** Arms the call timeout and takes the item's cuts while the item waits. */
  #watch(): void {
    const { ctx, state } = this;
    state.onCut = (reason) => this.guard(() => this.#cut(reason));
    if (state.cut !== null) this.#cut(state.cut);
    const timeoutMs = ctx.policy.callTimeoutMs;
    if (timeoutMs !== null && this.#waited) {
      this.#cancelCallTimeout = ctx.clock.schedule(timeoutMs, () =>
        this.guard(() => {
          ctx.events.emit({ type: 'call.timeout', atMs: ctx.clock.now(), item: state.index, call: state.calls, semantics: ctx.policy.timeoutSemantics });
          this.#cut('call-timeout');
        }),
      );
    }
  }

  /** The item stops waiting: under `abandon` the call runs on as a zombie, otherwise it is aborted. */
  #cut(reason: CutReason): void {
    if (!this.#waited) return;
    if (this.ctx.policy.timeoutSemantics === 'abandon' && reason !== 'cancelled') this.#abandon(reason);
    else this.abort(reason);
  }

  /** Nobody waits any more; the call runs on and its events say zombie; the batch waits for it. */
  #abandon(reason: CutReason): void {
    const { ctx } = this;
    // Every change of state comes before the event: a sink that cancels the batch on it finds a
    // zombie to abort and an item no longer waiting.
    this.#abandoned = true;
    // The zombie keeps the signal of its request; the worker goes on with a fresh one.
    this.#signals = this.#signals.handOver();
    this.#finished = new Promise<void>((resolve, reject) => {
      this.#resolveFinished = resolve;
      this.#rejectFinished = reject;
    });
    // Nobody may be awaiting `finished` yet when a zombie fails: the batch sees it when it waits.
    this.#finished.catch(() => undefined);
    ctx.zombies.add(this);
    this.#stopWaiting();
    if (this.#inFlight) {
      ctx.events.emit({ type: 'attempt.abandon', atMs: ctx.clock.now(), item: this.state.index, attempt: this.#inFlight.attempt, reason });
    }
    this.waiter.callEnded(this, { kind: 'cut', reason });
  }

  #stopWaiting(): void {
    this.#waited = false;
    this.#cancelCallTimeout?.();
    this.#cancelCallTimeout = null;
    this.state.onCut = null;
  }

  /** The call ended: its outcome goes to the item, or (for a zombie) the batch stops waiting for it. */
  #end(outcome: AttemptOutcome): void {
    if (this.#waited) {
      this.#stopWaiting();
      this.waiter.callEnded(this, outcome);
    } else if (this.#resolveFinished) {
      this.ctx.zombies.delete(this);
      this.#resolveFinished();
    }
  }

  #startTry(): void {
    if (this.#abortReason !== null) return this.#end({ kind: 'cut', reason: this.#abortReason });
    this.#tryNumber += 1;
    const attempt = new Attempt(this, this.#tryNumber);
    this.#lastAttempt = attempt.attempt;
    this.#inFlight = attempt;
    attempt.send();
  }

  /** The request in flight ended with `outcome`: retry it after a backoff, or end the call. */
  attemptEnded(outcome: AttemptOutcome): void {
    this.#inFlight = null;
    try {
      const { ctx } = this;
      const client = ctx.policy.client;
      if (outcome.kind !== 'failed') return this.#end(outcome);
      if (this.#tryNumber >= client.maxTries || !matchesSelectors(client.retryOn, outcome.failure)) return this.#end(outcome);
      if (this.#abortReason !== null) return this.#end({ kind: 'cut', reason: this.#abortReason });
      this.#random ??= ctx.random.fork(`i${this.state.index}.c${this.call}`);
      const delayMs = computeBackoffMs(client.backoff, this.#tryNumber - 1, this.#random);
      emitBackoff(ctx, { item: this.state.index, attempt: this.#lastAttempt, failure: outcome.failure, delayMs, layer: 'client' });
      // A sink may have cut the call on that event.
      if (this.#abortReason !== null) return this.#end({ kind: 'cut', reason: this.#abortReason });
      if (!(delayMs > 0)) return this.#startTry();
      this.#cancelBackoff = ctx.clock.schedule(delayMs, () =>
        this.guard(() => {
          this.#cancelBackoff = null;
          this.#startTry();
        }),
      );
    } catch (error) {
      this.failed(error);
    }
  }

  /**
   * A bug surfaced while running the call: the waiting item rejects with it, or, for a zombie, the
   * batch does when it waits for its zombies (the zombie stays in their set for that).
   */
  failed(error: unknown): void {
    this.#inFlight = null;
    if (this.#waited) {
      this.#stopWaiting();
      this.waiter.callFailed(this, error);
    } else if (this.#rejectFinished) {
      this.#rejectFinished(error);
    }
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
