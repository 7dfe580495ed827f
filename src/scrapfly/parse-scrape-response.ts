/**
 * Parses a Scrapfly API response into a ScrapeOutcome. Handles the success envelope, both failure
 * shapes (A: envelope with `result.error`; B: a flat top-level error), upstream errors served as
 * HTTP 200, and bodies that are not envelopes at all (a gateway's HTML page), where the
 * X-Scrapfly-Reject-* headers, when present, still name the error. Credits come from
 * X-Scrapfly-Api-Cost, or from `context.cost.total` when the header is missing.
 */
import type { HeaderReader } from '../ports.js';
import { classifyErrorCode, lookupErrorCode } from './error-catalog.js';
import type { ResponseAccounting, ScrapeOutcome } from './scrape-outcome.js';

/**
 * Reads the accounting headers of a response. When X-Scrapfly-Api-Cost is missing, `costCredits`
 * is the envelope's `context.cost.total` (when `body` has one), else 0.
 */
export function readAccountingHeaders(headers: HeaderReader, body?: unknown): ResponseAccounting {
  return {
    costCredits: readNumber(headers.get('x-scrapfly-api-cost')) ?? (isRecord(body) ? readCostTotal(body) : null) ?? 0,
    remainingCredits: readNumber(headers.get('x-scrapfly-remaining-api-credit')),
    accountConcurrency: readNumber(headers.get('x-scrapfly-account-concurrent-usage')),
  };
}

/**
 * Retry-After in milliseconds, or null. Only the delta-seconds form is read (what Scrapfly and its
 * SDKs use); an HTTP date, which needs the current time, counts as absent.
 */
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
  const accounting = readAccountingHeaders(headers, body);
  const retryAfterMs = readRetryAfterMs(headers);

  const fail = (code: string, message: string, retryable: boolean | undefined, upstreamStatus: number | null = null): ScrapeOutcome => ({
    ok: false,
    code,
    errorClass: classifyErrorCode({ code, httpStatus: status, upstreamStatus }),
    message,
    httpStatus: status,
    retryable: retryable ?? readRejectRetryable(headers) ?? lookupErrorCode(code)?.retryable ?? (status === 429 || status >= 500),
    upstreamStatus,
    retryAfterMs,
    ...accounting,
  });

  if (!isRecord(body)) {
    const rejectCode = headers.get('x-scrapfly-reject-code');
    if (rejectCode) return fail(rejectCode, headers.get('x-scrapfly-reject-description') ?? rejectCode, undefined);
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

/** X-Scrapfly-Reject-Retryable as a boolean ('true'/'yes' or 'false'/'no'), or null. */
function readRejectRetryable(headers: HeaderReader): boolean | null {
  const value = headers.get('x-scrapfly-reject-retryable')?.toLowerCase();
  if (value === 'true' || value === 'yes') return true;
  if (value === 'false' || value === 'no') return false;
  return null;
}

/** `context.cost.total` of an envelope, or null. */
function readCostTotal(body: Record<string, unknown>): number | null {
  const context = body['context'];
  if (!isRecord(context)) return null;
  const cost = context['cost'];
  if (!isRecord(cost)) return null;
  const total = cost['total'];
  return typeof total === 'number' && Number.isFinite(total) && total >= 0 ? total : null;
}
