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
 * cookie, CSRF token on every state-changing request). One batch runs per store (409 otherwise);
 * bad bodies get 400 naming the field. Closing the server cancels the running batch gracefully (it
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
import { BodyTooLargeError, MAX_BODY_BYTES, pathOf, readBody, sendError, sendJson, sendPage } from './http-helpers.js';
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

const BATCH_ID = '([A-Za-z0-9_.-]+)';

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
    const text = await readBody(request);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      return sendError(response, 400, 'INVALID_JSON', `The body is not valid JSON (${error instanceof Error ? error.message : String(error)})`, { field: '(body)' });
    }
    const parsed = parseBatchRequest({ body: json, maxWorkersLimit: options.maxWorkersLimit });
    const started = runner.start(parsed);
    if (started === null) return sendJson(response, 200, { batch_id: null, status: 'nothing-to-do', total: 0, message: 'No machine matches the selection' });
    const { batch, done } = started;
    if (!parsed.wait) return sendJson(response, 202, { batch_id: batch.batchId, status: 'running', total: batch.total, status_url: `${base}/api/v1/batches/${batch.batchId}` });
    const outcome = await done;
    const body = { ...statusOf(batch.batchId, base), results: env.store.batches.listResults(batch.batchId).map(renderResult) };
    return sendJson(response, outcome.status === 'completed' ? 200 : outcome.status === 'cancelled' ? 503 : 500, body);
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
    const action = new RegExp(`^/api/v1/batches/${BATCH_ID}/(cancel|resume)$`).exec(path);
    if (action) {
      if (!only('POST')) return;
      const id = action[1] as string;
      if (!env.store.batches.getBatch(id)) return sendError(response, 404, 'NOT_FOUND', `No batch ${id}`);
      if (action[2] === 'cancel') {
        if (!runner.cancel(id)) return sendError(response, 409, 'NOT_RUNNING', `Batch ${id} is not running in this server`);
        return sendJson(response, 202, { batch_id: id, status: 'cancelling' });
      }
      const resumed = runner.resume(id);
      return sendJson(response, 202, { batch_id: id, status: 'running', remaining: resumed.batch.remaining, total: resumed.batch.total, status_url: `${base}/api/v1/batches/${id}` });
    }
    const file = new RegExp(`^/api/v1/batches/${BATCH_ID}/report/([A-Za-z0-9_.-]+)$`).exec(path);
    if (file) return only('GET') ? sendReportFile(response, env.store.batches.getBatch(file[1] as string)?.reportDir ?? null, file[2] as string) : undefined;
    const one = new RegExp(`^/api/v1/batches/${BATCH_ID}$`).exec(path);
    if (one) {
      if (!only('GET')) return;
      const body = statusOf(one[1] as string, base);
      return body ? sendJson(response, 200, body) : sendError(response, 404, 'NOT_FOUND', `No batch ${one[1]}`);
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

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
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
    try {
      await route(request, response, caller, base);
    } catch (error) {
      if (response.headersSent) throw error;
      if (error instanceof BodyTooLargeError) return sendError(response, 413, 'BODY_TOO_LARGE', `The body is larger than ${MAX_BODY_BYTES} bytes`);
      if (error instanceof BatchConflictError) return sendError(response, 409, 'BATCH_RUNNING', error.message, { running_batch_id: error.runningBatchId });
      if (error instanceof LiveInputError) return sendError(response, 400, 'INVALID_FIELD', error.message, { field: error.field });
      const message = error instanceof BatchscopeError ? error.message : 'Internal error';
      const requestId = `req-${++internalErrors}-${Date.now().toString(36)}`;
      const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      options.onInternalError?.(`internal error ${requestId} on ${method} ${(request.url ?? '/').split('?', 1)[0]}: ${detail.replace(/\s*\n\s*/g, ' ')}`);
      return sendError(response, 500, error instanceof BatchscopeError ? error.code : 'INTERNAL', `${message} (request id ${requestId}; the server's log has the details)`, { request_id: requestId });
    }
  };
  let internalErrors = 0;

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

function renderResult(result: { machineId: number; name: string; outcome: string; price: number | null; currency: string | null; reason: string | null; errorCode: string | null; attempts: number; review: string | null }) {
  return { machine_id: result.machineId, name: result.name, outcome: result.outcome, price: result.price, currency: result.currency, reason: result.reason, error_code: result.errorCode, attempts: result.attempts, review: result.review };
}
