/**
 * Timers longer than `setTimeout` can hold. Node's timers (and fake-timers, which mirrors them)
 * turn any delay above 2^31 − 1 ms (24.8 days) into 1 ms; a scenario may name durations up to 30
 * days, so such a timer is set in steps of at most that long, each arming the next.
 */
import type { CancelTimer } from '../ports.js';

/** The longest delay one `setTimeout` honours, ms. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** Calls `callback` after `ms` through `setTimer`, in steps of at most MAX_TIMER_DELAY_MS. */
export function scheduleInSteps(setTimer: (ms: number, callback: () => void) => CancelTimer, ms: number, callback: () => void): CancelTimer {
  if (!(ms > MAX_TIMER_DELAY_MS)) return setTimer(ms, callback);
  let cancel = setTimer(MAX_TIMER_DELAY_MS, () => {
    cancel = scheduleInSteps(setTimer, ms - MAX_TIMER_DELAY_MS, callback);
  });
  return () => cancel();
}
