/**
 * A virtual clock on @sinonjs/fake-timers `createClock()` (never `install()`: nothing global is
 * patched). Time stands still while work runs and jumps to the next timer only when every unit of
 * in-flight work is parked on a virtual timer.
 *
 * Quiescence is detected with a `process.nextTick` round (Node runs ticks only once the microtask
 * queue is empty) and, every 1024 steps, a full macrotask turn of the real event loop: when it
 * comes back, every microtask queued by the engine, the client, msw and native `Response` bodies
 * has run, so anything still pending is waiting on a virtual timer. The clock then fires exactly
 * one timer (the earliest, ties in creation order) and yields again. Work that waits on something
 * outside the clock (real sockets, files) would be advanced past: such work must not run under a
 * virtual clock, and when nothing is scheduled while the work is still pending, `run` rejects with
 * `VirtualClockStallError` instead of hanging.
 */
import { scheduleInSteps } from './long-timer.js';
import FakeTimers from '@sinonjs/fake-timers';
import { setImmediate as yieldMacrotask } from 'node:timers';
import { VirtualClockStallError } from '../errors.js';
import type { CancelTimer, Clock } from '../ports.js';

/**
 * fake-timers bound to a stand-in global whose `setTimeout` returns a number. fake-timers mirrors
 * the host's timer handles: on Node's global it builds a Timeout-like object (five closures) for
 * every timer, which a simulation that sets hundreds of thousands of timers pays for in garbage.
 * With numeric ids, `setTimeout` returns the id and `clearTimeout` takes it. The stand-in's own
 * timers are never called: `createClock()` only reads them to learn the handle type.
 */
const timers = FakeTimers.withGlobal({ Date, setTimeout: () => 0, clearTimeout: () => undefined });

/** Steps are queued as reactions on this promise. */
const SETTLED = Promise.resolve();

/** A Clock whose time only moves inside `run`. */
export interface VirtualClock extends Clock {
  /**
   * Runs `work` to completion, advancing virtual time at quiescence. Resolves or rejects as the
   * work does. Only one `run` may be active on a clock at a time.
   */
  run<T>(work: () => Promise<T>): Promise<T>;
  /** Timers currently scheduled. */
  pendingTimers(): number;
  /** Timers fired so far (the number of virtual-time steps taken). */
  firedTimers(): number;
}

/** Creates a virtual clock whose time starts at `startMs` (milliseconds since the Unix epoch). */
export function createVirtualClock(options: { startMs: number }): VirtualClock {
  const fake = timers.createClock(options.startMs, Number.MAX_SAFE_INTEGER);
  let running = false;
  let fired = 0;
  // Zero-delay callbacks wait in a FIFO and run one per step before any timer of the current
  // time: the same order fake-timers would give them, without the cost of a timer each.
  // A taken slot is cleared at once, so callbacks that already ran are not kept alive.
  const immediate: Array<{ callback: () => void; cancelled: boolean } | null> = [];
  let immediateHead = 0;

  const schedule = (ms: number, callback: () => void): CancelTimer => {
    if (!(ms > 0)) {
      const task = { callback, cancelled: false };
      immediate.push(task);
      return () => {
        task.cancelled = true;
      };
    }
    return scheduleInSteps(
      (delay, run) => {
        const id = fake.setTimeout(run, delay);
        return () => fake.clearTimeout(id);
      },
      Math.ceil(ms),
      callback,
    );
  };

  /** Runs the next zero-delay callback; false when there is none. */
  const runImmediate = (): boolean => {
    while (immediateHead < immediate.length) {
      const task = immediate[immediateHead] as { callback: () => void; cancelled: boolean };
      immediate[immediateHead++] = null;
      if (immediateHead > 1024 && immediateHead * 2 > immediate.length) {
        immediate.splice(0, immediateHead);
        immediateHead = 0;
      }
      if (task.cancelled) continue;
      fired += 1;
      task.callback();
      return true;
    }
    return false;
  };

  const sleep = (ms: number, signal?: AbortSignal): Promise<void> => {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (!(ms > 0)) return Promise.resolve();
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

  /**
   * The driving loop, one step per virtual-time event, until `promise` settles: a step runs only
   * when the microtask queue is empty (it is queued from a `process.nextTick` callback, which Node
   * runs once the queue has drained), and every 1024 steps it waits a full macrotask turn instead.
   * Callbacks rather than an awaited promise per step: a batch of 100,000 items takes a few hundred
   * thousand steps. Rejects when a timer's callback throws or the clock stalls.
   */
  const drive = (promise: Promise<unknown>): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      let settled = false;
      let steps = 0;
      promise.then(
        () => (settled = true),
        () => (settled = true),
      );
      const step = () => {
        if (settled) return resolve();
        try {
          if (!runImmediate()) {
            if (fake.countTimers() === 0) {
              throw new VirtualClockStallError(
                `Virtual clock stalled at ${new Date(fake.now).toISOString()}: work is pending but nothing is scheduled on the clock (it waits on something outside virtual time)`,
              );
            }
            fired += 1;
            fake.next();
          }
        } catch (error) {
          return reject(error);
        }
        arm();
      };
      // The step itself runs as a microtask queued from the tick (or the macrotask), as the
      // continuation of an awaited promise would: callbacks it fires see the same queue order.
      // (A reaction on a settled promise is cheaper than queueMicrotask, which wraps every
      // callback in an async resource.)
      const queueStep = () => void SETTLED.then(step);
      const arm = () => {
        steps += 1;
        if ((steps & 1023) === 0) yieldMacrotask(queueStep);
        else process.nextTick(queueStep);
      };
      yieldMacrotask(queueStep);
    });

  const run = async <T>(work: () => Promise<T>): Promise<T> => {
    if (running) throw new Error('VirtualClock.run is already active on this clock');
    running = true;
    try {
      const promise = work();
      await drive(promise);
      return await promise;
    } finally {
      running = false;
    }
  };

  return {
    now: () => fake.now,
    sleep,
    schedule,
    run,
    pendingTimers: () => fake.countTimers() + immediate.slice(immediateHead).filter((t) => t !== null && !t.cancelled).length,
    firedTimers: () => fired,
  };
}
