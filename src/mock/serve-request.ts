/**
 * Serves one request from the mock core on a clock: answers at once or after the scrape's server
 * time. The server-side scrape runs to its end even when the client aborts (the slot stays held,
 * as on the real API, unless the world says disconnects free it). An aborted client's promise
 * rejects with the abort reason when the answer would have come (or at once, when disconnects free
 * the slot); callers that must stop waiting at the moment of the abort race it, as the engine does.
 * No abort listener is registered otherwise: listeners on AbortSignal are costly on the hot path.
 */
import type { Clock } from '../ports.js';
import type { MockResponse } from './envelopes.js';
import type { MockCore } from './mock-core.js';

/**
 * Resolves with the response (passed through `wrap`, which faces use to build their own response
 * object without another promise hop), or rejects with `signal.reason` when the client aborted.
 */
export function serveMockRequest<T = MockResponse>(options: {
  core: MockCore;
  clock: Clock;
  method: string;
  url: string;
  signal?: AbortSignal;
  wrap?: (response: MockResponse) => T;
}): Promise<T> {
  const { signal } = options;
  const wrap = options.wrap ?? ((response: MockResponse) => response as unknown as T);
  if (signal?.aborted) return Promise.reject(signal.reason);
  const reception = options.core.receive({ method: options.method, url: options.url });
  if (reception.kind === 'response') return Promise.resolve(wrap(reception.response));
  return new Promise<T>((resolve, reject) => {
    let onAbort: (() => void) | null = null;
    if (signal && reception.releasesOnDisconnect) {
      onAbort = () => {
        reception.disconnect();
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    }
    options.clock.schedule(reception.serverMs, () => {
      if (onAbort) signal?.removeEventListener('abort', onAbort);
      const gone = signal?.aborted === true;
      const response = reception.finish(gone);
      if (gone) reject(signal?.reason);
      else resolve(wrap(response));
    });
  });
}
