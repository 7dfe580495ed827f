/**
 * A loaded policy written back as scenario JSON, every field explicit, so that a replay scenario
 * can carry the policies of another scenario (loading the JSON gives the same policy back).
 */
import type { BackoffSpec, Policy, TierSpec } from '../engine/policy.js';

/** The scenario JSON of `policy` (optionally renamed). */
export function formatPolicyJson(policy: Policy, options: { name?: string; description?: string } = {}): Record<string, unknown> {
  return {
    name: options.name ?? policy.name,
    description: options.description ?? policy.description,
    workers: policy.workers,
    execution: policy.execution,
    client: {
      readTimeoutMs: policy.client.readTimeoutMs,
      connectTimeoutMs: policy.client.connectTimeoutMs ?? null,
      maxTries: policy.client.maxTries,
      retryOn: [...policy.client.retryOn],
      backoff: formatBackoff(policy.client.backoff),
    },
    tiers: policy.tiers.map(formatTier),
    retry: {
      maxCalls: policy.retry.maxCalls,
      on: [...policy.retry.on],
      backoff: formatBackoff(policy.retry.backoff),
      respectRetryAfter: policy.retry.respectRetryAfter,
    },
    escalateOn: [...policy.escalateOn],
    callTimeoutMs: policy.callTimeoutMs,
    timeoutSemantics: policy.timeoutSemantics,
    itemDeadlineMs: policy.itemDeadlineMs,
    batchDeadlineMs: policy.batchDeadlineMs,
    slowRequestMs: policy.slowRequestMs,
    circuitBreaker: policy.circuitBreaker === null ? null : { consecutiveTimeouts: policy.circuitBreaker.consecutiveTimeouts },
    outageBreaker: policy.outageBreaker ? { consecutiveFailures: policy.outageBreaker.consecutiveFailures } : null,
  };
}

function formatBackoff(backoff: BackoffSpec): Record<string, unknown> {
  return { initialMs: backoff.initialMs, factor: backoff.factor, maxMs: backoff.maxMs, jitter: backoff.jitter };
}

function formatTier(tier: TierSpec): Record<string, unknown> {
  // A direct tier takes no Scrapfly parameter: written as its base, it loads back as itself.
  if (tier.via === 'direct') return tier.readTimeoutMs === undefined ? { base: 'direct', name: tier.name } : { base: 'direct', name: tier.name, readTimeoutMs: tier.readTimeoutMs };
  const out: Record<string, unknown> = {
    name: tier.name,
    renderJs: tier.renderJs,
    asp: tier.asp,
    proxyPool: tier.proxyPool,
    country: tier.country,
    retry: tier.retry,
    timeoutMs: tier.timeoutMs,
    costBudget: tier.costBudget,
  };
  if (tier.readTimeoutMs !== undefined) out['readTimeoutMs'] = tier.readTimeoutMs;
  return out;
}
