/**
 * How the shops' own websites answer a direct fetch (a `direct` tier, `use_scrapfly: false`):
 * latency per domain, anti-bot refusals (403), rate limiting (429, also past a request rate),
 * CAPTCHA pages without a price, connection resets and stalls. Durations are milliseconds;
 * probabilities are per request.
 */
import type { LatencySpec } from '../latency/latency-spec.js';

/** How one site (or every site, as the default) answers. Fields layer: a domain's override the default's. */
export interface SiteBehaviourSpec {
  /** Time until the whole answer has arrived, ms (for a reset: until the connection breaks). */
  latency?: LatencySpec;
  /**
   * Probability of each answer other than the product page: `http-<status>` for an error status
   * (`http-403` an anti-bot refusal, `http-429` a rate limit, `http-404`, `http-503`…), `captcha`
   * for a 200 challenge page without a price, `reset` for a connection reset. The rest is the page.
   */
  errors?: Record<string, number>;
  /** Probability that a served product page holds no price (a JavaScript shell). */
  noPrice?: number;
  /** With probability `p`, the page arrives only after a duration drawn from `latency` (a stalled site). */
  hang?: { p: number; latency: LatencySpec };
  /**
   * Requests per sliding 60-second window the site tolerates from this client (every request
   * counts); past it, answered at once with `status` (429 or 403). Null: no limit.
   */
  rateLimit?: { requestsPerMinute: number; status: 403 | 429 } | null;
  /** Retry-After on 429 answers, seconds, or null for none. */
  retryAfterSeconds?: number | null;
}

export interface SiteWorldSpec {
  default: SiteBehaviourSpec;
  /** By domain (without `www.`). */
  domains: Record<string, SiteBehaviourSpec>;
}
