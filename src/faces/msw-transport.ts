/**
 * A Transport that resolves requests through msw handlers in-process with `getResponse`, without
 * patching the global fetch: the client's request becomes a real fetch `Request`, the handler's
 * answer a real `Response`.
 */
import { getResponse, type RequestHandler } from 'msw';
import { TransportError } from '../errors.js';
import type { Transport } from '../ports.js';

/**
 * Creates a Transport over `handlers`. A request no handler matches fails as a network error.
 * An aborted request rejects with the abort reason once its handler settles.
 */
export function createMswTransport(options: { handlers: RequestHandler[] }): Transport {
  return {
    async send(request, { signal }) {
      if (signal?.aborted) throw signal.reason;
      const fetchRequest = new Request(request.url, { method: request.method, headers: request.headers, body: request.body ?? null, signal });
      let response: Response | undefined;
      try {
        response = await getResponse(options.handlers, fetchRequest);
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        throw error;
      }
      if (signal?.aborted) throw signal.reason;
      if (!response) throw new TransportError(`No mock handler for ${request.method} ${new URL(request.url).pathname}`);
      // HttpResponse.error(): the connection failed (a site's reset).
      if (response.type === 'error') throw new TransportError('ECONNRESET: the connection was reset by the peer');
      return response;
    },
  };
}
