/**
 * The policy live batches use when the config names none: the incident scenario's `fixed` policy
 * (concurrent workers with a slot of headroom under a 5-concurrency plan, retry=false with honoured
 * per-tier timeouts and read timeouts 5 s above them that abort, 429s retried with backoff, a
 * 4-minute item deadline, slow-request warnings over 60 s, a per-domain circuit breaker, and an
 * account-wide outage breaker that stops the batch after 5 requests in a row fail as in an outage).
 */
import type { Policy } from '../engine/policy.js';
import { parsePolicy } from '../scenario/parse-policy.js';
import { FieldReader } from '../scenario/field-reader.js';

/** The default policy as it would be written in a config file. */
export const DEFAULT_LIVE_POLICY_JSON = {
  name: 'live-default',
  description: 'Concurrent workers, retry=false with honoured per-tier timeouts (15/30/60 s) and read timeouts 5 s above them that abort, 429s retried with backoff, a 4-minute item deadline, slow-request warnings and a per-domain circuit breaker.',
  workers: 4,
  execution: 'concurrent',
  client: { preset: 'plain', readTimeoutMs: 'auto', maxTries: 1 },
  tiers: [
    { base: 'plain', retry: false, timeoutMs: '15s' },
    { base: 'render_js', retry: false, timeoutMs: '30s' },
    { base: 'asp', retry: false, timeoutMs: '60s' },
  ],
  retry: { maxCalls: 6, on: ['throttled', 'network'], backoff: { initialMs: '2s', factor: 2, maxMs: '30s', jitter: 'full' } },
  escalateOn: ['server-timeout', 'blocked', 'proxy', 'no-price', 'upstream-5xx', 'other'],
  timeoutSemantics: 'abort',
  itemDeadlineMs: '4m',
  slowRequestMs: '60s',
  circuitBreaker: { consecutiveTimeouts: 3 },
  // Fewer than the 6 calls an item makes on network errors: the batch stops before an outage can fail a machine.
  outageBreaker: { consecutiveFailures: 5 },
};

/** A fresh copy of the default live policy. */
export function createDefaultLivePolicy(): Policy {
  return parsePolicy(new FieldReader('the default live policy'), structuredClone(DEFAULT_LIVE_POLICY_JSON), 'policy');
}
