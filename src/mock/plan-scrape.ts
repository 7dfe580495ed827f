/**
 * Decides, for one accepted scrape, how long the server works on it and how it ends. Pure: the
 * request, its behaviour and a random stream in, a plan out.
 *
 * - A hang (probability `hang.p`) ignores the API's budget: the response comes after the hang's
 *   duration, as a 504 OPERATION_TIMEOUT.
 * - Otherwise Scrapfly makes up to `internalAttempts` attempts with `retry=true` (one with
 *   `retry=false`), retrying retryable errors, all within the server budget; past the budget the
 *   scrape ends at the budget with OPERATION_TIMEOUT. A browser attempt also waits the request's
 *   `rendering_wait`.
 * - Billed errors (catalog) cost the feature cost, or `billedErrorCredits` when the world fixes it.
 */
import type { Random } from '../ports.js';
import { lookupErrorCode } from '../scrapfly/error-catalog.js';
import type { ScrapeParams } from '../scrapfly/scrape-params.js';
import type { ScrapeRequest } from './parse-scrape-request.js';
import type { CompiledBehaviour } from './resolve-behaviour.js';
import type { MockOptions } from './world-spec.js';

export const OPERATION_TIMEOUT = 'ERR::SCRAPE::OPERATION_TIMEOUT';

export interface ScrapePlan {
  /** How long the server works before answering, ms. */
  serverMs: number;
  /** The error the scrape ends with, or null for success. */
  errorCode: string | null;
  /** The target's status: 200 on success, the upstream status for BAD_UPSTREAM_RESPONSE. */
  upstreamStatus: number;
  /** Internal attempts Scrapfly made. */
  internalAttempts: number;
  /** True when the scrape hung past the API's budget. */
  hung: boolean;
  /** Whether the served page carries a price. */
  hasPrice: boolean;
  /** Credits charged when the scrape ends (0 for unbilled errors). */
  costCredits: number;
}

/** Credits for a scrape with these features: 1 datacenter, 25 residential, +5 with render_js. */
export function computeScrapeCost(params: Pick<ScrapeParams, 'proxyPool' | 'renderJs'>): number {
  return (params.proxyPool === 'public_residential_pool' ? 25 : 1) + (params.renderJs ? 5 : 0);
}

/** Plans one accepted scrape. Draws from `random` in a fixed order. */
export function planScrape(options: {
  request: ScrapeRequest;
  behaviour: CompiledBehaviour;
  random: Random;
  options: MockOptions;
}): ScrapePlan {
  const { request, behaviour, random } = options;
  const cost = computeScrapeCost(request.params);
  if (behaviour.hang && random.next() < behaviour.hang.p) {
    return { serverMs: behaviour.hang.latency.sample(random), errorCode: OPERATION_TIMEOUT, upstreamStatus: 0, internalAttempts: 1, hung: true, hasPrice: false, costCredits: 0 };
  }
  const maxAttempts = request.params.retry ? Math.max(1, options.options.internalAttempts) : 1;
  const budgetMs = request.budgetMs;
  let elapsed = 0;
  for (let attempt = 1; ; attempt++) {
    const latencyMs = behaviour.latency.sample(random) + request.renderingWaitMs;
    if (elapsed + latencyMs > budgetMs) {
      return { serverMs: budgetMs, errorCode: OPERATION_TIMEOUT, upstreamStatus: 0, internalAttempts: attempt, hung: false, hasPrice: false, costCredits: 0 };
    }
    elapsed += latencyMs;
    const draw = drawError(behaviour, random.next());
    if (draw === null) {
      const hasPrice = !(behaviour.noPrice > 0 && random.next() < behaviour.noPrice);
      return { serverMs: elapsed, errorCode: null, upstreamStatus: 200, internalAttempts: attempt, hung: false, hasPrice, costCredits: cost };
    }
    const entry = lookupErrorCode(draw.code);
    const retryable = entry?.retryable ?? false;
    if (retryable && attempt < maxAttempts && elapsed + options.options.internalRetryDelayMs < budgetMs) {
      elapsed += options.options.internalRetryDelayMs;
      continue;
    }
    return {
      serverMs: elapsed,
      errorCode: draw.code,
      upstreamStatus: draw.upstreamStatus ?? 0,
      internalAttempts: attempt,
      hung: false,
      hasPrice: false,
      costCredits: entry?.billed ? billedErrorCost(options.options, cost) : 0,
    };
  }
}

/** Credits a billed error costs: the feature cost, or the amount the world fixes. */
function billedErrorCost(options: MockOptions, featureCost: number): number {
  return options.billedErrorCredits === 'full' ? featureCost : options.billedErrorCredits;
}

function drawError(behaviour: CompiledBehaviour, u: number): { code: string; upstreamStatus: number | null } | null {
  for (const e of behaviour.errors) if (u < e.cumulative) return e;
  return null;
}
