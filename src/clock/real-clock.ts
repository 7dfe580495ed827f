/** The real clock: wall time and Node's timers. Used by live batches and the mock's HTTP face. */
import type { CancelTimer, Clock } from '../ports.js';
import { scheduleInSteps } from './long-timer.js';

/** Creates a Clock on `Date.now()` and `setTimeout`. Timers do not keep the process alive on their own. */
export function createRealClock(): Clock {
  const schedule = (ms: number, callback: () => void): CancelTimer =>
    scheduleInSteps(
      (delay, run) => {
        const handle = setTimeout(run, delay);
        return () => clearTimeout(handle);
      },
      Math.max(0, ms),
      callback,
    );
  const sleep = (ms: number, signal?: AbortSignal): Promise<void> => {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      let onAbort: (() => void) | undefined;
      const cancel = schedule(ms, () => {
        if (onAbort) signal?.removeEventListener('abort', onAbort);
        resolve();
      });
      if (signal) {
        onAbort = () => {
          cancel();
          reject(signal.reason);
        };
        signal.addEventListener('abort', onAbort, { once: true });
      }
    });
  };
  return { now: () => Date.now(), sleep, schedule };
}

/**
 * A real clock whose time runs `scale` times faster than the wall clock, starting at `startMs`:
 * one real millisecond is `scale` clock milliseconds. Used to serve a scenario over real HTTP in
 * compressed time.
 */
export function createScaledClock(options: { scale: number; startMs?: number }): Clock {
  const { scale } = options;
  const wallStart = Date.now();
  const startMs = options.startMs ?? wallStart;
  const real = createRealClock();
  return {
    now: () => startMs + (Date.now() - wallStart) * scale,
    sleep: (ms, signal) => real.sleep(ms / scale, signal),
    schedule: (ms, callback) => real.schedule(ms / scale, callback),
  };
}
