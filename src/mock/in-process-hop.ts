/**
 * Makes in-process faces of the mock behave identically on a virtual clock. Each request crosses
 * a zero-millisecond "network hop" (one clock timer) before it reaches the face, so requests
 * arrive at the mock one per virtual-clock step, in the order the engine sent them, however many
 * microtask hops the face itself takes (msw takes many, the direct face almost none). A request
 * aborted before its hop never reaches the mock.
 */
import type { Clock, Transport } from '../ports.js';

/** Wraps a face's send with the hop. */
export function withInProcessHop(options: { clock: Clock; face: Transport }): Transport {
  const { clock, face } = options;
  return {
    send(request, { signal }) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      return new Promise((resolve, reject) => {
        clock.schedule(0, () => {
          if (signal?.aborted) reject(signal.reason);
          else face.send(request, { signal }).then(resolve, reject);
        });
      });
    },
  };
}
