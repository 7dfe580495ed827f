/** The diagnosis of one logged run: what really happened and which execution models fit the log. */
import type { ConcurrencyEstimate } from './estimate-concurrency.js';
import type { LatencyFit } from './fit-latency.js';
import type { StartGap, Timeline } from './reconstruct-timeline.js';
import type { StallCandidate } from './stall-candidates.js';

/** A stall: an item that held its worker (or, when blocking, every worker) past the threshold. */
export interface StallRecord {
  startMs: number;
  /** When it ended, or null when it was still running when the log stops. */
  endMs: number | null;
  /** How long it ran (at least this long when `censored`), ms. */
  durationMs: number;
  censored: boolean;
  /** The items (indexes) and machine names involved. */
  items: number[];
  machines: string[];
  /** Workers it held up: every declared worker when one call blocked them all, else 1. */
  workersHeld: number;
  /** The item's requests and how many ended in a timeout (run logs only), else null. */
  attempts: { count: number; timeouts: number } | null;
  /** Whether its duration (and, with `candidates`, its machine) is inferred from the starts rather than logged. */
  inferred: boolean;
  /**
   * When the log cannot say which machine held the worker: the machines that may have, most
   * likely first, with probabilities under the fitted duration model (`machines` names the
   * likeliest); null when the machine is known (a logged end, or one worker).
   */
  candidates: StallCandidate[] | null;
  /** Proved by the batch-end line alone: the last item to finish ran until the batch end. */
  tail: boolean;
}

/** Durations, ms: observed ones summarised, censored ones (lower bounds) counted. */
export interface DurationSummary {
  count: number;
  censored: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

/** How well a hypothesis explains the log. */
export type Verdict = 'fits' | 'unlikely' | 'rejected';

/** One execution model, tested against the log. */
export interface Hypothesis {
  /** `sequential`, `concurrent-<n>` or `all-stalled`. */
  id: string;
  title: string;
  workers: number;
  execution: 'concurrent' | 'blocking';
  /** Items the model runs at once. */
  effectiveConcurrency: number;
  verdict: Verdict;
  /** Facts from the log for or against it. */
  evidence: string[];
  /** What the log means if the model is right: durations, stalls, consequences. */
  implies: string[];
  /** Stalls the model needs, or null when it does not say. */
  stallCount: number | null;
  /** Per-item durations the model implies, or null. */
  durations: DurationSummary | null;
}

export interface Diagnosis {
  run: { index: number; format: 'text' | 'run-log'; batchId: string | null; policy: string | null; firstLine: number; lastLine: number };
  /** When the batch started, ms since the epoch. */
  startMs: number;
  /** Until when the log tells (the batch end, else its last line). */
  observedUntilMs: number;
  /** The logged batch end, or null. */
  endMs: number | null;
  declaredWorkers: number | null;
  declaredItems: number | null;
  declaredExecution: 'concurrent' | 'blocking' | null;
  /** Items the log shows starting. */
  loggedItems: number;
  /** Items the log shows ending without having started (skipped). */
  skippedItems: number;
  concurrency: ConcurrencyEstimate;
  /** The precision of the log's timestamps, ms. */
  resolutionMs: number;
  effectiveConcurrency: number;
  stallThresholdMs: number;
  /** Stalls under the best hypothesis. */
  stalls: StallRecord[];
  gaps: StartGap[];
  hypotheses: Hypothesis[];
  /** The id of the hypothesis that fits. */
  best: string;
  /** Workers and execution of the best hypothesis (what a reproducing scenario runs). */
  workers: number;
  execution: 'concurrent' | 'blocking';
  /** One or two sentences: the answer. */
  verdict: string;
  /** The timeline under the best hypothesis. */
  timeline: Timeline;
  /** Item durations under the best hypothesis, and request durations when the log has them. */
  fit: { items: LatencyFit; attempts: LatencyFit | null };
}

/** Who stalled, for sentences: the machine, or "one of A 22%, B 20%, …" when the log cannot say. */
export function describeStalledMachine(stall: StallRecord): string {
  if (!stall.candidates || stall.candidates.length <= 1) return stall.machines.join(', ');
  const shown = stall.candidates.slice(0, 3).map((c) => `${c.machine} ${c.probability < 0.005 ? '<1' : Math.round(c.probability * 100)}%`);
  return `a worker (machine uncertain: ${shown.join(', ')}${stall.candidates.length > 3 ? ', …' : ''})`;
}
