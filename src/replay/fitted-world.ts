/**
 * The fitted world of a replay as the replay reports it: its groups' models, its Monte Carlo
 * makespans and where the logged night falls among them; and how many seeds it runs. Built by
 * src/simulation/fit-world.ts. Pure.
 */
import type { ReplayScenario } from './build-replay-scenario.js';
import type { LatencyFit } from './fit-latency.js';

export type { FitInput } from './fit-groups.js';

/** A fitted model: the world's pooled one or a group's. */
export interface FittedModel {
  lognormal: LatencyFit['lognormal'];
  /** The body's Kolmogorov–Smirnov distance on the uncensored samples. */
  ks: LatencyFit['ks'];
  /** Why there is no lognormal body, when there is none. */
  failure: string | null;
  /** Stalls among the durations, and their share. */
  stalls: number;
  stallShare: number;
  /** Share of items the logs show failing or timing out (among items whose outcome they show). */
  failureShare: number;
}

/** One group of the fitted world as replays report it. */
export interface FittedGroupSummary extends FittedModel {
  domain: string;
  /** The requests' feature level (run logs), or null for machine durations. */
  level: string | null;
  samples: number;
  censored: number;
  /** Where the group's body comes from: its own fit, the pooled one (its own could not be fitted), or all of it pooled (one group of machines). */
  body: 'own' | 'pooled' | 'all-pooled';
}

/** What the fitted world is and what its runs over seeds gave (as replays report it). */
export interface FittedWorldSummary extends FittedModel {
  /** Where its scenario was written, once it was. */
  file: string | null;
  /** The logs (and runs) the fit pooled. */
  sources: string[];
  /** `items`: machine durations; `requests`: a run log's requests, by domain and tier. */
  basis: 'items' | 'requests';
  /** The pooled model below, then each group: a domain (and a level) with its own model when its body fits. */
  groups: FittedGroupSummary[];
  /** Seeds run (1…seeds) and the baseline's makespans over them, ms. */
  seeds: number;
  makespanP50Ms: number;
  makespanP95Ms: number;
  makespanMinMs: number;
  makespanMaxMs: number;
  /** The logged night's makespan, ms, and the share of fitted runs at or below it (0–1). */
  nightMakespanMs: number;
  nightPercentile: number;
}

/** The fitted world: its scenario and its summary. */
export interface FittedWorld {
  scenario: ReplayScenario;
  summary: FittedWorldSummary;
}

/** Fewest and most seeds; the count falls with the batch size so that the runs stay cheap. */
const MIN_SEEDS = 5;
const MAX_SEEDS = 40;
const ITEM_RUNS_BUDGET = 400_000;

/** How many seeds the fitted world of a batch of `items` items runs (fewer for a large batch). */
export function countFittedSeeds(items: number): number {
  return Math.max(MIN_SEEDS, Math.min(MAX_SEEDS, Math.floor(ITEM_RUNS_BUDGET / Math.max(1, items))));
}

