/**
 * The batch-update API, like the existing system's, and the admin page on top of it.
 *
 * - `POST /api/v1/batch-update` starts a live batch and answers 202 with its id at once (how the
 *   admin UI calls it) or, with `"wait": true`, the result when it is done (how the cron job does);
 *   `use_scrapfly: false` fetches the pages directly.
 * - `GET /api/v1/batches[/:id]` gives status, progress, outcome counts and report links;
 *   `GET /api/v1/batches/:id/report/:file` serves a report file; `POST .../cancel` and
 *   `POST .../resume` stop and finish a batch.
 * - `GET|POST /api/v1/reviews`: the flagged price changes; approve and reject them, all or none.
 * - `GET /api/v1/events`: server-sent events for the admin page (see LiveFeed, BatchRunner).
 * - `GET /`: the admin page, or its sign-in form; `POST /login`, `POST /logout`.
 *
 * Every route but `/healthz`, the sign-in form and the page's static assets (`/favicon.ico` among
 * them) needs the bearer token or a signed-in session (see ApiSessions: HttpOnly SameSite=Strict
 * cookie, CSRF token on every state-changing request). One batch runs per store (409 otherwise).
 * Input a caller can fix is answered 4xx in one line of JSON naming the field (see
 * read-api-request.ts: bodies, media types, query strings; bad batch ids are 400, unknown ones 404);
 * 500 is kept for bugs, logged with the request id the answer carries. Closing the server cancels the running batch gracefully (it
 * can be resumed) and waits for it to record its state.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Policy } from '../engine/policy.js';
import { BatchscopeError } from '../errors.js';
import { ADMIN_SCRIPT } from './admin-page/admin-page-script.js';
import { ADMIN_STYLE, FAVICON_SVG } from './admin-page/admin-page-style.js';
import { renderAdminPage, renderSignInPage } from './admin-page/render-admin-page.js';
import { createApiSessions, type Caller } from './api-sessions.js';
import { answerReviews } from './answer-reviews.js';
import { createBatchRunner } from './batch-runner.js';
import { pathOf, sendError, sendJson, sendPage } from './http-helpers.js';
import { ApiRequestError, ClientGoneError, readBody, readJsonBody, refuseQueryParameters } from './read-api-request.js';
import { createLiveFeed } from './live-feed.js';
import { BatchConflictError, LiveInputError } from './live-errors.js';
import { parseBatchRequest } from './parse-batch-request.js';
import { renderBatchStatus, renderProgressJson } from './render-batch-status.js';
import { listReportFiles, sendReportFile } from './report-files.js';
import type { LiveBatchOutcome, LiveEnvironment } from './run-live-batch.js';

export interface BatchApiServer {
  /** `http://host:port`. */
  url: string;
  port: number;
  /** Cancels the running batch (resumable), waits for it to record its state, then closes. */
  close(): Promise<void>;
}

export interface BatchApiServerOptions {
  env: LiveEnvironment;
  /** The policy batches run with; `max_workers` overrides its workers, `use_scrapfly: false` its ladder. */
  policy: Policy;
  /** The bearer tokens a request may carry (or sign in with): any one of them. */
  tokens: readonly string[];
  /** Most workers a request may ask for (the transport's connections per origin). */
  maxWorkersLimit: number;
  port?: number;
  host?: string;
  /** Clock ms per real ms of `env.clock`, for the page's running clock (default 1). */
  timeScale?: number;
  /** Called when a batch ends (for the CLI's log lines). */
  onBatchEnd?: (outcome: LiveBatchOutcome) => void;
  /**
   * Called with one line when a request failed on a bug (answered 500): the request id the answer
   * carries, the method and path, and the error. Never holds the token or the API key.
   */
  onInternalError?: (line: string) => void;
  /** Closing: aborting it closes the server like `close()`. */
  signal?: AbortSignal;
}

/** What a batch id may hold (as `run --batch-id`). */
const BATCH_ID = /^[A-Za-z0-9_.-]{1,100}$/;
/** `/api/v1/batches/<id>`, optionally followed by `/cancel`, `/resume` or `/report/<file>`. */
const BATCH_PATH = /^\/api\/v1\/batches\/([^/]*)(?:\/(cancel|resume)|\/report\/([^/]*))?$/;

/** Starts the server; resolves once it listens. */
export async function startBatchApiServer(options: BatchApiServerOptions): Promise<BatchApiServer> {
  const { env } = options;
  const sessions = createApiSessions({ tokens: options.tokens });
  const feed = createLiveFeed();
  const runner = createBatchRunner({ env, policy: options.policy, feed, onBatchEnd: options.onBatchEnd });
  const stallThresholdMs = env.stallThresholdMs ?? 60_000;

  const statusOf = (id: string, base: string) => {
    const record = env.store.batches.getBatch(id);
    if (!record) return null;
    return renderBatchStatus({ record, progress: runner.get(id)?.batch.progress.snapshot() ?? null, reportFiles: listReportFiles(record.reportDir), baseUrl: base, nowMs: Date.now() });
  };

  const helloFor = () => {
    const current = runner.current();
    return {
      clock_ms: env.clock.now(),
      time_scale: options.timeScale ?? 1,
      stall_threshold_ms: stallThresholdMs,
      running: current
        ? { batch_id: current.batch.batchId, workers: current.batch.policy.workers, total: current.batch.total, progress: renderProgressJson(current.batch.progress.snapshot()), events: current.backlog }
        : null,
    };
  };

  const startBatch = async (request: IncomingMessage, response: ServerResponse, base: string): Promise<void> => {
    const parsed = parseBatchRequest({ body: await readJsonBody(request), maxWorkersLimit: options.maxWorkersLimit });
    const started = runner.start(parsed);
    if (started === null) return sendJson(response, 200, { batch_id: null, status: 'nothing-to-do', total: 0, message: 'No machine matches the selection' });
    const { batch, done } = started;
    if (!parsed.wait) return sendJson(response, 202, { batch_id: batch.batchId, status: 'running', total: batch.total, status_url: `${base}/api/v1/batches/${batch.batchId}` });
    const outcome = await done;
    const body = { ...statusOf(batch.batchId, base), results: env.store.batches.listResults(batch.batchId).map(renderResult) };
    // Stopped by a cancel or by the outage breaker (Scrapfly unreachable): 503, resumable; failed: 500.
    return sendJson(response, outcome.status === 'completed' ? 200 : outcome.status === 'cancelled' || outcome.status === 'interrupted' ? 503 : 500, body);
  };

  /** The routes behind authentication. */
  const route = async (request: IncomingMessage, response: ServerResponse, caller: Caller, base: string): Promise<void> => {
    const path = pathOf(request);
    const method = request.method ?? 'GET';
    const only = (allowed: string) => {
      if (method === allowed) return true;
      sendError(response, 405, 'METHOD_NOT_ALLOWED', `Use ${allowed} for ${path}, not ${method}`, {}, { allow: allowed });
      return false;
    };
    if (path.startsWith('/api/')) refuseQueryParameters(request, path);
    if (path === '/api/v1/batch-update') return only('POST') ? startBatch(request, response, base) : undefined;
    if (path === '/api/v1/reviews') return answerReviews({ request, response, store: env.store, feed });
    if (path === '/api/v1/events') {
      if (only('GET')) feed.subscribe(request, response, helloFor());
      return;
    }
    if (path === '/logout') {
      if (!only('POST')) return;
      if (caller.kind === 'session') sessions.signOut(caller.session);
      response.writeHead(303, { location: '/', 'set-cookie': sessions.cookieFor(null), 'cache-control': 'no-store', 'content-length': 0 });
      response.end();
      return;
    }
    if (path === '/api/v1/batches') {
      if (!only('GET')) return;
      const batches = env.store.batches.listBatches(50).map((record) =>
        renderBatchStatus({ record, progress: runner.get(record.id)?.batch.progress.snapshot() ?? null, reportFiles: listReportFiles(record.reportDir), baseUrl: base, nowMs: Date.now() }),
      );
      return sendJson(response, 200, { batches });
    }
    const batchPath = BATCH_PATH.exec(path);
    if (batchPath) {
      const [, rawId = '', action, file] = batchPath;
      if (!only(action !== undefined ? 'POST' : 'GET')) return;
      const id = readPathSegment(rawId, 'batch_id', BATCH_ID, "a batch id (letters, digits, '_', '-' and '.', at most 100)");
      const record = env.store.batches.getBatch(id);
      if (!record) return sendError(response, 404, 'NOT_FOUND', `No batch ${id}`, { field: 'batch_id' });
      if (file !== undefined) return sendReportFile(response, record.reportDir, readPathSegment(file, 'file', REPORT_FILE, "a report file name (letters, digits, '_', '-' and '.')"));
      if (action === 'cancel') {
        if (!runner.cancel(id)) return sendError(response, 409, 'NOT_RUNNING', `Batch ${id} is not running in this server`, { field: 'batch_id' });
        return sendJson(response, 202, { batch_id: id, status: 'cancelling' });
      }
      if (action === 'resume') {
        const resumed = runner.resume(id);
        return sendJson(response, 202, { batch_id: id, status: 'running', remaining: resumed.batch.remaining, total: resumed.batch.total, status_url: `${base}/api/v1/batches/${id}` });
      }
      return sendJson(response, 200, statusOf(id, base));
    }
    return sendError(response, 404, 'NOT_FOUND', `No route ${method} ${path}`);
  };

  /** The sign-in form's post: a session cookie and back to the page, or the form again. */
  const signIn = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const foreign = sessions.refuseForeignOrigin(request);
    if (foreign !== null) return sendPage(response, 403, 'text/html; charset=utf-8', renderSignInPage({ error: `Refused: ${foreign}.` }));
    const token = new URLSearchParams(await readBody(request)).get('token') ?? '';
    const session = sessions.signIn(token);
    if (session === null) return sendPage(response, 401, 'text/html; charset=utf-8', renderSignInPage({ error: 'That is not the API token.' }));
    response.writeHead(303, { location: '/', 'set-cookie': sessions.cookieFor(session), 'cache-control': 'no-store', 'content-length': 0 });
    response.end();
  };

  /** Answers one request; every failure of `respond` ends here as its 4xx, or as a logged 500. */
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    try {
      await respond(request, response);
    } catch (error) {
      if (error instanceof ClientGoneError) {
        response.destroy();
        return;
      }
      if (response.headersSent) {
        // An answer already under way: log the bug, break off the answer.
        logInternalError(request, error);
        response.destroy();
        return;
      }
      if (error instanceof ApiRequestError) {
        // A body left unread keeps the connection busy: close it after this answer.
        return sendError(response, error.status, error.code, error.message, { field: error.field }, error.status === 413 ? { connection: 'close' } : {});
      }
      if (error instanceof BatchConflictError) return sendError(response, 409, 'BATCH_RUNNING', error.message, { running_batch_id: error.runningBatchId });
      if (error instanceof LiveInputError) return sendError(response, 400, 'INVALID_FIELD', error.message, { field: error.field });
      const requestId = logInternalError(request, error);
      const message = error instanceof BatchscopeError ? error.message : 'Internal error';
      return sendError(response, 500, error instanceof BatchscopeError ? error.code : 'INTERNAL', `${message} (request id ${requestId}; the server's log has the details)`, { request_id: requestId });
    }
  };
  let internalErrors = 0;
  /** Logs one line for a request that failed on a bug; returns its request id. Never holds the token or the key. */
  const logInternalError = (request: IncomingMessage, error: unknown): string => {
    const requestId = `req-${++internalErrors}-${Date.now().toString(36)}`;
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    options.onInternalError?.(`internal error ${requestId} on ${request.method ?? 'GET'} ${pathOf(request)}: ${detail.replace(/\s*\n\s*/g, ' ')}`);
    return requestId;
  };

  const respond = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const base = `http://${request.headers.host ?? 'localhost'}`;
    const path = pathOf(request);
    const method = request.method ?? 'GET';
    if (path === '/healthz') return sendJson(response, 200, { status: 'ok' });
    if (method === 'GET' && path === '/assets/admin.js') return sendPage(response, 200, 'text/javascript; charset=utf-8', ADMIN_SCRIPT);
    if (method === 'GET' && path === '/assets/admin.css') return sendPage(response, 200, 'text/css; charset=utf-8', ADMIN_STYLE);
    // The browser asks for /favicon.ico on its own for pages that name no icon (the reports, /healthz).
    if (method === 'GET' && (path === '/assets/favicon.svg' || path === '/favicon.ico')) return sendPage(response, 200, 'image/svg+xml', FAVICON_SVG);
    if (path === '/login' && method === 'POST') return signIn(request, response);
    const caller = sessions.authenticate(request);
    if (path === '/' && method === 'GET') {
      if (caller?.kind === 'session') return sendPage(response, 200, 'text/html; charset=utf-8', renderAdminPage({ csrfToken: caller.session.csrfToken }));
      return sendPage(response, 200, 'text/html; charset=utf-8', renderSignInPage({ error: null }));
    }
    if (caller === null) {
      return sendError(response, 401, 'UNAUTHORIZED', 'Send Authorization: Bearer <token>, or sign in on the admin page; the token is missing or wrong', {}, { 'www-authenticate': 'Bearer realm="batchscope"' });
    }
    if (method !== 'GET' && method !== 'HEAD') {
      const refused = sessions.refuseStateChange(request, caller);
      if (refused !== null) return sendError(response, 403, 'CSRF', `Refused: ${refused}`);
    }
    await route(request, response, caller, base);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) sendError(response, 500, 'INTERNAL', 'Internal error');
      else response.destroy();
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      await runner.closeAll();
      feed.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    })();
    return closing;
  };
  options.signal?.addEventListener('abort', () => void close(), { once: true });
  return { url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, port, close };
}

/** A report file's name as the API serves it (see report-files.ts). */
const REPORT_FILE = /^[A-Za-z0-9_.-]{1,200}$/;

/** A path segment decoded and checked against `pattern`; a bad one is 400 naming `field`. */
function readPathSegment(raw: string, field: string, pattern: RegExp, what: string): string {
  let value: string | null;
  try {
    value = decodeURIComponent(raw);
  } catch {
    value = null;
  }
  if (value === null || !pattern.test(value)) {
    const shown = raw.length > 60 ? `${raw.slice(0, 57)}...` : raw;
    throw new ApiRequestError({ status: 400, code: 'INVALID_FIELD', message: `${field} must be ${what}, got ${JSON.stringify(shown)}`, field });
  }
  return value;
}

function renderResult(result: { machineId: number; name: string; outcome: string; price: number | null; currency: string | null; reason: string | null; errorCode: string | null; attempts: number; review: string | null }) {
  return { machine_id: result.machineId, name: result.name, outcome: result.outcome, price: result.price, currency: result.currency, reason: result.reason, error_code: result.errorCode, attempts: result.attempts, review: result.review };
}
