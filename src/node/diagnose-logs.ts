/**
 * `diagnose`'s work, from parsed logs to a validated fix: the replay and its diagnosis, the fitted
 * world, the mechanisms behind each long stall, a policy search on the simulation pool (worker
 * threads) in the search world, the recommendation verified over the CI gate's seeds and replayed
 * on the logged night, and the regression scenario. Files are the caller's business.
 */
import { CLIENT_PRESETS, DEFAULT_TIERS, type ClientSpec, type Policy } from '../engine/policy.js';
import { buildReplayScenario } from '../replay/build-replay-scenario.js';
import type { FitInput } from '../simulation/fit-world.js';
import { formatPolicyJson } from '../replay/format-policy-json.js';
import type { LoggedRun, ParsedLog } from '../replay/log-records.js';
import { replayLog, type ReplayReportRun } from '../simulation/replay-log.js';
import { replayPolicies } from '../simulation/replay-policies.js';
import { measureSimulationRun, toReportRun } from '../report/build-simulation-report-runs.js';
import { parseBudgetExpression, type BudgetThreshold } from '../scenario/budget-expression.js';
import type { RunSample } from '../scenario/budget-metrics.js';
import { listSeeds } from '../scenario/budget-sample.js';
import { parseScenario } from '../scenario/parse-scenario.js';
import type { Scenario } from '../scenario/scenario-types.js';
import { analyzeSweep, compareCost, type SweepPointResult } from '../sweep/analyze-sweep.js';
import type { SweepPoint } from '../sweep/build-sweep-points.js';
import { formatDurationMs } from '../units/duration.js';
import { clientSettingsFor, diffSettings, type DeployedSettings } from '../diagnose/client-settings.js';
import type { DiagnoseOutcome, DiagnosedPolicy, NightRun, StallExplanation } from '../diagnose/diagnose-outcome.js';
import { explainStall, readTimeoutOf, type DeployedStack } from '../diagnose/explain-stall.js';
import { buildFixCandidates, type FixCandidate } from '../diagnose/fix-candidates.js';
import { buildSearchWorld, type SlotRule } from '../diagnose/search-world.js';
import { buildStackWorld, HANG_HOLD_MAX_MS, HANG_HOLD_MIN_MS, type ModelledStall } from '../diagnose/stack-world.js';
import { runSimulationPool } from './run-simulation-pool.js';

/** The share of items a recommendation must price (in 95% of runs). */
export const MIN_PRICED_SHARE = 0.98;
/** Seeds per policy in the search. */
export const DEFAULT_DIAGNOSE_SEEDS = 20;
/** Machine runs (machines × policies × seeds) the search stays near when --seeds is not given: about 10 s on 2 cores. */
export const ITEM_RUNS_BUDGET = 1_000_000;
/** The fewest seeds per policy chosen by that rule. */
const MIN_AUTO_SEEDS = 3;
/** Seeds the recommendation is verified over: what `check` runs by default. */
export const VERIFY_SEEDS = 50;
/** Budget-meeting policies replayed on the night, cheapest first, before one is recommended. */
const NIGHT_CANDIDATES = 8;
/** Mean credits this close to the cheapest (a share of it) count as the same cost. */
export const CREDIT_TOLERANCE = 0.01;
/** Failure reasons of a page itself, which a stack world repeats on that machine. */
const PAGE_FAILURES = new Set(['upstream-4xx', 'upstream-5xx', 'no-price', 'blocked', 'other']);
/** The most frontier points kept in the outcome. */
export const FRONTIER_SHOWN = 20;
/** The most stalls explained, longest first. */
const MAX_STALLS_EXPLAINED = 10;

/** A known world to start from (--scenario): its JSON, the parsed scenario and the deployed policy. */
export interface KnownWorld {
  json: Record<string, unknown>;
  scenario: Scenario;
  base: Policy;
}

export interface DiagnoseResult {
  outcome: DiagnoseOutcome;
  /** The regression scenario (fitted or known world, baseline expected to exceed, fix to pass). */
  regressionScenario: Record<string, unknown> | null;
  /** Runs for the report folder: the night reproduced, then the night under the fix. */
  reportRuns: ReplayReportRun[];
}

/** Diagnoses `logs[0]`'s run `run` and searches a fix; the other logs are fitted with it. */
export async function diagnoseLogs(options: {
  log: ParsedLog;
  run: LoggedRun;
  fitWith: readonly FitInput[];
  name: string;
  stallThresholdMs: number;
  minDurationMs: number;
  planConcurrency: number | null;
  budgetMs: number;
  budgetSource: 'option' | 'scenario';
  client: string | null;
  known: KnownWorld | null;
  slots: SlotRule;
  /** Seeds per searched policy, or null to fit the search into `ITEM_RUNS_BUDGET`. */
  seeds: number | null;
  firstSeed: number;
  threads?: number;
  signal?: AbortSignal;
  onStep?: (message: string) => void;
  onProgress?: (done: number, total: number) => void;
}): Promise<DiagnoseResult> {
  const { log, run, known } = options;
  options.onStep?.('replaying the log and fitting its world');
  const replay = await replayLog({
    log,
    run,
    stallThresholdMs: options.stallThresholdMs,
    minDurationMs: options.minDurationMs,
    reproduce: true,
    fitted: true,
    fitWith: options.fitWith,
    scenarioName: options.name,
    accountConcurrency: options.planConcurrency ?? known?.scenario.world.account.concurrency ?? null,
    signal: options.signal,
  });
  const { outcome: replayed } = replay;
  const d = replayed.diagnosis;
  const notes: string[] = [...replayed.notes];
  const fromLog = run.header?.accountConcurrency ?? null;
  const plan = options.planConcurrency ?? known?.scenario.world.account.concurrency ?? fromLog ?? Math.max(d.workers, d.declaredWorkers ?? 1);
  const planSource = options.planConcurrency !== null ? 'option' : known ? 'scenario' : fromLog !== null ? 'log' : 'assumed';
  if (planSource === 'assumed') notes.push(`the Scrapfly plan's concurrency is not in the log: assumed ${plan}, the declared workers (--plan-concurrency)`);

  // The deployed policy: --scenario's, else the one a run log's header records.
  const deployedPolicy = known?.base ?? run.header?.policy ?? null;
  const policySource = known ? '--scenario' : 'the run log';
  let deployed = inferDeployed({ diagnosis: d, client: options.client, policy: deployedPolicy, policySource });
  if (deployed.source.tiers === 'assumed') notes.push(`the log does not show the tier ladder: assumed ${deployed.tiers.join(' → ')}, escalating on any failure (--scenario to give the deployed policy)`);
  const stalls = explainStalls({ replay: replayed, deployed, plan, policy: deployedPolicy });
  // An unknown client: when the read timeouts of exactly one preset fit the longest stall, that
  // preset is the inference (said so); otherwise the client stays unknown.
  let clientSource: DiagnoseOutcome['facts']['client']['source'] = options.client !== null ? 'option' : known ? 'scenario' : deployedPolicy ? 'log' : 'assumed';
  if (deployed.client === null) {
    const longest = stalls[0];
    const fitting = [...new Set((longest?.mechanisms ?? []).filter((m) => m.id === 'read-timeouts' && m.verdict === 'fits').map((m) => m.client as string))];
    if (fitting.length === 1) {
      const name = fitting[0] as string;
      deployed = { ...deployed, client: name, clientSpec: CLIENT_PRESETS[name] as ClientSpec, source: { ...deployed.source, client: 'INFERRED from the longest stall' } };
      clientSource = 'inferred';
      const others = Object.keys(CLIENT_PRESETS).filter((n) => n !== name);
      notes.push(`the client is not known (--client): inferred ${name}, the only preset whose read timeouts fit the longest stall (${others.join(', ')} cannot; a client with other timeouts, not a preset here, might fit too); the fix is searched for it`);
    } else {
      notes.push(`the client is not known (--client): ${fitting.length === 0 ? 'no preset\'s read timeouts fit the longest stall' : `the read timeouts of ${fitting.join(' and ')} all fit`}; the mechanisms are weighed for every preset, and the fix is searched for a plain client without retries of its own`);
    }
  }
  const clientForSearch = deployed.client ?? 'plain';

  // The search world: the known world; else the stack world (the stalls as the requests their
  // mechanism says they were) when the client is known; else the fitted world. Then the network
  // and the slot rule are put back.
  const fittedJson = replay.fitted?.scenario.json;
  // The machines the log shows failing (not stalled): in the stack world they fail again.
  // A run log says why each failed; only a failure of the page itself is taken to repeat (a
  // refusal, a timeout or a deadline came from the night's load, not from the page).
  const reasons = new Map<number, string | null>();
  for (const e of run.events ?? []) if (e.type === 'item.end') reasons.set(e.item, e.reason);
  const failedMachines = run.items
    .filter((i) => i.startMs !== null && i.outcome !== null && i.outcome !== 'priced' && i.outcome !== 'skipped')
    .filter((i) => !run.events || PAGE_FAILURES.has(reasons.get(i.index) ?? ''))
    .map((i) => i.name);
  if (!known && !fittedJson) throw new Error('diagnose needs the fitted world');
  let base: Record<string, unknown>;
  let baselineJson: Record<string, unknown>;
  let worldKind: DiagnoseOutcome['facts']['world'];
  let modelled: ModelledStall[] = [];
  if (known) {
    base = known.json;
    baselineJson = formatPolicyJson(known.base, { name: 'baseline' });
    worldKind = 'scenario';
  } else if (deployed.client !== null && deployed.clientSpec !== null) {
    const stack = buildStackWorld({ fitted: fittedJson as Record<string, unknown>, stalls, readTimeoutMs: readTimeoutOf(deployed.clientSpec), callTimeoutMs: deployedPolicy?.callTimeoutMs ?? null, tiers: deployed.tiers, failedMachines });
    base = stack.json;
    modelled = stack.modelled;
    baselineJson = {
      name: 'baseline',
      description: `The stack as deployed: ${deployed.workers} workers, ${deployed.execution}, the ${deployed.client} client, ${deployed.tiers.join(' → ')} escalating on any failure.`,
      workers: deployed.workers,
      execution: deployed.execution,
      client: { preset: deployed.client },
      tiers: [...deployed.tiers],
      escalateOn: ['any'],
    };
    worldKind = 'stack';
    notes.push(`the search world turns each stall into the requests its mechanism says (${modelled.map((m) => `${m.machine}: ${m.words}`).join('; ') || 'no stall modelled'}); how long Scrapfly kept a silent request running after the client gave up is not in the log (UNCONFIRMED: ${formatDurationMs(HANG_HOLD_MIN_MS)}–${formatDurationMs(HANG_HOLD_MAX_MS)} past the read timeout or the call timeout that gave up on it), and the machines that stalled stall again, no other${failedMachines.length > 0 ? `; the ${failedMachines.length} machine${failedMachines.length === 1 ? '' : 's'} the log shows failing fail${failedMachines.length === 1 ? 's' : ''} again on every request (an upstream 500), no other` : ''}`);
  } else {
    base = fittedJson as Record<string, unknown>;
    baselineJson = { ...((fittedJson as { policies: Array<Record<string, unknown>> }).policies[0] as Record<string, unknown>), name: 'baseline' };
    worldKind = 'fitted';
    notes.push('the client is not known, so the search world is the fitted world: each stall is one silent request as long as the stall, and a client that gives up on it leaves its slot held that long under --slots held (an upper bound)');
  }
  const worldJson = buildSearchWorld({ scenario: base, slots: options.slots, addNetwork: !known });
  const body = d.fit.items.lognormal;
  const typicalP99Ms = body ? body.medianMs * Math.exp(2.3263 * body.sigma) : Math.max(1000, d.fit.items.empiricalMs[Math.floor(d.fit.items.empiricalMs.length * 0.99)] ?? 10_000);
  const candidates = buildFixCandidates({ planConcurrency: plan, client: clientForSearch, typicalP99Ms });
  // The plan the search is for, whatever the world it starts from says.
  const worldPart = worldJson['world'] as Record<string, unknown>;
  worldJson['world'] = { ...worldPart, account: { ...(worldPart['account'] as Record<string, unknown>), concurrency: plan } };
  const searchJson = { ...worldJson, name: `${options.name}-search`, policies: [baselineJson, ...candidates.map((c) => c.json)] };
  const scenario = parseScenario({ json: searchJson, source: `search world of ${log.source}` });

  const budgetText = formatDurationMs(options.budgetMs);
  const thresholdTexts = [`makespan p95 <= ${budgetText}`, `success p95 >= ${Math.round(MIN_PRICED_SHARE * 100)}%`];
  const thresholds = thresholdTexts.map((text) => parseThreshold(text, options.budgetMs));
  const fitting = Math.floor(ITEM_RUNS_BUDGET / Math.max(1, scenario.policies.length * scenario.items.length));
  const count = options.seeds ?? Math.max(MIN_AUTO_SEEDS, Math.min(DEFAULT_DIAGNOSE_SEEDS, fitting));
  if (options.seeds === null && count < DEFAULT_DIAGNOSE_SEEDS) notes.push(`${scenario.items.length} machines × ${scenario.policies.length} policies: the search ran ${count} seeds per policy instead of ${DEFAULT_DIAGNOSE_SEEDS} to stay near ${ITEM_RUNS_BUDGET.toLocaleString('en-US')} machine runs (--seeds to choose)`);
  const seeds = listSeeds({ firstSeed: options.firstSeed, count });
  options.onStep?.(`searching ${scenario.policies.length} policies over ${seeds.length} seeds`);
  const samples = await runPolicies({ scenario, policies: scenario.policies, seeds, threads: options.threads, stallThresholdMs: options.stallThresholdMs, signal: options.signal, onProgress: options.onProgress });
  const points: SweepPoint[] = scenario.policies.map((policy, index) => ({ index, workers: policy.workers, callTimeoutMs: policy.callTimeoutMs, timeoutSemantics: policy.timeoutSemantics, policy }));
  const analysis = analyzeSweep({ points, samples, budget: { thresholds, source: '--budget' } });
  const candidateOf = (index: number) => candidates[index - 1] as FixCandidate;
  const asDiagnosed = (r: SweepPointResult): DiagnosedPolicy => ({ name: r.point.policy.name, settings: candidateOf(r.point.index).settings, json: candidateOf(r.point.index).json, stats: r.stats, meetsBudget: Boolean(r.budget?.met), onFrontier: r.onFrontier });
  // A point that ran exactly like an earlier one (same runs, seed by seed) is not a different
  // policy for this world: the earlier one, fewer changes, stands for it.
  const distinct = analysis.points.filter((r) => r.point.index > 0 && r.sameAs === r.point.index);
  const meeting = rankByCost(distinct.filter((r) => r.budget?.met));

  // The cheapest that also holds on the logged night and over the CI gate's seeds.
  options.onStep?.('replaying the cheapest policies on the logged night');
  const nightCandidates = meeting.slice(0, NIGHT_CANDIDATES);
  const stackOf = worldKind === 'stack' ? (json: Record<string, unknown>) => buildStackWorld({ fitted: json, stalls, readTimeoutMs: readTimeoutOf(deployed.clientSpec as ClientSpec), callTimeoutMs: deployedPolicy?.callTimeoutMs ?? null, tiers: deployed.tiers, failedMachines }).json : null;
  const night = await replayNight({ replay, log, run, d, name: options.name, stackOf, policies: nightCandidates.map((r) => r.point.policy), slots: options.slots, budgetMs: options.budgetMs, plan, stallThresholdMs: options.stallThresholdMs, signal: options.signal });
  const verifySeeds = listSeeds({ firstSeed: 1, count: VERIFY_SEEDS });
  let recommended: DiagnoseOutcome['recommended'] = null;
  let fixNight: NightRun | null = null;
  let fixReport: ReplayReportRun | null = null;
  for (const [k, r] of nightCandidates.entries()) {
    const onNight = night.runs[k] as { night: NightRun; report: ReplayReportRun };
    if (!onNight.night.meetsBudget) continue;
    options.onStep?.(`verifying ${r.point.policy.name} over ${verifySeeds.length} seeds`);
    const verifiedSamples = (await runPolicies({ scenario, policies: [r.point.policy], seeds: verifySeeds, threads: options.threads, stallThresholdMs: options.stallThresholdMs, signal: options.signal }))[0] as RunSample[];
    const verdict = analyzeSweep({ points: [r.point], samples: [verifiedSamples], budget: { thresholds, source: '--budget' } }).points[0] as SweepPointResult;
    if (!verdict.budget?.met) continue;
    const settings = candidateOf(r.point.index).settings;
    recommended = { ...asDiagnosed(r), verified: verdict.stats, diff: diffSettings({ deployed, fix: settings }), clientSettings: clientSettingsFor({ fix: settings, client: clientForSearch }) };
    fixNight = onNight.night;
    fixReport = onNight.report;
    break;
  }
  if (recommended === null && meeting.length > 0) {
    notes.push(`${meeting.length} policies met the budget in the search, but none of the ${nightCandidates.length} cheapest also met it on the logged night and over ${verifySeeds.length} seeds`);
  }
  // The world is judged by its deployed baseline against the night before its fix is trusted.
  const baselineStats = analysis.points[0]?.stats as DiagnoseOutcome['baseline'];
  // The night as the log tells it (not its reproduction).
  const nightMs = d.observedUntilMs - d.startMs;
  const loggedPriced = pricedShareOf(run);
  const checked = checkWorld({ baseline: baselineStats, nightMs, loggedPriced });
  const worldCheck = checked === null ? null : `${checked}${worldKind === 'stack' && options.slots === 'held' ? ' (with --slots released a client that gives up frees its slot: try it)' : ''}`;
  const items = scenario.items.length;
  const allowed = Math.floor((1 - MIN_PRICED_SHARE) * items + 1e-9);
  if (recommended === null) {
    notes.push(`${Math.round(MIN_PRICED_SHARE * 100)}% priced of ${items} machines allows ${allowed === 0 ? 'no failure at all' : `${allowed} failure${allowed === 1 ? '' : 's'}`}: the closest policies are listed instead of a recommendation`);
  }
  // Without a recommendation: the frontier's best at pricing, the faster first among equals.
  const closest = recommended !== null ? [] : distinct.filter((r) => r.onFrontier).sort((a, b) => b.stats.successP95 - a.stats.successP95 || a.stats.makespanP95Ms - b.stats.makespanP95Ms).slice(0, 3).map(asDiagnosed);
  const runnerUps = distinct
    .filter((r) => r.onFrontier && r.budget?.met && r.point.policy.name !== recommended?.name)
    .sort(compareCost)
    .slice(0, 3)
    .map(asDiagnosed);

  const regressionScenario = recommended
    ? buildRegressionScenario({ worldJson, name: options.name, source: log.source, baselineJson, baselineMeets: Boolean(analysis.points[0]?.budget?.met), fixJson: recommended.json, thresholds: thresholdTexts })
    : null;
  const reportRuns: ReplayReportRun[] = [...replay.reportRuns.slice(0, 1), ...(fixReport ? [fixReport] : [])];
  const outcome: DiagnoseOutcome = {
    replay: replayed,
    facts: {
      planConcurrency: { value: plan, source: planSource },
      budgetMs: { value: options.budgetMs, source: options.budgetSource },
      client: { value: deployed.client, source: clientSource },
      slots: options.slots,
      world: worldKind,
    },
    deployed,
    stalls,
    modelledStalls: modelled,
    search: { distinct: distinct.length, policies: scenario.policies.length, seeds, runs: scenario.policies.length * seeds.length, threads: samples.threads ?? 0, thresholds: thresholdTexts, meeting: meeting.length, verifySeeds },
    recommended,
    baseline: baselineStats,
    worldCheck,
    runnerUps,
    closest,
    frontier: distinct.filter((r) => r.onFrontier).sort(compareCost).slice(0, FRONTIER_SHOWN).map(asDiagnosed),
    night: { baseline: night.baseline, fix: fixNight, tried: night.runs.map((r) => r.night) },
    emittedScenario: null,
    reportDir: null,
    notes,
  };
  return { outcome, regressionScenario, reportRuns };
}

/**
 * Budget-meeting points, the one to recommend first: mean credits within `CREDIT_TOLERANCE` (at
 * least one credit) of the cheapest are the same cost — a mean over a few seeds does not tell them
 * apart — and among those the faster wins; the rest follow by cost.
 */
export function rankByCost(points: readonly SweepPointResult[]): SweepPointResult[] {
  if (points.length === 0) return [];
  const cheapest = Math.min(...points.map((r) => r.stats.creditsMean));
  const band = cheapest + Math.max(1, CREDIT_TOLERANCE * cheapest);
  const inBand = (r: SweepPointResult) => r.stats.creditsMean <= band;
  return [...points].sort((a, b) => Number(inBand(b)) - Number(inBand(a)) || (inBand(a) ? a.stats.makespanP95Ms - b.stats.makespanP95Ms || compareCost(a, b) : compareCost(a, b)));
}

/** A makespan this far (a share) from the night's, or a priced share this many points off, and the world does not look like the night. */
const WORLD_MAKESPAN_TOLERANCE = 0.25;
const WORLD_PRICED_TOLERANCE = 0.02;

/** Why the search world's deployed baseline does not look like the night, or null when it does. */
export function checkWorld(options: { baseline: { makespanP50Ms: number; successMean: number }; nightMs: number; loggedPriced: number | null }): string | null {
  const { baseline, nightMs } = options;
  const problems: string[] = [];
  if (nightMs > 0 && Math.abs(baseline.makespanP50Ms - nightMs) > WORLD_MAKESPAN_TOLERANCE * nightMs) problems.push(`makespan p50 ${formatDurationMs(baseline.makespanP50Ms)} against the night's ${formatDurationMs(nightMs)}`);
  if (options.loggedPriced !== null && Math.abs(baseline.successMean - options.loggedPriced) > WORLD_PRICED_TOLERANCE) problems.push(`${(baseline.successMean * 100).toFixed(1)}% priced against the log's ${(options.loggedPriced * 100).toFixed(1)}%`);
  return problems.length === 0 ? null : `the deployed stack in the search world does not look like the night: ${problems.join(', ')}; a fix found in it is less trustworthy`;
}

/** The share of started machines the log shows priced, or null when it shows no outcome. */
function pricedShareOf(run: LoggedRun): number | null {
  const known = run.items.filter((i) => i.outcome !== null && i.outcome !== 'skipped');
  if (known.length === 0) return null;
  return known.filter((i) => i.outcome === 'priced').length / known.length;
}


function parseThreshold(text: string, budgetMs: number): BudgetThreshold {
  const parsed = parseBudgetExpression({ text, budgetMs });
  if (!parsed.ok) throw new Error(`internal budget expression "${text}" ${parsed.reason}`);
  return parsed.threshold;
}

/** Runs every policy over `seeds` on the pool; one sample list per policy, in order. */
async function runPolicies(options: { scenario: Scenario; policies: readonly Policy[]; seeds: readonly number[]; threads?: number; stallThresholdMs: number; signal?: AbortSignal; onProgress?: (done: number, total: number) => void }): Promise<RunSample[][] & { threads?: number }> {
  const jobs = options.policies.flatMap((policy) => options.seeds.map((seed) => ({ scenario: 0, policy, seed })));
  const pool = await runSimulationPool({ scenarios: [options.scenario], jobs, threads: options.threads, stallThresholdMs: options.stallThresholdMs, onProgress: options.onProgress, signal: options.signal });
  const n = options.seeds.length;
  const out: RunSample[][] & { threads?: number } = options.policies.map((_, i) => pool.samples.slice(i * n, (i + 1) * n));
  out.threads = pool.threads;
  return out;
}

/** The stack the log ran on: from --scenario's policy, the options, the log, or assumed. */
function inferDeployed(options: { diagnosis: DiagnoseOutcome['replay']['diagnosis']; client: string | null; policy: Policy | null; policySource: string }): DeployedSettings {
  const { diagnosis: d, policy } = options;
  const presetName = (spec: ClientSpec) => Object.entries(CLIENT_PRESETS).find(([, p]) => JSON.stringify(p) === JSON.stringify(spec))?.[0] ?? 'custom';
  const client = options.client ?? (policy ? presetName(policy.client) : null);
  const clientSpec = options.client !== null ? (CLIENT_PRESETS[options.client] as ClientSpec) : policy ? policy.client : null;
  return {
    workers: d.declaredWorkers ?? d.workers,
    execution: d.execution,
    client,
    clientSpec,
    tiers: policy ? policy.tiers.map((t) => t.name) : DEFAULT_TIERS.map((t) => t.name),
    source: {
      workers: d.declaredWorkers !== null ? 'declared in the log' : 'inferred from the log',
      execution: d.concurrency.method === 'start-pattern' ? 'inferred from the starts' : 'from the log',
      client: options.client !== null ? '--client' : policy ? options.policySource : 'unknown',
      tiers: policy ? options.policySource : 'assumed',
    },
    policy: policy
      ? {
          callTimeoutMs: policy.callTimeoutMs,
          timeoutSemantics: policy.timeoutSemantics,
          itemDeadlineMs: policy.itemDeadlineMs,
          escalateOn: [...policy.escalateOn],
          retryOn: [...policy.retry.on],
          retryCalls: policy.retry.maxCalls,
          tierRetry: policy.tiers.map((t) => t.retry),
          tierTimeoutsMs: policy.tiers.map((t) => t.timeoutMs),
        }
      : null,
  };
}

/** The mechanisms behind each long stall, longest first. */
/** A call timeout failure is a retryable client timeout: what the policy does with one. */
function callTimeoutOf(policy: Policy): DeployedStack['callTimeout'] {
  if (policy.callTimeoutMs === null) return null;
  const matches = (selectors: readonly string[]) => selectors.some((s) => s === 'client-timeout' || s === 'retryable' || s === 'any');
  return { ms: policy.callTimeoutMs, callsPerTier: matches(policy.retry.on) ? policy.retry.maxCalls : 1, escalates: matches(policy.escalateOn) };
}

function explainStalls(options: { replay: DiagnoseOutcome['replay']; deployed: DeployedSettings; plan: number; policy: Policy | null }): StallExplanation[] {
  const { replay, deployed, policy } = options;
  const d = replay.diagnosis;
  const clients = deployed.clientSpec !== null ? [{ name: deployed.client ?? 'custom', spec: deployed.clientSpec }] : Object.entries(CLIENT_PRESETS).map(([name, spec]) => ({ name, spec }));
  const stack: DeployedStack = {
    clients,
    tiers: deployed.tiers,
    appCallsPerTier: policy ? policy.retry.maxCalls : 1,
    workers: deployed.workers,
    execution: d.execution,
    planConcurrency: options.plan,
    abandonsCalls: policy ? (policy.callTimeoutMs !== null || policy.itemDeadlineMs !== null) && policy.timeoutSemantics === 'abandon' : d.execution === 'blocking' ? false : null,
    callTimeout: policy ? callTimeoutOf(policy) : undefined,
  };
  const typicalMs = d.fit.items.lognormal?.medianMs ?? 1000;
  return [...d.stalls]
    .sort((a, b) => b.durationMs - a.durationMs)
    .slice(0, MAX_STALLS_EXPLAINED)
    .map((s) => {
      const precisionMs = d.resolutionMs + (s.inferred ? d.resolutionMs + 1000 : 0);
      return {
        machines: s.machines,
        machineUncertain: s.candidates !== null && s.candidates.length > 1,
        startMs: s.startMs,
        durationMs: s.durationMs,
        inferred: s.inferred,
        censored: s.censored,
        workersHeld: s.workersHeld,
        precisionMs,
        mechanisms: explainStall({ stall: { durationMs: s.durationMs, censored: s.censored, workersHeld: s.workersHeld, precisionMs, typicalMs }, stack }),
      };
    });
}

/**
 * The logged night (the exact per-item world: every machine takes its logged time; in the stack
 * world the stalled ones are the requests their mechanism says) replayed under `policies`, with
 * the search's slot rule and the network put back.
 */
async function replayNight(options: {
  replay: Awaited<ReturnType<typeof replayLog>>;
  log: ParsedLog;
  run: LoggedRun;
  d: DiagnoseOutcome['replay']['diagnosis'];
  name: string;
  /** Turns the night's exact world into its stack world (the stalls as their mechanism's requests), or null to keep it. */
  stackOf: ((json: Record<string, unknown>) => Record<string, unknown>) | null;
  policies: readonly Policy[];
  slots: SlotRule;
  budgetMs: number;
  plan: number;
  stallThresholdMs: number;
  signal?: AbortSignal;
}): Promise<{ baseline: NightRun; runs: Array<{ night: NightRun; report: ReplayReportRun }> }> {
  const { d } = options;
  // The night's lower bound, whatever the policy: the work of the machines that did not stall
  // (a fix may fail a stalled one at once) spread over the plan's slots, or the longest of them.
  const work = d.timeline.items.filter((i) => !i.stalled);
  const workMs = work.reduce((sum, i) => sum + i.durationMs, 0);
  const longestMs = work.reduce((max, i) => Math.max(max, i.durationMs), 0);
  const planLowerBoundMs = Math.max(longestMs, workMs / Math.max(1, Math.min(options.plan, work.length)));
  const judge = (policy: string, metrics: NightRun['metrics']): NightRun => {
    return { policy, metrics, meetsBudget: metrics.makespanMs <= options.budgetMs && metrics.successRate >= MIN_PRICED_SHARE, planLowerBoundMs, planRatio: planLowerBoundMs > 0 ? metrics.makespanMs / planLowerBoundMs : 1 };
  };
  const reproduced = options.replay.reportRuns[0];
  const baseline = judge('baseline', (reproduced as ReplayReportRun).metrics);
  if (options.policies.length === 0) return { baseline, runs: [] };
  const built = buildReplayScenario({ diagnosis: d, run: options.run, name: `${options.name}-night`, source: options.log.source, latency: 'per-item', accountConcurrency: null, extraPolicies: options.policies });
  const exact = options.stackOf ? options.stackOf(built.json) : built.json;
  const json = buildSearchWorld({ scenario: exact, slots: options.slots, addNetwork: true });
  json['policies'] = (built.json['policies'] as unknown[]).slice(0);
  const scenario = parseScenario({ json, source: `the logged night of ${options.log.source}` });
  const names = options.policies.map((p) => built.extraPolicyNames.get(p.name) ?? p.name);
  const chosen = names.map((n) => scenario.policies.find((p) => p.name === n) as Policy);
  const runs = await replayPolicies({ scenario, policies: chosen, timeline: d.timeline, signal: options.signal });
  return {
    baseline,
    runs: runs.map((r) => {
      const metrics = measureSimulationRun({ scenario, run: r.run, stallThresholdMs: options.stallThresholdMs });
      return { night: judge(r.policy.name, metrics), report: toReportRun({ scenario, run: r.run, metrics }) };
    }),
  };
}

/** The incident's regression test: the search world, the baseline expected to exceed, the fix to pass. */
function buildRegressionScenario(options: { worldJson: Record<string, unknown>; name: string; source: string; baselineJson: Record<string, unknown>; baselineMeets: boolean; fixJson: Record<string, unknown>; thresholds: string[] }): Record<string, unknown> {
  const description = [
    `Regression test of the night in ${options.source}, written by batchscope diagnose.`,
    ...((options.worldJson['description'] as string[] | undefined) ?? []),
    'Every request pays the default network round trip (UNCONFIRMED; the fitted body\'s median is lowered by its median), and a client that gives up does not free its account slot unless the world says so.',
  ];
  return {
    ...options.worldJson,
    name: `${options.name}-regression`,
    description,
    policies: [options.baselineJson, { ...options.fixJson, name: 'fix' }],
    budgets: [
      { policy: 'fix', expect: 'pass', thresholds: options.thresholds, description: 'The fix diagnose recommends: within the time budget with at least 98% priced in 95% of runs.' },
      { policy: 'baseline', expect: options.baselineMeets ? 'pass' : 'exceed', thresholds: options.thresholds, description: options.baselineMeets ? 'The policy as deployed met this budget in the search world.' : 'The policy as deployed: the night must stay over budget in this world, or the world no longer shows the incident.' },
    ],
  };
}
