/**
 * The live Transport: HTTP/1.1 over an undici Agent with explicit connect, headers and body
 * timeouts and at least as many connections per origin as the batch has workers, so that no
 * worker ever queues behind another for a socket. The engine's clock enforces the policy's read
 * timeouts; undici's timeouts are a safety net above them (a request that outlives every policy
 * timeout fails as a network error instead of hanging). Failures reject with TransportError,
 * whose message never holds the request URL (it carries the API key).
 *
 * Requests go through the Agent's `dispatch` with a handler that collects the body, rather than
 * `request()` and a body stream: a Scrapfly answer is one JSON document read whole, and the stream
 * machinery and one abort listener per request are most of the client-side cost of a request.
 * Instead each signal gets one abort listener for all the requests it ever carries (the engine
 * reuses one signal per worker until it aborts).
 */
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import { Agent, type Dispatcher } from 'undici';
import type { IncomingHttpHeaders } from 'undici/types/header.js';
import { TransportError, TruncatedBodyError } from '../errors.js';
import type { HeaderReader, Transport, TransportResponse } from '../ports.js';
import { redactSecret } from '../scrapfly/scrape-params.js';

export interface UndiciTransportOptions {
  /** Connections per origin; use at least the number of workers. */
  connections: number;
  /** TCP/TLS connect timeout, ms (default 10 s). */
  connectTimeoutMs?: number;
  /** Time to wait for the response headers, ms (default 200 s: above the Python SDK's 160 s read timeout). */
  headersTimeoutMs?: number;
  /** Maximum gap between body chunks, ms (default 60 s). */
  bodyTimeoutMs?: number;
  /** Removed from every error message, also URL-encoded (the Scrapfly key). */
  secret?: string;
}

/** A Transport that owns its connection pool: call `close()` when done. */
export interface UndiciTransport extends Transport {
  /** Closes idle connections and waits for requests in flight; aborted requests end at once. */
  close(): Promise<void>;
}

/**
 * Creates the transport. Cancellation: when the caller's signal aborts, the request is cancelled
 * (its socket closed) and the promise rejects with the signal's reason at once. The promise
 * resolves once the whole body has arrived.
 */
export function createUndiciTransport(options: UndiciTransportOptions): UndiciTransport {
  if (!Number.isInteger(options.connections) || options.connections < 1) {
    throw new RangeError(`connections must be a positive integer, got ${options.connections}`);
  }
  const secret = options.secret ?? '';
  const agent = new Agent({
    connections: options.connections,
    connect: { timeout: options.connectTimeoutMs ?? 10_000 },
    headersTimeout: options.headersTimeoutMs ?? 200_000,
    bodyTimeout: options.bodyTimeoutMs ?? 60_000,
    keepAliveTimeout: 30_000,
  });
  const toTransportError = (error: unknown): TransportError => {
    const code = (error as { code?: unknown }).code;
    const detail = error instanceof Error ? error.message || error.name : String(error);
    const text = typeof code === 'string' && !detail.includes(code) ? `${code}: ${detail}` : detail;
    return new TransportError(redactSecret(text || 'request failed', secret));
  };
  // The requests in flight on each signal, behind one abort listener per signal. A plain array
  // with swap-remove: a Set that churns through thousands of short-lived entries keeps them alive
  // past young-generation collections, which cost more than the whole engine.
  const inFlight = new WeakMap<AbortSignal, BodyCollector[]>();
  const track = (signal: AbortSignal, collector: BodyCollector) => {
    let list = inFlight.get(signal);
    if (!list) {
      const requests: BodyCollector[] = [];
      list = requests;
      inFlight.set(signal, requests);
      signal.addEventListener(
        'abort',
        () => {
          for (const request of requests.splice(0)) {
            request.list = null;
            request.abort(signal.reason);
          }
        },
        { once: true },
      );
    }
    collector.slot = list.length;
    collector.list = list;
    list.push(collector);
  };
  return {
    send(request, { signal }) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      return new Promise<TransportResponse>((resolve, reject) => {
        const collector = new BodyCollector(resolve, reject, toTransportError);
        if (signal) track(signal, collector);
        try {
          agent.dispatch({ origin: originOf(request.url), path: pathOf(request.url), method: request.method, headers: request.headers, body: request.body ?? null }, collector);
        } catch (error) {
          collector.onResponseError(null, error as Error);
        }
      });
    },
    close: () => agent.close(),
  };
}

/** `http://host:port` of an absolute URL, without parsing the (long) query string. */
function originOf(url: string): string {
  const scheme = url.indexOf('://');
  const slash = url.indexOf('/', scheme + 3);
  return slash < 0 ? url : url.slice(0, slash);
}

function pathOf(url: string): string {
  const scheme = url.indexOf('://');
  const slash = url.indexOf('/', scheme + 3);
  return slash < 0 ? '/' : url.slice(slash);
}

/** Collects one response; settles the send promise once, on its end, error or abort. */
class BodyCollector implements Dispatcher.DispatchHandler {
  /** The in-flight list of the request's signal, and this request's index in it. */
  list: BodyCollector[] | null = null;
  slot = 0;
  #controller: Dispatcher.DispatchController | null = null;
  #abortReason: unknown = undefined;
  #settled = false;
  #status = 0;
  #headers: IncomingHttpHeaders = {};
  #chunks: Buffer[] = [];
  #length = 0;

  constructor(
    private readonly resolve: (response: TransportResponse) => void,
    private readonly reject: (reason: unknown) => void,
    private readonly wrap: (error: unknown) => TransportError,
  ) {}

  /** The caller's signal aborted: reject now, and cancel the request (now, or once it starts). */
  abort(reason: unknown): void {
    if (this.#settled) return;
    this.#settle();
    this.#abortReason = reason;
    this.reject(reason);
    this.#controller?.abort(reason instanceof Error ? reason : new Error(String(reason)));
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#abortReason !== undefined) controller.abort(this.#abortReason instanceof Error ? this.#abortReason : new Error('aborted'));
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    this.#status = statusCode;
    this.#headers = headers;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#length += chunk.length;
  }

  onResponseEnd(): void {
    if (this.#settled) return;
    this.#settle();
    const body = this.#chunks.length === 1 ? (this.#chunks[0] as Buffer) : Buffer.concat(this.#chunks, this.#length);
    this.resolve(new CollectedResponse(this.#status, this.#headers, body, this.wrap));
  }

  onResponseError(_controller: Dispatcher.DispatchController | null, error: Error): void {
    if (this.#settled) return;
    this.#settle();
    const failure = this.wrap(error);
    // The headers had arrived: the body broke off (clients such as the Python SDK treat it apart).
    this.reject(this.#status === 0 ? failure : new TruncatedBodyError(`truncated response (HTTP ${this.#status}): ${failure.message}`));
  }

  #settle(): void {
    this.#settled = true;
    const list = this.list;
    if (list === null) return;
    this.list = null;
    const last = list.pop() as BodyCollector;
    if (last !== this) {
      list[this.slot] = last;
      last.slot = this.slot;
    }
  }
}

/**
 * A response whose body has fully arrived. A compressed body (`content-encoding` gzip, deflate or
 * br: what a site sends a client that accepts it, as direct fetches do) is decompressed when read;
 * a body that does not decompress fails as a network error.
 */
class CollectedResponse implements TransportResponse, HeaderReader {
  #text: string | null = null;

  constructor(
    readonly status: number,
    private readonly headerValues: IncomingHttpHeaders,
    private readonly raw: Buffer,
    private readonly wrap: (error: unknown) => TransportError,
  ) {}

  /** The body as text, decompressed; throws TransportError when it does not decompress. */
  get body(): string {
    if (this.#text !== null) return this.#text;
    const encoding = this.get('content-encoding')?.trim().toLowerCase() ?? '';
    let bytes = this.raw;
    if (encoding !== '' && encoding !== 'identity') {
      try {
        bytes = decompress(bytes, encoding);
      } catch (error) {
        throw this.wrap(error);
      }
    }
    this.#text = bytes.toString('utf8');
    return this.#text;
  }

  get headers(): HeaderReader {
    return this;
  }

  get(name: string): string | null {
    const value = this.headerValues[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  }

  /** A body that is not JSON rejects with SyntaxError (the client reads it as a non-envelope answer). */
  json(): Promise<unknown> {
    try {
      return Promise.resolve(JSON.parse(this.body) as unknown);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  text(): Promise<string> {
    try {
      return Promise.resolve(this.body);
    } catch (error) {
      return Promise.reject(error);
    }
  }
}

/** Undoes `content-encoding` (one or more codings, applied in order). */
function decompress(bytes: Buffer, encoding: string): Buffer {
  let out = bytes;
  for (const coding of encoding.split(',').map((c) => c.trim()).reverse()) {
    if (coding === 'gzip' || coding === 'x-gzip') out = gunzipSync(out);
    // "deflate" is zlib-wrapped by the standard; some servers send it raw.
    else if (coding === 'deflate') out = out[0] !== undefined && (out[0] & 0x0f) === 8 ? inflateSync(out) : inflateRawSync(out);
    else if (coding === 'br') out = brotliDecompressSync(out);
    else if (coding !== 'identity' && coding !== '') throw new Error(`unsupported content-encoding ${coding}`);
  }
  return out;
}
