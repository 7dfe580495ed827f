/**
 * Response bodies and headers as the real API sends them: the success envelope, the error
 * envelope (shape A), the flat error (shape B) and the 401 body.
 */
import { lookupErrorCode } from '../scrapfly/error-catalog.js';
import type { ScrapeParams } from '../scrapfly/scrape-params.js';

/**
 * A response the mock sends, independent of the face (msw, direct, HTTP) that carries it. An
 * object body is JSON (faces serialise it; a ScrapeEnvelope serialises through `toJSON`); a string
 * body is sent as is, with the content type in `headers` (a gateway's HTML error page).
 */
export interface MockResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: unknown;
  /** True for a connection reset instead of an answer (a site's direct face): faces fail the request as a network error. */
  reset?: boolean;
  /** True when the body breaks off after the headers (the network's truncated answer): reading it fails. */
  truncated?: boolean;
}

const DOCS = 'https://scrapfly.io/docs/scrape-api/error/';
const REASONS: Record<number, string> = {
  200: 'OK',
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  410: 'Gone',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** The reason phrase of an HTTP status, or null. */
export function reasonPhrase(status: number): string | null {
  return REASONS[status] ?? null;
}

/** How the request arrived, for the parts of the config the client's parameters do not hold. */
export interface RequestEcho {
  /** The API call's method (default GET). */
  method?: string;
  /** The raw query (without `?`), to echo options such as session, format or headers[…]. */
  search?: string;
}

/** The effective config echoed in every envelope (the API key is never echoed). */
export function renderConfig(params: ScrapeParams, uuid: string, budgetMs: number, echo: RequestEcho = {}): Record<string, unknown> {
  const q = echo.search === undefined ? undefined : new URLSearchParams(echo.search);
  const text = (name: string): string | null => q?.get(name) ?? null;
  const flag = (name: string, fallback: boolean): boolean => {
    const v = q?.get(name);
    return v === undefined || v === null ? fallback : v.toLowerCase() === 'true' || v === '1';
  };
  const int = (name: string): number | null => {
    const v = q?.get(name);
    return v === undefined || v === null ? null : Number(v);
  };
  const headers: Record<string, string> = {};
  q?.forEach((value, name) => {
    const m = /^headers\[([^\]]+)\]$/.exec(name);
    if (m) headers[(m[1] as string).toLowerCase()] = value;
  });
  const session = text('session');
  return {
    url: params.url,
    method: echo.method ?? 'GET',
    retry: params.retry,
    timeout: budgetMs,
    asp: params.asp,
    render_js: params.renderJs,
    rendering_wait: params.renderJs ? (int('rendering_wait') ?? 0) : 0,
    rendering_stage: text('rendering_stage') ?? 'complete',
    wait_for_selector: params.renderJs ? text('wait_for_selector') : null,
    js: params.renderJs ? text('js') : null,
    js_scenario: params.renderJs ? text('js_scenario') : null,
    screenshots: {},
    country: params.country,
    proxy_pool: params.proxyPool ?? 'public_datacenter_pool',
    cost_budget: params.costBudget,
    correlation_id: params.correlationId,
    session,
    session_sticky_proxy: session === null ? false : flag('session_sticky_proxy', true),
    cache: flag('cache', false),
    cache_ttl: int('cache_ttl') ?? 86400,
    cache_clear: flag('cache_clear', false),
    debug: flag('debug', false),
    format: text('format') ?? 'raw',
    lang: text('lang'),
    os: text('os'),
    geolocation: text('geolocation'),
    tags: (text('tags') ?? '').split(',').filter(Boolean),
    webhook_name: text('webhook_name'),
    proxified_response: flag('proxified_response', false),
    headers,
    env: 'LIVE',
    origin: 'API',
    project: 'default',
    uuid,
    job_uuid: null,
    schedule_name: null,
    extract: null,
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
  /** How the request arrived (method, raw query), for the echoed config. */
  echo?: RequestEcho;
  /** When the scrape started, ms since the epoch (for `context.created_at`). */
  startedAtMs?: number;
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
      content_encoding: 'utf-8',
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
    return renderConfig(this.#spec.params, this.uuid, this.#spec.budgetMs, this.#spec.echo);
  }

  get context(): Record<string, unknown> {
    const { params, costCredits } = this.#spec;
    const pool = params.proxyPool ?? 'public_datacenter_pool';
    return {
      asp: params.asp,
      bandwidth_consumed: this.#spec.content.length,
      cache: { state: 'MISS', entry: null },
      cookies: [],
      cost: { details: costDetails(params, costCredits), total: costCredits },
      created_at: this.#spec.startedAtMs === undefined ? null : new Date(this.#spec.startedAtMs).toISOString(),
      debug: null,
      env: 'LIVE',
      fingerprint: null,
      headers: {},
      is_xml_http_request: false,
      job: null,
      lang: ['en-US', 'en'],
      os: { distribution: 'ubuntu', name: 'linux', type: 'desktop', version: '22.04' },
      project: 'default',
      proxy: { country: params.country ?? 'us', identity: null, network: pool === 'public_residential_pool' ? 'residential' : 'datacenter', pool },
      redirects: [],
      retry: this.#spec.internalRetries,
      schedule: null,
      session: null,
      spider: null,
      throttler: null,
      uri: describeUri(params.url),
      url: params.url,
      webhook: null,
    };
  }

  toJSON(): Record<string, unknown> {
    return { config: this.config, context: this.context, result: this.result, uuid: this.uuid };
  }
}

/** The `context.uri` object of a target URL; empty fields when it does not parse. */
function describeUri(url: string): Record<string, unknown> {
  try {
    const u = new URL(url);
    const host = u.hostname;
    return {
      base_url: `${u.protocol}//${u.host}`,
      host,
      port: u.port === '' ? (u.protocol === 'https:' ? 443 : 80) : Number(u.port),
      scheme: u.protocol.replace(':', ''),
      root_domain: host.split('.').slice(-2).join('.'),
      query: u.search.replace(/^\?/, '') || null,
      params: Object.fromEntries(u.searchParams),
      fragment: u.hash.replace(/^#/, '') || null,
    };
  } catch {
    return { base_url: null, host: null, port: null, scheme: null, root_domain: null, query: null, params: {}, fragment: null };
  }
}

/** Builds the envelope of a finished scrape. */
export function renderScrapeEnvelope(spec: EnvelopeSpec): ScrapeEnvelope {
  return new ScrapeEnvelope(spec);
}

/** The cost breakdown of a scrape charged `totalCredits`: empty when free. */
function costDetails(params: ScrapeParams, totalCredits: number): Array<{ amount: number; code: string; description: string }> {
  if (totalCredits === 0) return [];
  const details =
    params.proxyPool === 'public_residential_pool'
      ? [{ amount: 25, code: 'PROXY_RESIDENTIAL_NETWORK', description: 'Proxy Network (Residential)' }]
      : [{ amount: 1, code: 'PROXY_DATACENTER_NETWORK', description: 'Proxy Network (Datacenter)' }];
  if (params.renderJs) details.push({ amount: 5, code: 'BROWSER', description: 'Headless Browser' });
  const sum = details.reduce((total, d) => total + d.amount, 0);
  return sum === totalCredits ? details : [{ amount: totalCredits, code: 'BILLED_ERROR', description: 'Billed error' }];
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
