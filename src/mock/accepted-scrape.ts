/**
 * A scrape the mock core accepted, between its arrival and its answer. It holds one account slot
 * (and its domain's throttle) until the scrape ends, or until the client leaves when the world
 * frees slots on disconnect; the core's ledger charges it and renders its answer.
 */
import type { MockResponse } from './envelopes.js';
import type { ScrapeRequest } from './parse-scrape-request.js';
import type { ScrapePlan } from './plan-scrape.js';

/** What an accepted scrape needs from its core: the slot and the answer. */
export interface ScrapeLedger {
  releasesOnDisconnect: boolean;
  /** Frees one account slot. */
  release(): void;
  /** Charges the scrape and renders its answer (the scrape has already released its slot). */
  finish(scrape: AcceptedScrape, clientGone: boolean): MockResponse;
}

/**
 * An accepted scrape (a `MockReception` of kind `scrape`). One object per scrape rather than a
 * closure per operation: a large simulation keeps a thousand of them in flight.
 */
export class AcceptedScrape {
  readonly kind = 'scrape';
  #holding = true;

  constructor(
    private readonly ledger: ScrapeLedger,
    readonly request: ScrapeRequest,
    readonly plan: ScrapePlan,
    readonly correlationId: string,
    readonly startedAtMs: number,
    private readonly releaseThrottle: (() => void) | null,
  ) {}

  /** Server time before the answer, ms. */
  get serverMs(): number {
    return this.plan.serverMs;
  }

  /** Whether a disconnect frees the slot at once. */
  get releasesOnDisconnect(): boolean {
    return this.ledger.releasesOnDisconnect;
  }

  /** Called when the client disconnects before the answer. */
  disconnect(): void {
    if (this.ledger.releasesOnDisconnect) this.release();
  }

  /** Frees the slot and the throttle once. */
  release(): void {
    if (!this.#holding) return;
    this.#holding = false;
    this.ledger.release();
    this.releaseThrottle?.();
  }

  /** Called once when `serverMs` has passed: releases the slot, charges credits, returns the answer. */
  finish(clientGone: boolean): MockResponse {
    return this.ledger.finish(this, clientGone);
  }
}
