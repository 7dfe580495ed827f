/**
 * Reads a /scrape request's query string the way the API does, and rejects what the API rejects:
 * a missing or refused key (401), a missing url, a url without http(s), malformed values, an
 * unknown proxy pool or country, a timeout out of range (400). One pass over the raw query, with
 * no intermediate objects: this sits on the simulator's per-request path.
 */
import type { ProxyPool, ScrapeParams } from '../scrapfly/scrape-params.js';
import { resolveServerBudget } from '../scrapfly/timeout-rules.js';
import { decodeQueryComponent } from './query-params.js';
import type { FeatureLevel, MockOptions } from './world-spec.js';

export interface ScrapeRequest {
  key: string;
  /** The HTTP method of the API call (Scrapfly uses it for the upstream request too). */
  method: string;
  params: ScrapeParams;
  level: FeatureLevel;
  /** Host of the target URL without a leading `www.`. */
  domain: string;
  /** The server-side budget, ms. */
  budgetMs: number;
  /** `rendering_wait`, ms, added to every browser attempt; 0 without render_js. */
  renderingWaitMs: number;
  /** The raw query (without `?`), echoed in the envelope's `config` when it is serialised. */
  search: string;
}

export type ParsedScrapeRequest =
  | { ok: true; request: ScrapeRequest }
  | { ok: false; status: 400 | 401; code: string | null; message: string; correlationId: string };

const CONFIG_ERROR = 'ERR::SCRAPE::CONFIG_ERROR';
const POOLS: readonly string[] = ['public_datacenter_pool', 'public_residential_pool'];
const FORMATS: readonly string[] = ['raw', 'clean_html', 'json', 'markdown', 'text'];
const STAGES: readonly string[] = ['complete', 'domcontentloaded'];
const OSES: readonly string[] = ['win11', 'mac', 'linux'];
const COUNTRY = /^-?[a-z]{2}(:\d+)?(,-?[a-z]{2}(:\d+)?)*$/i;
const SESSION = /^[A-Za-z0-9_-]{1,255}$/;
const INDEXED = /^(headers|screenshots|cookies)\[[^\]]+\]$/;
/** Parameters the API documents that the mock accepts without looking at their value. */
const FREE_TEXT: ReadonlySet<string> = new Set([
  'lang',
  'tags',
  'webhook_name',
  'wait_for_selector',
  'js',
  'geolocation',
  'screenshot_flags',
  'extraction_template',
  'extraction_prompt',
  'extraction_model',
]);
const BOOLEANS: ReadonlySet<string> = new Set(['cache', 'cache_clear', 'session_sticky_proxy', 'debug', 'dns', 'ssl', 'proxified_response', 'auto_scroll']);

/**
 * Parses the raw query (without `?`) of a /scrape request. `apiKeys` empty means any non-empty
 * key is accepted. `method` defaults to GET. The first of repeated parameters counts for `key` and
 * `url`, the last for the others.
 */
export function parseScrapeRequest(options: { search: string; apiKeys: readonly string[]; options: MockOptions; method?: string }): ParsedScrapeRequest {
  const { search, apiKeys } = options;
  let key: string | null = null;
  let url: string | null = null;
  let renderJs = false;
  let asp = false;
  let retry = true;
  let timeoutMs: number | null = null;
  let costBudget: number | null = null;
  let renderingWaitMs = 0;
  let pool: string | null = null;
  let country: string | null = null;
  let correlationId: string | null = null;
  let jsScenario = false;
  let problemCode: string | null = null;
  let problem = '';

  for (let start = 0; start <= search.length; ) {
    let end = search.indexOf('&', start);
    if (end < 0) end = search.length;
    if (end === start) {
      start = end + 1;
      continue;
    }
    const eq = search.indexOf('=', start);
    const split = eq >= 0 && eq < end ? eq : end;
    const name = decodeQueryComponent(search.slice(start, split));
    const value = split === end ? '' : decodeQueryComponent(search.slice(split + 1, end));
    start = end + 1;
    let message: string | null = null;
    switch (name) {
      case 'key':
        key ??= value;
        break;
      case 'url':
        url ??= value;
        break;
      case 'render_js':
      case 'asp':
      case 'retry': {
        const flag = parseBool(value);
        if (flag === null) message = `${name} must be true or false, got "${value}"`;
        else if (name === 'render_js') renderJs = flag;
        else if (name === 'asp') asp = flag;
        else retry = flag;
        break;
      }
      case 'timeout':
        timeoutMs = parseInteger(value);
        if (timeoutMs === null) message = `timeout must be a non-negative integer number of milliseconds, got "${value}"`;
        break;
      case 'cost_budget':
        costBudget = parseInteger(value);
        if (costBudget === null) message = `cost_budget must be a non-negative integer of credits, got "${value}"`;
        break;
      case 'correlation_id':
        correlationId = value;
        break;
      case 'proxy_pool':
        pool = value;
        if (!POOLS.includes(value) && problemCode === null) {
          problemCode = 'ERR::PROXY::POOL_NOT_FOUND';
          problem = `Unknown proxy_pool "${value}" (expected ${POOLS.join(' or ')})`;
        }
        break;
      case 'country':
        country = value;
        if (!COUNTRY.test(value) && problemCode === null) {
          problemCode = 'ERR::PROXY::POOL_UNAVAILABLE_COUNTRY';
          problem = `country must be ISO 3166-1 alpha-2 codes such as "us", "us,ca" or "-gb", got "${value}"`;
        }
        break;
      case 'rendering_wait': {
        const ms = parseInteger(value);
        if (ms === null) message = `rendering_wait must be a non-negative integer number of milliseconds, got "${value}"`;
        else renderingWaitMs = ms;
        break;
      }
      case 'cache_ttl':
        if (parseInteger(value) === null) message = `cache_ttl must be a non-negative integer number of seconds, got "${value}"`;
        break;
      case 'js_scenario':
        jsScenario = true;
        break;
      case 'rendering_stage':
        if (!STAGES.includes(value)) message = `rendering_stage must be one of ${STAGES.join(', ')}, got "${value}"`;
        break;
      case 'format':
        if (!FORMATS.includes(value.split(':', 1)[0] as string)) message = `format must be one of ${FORMATS.join(', ')} (optionally with :options), got "${value}"`;
        break;
      case 'os':
        if (!OSES.includes(value)) message = `os must be one of ${OSES.join(', ')}, got "${value}"`;
        break;
      case 'session':
        if (!SESSION.test(value)) message = `session must be 1 to 255 letters, digits, "-" or "_", got "${value.slice(0, 40)}"`;
        break;
      default:
        if (BOOLEANS.has(name)) {
          if (parseBool(value) === null) message = `${name} must be true or false, got "${value}"`;
        } else if (!FREE_TEXT.has(name) && !INDEXED.test(name) && options.options.unknownParams === 'reject') {
          message = `Unknown parameter "${name}"`;
        }
    }
    if (message !== null && problemCode === null) {
      problemCode = CONFIG_ERROR;
      problem = message;
    }
  }

  const fail = (status: 400 | 401, code: string | null, message: string): ParsedScrapeRequest => ({ ok: false, status, code, message, correlationId: correlationId ?? '' });
  if (!key || (apiKeys.length > 0 && !apiKeys.includes(key))) return fail(401, null, key ? 'Invalid API key' : 'Missing API key: the key parameter is required');
  if (!url) return fail(400, CONFIG_ERROR, 'The url parameter is required');
  const protocol = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase();
  if (protocol !== 'http' && protocol !== 'https') {
    return fail(400, CONFIG_ERROR, `The url must start with http:// or https://, got protocol ${protocol ? `"${protocol}"` : 'none'} in "${url.slice(0, 200)}"`);
  }
  // The host is all the mock needs from the target URL; a full URL parse per request is too slow
  // for large simulated runs.
  const host = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]+)/.exec(url)?.[1]?.toLowerCase();
  if (!host) return fail(400, CONFIG_ERROR, `The url "${url.slice(0, 200)}" has no host`);
  if (problemCode !== null) return fail(400, problemCode, problem);
  if (retry && timeoutMs !== null && options.options.timeoutWithRetry === 'reject') return fail(400, CONFIG_ERROR, 'timeout can only be set with retry=false');
  const budget = resolveServerBudget({ retry, timeoutMs, renderJs, asp, jsScenario: renderJs && jsScenario });
  if (!budget.ok) return fail(400, CONFIG_ERROR, budget.message);

  const params: ScrapeParams = {
    url,
    renderJs,
    asp,
    proxyPool: pool as ProxyPool | null,
    country,
    retry,
    timeoutMs,
    costBudget,
    correlationId,
  };
  return {
    ok: true,
    request: {
      key,
      method: options.method ?? 'GET',
      params,
      level: asp ? 'asp' : renderJs ? 'render_js' : 'plain',
      domain: host.startsWith('www.') ? host.slice(4) : host,
      budgetMs: budget.budgetMs,
      renderingWaitMs: renderJs ? renderingWaitMs : 0,
      search,
    },
  };
}

function parseBool(raw: string): boolean | null {
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  const v = raw.toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  return null;
}

function parseInteger(raw: string): number | null {
  return /^\d{1,15}$/.test(raw) ? Number(raw) : null;
}
