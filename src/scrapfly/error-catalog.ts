/**
 * Scrapfly's error catalog (docs: scrape-api/errors): HTTP status, retryable and billed flags per
 * code. Shared by the client (to classify) and the mock (to answer as the API does).
 */
import type { ErrorClass } from '../events/batch-event.js';

export interface CatalogEntry {
  /** HTTP status the API answers with. */
  http: number;
  retryable: boolean;
  /** Whether the failed request is charged credits. */
  billed: boolean;
  description: string;
}

const entry = (http: number, retryable: boolean, billed: boolean, description: string): CatalogEntry => ({
  http,
  retryable,
  billed,
  description,
});

/** Every error code the mock can produce and the client knows by name. */
export const ERROR_CATALOG = {
  'ERR::SCRAPE::OPERATION_TIMEOUT': entry(504, true, false, 'Generic timeout of an internal operation'),
  'ERR::SCRAPE::UPSTREAM_TIMEOUT': entry(422, false, true, 'The target website was too slow to respond'),
  'ERR::SCRAPE::DRIVER_TIMEOUT': entry(422, true, false, 'The browser driver gave no response'),
  'ERR::SCRAPE::SCENARIO_TIMEOUT': entry(422, true, true, 'The JavaScript scenario timed out'),
  'ERR::SCRAPE::SCENARIO_DEADLINE_OVERFLOW': entry(422, false, false, 'The scenario would need more than 30 s'),
  'ERR::SCRAPE::TOO_MANY_CONCURRENT_REQUEST': entry(429, true, false, 'Plan or project concurrency limit reached'),
  'ERR::THROTTLE::MAX_CONCURRENT_REQUEST_EXCEEDED': entry(429, true, false, 'Too many concurrent requests'),
  'ERR::THROTTLE::MAX_REQUEST_RATE_EXCEEDED': entry(429, true, false, 'Too many requests in the sliding window'),
  'ERR::THROTTLE::MAX_API_CREDIT_BUDGET_EXCEEDED': entry(429, true, false, 'Throttler credit budget reached'),
  'ERR::SESSION::CONCURRENT_ACCESS': entry(429, true, false, 'The session is used concurrently'),
  'ERR::SCRAPE::QUOTA_LIMIT_REACHED': entry(429, false, false, 'Monthly plan quota used up'),
  'ERR::SCRAPE::PROJECT_QUOTA_LIMIT_REACHED': entry(429, true, false, 'Project limit reached'),
  'ERR::ACCOUNT::SUSPENDED': entry(429, true, false, 'Account suspended'),
  'ERR::ACCOUNT::PAYMENT_REQUIRED': entry(402, true, false, 'Payment required'),
  'ERR::SCRAPE::COST_BUDGET_LIMIT': entry(422, true, false, 'cost_budget too low for this scrape'),
  'ERR::ASP::SHIELD_PROTECTION_FAILED': entry(422, true, false, 'Anti-scraping protection could not solve the challenge'),
  'ERR::ASP::SHIELD_ERROR': entry(422, false, false, 'Unexpected anti-scraping protection error'),
  'ERR::ASP::TIMEOUT': entry(422, true, false, 'Anti-scraping protection timed out'),
  'ERR::ASP::CAPTCHA_TIMEOUT': entry(422, true, false, 'Captcha solving timed out'),
  'ERR::ASP::CAPTCHA_ERROR': entry(422, true, false, 'Captcha solving failed'),
  'ERR::ASP::UNABLE_TO_SOLVE_CAPTCHA': entry(422, true, false, 'Unable to solve the captcha'),
  'ERR::ASP::SHIELD_EXPIRED': entry(422, true, false, 'The protection shield expired'),
  'ERR::ASP::UPSTREAM_UNEXPECTED_RESPONSE': entry(422, false, false, 'Unexpected response from the protected target'),
  'ERR::ASP::SHIELD_NOT_ELIGIBLE': entry(422, false, false, 'The target is not eligible for anti-scraping protection'),
  'ERR::PROXY::TIMEOUT': entry(422, true, false, 'Proxy or target too slow'),
  'ERR::PROXY::UNAVAILABLE': entry(422, true, false, 'Proxy unavailable'),
  'ERR::PROXY::RESOURCES_SATURATION': entry(422, true, false, 'No proxy capacity in that country'),
  'ERR::PROXY::POOL_NOT_FOUND': entry(400, false, false, 'Unknown proxy_pool'),
  'ERR::PROXY::POOL_UNAVAILABLE_COUNTRY': entry(400, false, false, 'The proxy pool has no proxy in that country'),
  'ERR::PROXY::POOL_NOT_AVAILABLE_FOR_TARGET': entry(422, false, false, 'The target needs at least a residential pool'),
  'ERR::SCRAPE::BAD_UPSTREAM_RESPONSE': entry(200, false, true, 'The target answered with a status above 400'),
  'ERR::SCRAPE::UPSTREAM_WEBSITE_ERROR': entry(422, true, true, 'Malformed target response'),
  'ERR::SCRAPE::NETWORK_ERROR': entry(422, true, false, 'Network error reaching the target'),
  'ERR::SCRAPE::NETWORK_SERVER_DISCONNECTED': entry(422, false, false, 'The target closed the connection'),
  'ERR::SCRAPE::DNS_NAME_NOT_RESOLVED': entry(422, false, true, 'The target host name does not resolve'),
  'ERR::SCRAPE::SSL_ERROR': entry(422, false, false, 'TLS error with the target'),
  'ERR::SCRAPE::DOM_SELECTOR_NOT_FOUND': entry(422, false, true, 'wait_for_selector not found within 15 s'),
  'ERR::SCRAPE::DOM_SELECTOR_INVALID': entry(422, false, true, 'wait_for_selector is not a valid selector'),
  'ERR::SCRAPE::DOM_SELECTOR_INVISIBLE': entry(422, false, true, 'wait_for_selector matched an invisible element'),
  'ERR::SCRAPE::DRIVER_CRASHED': entry(422, true, false, 'The browser crashed'),
  'ERR::SCRAPE::DRIVER_INSUFFICIENT_RESOURCES': entry(422, true, false, 'The browser ran out of resources'),
  'ERR::SCRAPE::NO_BROWSER_AVAILABLE': entry(422, true, false, 'No browser available'),
  'ERR::SCRAPE::CONFIG_ERROR': entry(400, false, false, 'Invalid parameters'),
  'ERR::SCRAPE::BAD_PROTOCOL': entry(422, false, false, 'The url is not http(s)'),
  'ERR::SCRAPE::DOMAIN_NOT_ALLOWED': entry(422, false, false, 'Domain not allowed'),
  'ERR::API::INTERNAL_ERROR': entry(500, false, false, 'Internal error'),
} as const satisfies Record<string, CatalogEntry>;

/** A code present in the catalog. */
export type CatalogCode = keyof typeof ERROR_CATALOG;

/** Looks up a code; unknown codes return undefined. */
export function lookupErrorCode(code: string): CatalogEntry | undefined {
  return (ERROR_CATALOG as Record<string, CatalogEntry>)[code];
}

/** True when `code` is in the catalog. */
export function isCatalogCode(code: string): code is CatalogCode {
  return Object.hasOwn(ERROR_CATALOG, code);
}

/**
 * The policy-level class of a Scrapfly error code. `upstreamStatus` is the target's status for
 * BAD_UPSTREAM_RESPONSE; `httpStatus` breaks ties for codes the catalog does not know.
 */
export function classifyErrorCode(options: {
  code: string;
  httpStatus: number;
  upstreamStatus?: number | null;
}): ErrorClass {
  const { code, httpStatus } = options;
  if (code === 'ERR::SCRAPE::BAD_UPSTREAM_RESPONSE') {
    return (options.upstreamStatus ?? 0) >= 500 ? 'upstream-5xx' : 'upstream-4xx';
  }
  if (code === 'ERR::SCRAPE::QUOTA_LIMIT_REACHED' || code === 'ERR::ACCOUNT::PAYMENT_REQUIRED') return 'quota';
  if (code.endsWith('TIMEOUT') && !code.includes('UPSTREAM')) return 'server-timeout';
  if (code.startsWith('ERR::ASP::')) return 'blocked';
  if (code.startsWith('ERR::PROXY::')) return httpStatus === 400 ? 'config' : 'proxy';
  if (httpStatus === 429) return 'throttled';
  if (httpStatus === 401 || httpStatus === 403) return 'auth';
  if (httpStatus === 400) return 'config';
  return 'other';
}
