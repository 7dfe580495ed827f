/**
 * The simulated network in front of the msw face of the mock (see NetworkSpec; the direct face has
 * it built in, see createDirectTransport): each request
 * reaches the face after its uplink delay and its answer reaches the client after its downlink
 * delay; resets, truncated bodies and outages fail it as the client's socket would. With an instant
 * network this wrapper is not used and faces keep their zero-millisecond hop.
 *
 * A request whose client aborts during its uplink is dropped before it reaches the API (in truth
 * its bytes would still arrive); uplinks are tens of milliseconds and aborts come from timeouts of
 * seconds, so this only matters for aborts at the batch's end.
 */
import { TransportError, TruncatedBodyError } from '../errors.js';
import type { Clock, HeaderReader, Transport, TransportResponse, TransportSendOptions } from '../ports.js';
import type { NetworkOutageSpec } from './network-spec.js';
import { OS_CONNECT_TIMEOUT_MS, type NetworkModel } from './network-model.js';

/** Wraps `face` (which must not add its own hop) with the network of `model`. */
export function withNetwork(options: { clock: Clock; face: Transport; model: NetworkModel }): Transport {
  const { clock, face, model } = options;
  return {
    send(request, sendOptions) {
      const { signal } = sendOptions;
      if (signal?.aborted) return Promise.reject(signal.reason);
      return new Promise<TransportResponse>((resolve, reject) => {
        const settle = (fn: () => void) => {
          if (signal?.aborted) reject(signal.reason);
          else fn();
        };
        const outage = model.outageAt(clock.now());
        if (outage) {
          failThroughOutage({ clock, model, outage, url: request.url, options: sendOptions }).then(resolve, reject);
          return;
        }
        const draw = model.draw(request.url);
        clock.schedule(draw.uplinkMs, () =>
          settle(() =>
            face.send(request, sendOptions).then(
              (response) =>
                clock.schedule(draw.downlinkMs, () =>
                  settle(() => {
                    if (draw.reset) reject(new TransportError('ECONNRESET: the connection was reset before the answer'));
                    else resolve(draw.truncated ? new TruncatedResponse(response) : response);
                  }),
                ),
              reject,
            ),
          ),
        );
      });
    },
  };
}

/**
 * A request sent during an outage: refused after a round trip, or, when nothing answers, failed at
 * the client's connect timeout (the operating system's when it has none). Never reaches the API.
 */
export function failThroughOutage(options: { clock: Clock; model: NetworkModel; outage: NetworkOutageSpec; url: string; options: TransportSendOptions }): Promise<TransportResponse> {
  const { clock, model, outage } = options;
  const { signal } = options.options;
  return new Promise((_resolve, reject) => {
    const fail = (error: TransportError) => reject(signal?.aborted ? signal.reason : error);
    if (outage.kind === 'refused') {
      const { uplinkMs, downlinkMs } = model.draw(options.url);
      clock.schedule(uplinkMs + downlinkMs, () => fail(new TransportError('ECONNREFUSED: the connection was refused')));
    } else {
      const waitMs = options.options.connectTimeoutMs ?? OS_CONNECT_TIMEOUT_MS;
      clock.schedule(waitMs, () => fail(new TransportError(`ETIMEDOUT: no connection after ${waitMs} ms (connect timeout)`)));
    }
  });
}

/** An answer whose headers arrived and whose body broke off. */
class TruncatedResponse implements TransportResponse {
  readonly status: number;
  readonly headers: HeaderReader;

  constructor(response: TransportResponse) {
    this.status = response.status;
    this.headers = response.headers;
  }

  json(): Promise<unknown> {
    return Promise.reject(new TruncatedBodyError());
  }

  text(): Promise<string> {
    return Promise.reject(new TruncatedBodyError());
  }
}
