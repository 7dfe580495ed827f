/**
 * A FIFO lock standing for a single event loop blocked by synchronous calls: under `blocking`
 * execution a worker holds it for a whole item, so items run one at a time in the order their
 * workers asked for the loop.
 */
export interface EventLoopLock {
  /** Resolves when the caller holds the lock. */
  acquire(): Promise<void>;
  /** Hands the lock to the next waiter, if any. */
  release(): void;
}

export function createEventLoopLock(): EventLoopLock {
  const waiters: Array<() => void> = [];
  let held = false;
  return {
    acquire() {
      if (!held) {
        held = true;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => waiters.push(resolve));
    },
    release() {
      const next = waiters.shift();
      if (next) next();
      else held = false;
    },
  };
}
