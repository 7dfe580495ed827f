/**
 * The diagnosis as one JSON object (`diagnose --json`, and diagnosis.json in the report folder):
 * `replay` is what `replay --json` gives; `facts` says for each fact the log cannot give where its
 * value comes from (`source: "assumed"` marks a guess); each stall lists its mechanisms with their
 * verdicts (`fits` is arithmetic that matches, never proof); `recommended` holds the policy JSON,
 * the diff against the deployed stack and the original client's settings. Durations are ms. Pure.
 */
import type { RunMetrics } from '../report/compute-metrics.js';
import { buildReplayJson } from '../replay/build-replay-json.js';
import type { DiagnoseOutcome, NightRun } from './diagnose-outcome.js';

/** The JSON object of `outcome`. */
export function buildDiagnoseJson(outcome: DiagnoseOutcome): Record<string, unknown> {
  const o = outcome;
  return {
    log: o.replay.source,
    facts: o.facts,
    deployed: o.deployed,
    stalls: o.stalls.map((s) => ({ ...s, startAt: new Date(s.startMs).toISOString() })),
    recommended: o.recommended === null ? null : { ...o.recommended, json: { ...o.recommended.json, name: 'fix' }, searchName: o.recommended.name },
    baseline: o.baseline,
    worldCheck: o.worldCheck,
    runnerUps: o.runnerUps,
    closest: o.closest,
    frontier: o.frontier,
    night: { baseline: nightJson(o.night.baseline), fix: o.night.fix === null ? null : nightJson(o.night.fix), tried: o.night.tried.map(nightJson) },
    search: o.search,
    emittedScenario: o.emittedScenario,
    reportDir: o.reportDir,
    notes: o.notes,
    replay: buildReplayJson(o.replay),
  };
}

function nightJson(run: NightRun): Record<string, unknown> {
  const m: RunMetrics = run.metrics;
  return {
    policy: run.policy,
    meetsBudget: run.meetsBudget,
    planLowerBoundMs: run.planLowerBoundMs,
    planRatio: run.planRatio,
    makespanMs: m.makespanMs,
    lowerBoundMs: m.lowerBoundMs,
    makespanRatio: m.makespanRatio,
    successRate: m.successRate,
    counts: m.counts,
    credits: m.scrapfly.creditsCharged,
    requests: m.scrapfly.requests,
    throttled: m.scrapfly.throttled,
  };
}
