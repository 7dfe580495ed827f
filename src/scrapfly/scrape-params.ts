/** The parameters of one Scrapfly scrape and the query string the API expects. */

/** Scrapfly proxy pools. */
export type ProxyPool = 'public_datacenter_pool' | 'public_residential_pool';

/** The options of one scrape, in the API's terms. Durations are milliseconds. */
export interface ScrapeParams {
  /** The target URL (http or https). */
  url: string;
  renderJs: boolean;
  asp: boolean;
  proxyPool: ProxyPool | null;
  /** ISO 3166-1 alpha-2 country code(s), or null to let Scrapfly choose. */
  country: string | null;
  /** Scrapfly's own retries (default true). */
  retry: boolean;
  /** The `timeout` parameter, ms, or null to send none. */
  timeoutMs: number | null;
  /** The `cost_budget` parameter in credits, or null. */
  costBudget: number | null;
  /** Sent as `correlation_id`; the mock echoes it in its events. */
  correlationId: string | null;
}

/**
 * Builds the query string of a scrape, in the order the official SDKs use, URL-encoding every
 * value. `retry` is sent only when false, as the SDKs do. Holds the key: never log the result.
 */
export function buildScrapeQuery(options: { key: string; params: ScrapeParams }): string {
  const { key, params } = options;
  const parts = [`key=${encodeURIComponent(key)}`, `url=${encodeURIComponent(params.url)}`];
  if (params.country !== null) parts.push(`country=${encodeURIComponent(params.country)}`);
  if (params.timeoutMs !== null) parts.push(`timeout=${params.timeoutMs}`);
  if (params.costBudget !== null) parts.push(`cost_budget=${params.costBudget}`);
  if (params.renderJs) parts.push('render_js=true');
  if (params.asp) parts.push('asp=true');
  if (!params.retry) parts.push('retry=false');
  if (params.proxyPool !== null) parts.push(`proxy_pool=${params.proxyPool}`);
  if (params.correlationId !== null) parts.push(`correlation_id=${encodeURIComponent(params.correlationId)}`);
  return parts.join('&');
}

/** Removes every occurrence of `secret` (raw and URL-encoded) and any `key=` query value from text. */
export function redactSecret(text: string, secret: string): string {
  let out = text.replace(/([?&]key=)[^&\s"']*/g, '$1***');
  if (secret.length > 0) {
    out = out.split(secret).join('***');
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) out = out.split(encoded).join('***');
  }
  return out;
}
