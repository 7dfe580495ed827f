/**
 * The mock Scrapfly API over real HTTP (node:http on 127.0.0.1): the same core as the msw and
 * direct faces, on a real clock that may run faster than the wall clock. Any client can point at
 * it: our engine over undici, the official SDKs (`host: 'http://127.0.0.1:PORT'`), curl.
 *
 * - `GET|POST|PUT|PATCH|HEAD|OPTIONS /scrape`, `GET /account`: as the API answers them.
 * - `GET /sites/<host>/<path>`: the shop's own page as a direct fetch meets it (the world's `sites`):
 *   point a direct tier's base URL at `<url>/sites`.
 * - `GET /__admin/stats`: the core's counters (MockStats) as JSON; `GET /__admin/sites`: the
 *   sites' (SiteStats); `GET /__admin/health`: `{ok:true}`.
 *
 * A client that disconnects before its answer leaves the scrape running server-side: the account
 * slot stays held until the simulated scrape ends (unless the world's `releaseSlotOnDisconnect`),
 * as on the real API. Nothing a client sends can stop the server: malformed HTTP gets a 400, a bug
 * in a handler a 500 (`ERR::API::INTERNAL_ERROR`), and the server keeps serving.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { Duplex } from 'node:stream';
import { createScaledClock } from '../clock/real-clock.js';
import { BatchscopeError } from '../errors.js';
import { renderFlatError, type MockResponse } from '../mock/envelopes.js';
import { createMockCore, type MockCore } from '../mock/mock-core.js';
import { createSiteCore, type SiteCore } from '../mock/site-core.js';
import { serveMockRequest } from '../mock/serve-request.js';
import type { WorldSpec } from '../mock/world-spec.js';
import type { CancelTimer, Clock, EventSink } from '../ports.js';
import { createSeededRandom } from '../random/seeded-random.js';

export interface MockHttpServer {
  /** `http://127.0.0.1:PORT` (no trailing slash): pass it as the client's base URL. */
  url: string;
  /** `<url>/sites`: the base URL for direct fetches of the shops' pages (the world's `sites`). */
  sitesUrl: string;
  port: number;
  /** The core behind the server: `stats()` for its counters. */
  core: MockCore;
  /** The shops' sites behind `/sites`: `stats()` for their counters. */
  sites: SiteCore;
  /** The server's clock, in simulated milliseconds since the epoch. */
  clock: Clock;
  /** Stops accepting, ends open connections and pending scrapes; resolves when closed. Idempotent. */
  close(): Promise<void>;
}

export interface MockHttpServerOptions {
  /** The world to serve (a loaded scenario's `world`). */
  world: WorldSpec;
  /** Port to listen on; 0 or undefined picks a free one. */
  port?: number;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Simulated ms per real ms (default 1): a 7000 ms latency is served in 7000/timeScale real ms. */
  timeScale?: number;
  /** Seed of the mock's randomness (default 1). */
  seed?: number | string;
  /** The simulated clock's start, ms since the epoch (default: the real time). Waves count from it. */
  startMs?: number;
  /** Aborting it closes the server. Owned by the caller. */
  signal?: AbortSignal;
  /** Receives the mock's events (accept, reject, end) as they happen; must not throw. */
  events?: EventSink;
  /** The clock to serve on instead of the scaled real clock (tests drive time by hand); `timeScale` and `startMs` then do not apply. */
  clock?: Clock;
}

const NO_EVENTS: EventSink = { emit: () => {} };

/** Where the HTTP face serves the shops' own pages: `<url>/sites/<host>/<path>` (pass `<url>/sites` as the direct base URL). */
export const SITES_PREFIX = '/sites/';
const ignore = (): void => {};

/**
 * Starts the server and resolves once it listens. Rejects with a BatchscopeError (code
 * `MOCK_LISTEN`) when the port cannot be bound, or with `signal.reason` when already aborted.
 */
export async function startMockHttpServer(options: MockHttpServerOptions): Promise<MockHttpServer> {
  const { signal } = options;
  if (signal?.aborted) throw signal.reason;
  const timeScale = options.timeScale ?? 1;
  if (!(Number.isFinite(timeScale) && timeScale > 0)) throw new BatchscopeError('INVALID_OPTION', `timeScale must be a positive number, got ${timeScale}`);
  const host = options.host ?? '127.0.0.1';
  const timers = trackTimers(options.clock ?? createScaledClock({ scale: timeScale, startMs: options.startMs }));
  const clock = timers.clock;
  const core = createMockCore({
    world: options.world,
    clock,
    random: createSeededRandom(options.seed ?? 1),
    events: options.events ?? NO_EVENTS,
    originMs: clock.now(),
  });

  const sites = createSiteCore({ world: options.world, clock, random: createSeededRandom(options.seed ?? 1).fork('sites') });
  const server = createServer({ keepAlive: true }, (req, res) => handleRequest(req, res, core, sites, clock));
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => answerMalformed(error, socket));
  await listen(server, options.port ?? 0, host);
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : (options.port ?? 0);

  let closing: Promise<void> | null = null;
  const onAbort = () => void close();
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      signal?.removeEventListener('abort', onAbort);
      timers.cancelAll();
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) void close();
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return { url, sitesUrl: `${url}${SITES_PREFIX.slice(0, -1)}`, port, core, sites, clock, close };
}

function listen(server: ReturnType<typeof createServer>, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      const why = error.code === 'EADDRINUSE' ? 'the address is already in use' : error.code === 'EACCES' ? 'permission denied' : error.message;
      reject(new BatchscopeError('MOCK_LISTEN', `Cannot listen on ${host}:${port}: ${why}`, { cause: error }));
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** One HTTP request: the admin paths, or the core through serveMockRequest. */
function handleRequest(req: IncomingMessage, res: ServerResponse, core: MockCore, sites: SiteCore, clock: Clock): void {
  req.on('error', ignore);
  res.on('error', ignore);
  const url = req.url ?? '/';
  const method = req.method ?? 'GET';
  if (url.startsWith('/__admin/')) {
    req.resume();
    answerAdmin(res, url, method, core, sites);
    return;
  }
  if (url.startsWith(SITES_PREFIX)) {
    req.resume();
    serveSitePage(req, res, sites, clock, `https://${url.slice(SITES_PREFIX.length)}`);
    return;
  }
  // Scrapfly forwards a request body upstream; the mock has no upstream, so it only drains it.
  req.resume();
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort(new Error('client disconnected'));
  });
  const head = method === 'HEAD';
  let pending: Promise<MockResponse>;
  try {
    pending = serveMockRequest({ core, clock, method, url, signal: controller.signal });
  } catch (error) {
    send(res, internalError(error), head);
    return;
  }
  pending.then(
    (response) => send(res, response, head),
    (error: unknown) => {
      // A client that left gets nothing; its scrape already ran to its end in the core.
      if (!controller.signal.aborted) send(res, internalError(error), head);
    },
  );
}

/**
 * A direct fetch of a shop's page through the HTTP face: the sites' answer, gzip-compressed when
 * the client accepts it (as real sites do), or a reset connection.
 */
function serveSitePage(req: IncomingMessage, res: ServerResponse, sites: SiteCore, clock: Clock, url: string): void {
  const method = req.method ?? 'GET';
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort(new Error('client disconnected'));
  });
  const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  serveMockRequest({ core: sites, clock, method, url, signal: controller.signal }).then(
    (response) => {
      if (response.reset) {
        res.socket?.destroy();
        return;
      }
      if (!gzip || typeof response.body !== 'string') return send(res, response, method === 'HEAD');
      if (res.destroyed || res.writableEnded) return;
      const body = gzipSync(response.body);
      res.writeHead(response.status, { ...response.headers, 'content-encoding': 'gzip', vary: 'accept-encoding', 'content-length': body.length });
      res.end(method === 'HEAD' ? undefined : body);
    },
    (error: unknown) => {
      if (!controller.signal.aborted) send(res, internalError(error), method === 'HEAD');
    },
  );
}

function answerAdmin(res: ServerResponse, url: string, method: string, core: MockCore, sites: SiteCore): void {
  const path = url.split('?', 1)[0];
  if (method !== 'GET' && method !== 'HEAD') {
    send(res, { status: 405, headers: { 'content-type': 'application/json; charset=utf-8' }, body: { http_code: 405, reason: 'Method Not Allowed', message: `Method ${method} is not allowed on ${path}` } }, method === 'HEAD');
    return;
  }
  const json = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };
  if (path === '/__admin/stats') send(res, { status: 200, headers: json, body: core.stats() }, method === 'HEAD');
  else if (path === '/__admin/sites') send(res, { status: 200, headers: json, body: sites.stats() }, method === 'HEAD');
  else if (path === '/__admin/health') send(res, { status: 200, headers: json, body: { ok: true } }, method === 'HEAD');
  else send(res, { status: 404, headers: json, body: { http_code: 404, reason: 'Not Found', message: `No admin route ${path} (try /__admin/stats)` } }, method === 'HEAD');
}

function send(res: ServerResponse, response: MockResponse, head: boolean): void {
  if (res.destroyed || res.writableEnded) return;
  const text = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
  res.writeHead(response.status, { ...response.headers, 'content-length': Buffer.byteLength(text) });
  if (head) res.end();
  else res.end(text);
}

function internalError(error: unknown): MockResponse {
  const detail = error instanceof Error ? error.message : String(error);
  return {
    status: 500,
    headers: { 'content-type': 'application/json; charset=utf-8', 'x-scrapfly-reject-code': 'ERR::API::INTERNAL_ERROR', 'x-scrapfly-reject-retryable': 'false' },
    body: renderFlatError({ code: 'ERR::API::INTERNAL_ERROR', status: 500, message: `Internal error of the mock: ${detail}`, errorId: 'internal' }),
  };
}

/** Malformed HTTP (bad request line, oversized headers): a JSON 400 when the socket still takes it. */
function answerMalformed(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const body = JSON.stringify(renderFlatError({ code: null, status, message: `Malformed HTTP request (${error.code ?? error.message})`, errorId: 'malformed' }));
  const reason = status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request';
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/** Wraps a clock so that every timer still pending can be cancelled when the server closes. */
function trackTimers(base: Clock): { clock: Clock; cancelAll(): void } {
  const pending = new Set<CancelTimer>();
  const clock: Clock = {
    now: () => base.now(),
    sleep: (ms, signal) => base.sleep(ms, signal),
    schedule(ms, callback) {
      const cancel = base.schedule(ms, () => {
        pending.delete(cancel);
        callback();
      });
      pending.add(cancel);
      return () => {
        pending.delete(cancel);
        cancel();
      };
    },
  };
  return {
    clock,
    cancelAll() {
      for (const cancel of pending) cancel();
      pending.clear();
    },
  };
}
