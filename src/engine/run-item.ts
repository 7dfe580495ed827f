/**
 * One item on one worker: the tier ladder. Each tier gets up to `retry.maxCalls` client calls;
 * a failed call is retried on the same tier, escalated to the next tier, or fails the item, as the
 * policy's rules say. The call timeout and the item deadline cut calls with the policy's
 * semantics (abort or abandon); under `blocking` execution they only take effect once the
 * running call returns, as a timer on a blocked event loop would.
 */
import type { CutReason } from '../events/batch-event.js';
import { CancelledError } from '../errors.js';
import { computeBackoffMs } from './backoff.js';
import type { BatchContext, ItemState } from './batch-context.js';
import type { Failure, ItemResult } from './batch-types.js';
import { matchesSelectors } from './error-selector.js';
import { CallRun, emitBackoff, type AttemptOutcome } from './run-call.js';
import { settleItem } from './settle-item.js';

const CALL_TIMEOUT_FAILURE: Failure = { errorClass: 'client-timeout', errorCode: null, retryable: true, retryAfterMs: null };

/** Runs the item to its outcome. Emits `item.end`; the caller emitted `item.start`. */
export async function runItem(ctx: BatchContext, state: ItemState): Promise<ItemResult> {
  const { policy, clock } = ctx;
  const cancelDeadline =
    policy.itemDeadlineMs === null || policy.execution === 'blocking'
      ? null
      : clock.schedule(policy.itemDeadlineMs, () => cutItem(state, 'item-deadline'));
  try {
    let last: Failure | null = null;
    for (let t = 0; t < policy.tiers.length; t++) {
      const tier = policy.tiers[t]!;
      state.tier = t + 1;
      for (let callInTier = 1; ; callInTier++) {
        const cut = checkCut(ctx, state);
        if (cut) return finish(ctx, state, cutOutcome(cut, last));
        const call = new CallRun(ctx, state, tier, t + 1, ++state.calls);
        const outcome = await waitForCall(ctx, state, call);
        if (outcome.kind === 'priced') return finish(ctx, state, { outcome: 'priced', price: outcome.price, currency: outcome.currency, reason: null, errorCode: null });
        if (outcome.kind === 'cut' && outcome.reason !== 'call-timeout') return finish(ctx, state, cutOutcome(outcome.reason, last));
        const failure = outcome.kind === 'failed' ? outcome.failure : CALL_TIMEOUT_FAILURE;
        last = failure;
        if (callInTier < policy.retry.maxCalls && matchesSelectors(policy.retry.on, failure)) {
          state.random ??= ctx.random.fork(`i${state.index}`);
          let delayMs = computeBackoffMs(policy.retry.backoff, callInTier - 1, state.random);
          if (policy.retry.respectRetryAfter && failure.retryAfterMs !== null) delayMs = Math.max(delayMs, failure.retryAfterMs);
          emitBackoff(ctx, { item: state.index, attempt: state.attempts, failure, delayMs, layer: 'policy' });
          const cutDuringWait = await sleepUnlessCut(ctx, state, delayMs);
          if (cutDuringWait) return finish(ctx, state, cutOutcome(cutDuringWait, last));
          continue;
        }
        if (t + 1 < policy.tiers.length && matchesSelectors(policy.escalateOn, failure)) {
          ctx.events.emit({ type: 'tier.escalate', atMs: clock.now(), item: state.index, fromTier: t + 1, toTier: t + 2, errorClass: failure.errorClass, errorCode: failure.errorCode });
          break;
        }
        return finish(ctx, state, { outcome: 'failed', price: null, currency: null, reason: failure.errorClass, errorCode: failure.errorCode });
      }
    }
    // Unreachable with at least one tier: the last tier either prices, fails or is cut.
    return finish(ctx, state, { outcome: 'failed', price: null, currency: null, reason: last?.errorClass ?? 'other', errorCode: last?.errorCode ?? null });
  } finally {
    cancelDeadline?.();
    state.onCut = null;
    state.onEnd?.(state);
  }
}

type Ending = Pick<ItemResult, 'outcome' | 'price' | 'currency' | 'reason' | 'errorCode'>;

function cutOutcome(reason: CutReason, last: Failure | null): Ending {
  return {
    outcome: reason === 'cancelled' ? 'failed' : 'timed-out',
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

/**
 * Waits for a call: its outcome, or the cut its timeout or the item's cut makes (CallRun races
 * them). Under `blocking` execution a timer cannot fire while the call blocks the loop, so a call
 * timeout lands once the call returns.
 */
function waitForCall(ctx: BatchContext, state: ItemState, call: CallRun): Promise<AttemptOutcome> {
  const { policy, clock } = ctx;
  if (policy.execution !== 'blocking') return call.outcome;
  const startMs = clock.now();
  return call.outcome.then((outcome) => {
    if (policy.callTimeoutMs !== null && clock.now() - startMs > policy.callTimeoutMs) {
      ctx.events.emit({ type: 'call.timeout', atMs: clock.now(), item: state.index, call: state.calls, semantics: policy.timeoutSemantics });
      return { kind: 'cut', reason: 'call-timeout' };
    }
    return outcome;
  });
}

/** Sleeps `delayMs` unless the item is cut first; returns the cut reason or null. */
async function sleepUnlessCut(ctx: BatchContext, state: ItemState, delayMs: number): Promise<CutReason | null> {
  if (state.cut !== null) return state.cut;
  const controller = new AbortController();
  state.onCut = (reason) => controller.abort(new CancelledError(reason));
  try {
    await ctx.clock.sleep(delayMs, controller.signal);
    return null;
  } catch (error) {
    if (error instanceof CancelledError) return error.reason as CutReason;
    throw error;
  } finally {
    state.onCut = null;
  }
}

function finish(ctx: BatchContext, state: ItemState, ending: Ending): ItemResult {
  return settleItem(ctx, {
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
}
