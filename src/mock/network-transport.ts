/**
 * The simulated network in front of an in-process face of the mock (see NetworkSpec): each request
 * reaches the face after its uplink delay and its answer reaches the client after its downlink
 * delay; resets, truncated bodies and outages fail it as the client's socket would. With an instant
 * network this wrapper is not used and faces keep their zero-millisecond hop.
 *
 * A request whose client aborts during its uplink is dropped before it reaches the API (in truth
 * its bytes would still arrive); uplinks are tens of milliseconds and aborts come from timeouts of
 * seconds, so this only matters for aborts at the batch's end.
 */
import { TransportError, TruncatedBodyError } from '../errors.js';
import type { Clock, HeaderReader, Transport, TransportResponse } from '../ports.js';
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
        if (outage?.kind === 'refused') {
          const { uplinkMs, downlinkMs } = model.draw(request.url);
          clock.schedule(uplinkMs + downlinkMs, () => settle(() => reject(new TransportError('ECONNREFUSED: the connection was refused'))));
          return;
        }
        if (outage?.kind === 'unreachable') {
          const waitMs = sendOptions.connectTimeoutMs ?? OS_CONNECT_TIMEOUT_MS;
          clock.schedule(waitMs, () => settle(() => reject(new TransportError(`ETIMEDOUT: no connection after ${waitMs} ms (connect timeout)`))));
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
