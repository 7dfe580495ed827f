/**
 * The mock's direct face: a Transport that hands requests to the mock core without building
 * fetch Request/Response objects, for large simulated runs. Gives the same events as the msw face.
 */
import type { Clock, HeaderReader, Transport, TransportResponse } from '../ports.js';
import { TransportError, TruncatedBodyError } from '../errors.js';
import type { NetworkModel } from './network-model.js';
import { failThroughOutage } from './network-transport.js';
import type { MockResponse } from './envelopes.js';
import type { MockCore } from './mock-core.js';
import { serveMockRequest } from './serve-request.js';

/**
 * Creates a Transport served directly by `core` on `clock`. With `hop`, each request first crosses
 * the in-process network hop (see `withInProcessHop`), built in rather than wrapped around.
 */
export function createDirectTransport(options: { core: Pick<MockCore, 'receive'>; clock: Clock; hop?: boolean; network?: NetworkModel }): Transport {
  const { core, clock, network } = options;
  const hop = options.hop === true;
  if (network) {
    // The network built in: its uplink is the hop, one object per request as without it.
    return {
      send(request, sendOptions) {
        const { signal } = sendOptions;
        const outage = network.outageAt(clock.now());
        if (outage) return failThroughOutage({ clock, model: network, outage, url: request.url, options: sendOptions });
        return serveMockRequest({ core, clock, method: request.method, url: request.url, signal, wrap: toTransportResponse, network: network.draw(request.url) });
      },
    };
  }
  return {
    send: (request, { signal }) => serveMockRequest({ core, clock, method: request.method, url: request.url, signal, wrap: toTransportResponse, hop }),
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
    const { body } = this.#response;
    if (this.#response.reset) return Promise.reject(connectionReset());
    if (this.#response.truncated) return Promise.reject(new TruncatedBodyError());
    // A string body is a raw page (a gateway's HTML), which fetch's json() would fail to parse.
    if (typeof body === 'string') return Promise.reject(new SyntaxError(`Unexpected token '<', "${body.slice(0, 20)}"... is not valid JSON`));
    return Promise.resolve(body);
  }

  text(): Promise<string> {
    const { body } = this.#response;
    if (this.#response.reset) return Promise.reject(connectionReset());
    if (this.#response.truncated) return Promise.reject(new TruncatedBodyError());
    return Promise.resolve(typeof body === 'string' ? body : JSON.stringify(body));
  }
}

/** What a reset connection looks like to the client: the body breaks off. */
function connectionReset(): TransportError {
  return new TransportError('ECONNRESET: the connection was reset by the peer');
}
