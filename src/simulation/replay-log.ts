/**
 * A whole replay of one logged run: the diagnosis, the events to draw its timeline, and, when
 * asked, the replay scenario, its baseline run on the engine (how well it reproduces the log) and
 * runs under other policies (counterfactual replay). Files are the caller's business: this returns
 * the scenario JSON and the runs for a report.
 */
import type { Policy } from '../engine/policy.js';
import type { BatchEvent } from '../events/batch-event.js';
import type { RunLogHeader } from '../events/run-log.js';
import { UsageError } from '../errors.js';
import { formatDurationMs } from '../units/duration.js';
import { computeMetrics, type RunMetrics } from '../report/compute-metrics.js';
import { parseScenario } from '../scenario/parse-scenario.js';
import type { Scenario } from '../scenario/scenario-types.js';
import { buildReplayScenario, type ReplayLatencyMode, type ReplayScenario } from '../replay/build-replay-scenario.js';
import { diagnoseRun } from '../replay/diagnose-run.js';
import type { LoggedRun, ParsedLog } from '../replay/log-records.js';
import { replayPolicies, type ReplayPolicyRun } from './replay-policies.js';
import { summarizeRuns, type CounterfactualRun, type ReplayOutcome } from '../replay/replay-outcome.js';
import { synthesizeTimelineEvents } from '../replay/synthesize-timeline-events.js';
import { buildFittedWorld, countFittedSeeds, type FitInput, type FittedWorld } from './fit-world.js';
import type { EventSink } from '../ports.js';
import { measureSimulationRun, toReportRun } from '../report/build-simulation-report-runs.js';
import { reportRunOfEvents, type ReportRun } from '../report/report-run.js';

/** One run for a report folder. */
export type ReplayReportRun = ReportRun;

export { selectRun } from '../replay/select-run.js';

export interface ReplayLogResult {
  outcome: ReplayOutcome;
  /** The fitted world, when asked for (`fitted: true`). */
  fitted: FittedWorld | null;
  /** The replay scenario, when one was built (emission, reproduction or counterfactuals). */
  scenario: ReplayScenario | null;
  /** Runs for a report: the logged run (run logs) or its reproduction (text logs), then the counterfactual runs. */
  reportRuns: ReplayReportRun[];
}

/**
 * Replays `run` of `log`. `policies` names the policies to replay the batch under: the replay's
 * own (`baseline`, `concurrent-<W>`, or `concurrent` for the latter) or ones of `extraPolicies`
 * (all of those when `policies` is empty). The caller owns `signal`.
 */
export async function replayLog(options: {
  log: ParsedLog;
  run: LoggedRun;
  stallThresholdMs?: number;
  /** The shortest duration assumed for one item when inferring from starts, ms (see estimate-concurrency.ts). */
  minDurationMs?: number;
  /** Build and run the replay scenario's baseline even without counterfactuals (for emission or a report). */
  reproduce: boolean;
  /**
   * Build `reportRuns` (default true): the reproduction's events and metrics, for a report folder.
   * Without them the reproduction keeps no events (its comparison with the log is all it gives).
   */
  reportRuns?: boolean;
  /**
   * Return the replay scenario (default true), for emission. With false it is let go before the
   * runs (the JSON of a million items' worlds is hundreds of megabytes) and `scenario` is null.
   */
  keepScenario?: boolean;
  latency?: ReplayLatencyMode;
  scenarioName: string;
  policies?: readonly string[];
  extraPolicies?: readonly Policy[];
  /** The name of the scenario `extraPolicies` come from. */
  extraPoliciesFrom?: string;
  accountConcurrency?: number | null;
  fillDeclared?: boolean;
  seed?: number;
  /** Build the fitted world too (with `--emit-scenario`), pooling this run with `fitWith`. */
  fitted?: boolean;
  /** Runs of other logged nights to fit the world on together with this one. */
  fitWith?: readonly FitInput[];
  signal?: AbortSignal;
  /**
   * Hears how far the replay's simulations are: items settled so far and in all (the replay under
   * each policy, then the fitted world over its seeds), every 256 items and once at the end.
   */
  onProgress?: (done: number, total: number) => void;
}): Promise<ReplayLogResult> {
  const { log, run } = options;
  const diagnosis = diagnoseRun({ run, stallThresholdMs: options.stallThresholdMs, resolutionMs: log.resolutionMs, minDurationMs: options.minDurationMs });
  const notes: string[] = [];
  const timelineEvents =
    run.events ?? synthesizeTimelineEvents({ timeline: diagnosis.timeline, workers: diagnosis.execution === 'blocking' ? diagnosis.workers : diagnosis.timeline.concurrency, execution: diagnosis.execution, batchId: run.batchId ?? log.source, policy: diagnosis.best });
  const wanted = options.policies ?? [];
  const extra = options.extraPolicies ?? [];
  const counterfactual = wanted.length > 0 || extra.length > 0;
  const outcome: ReplayOutcome = {
    source: log.source,
    format: log.format,
    read: { dialect: log.dialect, resolutionMs: log.resolutionMs, naiveLines: log.naiveLines, naiveZone: log.naiveZone },
    lines: log.lines,
    runs: summarizeRuns(log.runs),
    diagnosis,
    duplicateNames: run.duplicateNames,
    timelineEvents,
    reproduction: null,
    scenarioFile: null,
    fitted: null,
    counterfactuals: [],
    reportDir: null,
    notes,
  };
  if (log.naiveLines > 0) {
    notes.push(`${log.naiveLines} timestamp${log.naiveLines === 1 ? '' : 's'} carry no zone and were read as ${log.naiveZone}${log.naiveZone === 'UTC' ? ' (set --time-zone if the service logged local time)' : ''}`);
  }
  if (diagnosis.concurrency.method === 'start-pattern' && diagnosis.loggedItems > 1) {
    notes.push(
      `the log has no result lines: the effective concurrency (${diagnosis.effectiveConcurrency}) and every duration are inferred from the starts, assuming no machine takes under ${formatDurationMs(diagnosis.concurrency.minDurationMs)} (--min-duration) and a pool's first starts within ${formatDurationMs(diagnosis.concurrency.burstWindowMs)}`,
    );
  }
  const wantReport = options.reportRuns !== false;
  const reportRuns: ReplayReportRun[] = [];
  if (run.header && run.events && wantReport) reportRuns.push(reportRunOfEvents({ header: run.header, events: run.events, metrics: computeMetrics(run.events, { stallThresholdMs: diagnosis.stallThresholdMs }) }));
  if (!options.reproduce && !counterfactual) return { outcome, scenario: null, reportRuns, fitted: null };

  let built: ReplayScenario | null = buildReplayScenario({
    diagnosis,
    run,
    name: options.scenarioName,
    source: log.source,
    latency: options.latency,
    accountConcurrency: options.accountConcurrency,
    fillDeclared: options.fillDeclared,
    extraPolicies: extra,
    extraPoliciesFrom: options.extraPoliciesFrom,
  });
  const unpriced = run.items.filter((i) => i.startMs !== null && i.outcome !== null && i.outcome !== 'priced').length;
  if (unpriced > 0) notes.push(`the replay world reproduces how long requests took, not how they ended: the ${unpriced} items the log shows failing or timing out succeed in the replay unless they hang`);
  if (built.filledItems > 0) notes.push(`the replay scenario adds ${built.filledItems} items the batch declared but the log does not show, after the logged ones, at the typical ${built.typicalMs} ms each`);
  const scenario = parseScenario({ json: built.json, source: `replay of ${log.source}` });
  const baseline = scenario.policies[0] as Policy;
  const chosen = choosePolicies({ scenario, wanted, extraNames: built.extraPolicyNames, counterfactual });
  if (options.keepScenario === false) built = null;
  const policies = [baseline, ...chosen.filter((p) => p !== baseline)];
  // The fitted world replays the same items (see buildFittedWorld) over its seeds.
  const items = scenario.items.length;
  const progress = countSettledItems({ total: (policies.length + (options.fitted ? countFittedSeeds(items) : 0)) * items, onProgress: options.onProgress });
  const runs = await replayPolicies({
    scenario,
    policies,
    timeline: diagnosis.timeline,
    // Counterfactual runs are measured; the reproduction only when it is reported or one of them.
    keepEvents: (index) => index > 0 || (wantReport && !(run.header && run.events)) || chosen.includes(baseline),
    signal: options.signal,
    sink: progress?.sink,
  });
  const [reproduction, ...others] = runs as [ReplayPolicyRun, ...ReplayPolicyRun[]];
  outcome.reproduction = reproduction.comparison;
  const toReport = (r: ReplayPolicyRun) => toReportRun({ scenario, run: r.run, metrics: measureSimulationRun({ scenario, run: r.run, stallThresholdMs: diagnosis.stallThresholdMs }) });
  if (wantReport && !(run.header && run.events)) reportRuns.push(toReport(reproduction));
  const asCounterfactual = chosen.includes(baseline) ? [reproduction, ...others] : others;
  for (const r of asCounterfactual) {
    const report = toReport(r);
    reportRuns.push(report);
    outcome.counterfactuals.push({ policy: r.policy.name, description: r.policy.description, metrics: report.metrics, comparison: r.comparison } satisfies CounterfactualRun);
  }
  const plan = scenario.world.account.concurrency;
  const crowded = chosen.filter((p) => p.workers > plan);
  if (crowded.length > 0 && options.accountConcurrency == null && !run.header) {
    notes.push(`the log does not say the Scrapfly plan's concurrency; the replay assumes ${plan} (set --account-concurrency): ${crowded.map((p) => p.name).join(', ')} run more workers than that`);
  }
  let fitted: FittedWorld | null = null;
  if (options.fitted) {
    fitted = await buildFittedWorld({
      inputs: [{ source: log.source, run, diagnosis }, ...(options.fitWith ?? [])],
      name: options.scenarioName,
      stallThresholdMs: diagnosis.stallThresholdMs,
      accountConcurrency: options.accountConcurrency,
      fillDeclared: options.fillDeclared,
      signal: options.signal,
      sink: progress?.sink,
    });
    outcome.fitted = fitted.summary;
  }
  progress?.finish();
  return { outcome, scenario: built, reportRuns, fitted };
}

/** An event sink that counts settled items and tells `onProgress` every 256 of them; null without a listener. */
function countSettledItems(options: { total: number; onProgress?: (done: number, total: number) => void }): { sink: EventSink; finish(): void } | null {
  const { onProgress } = options;
  if (!onProgress) return null;
  let done = 0;
  return {
    sink: {
      emit(event) {
        if (event.type !== 'item.end') return;
        done += 1;
        if ((done & 255) === 0) onProgress(done, Math.max(done, options.total));
      },
    },
    finish: () => onProgress(done, done),
  };
}

/**
 * The policies to replay under, by name: a policy of the --scenario file first (it may have been
 * renamed in the replay scenario when it collides with the replay's own), then the replay's own;
 * `concurrent` stands for the replay's `concurrent-<declared workers>`.
 */
function choosePolicies(options: { scenario: Scenario; wanted: readonly string[]; extraNames: ReadonlyMap<string, string>; counterfactual: boolean }): Policy[] {
  const { scenario } = options;
  if (!options.counterfactual) return [];
  const names = options.wanted.length > 0 ? options.wanted : [...options.extraNames.keys()];
  return names.map((name) => {
    const resolved = options.extraNames.get(name) ?? (name === 'concurrent' ? scenario.policies.find((p) => /^concurrent-\d+$/.test(p.name))?.name : undefined) ?? name;
    const policy = scenario.policies.find((p) => p.name === resolved);
    if (!policy) {
      const own = scenario.policies.filter((p) => ![...options.extraNames.values()].includes(p.name)).map((p) => p.name);
      const extra = [...options.extraNames.keys()];
      throw new UsageError(`Unknown policy "${name}": the replay has ${own.join(', ')}${extra.length > 0 ? `; the --scenario file has ${extra.join(', ')}` : ' (load more with --scenario <file>)'}`);
    }
    return policy;
  });
}

