/**
 * The replay as one JSON object (`replay <log> --json`): the diagnosis of the chosen run at the top
 * level (effectiveConcurrency, declaredWorkers, stalls, gaps, hypotheses with their evidence, the
 * fits, the timeline), plus how the file was read, the other runs, and the reproduction and
 * counterfactual runs when they were made. What is inferred rather than read says so:
 * `effectiveConcurrencyInferred`, each stall's `inferred` and `candidates` (machines with their
 * probabilities, when the log cannot say which one stalled), each timeline item's `inferred`.
 * Times are ms since the epoch; `…At` fields repeat them as ISO strings for people. Pure.
 */
import type { ReplayComparison } from './compare-replay.js';
import type { ReplayOutcome } from './replay-outcome.js';

/** In-flight steps beyond this many are left out of the JSON (the maximum stays). */
const MAX_STEPS = 100_000;
/** Per-item lists longer than this are left out of the JSON (their count stays): one object must stay printable. */
const MAX_ITEMS = 200_000;

/** The JSON object of `outcome` (see the file comment for its fields). */
export function buildReplayJson(outcome: ReplayOutcome): Record<string, unknown> {
  const d = outcome.diagnosis;
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  const steps = d.timeline.inFlight.steps;
  return {
    file: outcome.source,
    format: outcome.format,
    dialect: outcome.read.dialect,
    timestampResolutionMs: outcome.read.resolutionMs,
    naiveTimes: { lines: outcome.read.naiveLines, readAs: outcome.read.naiveZone },
    lines: outcome.lines,
    duplicateNames: outcome.duplicateNames,
    runCount: outcome.runs.length,
    runs: outcome.runs,
    run: d.run,
    batchId: d.run.batchId,
    startMs: d.startMs,
    startAt: iso(d.startMs),
    endMs: d.endMs,
    observedUntilMs: d.observedUntilMs,
    declaredWorkers: d.declaredWorkers,
    declaredItems: d.declaredItems,
    declaredExecution: d.declaredExecution,
    loggedItems: d.loggedItems,
    skippedItems: d.skippedItems,
    effectiveConcurrency: d.effectiveConcurrency,
    effectiveConcurrencyInferred: d.concurrency.method === 'start-pattern',
    concurrency: d.concurrency,
    verdict: d.verdict,
    best: d.best,
    workers: d.workers,
    execution: d.execution,
    stallThresholdMs: d.stallThresholdMs,
    stalls: d.stalls.map((s) => ({ ...s, startAt: iso(s.startMs), endAt: iso(s.endMs) })),
    gaps: d.gaps.map((g) => ({ ...g, fromAt: iso(g.fromMs), toAt: iso(g.toMs) })),
    hypotheses: d.hypotheses,
    fit: d.fit,
    timeline: {
      concurrency: d.timeline.concurrency,
      endsLogged: d.timeline.endsLogged,
      typical: d.timeline.typical,
      items: d.timeline.items.length <= MAX_ITEMS ? d.timeline.items.map((i) => ({ ...i, inferred: i.end === 'inferred' })) : null,
      itemCount: d.timeline.items.length,
      inFlight: { max: d.timeline.inFlight.max, steps: steps.length <= MAX_STEPS ? steps : null, stepCount: steps.length },
    },
    reproduction: outcome.reproduction ? formatComparison(outcome.reproduction) : null,
    scenarioFile: outcome.scenarioFile,
    fittedWorld: outcome.fitted,
    counterfactuals: outcome.counterfactuals.map((cf) => ({
      policy: cf.policy,
      description: cf.description,
      makespanMs: cf.metrics.makespanMs,
      counts: cf.metrics.counts,
      stalls: cf.metrics.stalls.count,
      throttled: cf.metrics.scrapfly.throttled,
      zombies: cf.metrics.zombies.count,
      comparison: formatComparison(cf.comparison),
    })),
    reportDir: outcome.reportDir,
    notes: outcome.notes,
  };
}

function formatComparison(c: ReplayComparison): Record<string, unknown> {
  return {
    items: c.items,
    medianAbsStartDiffMs: c.medianAbsStartDiffMs,
    maxAbsStartDiffMs: c.maxAbsStartDiffMs,
    makespan: c.makespan,
    replayMakespanMs: c.replayMakespanMs,
    differences: c.differences.length <= MAX_ITEMS ? c.differences : null,
  };
}
