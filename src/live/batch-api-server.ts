/**
 * The batch-update API, like the existing system's: `POST /api/v1/batch-update` starts a live
 * batch and answers 202 with its id at once (how the admin UI calls it) or, with `"wait": true`,
 * the result when it is done (how the cron job calls it); `GET /api/v1/batches/:id` gives progress,
 * outcome counts and report links; `GET /api/v1/batches` lists recent batches. Every route but
 * `GET /healthz` needs `Authorization: Bearer <token>`. One batch runs per store (409 otherwise);
 * bad bodies get 400 naming the field. Closing the server cancels the running batch gracefully
 * (it can be resumed) and waits for it to record its state.
 */
import { timingSafeEqual } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { toDirectPolicy, type Policy } from '../engine/policy.js';
import { BatchscopeError, CancelledError } from '../errors.js';
import { renderBatchStatus } from './render-batch-status.js';
import { BatchConflictError, LiveInputError } from './live-errors.js';
import { parseBatchRequest } from './parse-batch-request.js';
import { createLiveBatch, type LiveBatch, type LiveBatchOutcome, type LiveEnvironment } from './run-live-batch.js';

export interface BatchApiServer {
  /** `http://host:port`. */
  url: string;
  port: number;
  /** Cancels the running batch (resumable), waits for it to record its state, then closes. */
  close(): Promise<void>;
}

export interface BatchApiServerOptions {
  env: LiveEnvironment;
  /** The policy batches run with; `max_workers` overrides its workers. */
  policy: Policy;
  /** The bearer token every request must carry. */
  token: string;
  /** Most workers a request may ask for (the transport's connections per origin). */
  maxWorkersLimit: number;
  port?: number;
  host?: string;
  /** Called when a batch ends (for the CLI's log lines). */
  onBatchEnd?: (outcome: LiveBatchOutcome) => void;
  /** Closing: aborting it closes the server like `close()`. */
  signal?: AbortSignal;
}

const MAX_BODY_BYTES = 64 * 1024;

/** Starts the server; resolves once it listens. */
export async function startBatchApiServer(options: BatchApiServerOptions): Promise<BatchApiServer> {
  const { env } = options;
  const token = Buffer.from(options.token);
  const running = new Map<string, { batch: LiveBatch; done: Promise<LiveBatchOutcome> }>();
  const stop = new AbortController();

  const authorized = (request: IncomingMessage): boolean => {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) return false;
    const given = Buffer.from(match[1] as string);
    return given.length === token.length && timingSafeEqual(given, token);
  };

  const statusOf = (id: string, base: string) => {
    const record = env.store.batches.getBatch(id);
    if (!record) return null;
    return renderBatchStatus({ record, progress: running.get(id)?.batch.progress.snapshot() ?? null, reportFiles: listReportFiles(record.reportDir), baseUrl: base });
  };

  const startBatch = async (request: IncomingMessage, base: string): Promise<{ status: number; body: unknown }> => {
    const text = await readBody(request);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      return problem(400, 'INVALID_JSON', `The body is not valid JSON (${error instanceof Error ? error.message : String(error)})`, '(body)');
    }
    const parsed = parseBatchRequest({ body: json, maxWorkersLimit: options.maxWorkersLimit });
    const machines = env.store.machines.selectMachines(parsed.selection, Date.now());
    if (machines.length === 0) return { status: 200, body: { batch_id: null, status: 'nothing-to-do', total: 0, message: 'No machine matches the selection' } };
    const chosen = parsed.useScrapfly ? options.policy : toDirectPolicy(options.policy);
    const policy = parsed.maxWorkers === null ? chosen : { ...chosen, workers: parsed.maxWorkers };
    const batch = createLiveBatch(env, {
      machines,
      policy,
      request: {
        trigger: 'api',
        selection: parsed.selection,
        transport: env.scrapfly.baseUrl === null ? 'scrapfly' : 'http',
        baseUrl: env.scrapfly.baseUrl,
        maxChangeRatio: env.maxChangeRatio,
        useScrapfly: parsed.useScrapfly,
        directBaseUrl: env.direct?.baseUrl ?? null,
      },
    });
    const done = batch.run({ signal: stop.signal }).then(
      (outcome) => {
        options.onBatchEnd?.(outcome);
        return outcome;
      },
      (error: unknown) => {
        running.delete(batch.batchId);
        throw error;
      },
    );
    running.set(batch.batchId, { batch, done });
    void done.then(() => running.delete(batch.batchId), () => undefined);
    if (!parsed.wait) {
      return { status: 202, body: { batch_id: batch.batchId, status: 'running', total: batch.total, status_url: `${base}/api/v1/batches/${batch.batchId}` } };
    }
    const outcome = await done;
    const body = { ...statusOf(batch.batchId, base), results: env.store.batches.listResults(batch.batchId).map(renderResult) };
    return { status: outcome.status === 'completed' ? 200 : outcome.status === 'cancelled' ? 503 : 500, body };
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const base = `http://${request.headers.host ?? 'localhost'}`;
    const path = (request.url ?? '/').split('?')[0] as string;
    const method = request.method ?? 'GET';
    if (path === '/healthz') return send(response, 200, { status: 'ok' });
    if (!authorized(request)) {
      response.setHeader('www-authenticate', 'Bearer realm="batchscope"');
      return send(response, 401, { error: { code: 'UNAUTHORIZED', message: 'Send Authorization: Bearer <token>; the token is missing or wrong' } });
    }
    try {
      if (path === '/api/v1/batch-update') {
        if (method !== 'POST') return send(response, 405, { error: { code: 'METHOD_NOT_ALLOWED', message: `Use POST for ${path}, not ${method}` } }, { allow: 'POST' });
        const result = await startBatch(request, base);
        return send(response, result.status, result.body);
      }
      if (method !== 'GET') return send(response, 405, { error: { code: 'METHOD_NOT_ALLOWED', message: `Use GET for ${path}, not ${method}` } }, { allow: 'GET' });
      if (path === '/api/v1/batches') {
        return send(response, 200, { batches: env.store.batches.listBatches(50).map((record) => renderBatchStatus({ record, progress: running.get(record.id)?.batch.progress.snapshot() ?? null, reportFiles: [], baseUrl: base })) });
      }
      const file = /^\/api\/v1\/batches\/([A-Za-z0-9_.-]+)\/report\/([A-Za-z0-9_.-]+)$/.exec(path);
      if (file) return sendReportFile(response, env.store.batches.getBatch(file[1] as string)?.reportDir ?? null, file[2] as string);
      const one = /^\/api\/v1\/batches\/([A-Za-z0-9_.-]+)$/.exec(path);
      if (one) {
        const body = statusOf(one[1] as string, base);
        return body ? send(response, 200, body) : send(response, 404, { error: { code: 'NOT_FOUND', message: `No batch ${one[1]}` } });
      }
      return send(response, 404, { error: { code: 'NOT_FOUND', message: `No route ${method} ${path}` } });
    } catch (error) {
      if (error instanceof BodyTooLargeError) return send(response, 413, { error: { code: 'BODY_TOO_LARGE', message: `The body is larger than ${MAX_BODY_BYTES} bytes` } });
      if (error instanceof BatchConflictError) return send(response, 409, { error: { code: 'BATCH_RUNNING', message: error.message, running_batch_id: error.runningBatchId } });
      if (error instanceof LiveInputError) return send(response, 400, { error: { code: 'INVALID_FIELD', message: error.message, field: error.field } });
      const message = error instanceof BatchscopeError ? error.message : 'Internal error';
      return send(response, 500, { error: { code: error instanceof BatchscopeError ? error.code : 'INTERNAL', message } });
    }
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) send(response, 500, { error: { code: 'INTERNAL', message: 'Internal error' } });
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const host = options.host ?? '127.0.0.1';

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      stop.abort(new CancelledError('the API server is shutting down'));
      await Promise.allSettled([...running.values()].map((r) => r.done));
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

class BodyTooLargeError extends Error {}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLargeError());
        request.pause();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = `${JSON.stringify(body, null, 2)}\n`;
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', ...headers });
  response.end(text);
}

function problem(status: number, code: string, message: string, field: string | null): { status: number; body: unknown } {
  return { status, body: { error: { code, message, field } } };
}

function renderResult(result: { machineId: number; name: string; outcome: string; price: number | null; currency: string | null; reason: string | null; errorCode: string | null; attempts: number; review: string | null }) {
  return { machine_id: result.machineId, name: result.name, outcome: result.outcome, price: result.price, currency: result.currency, reason: result.reason, error_code: result.errorCode, attempts: result.attempts, review: result.review };
}

function listReportFiles(dir: string | null): string[] {
  if (dir === null) return [];
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

const CONTENT_TYPES: Record<string, string> = { '.json': 'application/json', '.jsonl': 'application/x-ndjson', '.html': 'text/html; charset=utf-8', '.md': 'text/markdown; charset=utf-8', '.svg': 'image/svg+xml', '.xml': 'application/xml' };

function sendReportFile(response: ServerResponse, dir: string | null, name: string): void {
  if (dir === null || name.startsWith('.') || !listReportFiles(dir).includes(name)) {
    return send(response, 404, { error: { code: 'NOT_FOUND', message: `No report file ${name}` } });
  }
  const content = readFileSync(join(dir, name));
  const ext = /\.[a-z]+$/i.exec(name)?.[0] ?? '';
  response.writeHead(200, { 'content-type': CONTENT_TYPES[ext] ?? 'application/octet-stream', 'content-length': content.length });
  response.end(content);
}
