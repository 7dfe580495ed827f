/** Inputs and results of a batch run. */
import type { ErrorClass, ItemOutcome } from '../events/batch-event.js';
import type { ExtractedPrice } from '../extract/extract-json-ld-price.js';

/** One product page to price. */
export interface BatchItem {
  name: string;
  url: string;
  /** The site, e.g. `omtechlaser.com` (used for per-domain stats and the circuit breaker). */
  domain: string;
}

/** Finds the price in a fetched page, or returns null. Pure. */
export type PriceExtractor = (html: string, context: { url: string; domain: string }) => ExtractedPrice | null;

/** How one item ended. Times are clock milliseconds since the Unix epoch. */
export interface ItemResult {
  index: number;
  name: string;
  url: string;
  domain: string;
  /** The worker that ran it, or null when it never started. */
  worker: number | null;
  /** When it started, or null when it never started. */
  startMs: number | null;
  endMs: number;
  outcome: ItemOutcome;
  price: number | null;
  currency: string | null;
  /** Why it did not price: an error class, `item-deadline`, `batch-deadline`, `circuit-open` or `cancelled`. */
  reason: string | null;
  errorCode: string | null;
  attempts: number;
  /** The last tier tried (1-based), 0 when none. */
  tier: number;
}

/** Outcome counts of a batch. */
export interface OutcomeCounts {
  priced: number;
  failed: number;
  timedOut: number;
  skipped: number;
}

export interface BatchResult {
  batchId: string;
  policy: string;
  startMs: number;
  /** When the last item settled, ms since the epoch. */
  endMs: number;
  makespanMs: number;
  items: ItemResult[];
  counts: OutcomeCounts;
  /** `outage`: the account-wide breaker stopped the batch (Policy.outageBreaker); null otherwise. */
  stoppedBy: 'outage' | null;
}

/** A failed attempt or call, as rules and events see it. */
export interface Failure {
  errorClass: ErrorClass;
  errorCode: string | null;
  retryable: boolean;
  retryAfterMs: number | null;
}

/** Counts outcomes of item results. */
export function countOutcomes(items: readonly Pick<ItemResult, 'outcome'>[]): OutcomeCounts {
  const counts: OutcomeCounts = { priced: 0, failed: 0, timedOut: 0, skipped: 0 };
  for (const item of items) {
    if (item.outcome === 'priced') counts.priced++;
    else if (item.outcome === 'failed') counts.failed++;
    else if (item.outcome === 'timed-out') counts.timedOut++;
    else counts.skipped++;
  }
  return counts;
}
