/**
 * One item on one worker: the tier ladder. Each tier gets up to `retry.maxCalls` client calls;
 * a failed call is retried on the same tier, escalated to the next tier, or fails the item, as the
 * policy's rules say. The call timeout and the item deadline cut calls with the policy's
 * semantics (abort or abandon); under `blocking` execution they only take effect once the
 * running call returns, as a timer on a blocked event loop would.
 */
import type { CutReason } from '../events/batch-event.js';
import type { CancelTimer } from '../ports.js';
import { computeBackoffMs } from './backoff.js';
import type { BatchContext, ItemState } from './batch-context.js';
import type { Failure, ItemResult } from './batch-types.js';
import { matchesSelectors } from './error-selector.js';
import { CallRun, emitBackoff, type AttemptOutcome, type CallWaiter } from './run-call.js';
import { settleItem } from './settle-item.js';

const CALL_TIMEOUT_FAILURE: Failure = { errorClass: 'client-timeout', errorCode: null, retryable: true, retryAfterMs: null };

/**
 * Runs the item to its outcome. Emits `item.end`; the caller emitted `item.start`. Rejects only on
 * a bug. `state.onEnd` is called once the outcome is recorded, before the promise settles.
 */
export function runItem(ctx: BatchContext, state: ItemState): Promise<ItemResult> {
  return new Promise<ItemResult>((resolve, reject) => new ItemRun(ctx, state, resolve, reject).start());
}

type Ending = Pick<ItemResult, 'outcome' | 'price' | 'currency' | 'reason' | 'errorCode'>;

/**
 * The ladder as a state machine: each step (a call's outcome, the end of a backoff, a cut) runs
 * the moment it happens, so an item waiting on the network keeps no suspended frame alive.
 */
class ItemRun implements CallWaiter {
  #tierIndex = 0;
  #callInTier = 0;
  #callStartMs = 0;
  #last: Failure | null = null;
  #cancelDeadline: CancelTimer | null = null;
  #cancelBackoff: CancelTimer | null = null;
  #done = false;

  constructor(
    private readonly ctx: BatchContext,
    private readonly state: ItemState,
    private readonly resolve: (result: ItemResult) => void,
    private readonly reject: (error: unknown) => void,
  ) {}

  start(): void {
    const { policy, clock } = this.ctx;
    const { state } = this;
    if (policy.itemDeadlineMs !== null && policy.execution !== 'blocking') {
      this.#cancelDeadline = clock.schedule(policy.itemDeadlineMs, () => cutItem(state, 'item-deadline'));
    }
    // runBatch refuses a policy without tiers.
    this.#guard(() => this.#enterTier(0));
  }

  callEnded(_call: CallRun, ended: AttemptOutcome): void {
    // A call can end after its item did (a sink cancelled the batch on one of its events).
    if (this.#done) return;
    this.#guard(() => this.#afterCall(ended));
  }

  callFailed(_call: CallRun, error: unknown): void {
    this.#fail(error);
  }

  #enterTier(t: number): void {
    this.#tierIndex = t;
    this.#callInTier = 0;
    this.state.tier = t + 1;
    this.#nextCall();
  }

  #nextCall(): void {
    const { ctx, state } = this;
    this.#callInTier += 1;
    const cut = checkCut(ctx, state);
    if (cut) return this.#finish(cutOutcome(cut, this.#last));
    this.#callStartMs = ctx.clock.now();
    const tier = ctx.policy.tiers[this.#tierIndex]!;
    new CallRun(ctx, state, tier, this.#tierIndex + 1, ++state.calls, this);
  }

  #afterCall(ended: AttemptOutcome): void {
    const { ctx, state } = this;
    const { policy, clock } = ctx;
    let outcome = ended;
    // Under blocking execution a timer could not fire while the call blocked the loop: the call
    // timeout lands after the call returns.
    if (policy.execution === 'blocking' && policy.callTimeoutMs !== null && clock.now() - this.#callStartMs > policy.callTimeoutMs) {
      ctx.events.emit({ type: 'call.timeout', atMs: clock.now(), item: state.index, call: state.calls, semantics: policy.timeoutSemantics });
      outcome = { kind: 'cut', reason: 'call-timeout' };
    }
    if (outcome.kind === 'priced') return this.#finish({ outcome: 'priced', price: outcome.price, currency: outcome.currency, reason: null, errorCode: null });
    if (outcome.kind === 'cut' && outcome.reason !== 'call-timeout') return this.#finish(cutOutcome(outcome.reason, this.#last));
    const failure = outcome.kind === 'failed' ? outcome.failure : CALL_TIMEOUT_FAILURE;
    this.#last = failure;
    if (this.#callInTier < policy.retry.maxCalls && matchesSelectors(policy.retry.on, failure)) {
      state.random ??= ctx.random.fork(`i${state.index}`);
      let delayMs = computeBackoffMs(policy.retry.backoff, this.#callInTier - 1, state.random);
      if (policy.retry.respectRetryAfter && failure.retryAfterMs !== null) delayMs = Math.max(delayMs, failure.retryAfterMs);
      emitBackoff(ctx, { item: state.index, attempt: state.attempts, failure, delayMs, layer: 'policy' });
      return this.#backoff(delayMs);
    }
    if (this.#tierIndex + 1 < policy.tiers.length && matchesSelectors(policy.escalateOn, failure)) {
      const from = this.#tierIndex + 1;
      ctx.events.emit({ type: 'tier.escalate', atMs: clock.now(), item: state.index, fromTier: from, toTier: from + 1, errorClass: failure.errorClass, errorCode: failure.errorCode });
      return this.#enterTier(this.#tierIndex + 1);
    }
    this.#finish({ outcome: 'failed', price: null, currency: null, reason: failure.errorClass, errorCode: failure.errorCode });
  }

  /** Waits `delayMs` before the next call on this tier, unless the item is cut first. */
  #backoff(delayMs: number): void {
    const { state } = this;
    if (state.cut !== null) return this.#finish(cutOutcome(state.cut, this.#last));
    if (!(delayMs > 0)) return this.#nextCall();
    // Finishing cancels the backoff timer and drops this handler (#cleanUp).
    state.onCut = (reason) => this.#guard(() => this.#finish(cutOutcome(reason, this.#last)));
    this.#cancelBackoff = this.ctx.clock.schedule(delayMs, () => {
      this.#cancelBackoff = null;
      state.onCut = null;
      this.#guard(() => this.#nextCall());
    });
  }

  #finish(ending: Ending): void {
    if (this.#done) return;
    const { ctx, state } = this;
    const result = settleItem(ctx, {
      index: state.index,
      name: state.item.name,
      url: state.item.url,
      domain: state.item.domain,
      worker: state.worker,
      startMs: state.startMs,
      endMs: ctx.clock.now(),
      ...ending,
      attempts: state.attempts,
      tier: state.tier,
    });
    this.#cleanUp();
    this.resolve(result);
  }

  /** Runs `step`; a bug thrown by it rejects the item. */
  #guard(step: () => void): void {
    try {
      step();
    } catch (error) {
      this.#fail(error);
    }
  }

  #fail(error: unknown): void {
    this.#cleanUp();
    this.reject(error);
  }

  #cleanUp(): void {
    if (this.#done) return;
    this.#done = true;
    this.#cancelDeadline?.();
    this.#cancelBackoff?.();
    this.state.onCut = null;
    this.state.onEnd(this.state);
  }
}

function cutOutcome(reason: CutReason, last: Failure | null): Ending {
  return {
    outcome: reason === 'cancelled' || reason === 'outage' ? 'failed' : 'timed-out',
    price: null,
    currency: null,
    reason,
    errorCode: last?.errorCode ?? null,
  };
}

/** Marks the item cut; the first reason wins. */
export function cutItem(state: ItemState, reason: CutReason): void {
  if (state.cut !== null) return;
  state.cut = reason;
  state.onCut?.(reason);
}

/** The reason the item must stop now, if any (under blocking execution deadlines are checked here). */
function checkCut(ctx: BatchContext, state: ItemState): CutReason | null {
  if (state.cut !== null) return state.cut;
  const deadline = ctx.policy.itemDeadlineMs;
  if (ctx.policy.execution === 'blocking' && deadline !== null && ctx.clock.now() - state.startMs >= deadline) {
    state.cut = 'item-deadline';
  }
  return state.cut;
}
