/** A loaded, validated scenario. Times are milliseconds; `startMs` is since the Unix epoch. */
import type { BatchItem } from '../engine/batch-types.js';
import type { Policy } from '../engine/policy.js';
import type { WorldSpec } from '../mock/world-spec.js';

/** A remark worth printing about a scenario or one of its policies. */
export interface ScenarioNote {
  policy: string | null;
  message: string;
}

export interface Scenario {
  name: string;
  description: string;
  /** Where the scenario came from (a file path or a label), for messages. */
  source: string;
  /** The batch's virtual start time, ms since the epoch. */
  startMs: number;
  /** The default seed. */
  seed: number;
  items: BatchItem[];
  world: WorldSpec;
  policies: Policy[];
  /** The time budget of a batch, ms, or null. */
  budgetMs: number | null;
  /** Raw budget entries for the CI gate (see the budget checker), kept as written. */
  budgets: unknown[];
  /** Advice found while loading (e.g. a timeout Scrapfly will not honour), by policy when it is about one. */
  notes: ScenarioNote[];
}
