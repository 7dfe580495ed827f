/**
 * The mock's direct face: a Transport that hands requests to the mock core without building
 * fetch Request/Response objects, for large simulated runs. Gives the same events as the msw face.
 */
import type { Clock, HeaderReader, Transport, TransportResponse } from '../ports.js';
import type { MockResponse } from './envelopes.js';
import type { MockCore } from './mock-core.js';
import { serveMockRequest } from './serve-request.js';

/** Creates a Transport served directly by `core` on `clock`. */
export function createDirectTransport(options: { core: MockCore; clock: Clock }): Transport {
  return {
    send: (request, { signal }) =>
      serveMockRequest({ core: options.core, clock: options.clock, method: request.method, url: request.url, signal, wrap: toTransportResponse }),
  };
}

function toTransportResponse(response: MockResponse): TransportResponse {
  return new DirectResponse(response);
}

/** A response handed over as is: the body object is the envelope itself, not a copy. */
class DirectResponse implements TransportResponse, HeaderReader {
  readonly status: number;
  readonly #response: MockResponse;

  constructor(response: MockResponse) {
    this.status = response.status;
    this.#response = response;
  }

  get headers(): HeaderReader {
    return this;
  }

  get(name: string): string | null {
    return this.#response.headers[name.toLowerCase()] ?? null;
  }

  json(): Promise<unknown> {
    return Promise.resolve(this.#response.body);
  }

  text(): Promise<string> {
    return Promise.resolve(JSON.stringify(this.#response.body));
  }
}
