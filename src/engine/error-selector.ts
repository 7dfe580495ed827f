/** Matching failures against the error selectors of policy rules. */
import type { ErrorClass } from '../events/batch-event.js';
import type { ErrorSelector } from './policy.js';

/** A failure as rules see it. */
export interface FailureFacts {
  errorClass: ErrorClass;
  /** Scrapfly's retryable flag; client timeouts and network errors count as retryable. */
  retryable: boolean;
}

/** True when any selector in `selectors` matches `failure`. */
export function matchesSelectors(selectors: readonly ErrorSelector[], failure: FailureFacts): boolean {
  for (const s of selectors) {
    if (s === 'any' || s === failure.errorClass || (s === 'retryable' && failure.retryable)) return true;
  }
  return false;
}
