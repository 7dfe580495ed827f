/**
 * Asks Scrapfly's `GET /account` before a live batch starts: a refused key or an unreachable API
 * fails the run at once with one clear line instead of as many failed items as the batch has, and
 * the account's concurrency limit goes into the run log header.
 */
import type { Transport } from '../ports.js';
import { redactSecret } from '../scrapfly/scrape-params.js';
import { ScrapflyUnavailableError } from './live-errors.js';

/** What the account endpoint tells about the plan. */
export interface AccountInfo {
  /** The plan's concurrency limit, or null when the answer does not say. */
  concurrency: number | null;
}

/**
 * Calls `<baseUrl>/account`. Rejects with ScrapflyUnavailableError on 401/403 or a network failure
 * (never quoting the key); other answers give an AccountInfo with what could be read. `timeoutMs`
 * bounds the call (default 15 s); `signal` cancels it and is owned by the caller.
 */
export async function checkScrapflyAccount(options: { transport: Transport; baseUrl: string; apiKey: string; timeoutMs?: number; signal?: AbortSignal }): Promise<AccountInfo> {
  const base = options.baseUrl.replace(/\/+$/, '');
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 15_000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let status: number;
  let body: unknown;
  try {
    const response = await options.transport.send({ method: 'GET', url: `${base}/account?key=${encodeURIComponent(options.apiKey)}`, headers: { accept: 'application/json' } }, { signal });
    status = response.status;
    body = await response.json().catch(() => undefined);
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    const why = timeout.aborted ? `no answer within ${options.timeoutMs ?? 15_000} ms` : error instanceof Error ? error.message : String(error);
    throw new ScrapflyUnavailableError(`Cannot reach Scrapfly at ${base}: ${redactSecret(why, options.apiKey)}`);
  }
  if (status === 401 || status === 403) {
    const message = isRecord(body) && typeof body['message'] === 'string' ? body['message'] : 'the key was refused';
    throw new ScrapflyUnavailableError(`Scrapfly at ${base} refused the API key (HTTP ${status}: ${redactSecret(message, options.apiKey)})`);
  }
  const subscription = isRecord(body) && isRecord(body['subscription']) ? body['subscription'] : null;
  const concurrency = subscription && typeof subscription['max_concurrency'] === 'number' ? subscription['max_concurrency'] : null;
  return { concurrency };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
