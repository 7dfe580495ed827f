/** A batch and its results as the store keeps them. Times are milliseconds since the epoch. */
import type { OutcomeCounts } from '../engine/batch-types.js';
import type { Policy } from '../engine/policy.js';
import type { ItemOutcome } from '../events/batch-event.js';

export type BatchStatus = 'running' | 'completed' | 'cancelled' | 'interrupted' | 'failed';

/** How a batch was started and what it asked for (stored as JSON; never holds the API key). */
export interface BatchRequestRecord {
  trigger: 'cli' | 'api';
  selection: { daysThreshold: number | null; limit: number | null; ids: number[] | null };
  /** `scrapfly` (the real API) or `http` (another base URL, such as the mock's HTTP face). */
  transport: 'scrapfly' | 'http';
  /** The base URL when not the real API. */
  baseUrl: string | null;
  /** Largest price change applied without review (ratio), or null. */
  maxChangeRatio: number | null;
  /** False when the batch fetched the pages directly (`use_scrapfly: false`, `run --direct`); absent in stores of older versions. */
  useScrapfly?: boolean;
  /** The base URL direct fetches went to, when not the pages' own. */
  directBaseUrl?: string | null;
}

export interface BatchRecord {
  id: string;
  status: BatchStatus;
  request: BatchRequestRecord;
  createdMs: number;
  finishedMs: number | null;
  total: number;
  policy: Policy;
  ownerPid: number | null;
  reportDir: string | null;
  error: string | null;
  /** Machines with a result. */
  done: number;
  counts: OutcomeCounts;
  /** Priced machines whose change this batch flagged for review (whatever the review decided since). */
  flagged: number;
  segments: number;
}

/** One item's ending, as the engine reported it. */
export interface ResultInput {
  machineId: number;
  outcome: ItemOutcome;
  price: number | null;
  currency: string | null;
  reason: string | null;
  errorCode: string | null;
  attempts: number;
  tier: number;
  startMs: number | null;
  endMs: number;
}

/** Reports whether a process id is alive (on this host). */
export type IsProcessAlive = (pid: number) => boolean;
