/** Backoff delays for retries. */
import type { Random } from '../ports.js';
import type { BackoffSpec } from './policy.js';

/**
 * The delay before retry number `retryIndex` (0 for the first retry), in whole ms:
 * `min(maxMs, initialMs × factor^retryIndex)` with the spec's jitter drawn from `random`.
 */
export function computeBackoffMs(spec: BackoffSpec, retryIndex: number, random: Random): number {
  const ceiling = Math.min(spec.maxMs, spec.initialMs * spec.factor ** retryIndex);
  switch (spec.jitter) {
    case 'none':
      return Math.round(ceiling);
    case 'full':
      return Math.round(ceiling * random.next());
    case 'equal':
      return Math.round(ceiling / 2 + (ceiling / 2) * random.next());
  }
}
