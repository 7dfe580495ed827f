/** The state shared by the pieces of one batch run. Internal to the engine. */
import type { CutReason } from '../events/batch-event.js';
import type { Clock, EventSink, Random } from '../ports.js';
import type { DirectFetchClient } from '../direct/direct-fetch-client.js';
import type { ScrapflyClient } from '../scrapfly/scrapfly-client.js';
import type { BatchItem, PriceExtractor } from './batch-types.js';
import type { Policy } from './policy.js';
import type { CallRun } from './run-call.js';
import type { SignalHolder } from './signal-holder.js';

export interface BatchContext {
  policy: Policy;
  items: readonly BatchItem[];
  clock: Clock;
  events: EventSink;
  random: Random;
  client: ScrapflyClient;
  /** Fetches pages of direct tiers. */
  direct: DirectFetchClient;
  extractPrice: PriceExtractor;
  startMs: number;
  /** Set once the batch deadline passed or the caller cancelled. */
  batchCut: CutReason | null;
  /** Items in progress, to cut them at the batch deadline. */
  running: Set<ItemState>;
  /** Calls abandoned but still running; the batch waits for them, and cancellation aborts them. */
  zombies: Set<CallRun>;
  /** Consecutive timeouts per domain, and domains whose circuit is open. */
  timeoutStreaks: Map<string, number>;
  openCircuits: Set<string>;
  /** Requests in a row, account-wide, that failed as an outage would (see Policy.outageBreaker). */
  outageStreak: number;
  /** Stops the batch for an outage (set by runBatch). */
  stopForOutage: (lastError: string) => void;
}

/** One item in progress. */
export interface ItemState {
  index: number;
  item: BatchItem;
  worker: number;
  startMs: number;
  attempts: number;
  calls: number;
  tier: number;
  /** Why the item was cut, once it was. */
  cut: CutReason | null;
  /** What to do when the item is cut; replaced by whatever the item is waiting on. */
  onCut: ((reason: CutReason) => void) | null;
  /** The item's own random stream (policy backoff), made on first use. */
  random: Random | null;
  /** The signal the item's requests are sent with (its worker's). */
  signals: SignalHolder;
  /** Called once when the item has its outcome (frees its worker). */
  onEnd: (state: ItemState) => void;
}
