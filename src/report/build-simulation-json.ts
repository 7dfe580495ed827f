/** The `--json` shape of a simulation: one object, one entry per policy. */
import type { SimulationRun } from '../events/simulation-run.js';
import type { RunMetrics } from './compute-metrics.js';

export interface SimulationJson {
  scenario: string;
  seed: number;
  face: string;
  startMs: number;
  policies: Array<{
    name: string;
    description: string;
    makespanMs: number;
    lowerBoundMs: number;
    makespanRatio: number;
    priced: number;
    failed: number;
    timedOut: number;
    skipped: number;
    workerMinutesLostToStalls: number;
    zombies: number;
    peakConcurrency: number;
    throttled: number;
    credits: number;
    metrics: RunMetrics;
    items: Array<{
      name: string;
      url: string;
      worker: number | null;
      startMs: number | null;
      endMs: number;
      outcome: string;
      price: number | null;
      currency: string | null;
      reason: string | null;
      errorCode: string | null;
      attempts: number;
      tier: number;
    }>;
  }>;
}

/** Builds the JSON object for `runs` (all of one scenario and seed). */
export function buildSimulationJson(options: { runs: readonly { run: SimulationRun; metrics: RunMetrics }[]; scenario: string; seed: number; face: string; startMs: number }): SimulationJson {
  return {
    scenario: options.scenario,
    seed: options.seed,
    face: options.face,
    startMs: options.startMs,
    policies: options.runs.map(({ run, metrics }) => ({
      name: run.policy.name,
      description: run.policy.description,
      makespanMs: metrics.makespanMs,
      lowerBoundMs: metrics.lowerBoundMs,
      makespanRatio: metrics.makespanRatio,
      priced: metrics.counts.priced,
      failed: metrics.counts.failed,
      timedOut: metrics.counts.timedOut,
      skipped: metrics.counts.skipped,
      workerMinutesLostToStalls: metrics.stalls.blockedWorkerMs / 60_000,
      zombies: metrics.zombies.count,
      peakConcurrency: metrics.scrapfly.peakConcurrency,
      throttled: metrics.scrapfly.throttled,
      credits: metrics.scrapfly.creditsCharged,
      metrics,
      items: run.result.items.map((i) => ({
        name: i.name,
        url: i.url,
        worker: i.worker,
        startMs: i.startMs,
        endMs: i.endMs,
        outcome: i.outcome,
        price: i.price,
        currency: i.currency,
        reason: i.reason,
        errorCode: i.errorCode,
        attempts: i.attempts,
        tier: i.tier,
      })),
    })),
  };
}
