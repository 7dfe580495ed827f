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
import type { MockCore, MockReception } from './mock-core.js';
import type { NetworkDraw } from './network-model.js';
import { TransportError } from '../errors.js';

export interface ServeMockRequestOptions<T> {
  /** The Scrapfly mock core, or the sites' (anything that receives requests). */
  core: Pick<MockCore, 'receive'>;
  clock: Clock;
  method: string;
  url: string;
  signal?: AbortSignal;
  /** Builds the face's own response object from the mock's (default: the mock's as is). */
  wrap?: (response: MockResponse) => T;
  /**
   * Lets the request cross a zero-millisecond network hop (one clock step) before it reaches the
   * core; a request aborted before the hop never arrives. See `withInProcessHop`.
   */
  hop?: boolean;
  /**
   * What the network does to this request (see NetworkModel), instead of the zero hop: the request
   * reaches the core after `uplinkMs`, its answer reaches the client `downlinkMs` after the core
   * sends it; a reset rejects with a TransportError, a truncated answer is wrapped with `truncated`.
   */
  network?: NetworkDraw;
}

/**
 * Resolves with the response (passed through `wrap`, which faces use to build their own response
 * object without another promise hop), or rejects with `signal.reason` when the client aborted.
 */
export function serveMockRequest<T = MockResponse>(options: ServeMockRequestOptions<T>): Promise<T> {
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(signal.reason);
  let pending!: PendingRequest<T>;
  const answer = new Promise<T>((resolve, reject) => {
    pending = new PendingRequest(options, resolve, reject);
  });
  // Outside the promise's executor: a bug in the core throws to the caller (or, after the hop, to
  // the clock) instead of turning into a rejection that the client would take for a network error.
  if (options.network) options.clock.schedule(options.network.uplinkMs, () => pending.arrive());
  else if (options.hop) options.clock.schedule(0, () => pending.arrive());
  else pending.arrive();
  return answer;
}

/** One request between its arrival and its answer: one object instead of a closure per step. */
class PendingRequest<T> {
  #reception: MockReception | null = null;
  #onAbort: (() => void) | null = null;

  constructor(
    private readonly options: ServeMockRequestOptions<T>,
    private readonly resolve: (value: T) => void,
    private readonly reject: (reason: unknown) => void,
  ) {}

  arrive(): void {
    const { options } = this;
    const { signal } = options;
    if (signal?.aborted) return this.reject(signal.reason);
    const reception = options.core.receive({ method: options.method, url: options.url });
    if (reception.kind === 'response') return this.#deliver(reception.response);
    this.#reception = reception;
    if (signal && reception.releasesOnDisconnect) {
      this.#onAbort = () => {
        reception.disconnect();
        this.reject(signal.reason);
      };
      signal.addEventListener('abort', this.#onAbort, { once: true });
    }
    options.clock.schedule(reception.serverMs, () => this.answer());
  }

  answer(): void {
    const { signal } = this.options;
    const reception = this.#reception as Extract<MockReception, { kind: 'scrape' }>;
    if (this.#onAbort) signal?.removeEventListener('abort', this.#onAbort);
    const gone = signal?.aborted === true;
    const response = reception.finish(gone);
    if (gone) this.reject(signal?.reason);
    else this.#deliver(response);
  }

  /** Hands the answer to the client, after its way back when there is a network. */
  #deliver(response: MockResponse): void {
    const network = this.options.network;
    if (!network) return this.resolve(this.#wrap(response));
    this.options.clock.schedule(network.downlinkMs, () => {
      const { signal } = this.options;
      if (signal?.aborted) this.reject(signal.reason);
      else if (network.reset) this.reject(new TransportError('ECONNRESET: the connection was reset before the answer'));
      else this.resolve(this.#wrap(network.truncated ? { ...response, truncated: true } : response));
    });
  }

  #wrap(response: MockResponse): T {
    return this.options.wrap ? this.options.wrap(response) : (response as unknown as T);
  }
}
