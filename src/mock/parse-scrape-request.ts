/**
 * Reads a /scrape request's query string the way the API does, and rejects what the API rejects:
 * a missing or refused key (401), a missing url, a url without http(s), malformed values, an
 * unknown proxy pool or a timeout out of range (400).
 */
import type { ProxyPool, ScrapeParams } from '../scrapfly/scrape-params.js';
import { resolveServerBudget } from '../scrapfly/timeout-rules.js';
import type { FeatureLevel, MockOptions } from './world-spec.js';

export interface ScrapeRequest {
  key: string;
  params: ScrapeParams;
  level: FeatureLevel;
  /** Host of the target URL without a leading `www.`. */
  domain: string;
  /** The server-side budget, ms. */
  budgetMs: number;
}

export type ParsedScrapeRequest =
  | { ok: true; request: ScrapeRequest }
  | { ok: false; status: 400 | 401; code: string | null; message: string };

const POOLS: readonly string[] = ['public_datacenter_pool', 'public_residential_pool'];

/** Parses the query of a /scrape request. `apiKeys` empty means any non-empty key is accepted. */
export function parseScrapeRequest(options: { query: URLSearchParams; apiKeys: readonly string[]; options: MockOptions }): ParsedScrapeRequest {
  const { query, apiKeys } = options;
  const key = query.get('key');
  if (!key || (apiKeys.length > 0 && !apiKeys.includes(key))) {
    return { ok: false, status: 401, code: null, message: key ? 'Invalid API key' : 'Missing API key: the key parameter is required' };
  }
  const configError = (message: string) => ({ ok: false as const, status: 400 as const, code: 'ERR::SCRAPE::CONFIG_ERROR', message });

  const url = query.get('url');
  if (!url) return configError('The url parameter is required');
  const protocol = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase();
  if (protocol !== 'http' && protocol !== 'https') {
    return configError(`The url must start with http:// or https://, got protocol ${protocol ? `"${protocol}"` : 'none'} in "${url}"`);
  }
  // The host is all the mock needs from the target URL; a full URL parse per request is too slow
  // for large simulated runs.
  const host = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]+)/.exec(url)?.[1]?.toLowerCase();
  if (!host) return configError(`The url "${url}" has no host`);

  const flags: Record<string, boolean> = {};
  for (const [name, fallback] of [['render_js', false], ['asp', false], ['retry', true]] as const) {
    const raw = query.get(name);
    const value = raw === null ? fallback : parseBool(raw);
    if (value === null) return configError(`${name} must be true or false, got "${raw}"`);
    flags[name] = value;
  }
  const timeoutRaw = query.get('timeout');
  const timeoutMs = timeoutRaw === null ? null : parseInteger(timeoutRaw);
  if (timeoutRaw !== null && timeoutMs === null) return configError(`timeout must be an integer number of milliseconds, got "${timeoutRaw}"`);
  const costRaw = query.get('cost_budget');
  const costBudget = costRaw === null ? null : parseInteger(costRaw);
  if (costRaw !== null && costBudget === null) return configError(`cost_budget must be an integer, got "${costRaw}"`);
  const pool = query.get('proxy_pool');
  if (pool !== null && !POOLS.includes(pool)) {
    return { ok: false, status: 400, code: 'ERR::PROXY::POOL_NOT_FOUND', message: `Unknown proxy_pool "${pool}"` };
  }

  const retry = flags['retry'] as boolean;
  const renderJs = flags['render_js'] as boolean;
  const asp = flags['asp'] as boolean;
  if (retry && timeoutMs !== null && options.options.timeoutWithRetry === 'reject') {
    return configError('timeout can only be set with retry=false');
  }
  const budget = resolveServerBudget({ retry, timeoutMs, renderJs, asp });
  if (!budget.ok) return configError(budget.message);

  const params: ScrapeParams = {
    url,
    renderJs,
    asp,
    proxyPool: pool as ProxyPool | null,
    country: query.get('country'),
    retry,
    timeoutMs,
    costBudget,
    correlationId: query.get('correlation_id'),
  };
  return {
    ok: true,
    request: {
      key,
      params,
      level: asp ? 'asp' : renderJs ? 'render_js' : 'plain',
      domain: host.startsWith('www.') ? host.slice(4) : host,
      budgetMs: budget.budgetMs,
    },
  };
}

function parseBool(raw: string): boolean | null {
  const v = raw.toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  return null;
}

function parseInteger(raw: string): number | null {
  return /^\d+$/.test(raw) ? Number(raw) : null;
}
