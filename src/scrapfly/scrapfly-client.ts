/**
 * The Scrapfly client used by the engine in every world: it builds the real request, sends it
 * through the Transport port and parses what comes back. The same code runs against the mock's
 * in-process faces, the mock's HTTP face and the real API.
 */
import { TransportError, TruncatedBodyError } from '../errors.js';
import type { Transport } from '../ports.js';
import { parseScrapeResponse } from './parse-scrape-response.js';
import { buildScrapeQuery, redactSecret, type ScrapeParams } from './scrape-params.js';
import type { ScrapeOutcome } from './scrape-outcome.js';

/** The real API's base URL. */
export const SCRAPFLY_BASE_URL = 'https://api.scrapfly.io';

export interface ScrapflyClient {
  /**
   * Runs one scrape request. Resolves with the outcome, also for API errors and network failures.
   * Rejects only when `signal` aborts (with `signal.reason`); the caller owns the signal.
   */
  scrape(params: ScrapeParams, options: { signal?: AbortSignal }): Promise<ScrapeOutcome>;
}

/** Shared by every request (frozen: transports read headers, never write them). */
const REQUEST_HEADERS: Record<string, string> = Object.freeze({ accept: 'application/json', 'user-agent': 'batchscope' });

/** Creates a client. The API key stays inside the request URL and never reaches outcomes or errors. */
export function createScrapflyClient(options: {
  transport: Transport;
  apiKey: string;
  baseUrl?: string;
  /** The client's connect timeout, ms; null or absent: the transport's default. */
  connectTimeoutMs?: number | null;
}): ScrapflyClient {
  const { transport, apiKey } = options;
  const connectTimeoutMs = options.connectTimeoutMs ?? null;
  const base = (options.baseUrl ?? SCRAPFLY_BASE_URL).replace(/\/+$/, '');
  const networkFailure = (error: unknown, signal: AbortSignal | undefined, httpStatus: number | null = null): ScrapeOutcome => {
    if (signal?.aborted) throw signal.reason;
    const message = redactSecret(error instanceof Error ? error.message : String(error), apiKey);
    return {
      ok: false,
      code: new TransportError(message).code,
      errorClass: error instanceof TruncatedBodyError ? 'truncated' : 'network',
      message,
      httpStatus,
      retryable: true,
      upstreamStatus: null,
      retryAfterMs: null,
      costCredits: 0,
      remainingCredits: null,
      accountConcurrency: null,
    };
  };
  return {
    scrape(params, { signal }) {
      const url = `${base}/scrape?${buildScrapeQuery({ key: apiKey, params })}`;
      // Promise chains rather than async/await: this is the simulator's hot path.
      return transport.send({ method: 'GET', url, headers: REQUEST_HEADERS }, { signal, connectTimeoutMs }).then(
        (response) =>
          response.json().then(
            (body) => parseScrapeResponse({ status: response.status, headers: response.headers, body }),
            (error: unknown) =>
              // A body that is not JSON is still an answer; a body that breaks off is a truncated answer.
              error instanceof SyntaxError ? parseScrapeResponse({ status: response.status, headers: response.headers, body: undefined }) : networkFailure(error, signal, response.status),
          ),
        (error: unknown) => networkFailure(error, signal),
      );
    },
  };
}
