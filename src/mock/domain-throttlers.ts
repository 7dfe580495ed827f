/**
 * User-configured Scrapfly throttlers per target domain: a concurrency cap and a sliding
 * 60-second request window. Past either, the API refuses the request at once with a THROTTLE 429.
 * Pure state over clock times passed in.
 */
import type { ThrottlerSpec } from './world-spec.js';

/** The sliding window of `requestsPerMinute`, ms. */
export const THROTTLE_WINDOW_MS = 60_000;

export interface DomainThrottlers {
  /** The THROTTLE code that refuses a scrape to `domain` at `atMs`, or null when it may start. */
  check(domain: string, atMs: number): string | null;
  /** Counts an accepted scrape to `domain`; returns the function to call when it ends. */
  admit(domain: string, atMs: number): () => void;
}

interface DomainState {
  spec: ThrottlerSpec;
  running: number;
  /** Start times of accepted scrapes, oldest first, from `head`. */
  starts: number[];
  head: number;
}

const NOTHING = (): void => {};

/** Builds the throttlers of a world, or null when it has none (the core then skips them). */
export function createDomainThrottlers(specs: Record<string, ThrottlerSpec> | undefined): DomainThrottlers | null {
  if (!specs || Object.keys(specs).length === 0) return null;
  const states = new Map<string, DomainState>();
  for (const [domain, spec] of Object.entries(specs)) states.set(domain, { spec, running: 0, starts: [], head: 0 });

  const prune = (state: DomainState, atMs: number) => {
    while (state.head < state.starts.length && (state.starts[state.head] as number) <= atMs - THROTTLE_WINDOW_MS) state.head++;
    if (state.head > 1024 && state.head * 2 > state.starts.length) {
      state.starts.splice(0, state.head);
      state.head = 0;
    }
  };

  return {
    check(domain, atMs) {
      const state = states.get(domain);
      if (!state) return null;
      if (state.spec.concurrency !== null && state.running >= state.spec.concurrency) return 'ERR::THROTTLE::MAX_CONCURRENT_REQUEST_EXCEEDED';
      if (state.spec.requestsPerMinute !== null) {
        prune(state, atMs);
        if (state.starts.length - state.head >= state.spec.requestsPerMinute) return 'ERR::THROTTLE::MAX_REQUEST_RATE_EXCEEDED';
      }
      return null;
    },
    admit(domain, atMs) {
      const state = states.get(domain);
      if (!state) return NOTHING;
      state.running += 1;
      if (state.spec.requestsPerMinute !== null) state.starts.push(atMs);
      let done = false;
      return () => {
        if (done) return;
        done = true;
        state.running -= 1;
      };
    },
  };
}
