/**
 * The fitted world of a replay: latency models (lognormal body, stall point masses) and failure
 * shares fitted to one or several logged nights together, pooled and per group (fit-groups.ts):
 * per domain for an application log's machines, per domain and tier for a run log's requests,
 * whose baseline is then the deployed policy of its header (the requests are what its client,
 * retries and tiers made). Its Monte Carlo runs over seeds give the makespan distribution the
 * logged night is one sample of. Where the exact (per-item) world reproduces the night, this one
 * generalizes it.
 */
import type { Policy } from '../engine/policy.js';
import type { EventSink } from '../ports.js';
import { quantileSorted } from '../report/quantile.js';
import { parseScenario } from '../scenario/parse-scenario.js';
import { simulatePolicy } from './simulate-policy.js';
import { buildReplayScenario, fittedBehaviourJson, type ReplayScenario } from '../replay/build-replay-scenario.js';
import { fitGroups, type FitGroup, type FitInput } from '../replay/fit-groups.js';
import { countFittedSeeds, type FittedGroupSummary, type FittedWorld, type FittedWorldSummary } from '../replay/fitted-world.js';
import { formatPolicyJson } from '../replay/format-policy-json.js';

export { countFittedSeeds, type FitInput, type FittedGroupSummary, type FittedWorld, type FittedWorldSummary } from '../replay/fitted-world.js';

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
  const fitted = fitGroups(options.inputs, { stallThresholdMs: options.stallThresholdMs });
  const { fit, failureShare } = fitted.pooled;
  const sources = options.inputs.map((i) => `${i.source} run ${i.run.index}`);
  // Every group gets its own stalls and failures, and its own body when one fits it (else the
  // pooled body); one group of machines is the pooled model itself.
  const own = fitted.basis === 'requests' || fitted.groups.length > 1 ? fitted.groups.filter((g) => g.fit.samples > 0) : [];
  const typicalMs = fit.lognormal?.medianMs ?? 1000;
  const domainBehaviours: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const g of own) {
    const body = g.fit.lognormal !== null ? g.fit : { ...g.fit, lognormal: fit.lognormal };
    (domainBehaviours[g.domain] ??= {})[g.level ?? 'default'] = fittedBehaviourJson({ fit: body, failureShare: g.failureShare, typicalMs, complete: true });
  }
  const policy = fitted.basis === 'requests' ? (first.run.header?.policy as Policy) : null;
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
    fitSource: `fitted to ${sources.length === 1 ? sources[0] : `${sources.length} logged runs: ${sources.join(', ')}`}${describeGroups(fitted.basis, own)}`,
    ...(own.length > 0 ? { domainBehaviours } : {}),
    ...(policy ? { baselinePolicy: { json: formatPolicyJson(policy), description: `The policy the run log's header records (${policy.name}), on the world fitted to its requests.` } } : {}),
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
    basis: fitted.basis,
    groups: fitted.groups.map((g) => summarizeGroup(g, !own.includes(g) ? 'all-pooled' : g.fit.lognormal !== null ? 'own' : 'pooled')),
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

function summarizeGroup(g: FitGroup, body: FittedGroupSummary['body']): FittedGroupSummary {
  return {
    domain: g.domain,
    level: g.level,
    samples: g.fit.samples,
    censored: g.fit.censored,
    lognormal: g.fit.lognormal,
    ks: g.fit.ks,
    failure: g.fit.failure,
    stalls: g.fit.stalls.reduce((n, s) => n + s.count, 0),
    stallShare: g.fit.stallShare,
    failureShare: g.failureShare,
    body,
  };
}

/** Words for the scenario's description: what has a model of its own. */
function describeGroups(basis: 'items' | 'requests', own: readonly FitGroup[]): string {
  if (own.length === 0) return '';
  const names = own.map((g) => (g.level ? `${g.domain} ${g.level}` : g.domain));
  const shown = names.length > 6 ? `${names.slice(0, 6).join(', ')} and ${names.length - 6} more` : names.join(', ');
  const pooled = own.filter((g) => g.fit.lognormal === null).length;
  const bodies = pooled > 0 ? `, ${pooled} of them on the pooled body (too few durations of their own)` : '';
  return basis === 'requests' ? `; its requests fitted per domain and tier: ${shown}${bodies}` : `; its machines fitted per domain: ${shown}${bodies}`;
}
