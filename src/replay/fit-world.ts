/**
 * The fitted world of a replay: one latency model (lognormal body, stall point masses) and a
 * failure share fitted to the machine durations of one or several logged nights together, and
 * its Monte Carlo runs over seeds: the makespan distribution the logged night is one sample of.
 * Where the exact (per-item) world reproduces the night, this one generalizes it.
 */
import type { Policy } from '../engine/policy.js';
import type { EventSink } from '../ports.js';
import { quantileSorted } from '../report/quantile.js';
import { parseScenario } from '../scenario/parse-scenario.js';
import { simulatePolicy } from '../scenario/simulate-policy.js';
import { buildReplayScenario, type ReplayScenario } from './build-replay-scenario.js';
import type { Diagnosis } from './diagnosis-types.js';
import { fitLatency, type DurationSample, type LatencyFit } from './fit-latency.js';
import type { LoggedRun } from './log-records.js';

/** One logged night that contributes to the fit. */
export interface FitInput {
  source: string;
  run: LoggedRun;
  diagnosis: Diagnosis;
}

/** What the fitted world is and what its runs over seeds gave (as replays report it). */
export interface FittedWorldSummary {
  /** Where its scenario was written, once it was. */
  file: string | null;
  /** The logs (and runs) the fit pooled. */
  sources: string[];
  lognormal: LatencyFit['lognormal'];
  ks: LatencyFit['ks'];
  /** Why there is no lognormal body, when there is none. */
  failure: string | null;
  /** Stalls among the pooled durations, and their share. */
  stalls: number;
  stallShare: number;
  /** Share of items the logs show failing or timing out (among items whose outcome they show). */
  failureShare: number;
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

/** Pools the durations of `inputs` (the first is the night being replayed). */
export function poolFit(inputs: readonly FitInput[], options: { stallThresholdMs: number }): { fit: LatencyFit; failureShare: number } {
  const samples: DurationSample[] = [];
  let known = 0;
  let failed = 0;
  let resolutionMs = 1;
  for (const input of inputs) {
    resolutionMs = Math.max(resolutionMs, input.diagnosis.resolutionMs);
    for (const item of input.diagnosis.timeline.items) samples.push({ ms: item.durationMs, censored: item.end === 'censored' || item.end === 'bounded' });
    for (const item of input.run.items) {
      if (item.outcome === null || item.outcome === 'skipped') continue;
      known++;
      if (item.outcome !== 'priced') failed++;
    }
  }
  return { fit: fitLatency({ samples, stallThresholdMs: options.stallThresholdMs, resolutionMs }), failureShare: known > 0 ? failed / known : 0 };
}

/** Builds the fitted world of `inputs[0]`'s batch and runs its baseline over seeds. */
export async function buildFittedWorld(options: {
  inputs: readonly FitInput[];
  name: string;
  stallThresholdMs: number;
  accountConcurrency?: number | null;
  fillDeclared?: boolean;
  signal?: AbortSignal;
  /** Also receives every event of every seed's run as it happens (progress). */
  sink?: EventSink;
}): Promise<FittedWorld> {
  const [first] = options.inputs;
  if (!first) throw new Error('buildFittedWorld needs at least one log');
  const { fit, failureShare } = poolFit(options.inputs, { stallThresholdMs: options.stallThresholdMs });
  const sources = options.inputs.map((i) => `${i.source} run ${i.run.index}`);
  const scenario = buildReplayScenario({
    diagnosis: first.diagnosis,
    run: first.run,
    name: `${options.name}-fitted`,
    source: first.source,
    latency: 'fitted',
    accountConcurrency: options.accountConcurrency,
    fillDeclared: options.fillDeclared,
    fit,
    failureShare,
    fitSource: `fitted to ${sources.length === 1 ? sources[0] : `${sources.length} logged runs: ${sources.join(', ')}`}`,
  });
  const parsed = parseScenario({ json: JSON.parse(JSON.stringify(scenario.json)), source: `fitted world of ${first.source}` });
  const baseline = parsed.policies[0] as Policy;
  const seeds = countFittedSeeds(parsed.items.length);
  const makespans: number[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    const run = await simulatePolicy({ scenario: parsed, policy: baseline, seed, signal: options.signal, sink: options.sink });
    makespans.push(run.result.makespanMs);
  }
  makespans.sort((a, b) => a - b);
  const night = first.diagnosis.observedUntilMs - first.diagnosis.startMs;
  const summary: FittedWorldSummary = {
    file: null,
    sources,
    lognormal: fit.lognormal,
    ks: fit.ks,
    failure: fit.failure,
    stalls: fit.stalls.reduce((n, s) => n + s.count, 0),
    stallShare: fit.stallShare,
    failureShare,
    seeds,
    makespanP50Ms: quantileSorted(makespans, 0.5),
    makespanP95Ms: quantileSorted(makespans, 0.95),
    makespanMinMs: makespans[0] as number,
    makespanMaxMs: makespans[makespans.length - 1] as number,
    nightMakespanMs: night,
    nightPercentile: makespans.filter((m) => m <= night).length / makespans.length,
  };
  return { scenario, summary };
}
