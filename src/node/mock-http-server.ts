/**
 * The mock Scrapfly API over real HTTP (node:http on 127.0.0.1): the same core as the msw and
 * direct faces, on a real clock that may run faster than the wall clock. Any client can point at
 * it: our engine over undici, the official SDKs (`host: 'http://127.0.0.1:PORT'`), curl.
 *
 * - `GET|POST|PUT|PATCH|HEAD|OPTIONS /scrape`, `GET /account`: as the API answers them.
 * - `GET /sites/<host>/<path>`: the shop's own page as a direct fetch meets it (the world's `sites`):
 *   point a direct tier's base URL at `<url>/sites`.
 * - `GET /__admin/stats`: the core's counters (MockStats) as JSON; `GET /__admin/sites`: the
 *   sites' (SiteStats); `GET /__admin/health`: `{ok:true}`; `GET /__admin/clock`: the simulated
 *   time (`{nowMs, now, timeScale, startedAtMs}`), so a client can log simulated time.
 * - Every answer carries `x-mock-virtual-time`: the simulated time it was sent at (ISO 8601).
 *
 * The world's random streams are those `simulate` uses for the same seed (see random-streams.ts),
 * so `serve-mock --scenario F --seed S` serves the world `simulate F --seed S` simulates: the same
 * request (the same page asked for the same nth time) gets the same answer. With `network: true`
 * the world's network (round trips, resets, truncated bodies, outages) is added on top of what the
 * socket itself costs; by default only the socket's own time is.
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
import { createNetworkModel, type NetworkModel } from '../mock/network-model.js';
import { isInstantNetwork } from '../mock/network-spec.js';
import { MOCK_STREAM, NETWORK_STREAM, SITES_STREAM } from '../mock/random-streams.js';

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
  /** Add the world's network (NetworkSpec) to every Scrapfly request (default false: the socket's own time only). */
  network?: boolean;
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
  const mockRandom = createSeededRandom(options.seed ?? 1).fork(MOCK_STREAM);
  // The simulated start as asked for (waves count from it, as in simulate): reading the clock here
  // instead would add the set-up's milliseconds, times the scale.
  const startedAtMs = !options.clock && options.startMs !== undefined ? options.startMs : clock.now();
  const core = createMockCore({
    world: options.world,
    clock,
    random: mockRandom,
    events: options.events ?? NO_EVENTS,
    originMs: startedAtMs,
  });

  const sites = createSiteCore({ world: options.world, clock, random: mockRandom.fork(SITES_STREAM) });
  const network = options.network === true && options.world.network && !isInstantNetwork(options.world.network) ? createNetworkModel({ spec: options.world.network, random: mockRandom.fork(NETWORK_STREAM), originMs: startedAtMs }) : null;
  const faces: Faces = { core, sites, clock, network, clockInfo: () => ({ nowMs: clock.now(), now: new Date(clock.now()).toISOString(), timeScale: options.clock ? null : timeScale, startedAtMs }) };
  const server = createServer({ keepAlive: true }, (req, res) => handleRequest(req, res, faces));
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

/** What the request handler serves from. */
interface Faces {
  core: MockCore;
  sites: SiteCore;
  clock: Clock;
  /** The world's network, when asked for. */
  network: NetworkModel | null;
  clockInfo(): { nowMs: number; now: string; timeScale: number | null; startedAtMs: number };
}

/** One HTTP request: the admin paths, or the core through serveMockRequest. */
function handleRequest(req: IncomingMessage, res: ServerResponse, faces: Faces): void {
  const { core, sites, clock } = faces;
  req.on('error', ignore);
  res.on('error', ignore);
  const url = req.url ?? '/';
  const method = req.method ?? 'GET';
  if (url.startsWith('/__admin/')) {
    req.resume();
    answerAdmin(res, url, method, faces);
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
  const serve = (): Promise<MockResponse> => serveMockRequest({ core, clock, method, url, signal: controller.signal });
  const answer = (pending: Promise<MockResponse>, deliver: (response: MockResponse) => void) =>
    pending.then(deliver, (error: unknown) => {
      // A client that left gets nothing; its scrape already ran to its end in the core.
      if (!controller.signal.aborted) send(res, internalError(error), head, clock);
    });
  try {
    if (faces.network === null) answer(serve(), (response) => send(res, response, head, clock));
    else serveOverNetwork(faces.network, { res, url, head, clock, serve, answer, signal: controller.signal });
  } catch (error) {
    send(res, internalError(error), head, clock);
  }
}

/**
 * The world's network on the HTTP face: the request reaches the core after its uplink delay and
 * the answer leaves after its downlink delay. A refused connection or a reset closes the socket
 * (the client sees a reset: the TCP connection was already open); an unreachable API holds the
 * request unanswered, so the client's read timeout (not its connect timeout) ends it; a truncated
 * body sends the headers and half the body, then closes the socket.
 */
function serveOverNetwork(
  model: NetworkModel,
  request: {
    res: ServerResponse;
    url: string;
    head: boolean;
    clock: Clock;
    serve(): Promise<MockResponse>;
    answer(pending: Promise<MockResponse>, deliver: (response: MockResponse) => void): void;
    signal: AbortSignal;
  },
): void {
  const { res, clock, head } = request;
  const outage = model.outageAt(clock.now());
  if (outage?.kind === 'unreachable') return;
  const draw = model.draw(request.url);
  if (outage?.kind === 'refused') {
    clock.schedule(draw.uplinkMs + draw.downlinkMs, () => res.socket?.destroy());
    return;
  }
  clock.schedule(draw.uplinkMs, () => {
    if (request.signal.aborted) return;
    request.answer(request.serve(), (response) =>
      clock.schedule(draw.downlinkMs, () => {
        if (draw.reset) res.socket?.destroy();
        else if (draw.truncated) sendTruncated(res, response, clock);
        else send(res, response, head, clock);
      }),
    );
  });
}

/** The headers and the first half of the body, then the connection breaks. */
function sendTruncated(res: ServerResponse, response: MockResponse, clock: Clock): void {
  if (res.destroyed || res.writableEnded) return;
  const text = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
  const bytes = Buffer.from(text);
  res.writeHead(response.status, { ...response.headers, [VIRTUAL_TIME_HEADER]: new Date(clock.now()).toISOString(), 'content-length': bytes.length });
  res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.socket?.destroy());
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
      if (!gzip || typeof response.body !== 'string') return send(res, response, method === 'HEAD', clock);
      if (res.destroyed || res.writableEnded) return;
      const body = gzipSync(response.body);
      res.writeHead(response.status, { ...response.headers, 'content-encoding': 'gzip', vary: 'accept-encoding', 'content-length': body.length, [VIRTUAL_TIME_HEADER]: new Date(clock.now()).toISOString() });
      res.end(method === 'HEAD' ? undefined : body);
    },
    (error: unknown) => {
      if (!controller.signal.aborted) send(res, internalError(error), method === 'HEAD', clock);
    },
  );
}

function answerAdmin(res: ServerResponse, url: string, method: string, faces: Faces): void {
  const { core, sites } = faces;
  const path = url.split('?', 1)[0];
  if (method !== 'GET' && method !== 'HEAD') {
    send(res, { status: 405, headers: { 'content-type': 'application/json; charset=utf-8' }, body: { http_code: 405, reason: 'Method Not Allowed', message: `Method ${method} is not allowed on ${path}` } }, method === 'HEAD');
    return;
  }
  const json = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };
  if (path === '/__admin/stats') send(res, { status: 200, headers: json, body: core.stats() }, method === 'HEAD');
  else if (path === '/__admin/sites') send(res, { status: 200, headers: json, body: sites.stats() }, method === 'HEAD');
  else if (path === '/__admin/health') send(res, { status: 200, headers: json, body: { ok: true } }, method === 'HEAD');
  else if (path === '/__admin/clock') send(res, { status: 200, headers: json, body: faces.clockInfo() }, method === 'HEAD');
  else send(res, { status: 404, headers: json, body: { http_code: 404, reason: 'Not Found', message: `No admin route ${path} (try /__admin/stats)` } }, method === 'HEAD');
}

/** The header that tells the simulated time an answer was sent at (ISO 8601). */
export const VIRTUAL_TIME_HEADER = 'x-mock-virtual-time';

function send(res: ServerResponse, response: MockResponse, head: boolean, clock: Clock | null = null): void {
  if (res.destroyed || res.writableEnded) return;
  const text = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
  const headers: Record<string, string | number> = { ...response.headers, 'content-length': Buffer.byteLength(text) };
  if (clock) headers[VIRTUAL_TIME_HEADER] = new Date(clock.now()).toISOString();
  res.writeHead(response.status, headers);
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
