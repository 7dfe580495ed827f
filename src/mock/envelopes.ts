/**
 * Response bodies and headers as the real API sends them: the success envelope, the error
 * envelope (shape A), the flat error (shape B) and the 401 body.
 */
import { lookupErrorCode } from '../scrapfly/error-catalog.js';
import type { ScrapeParams } from '../scrapfly/scrape-params.js';

/** A response the mock sends, independent of the face (msw, direct, HTTP) that carries it. */
export interface MockResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: unknown;
}

const DOCS = 'https://scrapfly.io/docs/scrape-api/error/';
const REASONS: Record<number, string> = { 200: 'OK', 400: 'Bad Request', 401: 'Unauthorized', 402: 'Payment Required', 404: 'Not Found', 422: 'Unprocessable Entity', 429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout' };

/** The effective config echoed in every envelope. */
export function renderConfig(params: ScrapeParams, uuid: string, budgetMs: number): Record<string, unknown> {
  return {
    url: params.url,
    method: 'GET',
    retry: params.retry,
    timeout: budgetMs,
    asp: params.asp,
    render_js: params.renderJs,
    country: params.country,
    proxy_pool: params.proxyPool ?? 'public_datacenter_pool',
    cost_budget: params.costBudget,
    correlation_id: params.correlationId,
    headers: {},
    cache: false,
    env: 'LIVE',
    origin: 'API',
    uuid,
  };
}

/** What a finished scrape's envelope is made of. */
export interface EnvelopeSpec {
  params: ScrapeParams;
  uuid: string;
  budgetMs: number;
  durationMs: number;
  costCredits: number;
  upstreamStatus: number;
  content: string;
  internalRetries: number;
  error: Record<string, unknown> | null;
}

const RESPONSE_HEADERS = Object.freeze({ 'content-type': 'text/html; charset=utf-8' });
const EMPTY_OBJECT = Object.freeze({});
const EMPTY_LIST = Object.freeze([]);

/**
 * The envelope of a finished scrape (success, or an error in shape A). `result` and `uuid` are
 * built at once; `config` and `context`, which clients rarely read, are built when first read or
 * when the envelope is serialised, so the direct face does not pay for them. Serialises (toJSON)
 * to the same JSON as the real API's envelope: config, context, result, uuid.
 */
export class ScrapeEnvelope {
  readonly result: Record<string, unknown>;
  readonly uuid: string;
  readonly #spec: EnvelopeSpec;

  constructor(spec: EnvelopeSpec) {
    this.#spec = spec;
    this.uuid = spec.uuid;
    this.result = {
      content: spec.content,
      content_type: 'text/html; charset=utf-8',
      format: 'text',
      status_code: spec.upstreamStatus,
      reason: REASONS[spec.upstreamStatus] ?? null,
      success: spec.error === null,
      status: 'DONE',
      duration: Math.round(spec.durationMs) / 1000,
      url: spec.params.url,
      log_url: `https://scrapfly.io/dashboard/monitoring/log/${spec.uuid}`,
      error: spec.error,
      response_headers: RESPONSE_HEADERS,
      request_headers: EMPTY_OBJECT,
      cookies: EMPTY_LIST,
    };
  }

  get config(): Record<string, unknown> {
    return renderConfig(this.#spec.params, this.uuid, this.#spec.budgetMs);
  }

  get context(): Record<string, unknown> {
    const { params } = this.#spec;
    return {
      asp: params.asp,
      cache: { state: 'MISS', entry: null },
      cost: { details: costDetails(params), total: this.#spec.costCredits },
      proxy: { country: params.country ?? 'us', network: params.proxyPool === 'public_residential_pool' ? 'residential' : 'datacenter', pool: params.proxyPool ?? 'public_datacenter_pool' },
      retry: this.#spec.internalRetries,
    };
  }

  toJSON(): Record<string, unknown> {
    return { config: this.config, context: this.context, result: this.result, uuid: this.uuid };
  }
}

/** Builds the envelope of a finished scrape. */
export function renderScrapeEnvelope(spec: EnvelopeSpec): ScrapeEnvelope {
  return new ScrapeEnvelope(spec);
}

function costDetails(params: ScrapeParams): Array<{ amount: number; code: string; description: string }> {
  const details =
    params.proxyPool === 'public_residential_pool'
      ? [{ amount: 25, code: 'PROXY_RESIDENTIAL_NETWORK', description: 'Proxy Network (Residential)' }]
      : [{ amount: 1, code: 'PROXY_DATACENTER_NETWORK', description: 'Proxy Network (Datacenter)' }];
  if (params.renderJs) details.push({ amount: 5, code: 'BROWSER', description: 'Headless Browser' });
  return details;
}

/** The `error` object of a shape-A envelope. */
export function renderErrorObject(code: string, uuid: string, message?: string): Record<string, unknown> {
  const entry = lookupErrorCode(code);
  return {
    code,
    http_code: entry?.http ?? 500,
    message: message ?? entry?.description ?? code,
    description: entry?.description ?? code,
    error_id: uuid,
    scrape_id: uuid,
    retryable: entry?.retryable ?? false,
    doc_url: `${DOCS}${code}`,
    links: { 'Related Error Doc': `${DOCS}${code}` },
  };
}

/** A shape-B body: a flat API error without envelope (throttles, config errors). */
export function renderFlatError(options: { code: string | null; status: number; message: string; errorId: string }): Record<string, unknown> {
  if (options.status === 401) {
    return { status: 'error', http_code: 401, reason: 'Unauthorized', error_id: options.errorId, message: options.message };
  }
  const entry = options.code ? lookupErrorCode(options.code) : undefined;
  return {
    code: options.code,
    error_id: options.errorId,
    http_code: options.status,
    message: options.message,
    reason: REASONS[options.status] ?? 'Error',
    retryable: entry?.retryable ?? false,
    doc_url: options.code ? `${DOCS}${options.code}` : null,
    links: options.code ? { 'Related Error Doc': `${DOCS}${options.code}` } : null,
  };
}

/** The X-Scrapfly-Reject-* headers of an error response. */
export function rejectHeaders(code: string, errorId: string): Record<string, string> {
  const entry = lookupErrorCode(code);
  return {
    'x-scrapfly-reject-code': code,
    'x-scrapfly-reject-description': entry?.description ?? code,
    'x-scrapfly-reject-doc': `${DOCS}${code}`,
    'x-scrapfly-reject-http-code': String(entry?.http ?? 500),
    'x-scrapfly-reject-retryable': String(entry?.retryable ?? false),
    'x-scrapfly-reject-id': errorId,
  };
}
