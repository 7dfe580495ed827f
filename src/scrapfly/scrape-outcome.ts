/** What one scrape request came back with, as plain data (failures are values, not exceptions). */
import type { ErrorClass } from '../events/batch-event.js';
import { ScrapflyApiError } from '../errors.js';

/** Fields read from the X-Scrapfly-* headers of any response. */
export interface ResponseAccounting {
  /** Credits charged (X-Scrapfly-Api-Cost), 0 when absent. */
  costCredits: number;
  /** Credits left (X-Scrapfly-Remaining-Api-Credit), or null. */
  remainingCredits: number | null;
  /** Account requests in flight (X-Scrapfly-Account-Concurrent-Usage), or null. */
  accountConcurrency: number | null;
}

export interface ScrapeSuccess extends ResponseAccounting {
  ok: true;
  httpStatus: number;
  /** The page body as served (`result.content`). */
  content: string;
  /** The target site's status (`result.status_code`). */
  upstreamStatus: number;
}

export interface ScrapeFailure extends ResponseAccounting {
  ok: false;
  /** Scrapfly's error code, `NETWORK_ERROR`, or `HTTP_<status>` when the body had none. */
  code: string;
  errorClass: ErrorClass;
  message: string;
  /** HTTP status of the API response, or null when no response arrived. */
  httpStatus: number | null;
  retryable: boolean;
  /** The target's status for upstream errors, else null. */
  upstreamStatus: number | null;
  /** Retry-After in ms, or null. */
  retryAfterMs: number | null;
}

export type ScrapeOutcome = ScrapeSuccess | ScrapeFailure;

/** The failure as a typed exception, for callers that prefer to throw. */
export function toScrapflyApiError(failure: ScrapeFailure): ScrapflyApiError {
  return new ScrapflyApiError({
    code: failure.code,
    message: failure.message,
    httpStatus: failure.httpStatus ?? 0,
    retryable: failure.retryable,
    upstreamStatus: failure.upstreamStatus,
    retryAfterMs: failure.retryAfterMs,
    costCredits: failure.costCredits,
  });
}
