/**
 * Parses a Scrapfly API response into a ScrapeOutcome. Handles the success envelope, both failure
 * shapes (A: envelope with `result.error`; B: a flat top-level error), upstream errors served as
 * HTTP 200, and bodies that are not envelopes at all.
 */
import type { HeaderReader } from '../ports.js';
import { classifyErrorCode, lookupErrorCode } from './error-catalog.js';
import type { ResponseAccounting, ScrapeOutcome } from './scrape-outcome.js';

/** Reads the accounting headers of a response. */
export function readAccountingHeaders(headers: HeaderReader): ResponseAccounting {
  return {
    costCredits: readNumber(headers.get('x-scrapfly-api-cost')) ?? 0,
    remainingCredits: readNumber(headers.get('x-scrapfly-remaining-api-credit')),
    accountConcurrency: readNumber(headers.get('x-scrapfly-account-concurrent-usage')),
  };
}

/** Retry-After in milliseconds (delta-seconds form), or null. */
export function readRetryAfterMs(headers: HeaderReader): number | null {
  const seconds = readNumber(headers.get('retry-after'));
  return seconds === null || seconds < 0 ? null : Math.round(seconds * 1000);
}

function readNumber(value: string | null): number | null {
  if (value === null || value.trim() === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Turns status, headers and the decoded body (or `undefined` when the body was not JSON) into an
 * outcome. Never throws.
 */
export function parseScrapeResponse(options: { status: number; headers: HeaderReader; body: unknown }): ScrapeOutcome {
  const { status, headers, body } = options;
  const accounting = readAccountingHeaders(headers);
  const retryAfterMs = readRetryAfterMs(headers);

  const fail = (code: string, message: string, retryable: boolean | undefined, upstreamStatus: number | null = null): ScrapeOutcome => ({
    ok: false,
    code,
    errorClass: classifyErrorCode({ code, httpStatus: status, upstreamStatus }),
    message,
    httpStatus: status,
    retryable: retryable ?? lookupErrorCode(code)?.retryable ?? (status === 429 || status >= 500),
    upstreamStatus,
    retryAfterMs,
    ...accounting,
  });

  if (!isRecord(body)) {
    return fail(`HTTP_${status}`, `Response body is not a Scrapfly JSON envelope (HTTP ${status})`, undefined);
  }
  const result = body['result'];
  if (isRecord(result)) {
    const error = result['error'];
    if (result['success'] === true && result['status'] === 'DONE' && status < 400) {
      return {
        ok: true,
        httpStatus: status,
        content: typeof result['content'] === 'string' ? result['content'] : '',
        upstreamStatus: typeof result['status_code'] === 'number' ? result['status_code'] : 200,
        ...accounting,
      };
    }
    if (isRecord(error)) {
      const code = typeof error['code'] === 'string' ? error['code'] : `HTTP_${status}`;
      const upstream =
        code === 'ERR::SCRAPE::BAD_UPSTREAM_RESPONSE' && typeof result['status_code'] === 'number' ? result['status_code'] : null;
      const message = typeof error['message'] === 'string' ? error['message'] : code;
      return fail(code, message, typeof error['retryable'] === 'boolean' ? error['retryable'] : undefined, upstream);
    }
    return fail(`HTTP_${status}`, `Scrapfly envelope without success or error (HTTP ${status})`, undefined);
  }
  // Shape B: a flat API error.
  const code = typeof body['code'] === 'string' ? body['code'] : `HTTP_${status}`;
  const message =
    typeof body['message'] === 'string' ? body['message'] : typeof body['reason'] === 'string' ? body['reason'] : code;
  return fail(code, message, typeof body['retryable'] === 'boolean' ? body['retryable'] : undefined);
}
