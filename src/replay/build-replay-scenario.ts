/**
 * Builds a scenario (as scenario JSON) whose `baseline` policy reproduces a diagnosed log: the
 * logged items in start order, the execution model that fits (workers, blocking or concurrent), a
 * client that adds nothing of its own (no read timeout, no retries, one tier), and a world whose
 * requests take the durations the log implies:
 * - `per-item` (exact): every item gets its own host whose one request takes exactly the item's
 *   duration, so the replay starts every logged item when the log did;
 * - `fitted`: every request draws from the fitted model (lognormal body, stall point masses);
 * - `empirical`: every request draws from the observed durations.
 * A duration past Scrapfly's 150 s budget can only be a hang (a request that answers 504 after
 * that long), so long stalls are hangs. Items the batch declared but the log does not show come
 * last, with the typical duration, so that they cannot move the logged starts. Pure.
 */
import type { Policy } from '../engine/policy.js';
import { RETRY_BUDGET_MS } from '../scrapfly/timeout-rules.js';
import type { Diagnosis } from './diagnosis-types.js';
import type { LatencyFit } from './fit-latency.js';
import { formatPolicyJson } from './format-policy-json.js';
import type { LoggedRun } from './log-records.js';
import { sortNumbers } from './sort-numbers.js';

/** How the replay world draws request durations. */
export type ReplayLatencyMode = 'per-item' | 'fitted' | 'empirical';

/** Every latency mode, for option parsing. */
export const REPLAY_LATENCY_MODES: readonly ReplayLatencyMode[] = ['per-item', 'fitted', 'empirical'];

const TEXT_DOMAIN = 'replay.invalid';

export interface ReplayScenario {
  /** Scenario JSON: load it with parseScenario. */
  json: Record<string, unknown>;
  /** The first `loggedItems` items of the scenario are the log's started items, in start order. */
  loggedItems: number;
  /** Items added after them: declared by the batch but not started in the log. */
  filledItems: number;
  /** The duration given to items whose duration the log does not tell, ms. */
  typicalMs: number;
  /** The name each extra policy has in the scenario, by its own name (renamed when it collides). */
  extraPolicyNames: Map<string, string>;
}

/** Builds the replay scenario of a diagnosed run. `extraPolicies` are appended after the replay's own. */
export function buildReplayScenario(options: {
  diagnosis: Diagnosis;
  run: LoggedRun;
  /** The scenario's name. */
  name: string;
  /** The log, for the description. */
  source: string;
  latency?: ReplayLatencyMode;
  /** The Scrapfly plan's concurrency; by default the run log's, else the workers of the replay. */
  accountConcurrency?: number | null;
  /** Add the items the batch declared but the log does not show (default true). */
  fillDeclared?: boolean;
  extraPolicies?: readonly Policy[];
  /** The scenario the extra policies come from, to rename one whose name the replay already uses. */
  extraPoliciesFrom?: string;
  /** `fitted` and `empirical`: the fit to draw from (default the diagnosis's own; pooled over several logs by the caller). */
  fit?: LatencyFit;
  /** `fitted`: the share of items the logs show failing, modelled as an upstream 500 per request. */
  failureShare?: number;
  /** Words for the description: where the fit comes from. */
  fitSource?: string;
  /** `fitted`: behaviour JSON by domain and level key (`default`, `plain`, …), fitted per group (see fit-groups.ts). */
  domainBehaviours?: Record<string, Record<string, Record<string, unknown>>>;
  /** `fitted`: the policy JSON of the baseline instead of the replay's own (a run log's deployed policy), with the words that say so. */
  baselinePolicy?: { json: Record<string, unknown>; description: string };
}): ReplayScenario {
  const { run } = options;
  const d: Diagnosis = options.fit ? { ...options.diagnosis, fit: { ...options.diagnosis.fit, items: options.fit } } : options.diagnosis;
  const mode = options.latency ?? 'per-item';
  const typicalMs = typicalDurationMs(d);
  const logged = d.timeline.items.map((item) => ({
    name: item.name,
    domain: item.domain ?? TEXT_DOMAIN,
    path: pathOf(item.url, item.name),
    // A stall cut off by the end of the log lasted at least that long; a typical item at least the typical time.
    durationMs: Math.max(0, Math.round(item.end === 'censored' && !item.stalled ? Math.max(item.durationMs, typicalMs) : item.durationMs)),
  }));
  const filled = options.fillDeclared === false ? [] : unloggedItems(run, d).map((u) => ({ ...u, durationMs: typicalMs }));
  const all = [...logged, ...filled];
  const width = String(all.length).length;
  const domains: Record<string, unknown> = {};
  const list = all.map((item, k) => {
    const label = `i${String(k + 1).padStart(width, '0')}`;
    if (mode === 'per-item') {
      const host = `${label}.${item.domain}`;
      domains[host] = { default: behaviourFor(item.durationMs) };
      return { name: item.name, url: `https://${host}/${item.path}` };
    }
    return { name: item.name, url: `https://${item.domain}/${item.path}-${label}` };
  });
  const declared = d.declaredWorkers;
  const accountConcurrency = options.accountConcurrency ?? run.header?.accountConcurrency ?? Math.max(d.workers, declared ?? 1);
  const best = d.hypotheses.find((h) => h.id === d.best);
  const baseline = {
    name: 'baseline',
    description: `Reproduces the log: ${best?.title ?? `${d.workers} workers`}; requests take the logged durations, with no client timeout or retry.`,
    workers: d.workers,
    execution: d.execution,
    client: { preset: 'plain', readTimeoutMs: null, maxTries: 1 },
    tiers: ['plain'],
    escalateOn: [],
  };
  const policies: Array<Record<string, unknown>> = [options.baselinePolicy ? { ...options.baselinePolicy.json, name: 'baseline', description: options.baselinePolicy.description } : baseline];
  if (declared !== null && declared > 1 && (d.execution === 'blocking' || d.workers < declared)) {
    policies.push({ ...baseline, name: `concurrent-${declared}`, description: `The same batch on ${declared} truly concurrent workers, as declared.`, workers: declared, execution: 'concurrent' });
  }
  const taken = new Set(policies.map((p) => p.name as string));
  const extraPolicyNames = new Map<string, string>();
  for (const policy of options.extraPolicies ?? []) {
    let name = taken.has(policy.name) && options.extraPoliciesFrom ? `${options.extraPoliciesFrom}/${policy.name}` : policy.name;
    for (let k = 2; taken.has(name); k++) name = `${policy.name}-${k}`;
    taken.add(name);
    extraPolicyNames.set(policy.name, name);
    policies.push(formatPolicyJson(policy, { name }));
  }
  const json = {
    name: options.name,
    description: [
      ...describe({ d, source: options.source, mode, logged: logged.length, filled: filled.length, typicalMs }),
      ...(mode === 'fitted'
        ? [
            `The fitted world generalizes the night${options.fitSource ? ` (${options.fitSource})` : ''}: its runs over seeds give a makespan distribution the logged night is one sample of; the exact replay is the per-item world.`,
            ...((options.failureShare ?? 0) > 0 ? [`Failures: ${((options.failureShare as number) * 100).toFixed(1)} % of items failed in the log(s), modelled as an upstream 500 on that share of requests.`] : []),
          ]
        : []),
    ],
    startAt: new Date(d.startMs).toISOString(),
    seed: 1,
    items: { list },
    world: {
      account: { concurrency: Math.max(1, accountConcurrency), credits: 1_000_000_000 },
      behaviour: { default: mode === 'fitted' ? fittedBehaviourJson({ fit: d.fit.items, failureShare: options.failureShare ?? 0, typicalMs }) : defaultBehaviour(d.fit.items, mode, typicalMs) },
      domains: mode === 'fitted' && options.domainBehaviours ? options.domainBehaviours : domains,
      // The log tells how long a stall lasted, not how long Scrapfly kept working on it: a client
      // that gives up on a hung request frees its slot, or one stall would starve the account.
      options: { releaseSlotOnDisconnect: true },
      // The logged durations are what the client saw, round trips included: no network on top.
      network: 'none',
    },
    policies,
  };
  return { json, loggedItems: logged.length, filledItems: filled.length, typicalMs, extraPolicyNames };
}

/** The median of the typical (non-stall, ended) durations, else of the fit, else 1 s. */
function typicalDurationMs(d: Diagnosis): number {
  const observed = d.timeline.items.filter((i) => !i.stalled && i.end !== 'censored').map((i) => i.durationMs);
  sortNumbers(observed);
  if (observed.length > 0) return Math.max(1, observed[Math.floor((observed.length - 1) / 2)] as number);
  return d.fit.items.lognormal?.medianMs ?? 1000;
}

function behaviourFor(durationMs: number): Record<string, unknown> {
  if (durationMs > RETRY_BUDGET_MS) return { hang: { p: 1, latency: { type: 'fixed', ms: durationMs } } };
  return { latency: { type: 'fixed', ms: durationMs } };
}

/**
 * The behaviour of a fitted world (or of one of its groups): the lognormal body with the stalls up
 * to Scrapfly's budget as point masses, the longer ones as hangs, and the share of failures as
 * upstream 500s. `typicalMs` stands in for a body that could not be fitted. `complete` writes
 * every field (a group's behaviour over the pooled one).
 */
export function fittedBehaviourJson(options: { fit: LatencyFit; failureShare: number; typicalMs: number; complete?: boolean }): Record<string, unknown> {
  const behaviour = { ...defaultBehaviour(options.fit, 'fitted', options.typicalMs), ...(options.failureShare > 0 ? { errors: { 'upstream-500': Math.min(0.99, options.failureShare) } } : {}) };
  // A group's behaviour says that it has no hangs or no failures, where it has none, so that it
  // does not inherit the pooled ones.
  if (options.complete) return { hang: { p: 0, latency: { type: 'fixed', ms: 0 } }, errors: {}, ...behaviour };
  return behaviour;
}

function defaultBehaviour(fit: LatencyFit, mode: ReplayLatencyMode, typicalMs: number): Record<string, unknown> {
  const n = Math.max(1, fit.samples);
  const longStalls = fit.stalls.filter((s) => s.ms > RETRY_BUDGET_MS);
  const shortStalls = fit.stalls.filter((s) => s.ms <= RETRY_BUDGET_MS);
  const hangP = longStalls.reduce((sum, s) => sum + s.count, 0) / n;
  const hang = hangP > 0 && mode !== 'per-item' ? { hang: { p: Math.min(1, hangP), latency: { type: 'empirical', samplesMs: longStalls.flatMap((s) => new Array<number>(s.count).fill(s.ms)) } } } : {};
  if (mode === 'empirical') {
    const samples = fit.empiricalMs.filter((ms) => ms <= RETRY_BUDGET_MS);
    return { latency: samples.length > 0 ? { type: 'empirical', samplesMs: samples } : { type: 'fixed', ms: typicalMs }, ...hang };
  }
  const body = fit.lognormal ? { type: 'lognormal', medianMs: fit.lognormal.medianMs, sigma: fit.lognormal.sigma } : { type: 'fixed', ms: typicalMs };
  if (mode === 'per-item' || shortStalls.length === 0) return { latency: body, ...hang };
  const scale = 1 / Math.max(1e-9, 1 - Math.min(hangP, 0.99));
  let stalls = shortStalls.map((s) => ({ p: (s.count / n) * scale, ms: s.ms }));
  const mass = stalls.reduce((sum, s) => sum + s.p, 0);
  // The point masses must leave room for the body.
  if (mass >= 0.95) stalls = stalls.map((s) => ({ ...s, p: (s.p * 0.95) / mass }));
  return { latency: { type: 'mixture', components: [{ weight: 1, model: body }], stalls }, ...hang };
}

/** Items the batch declared that the log does not show starting, in batch order. */
function unloggedItems(run: LoggedRun, d: Diagnosis): Array<{ name: string; domain: string; path: string }> {
  const started = new Set(d.timeline.items.map((i) => i.index));
  if (run.header) {
    return run.header.items
      .map((item, index) => ({ item, index }))
      .filter(({ index }) => !started.has(index))
      .map(({ item }) => ({ name: item.name, domain: item.domain || TEXT_DOMAIN, path: pathOf(item.url, item.name) }));
  }
  const missing = Math.max(0, (run.declaredItems ?? 0) - d.timeline.items.length);
  const width = String(run.declaredItems ?? 0).length;
  return Array.from({ length: missing }, (_, k) => {
    const name = `unlogged machine ${String(d.timeline.items.length + k + 1).padStart(width, '0')}`;
    return { name, domain: TEXT_DOMAIN, path: slug(name) };
  });
}

function pathOf(url: string | null, name: string): string {
  if (url) {
    try {
      const path = new URL(url).pathname.replace(/^\/+/, '');
      if (path) return path;
    } catch {
      // Not a URL: fall back to the name.
    }
  }
  return slug(name);
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'item';
}

function describe(options: { d: Diagnosis; source: string; mode: ReplayLatencyMode; logged: number; filled: number; typicalMs: number }): string[] {
  const { d } = options;
  const best = d.hypotheses.find((h) => h.id === d.best);
  const lines = [
    `Replay of ${options.source} (run ${d.run.index}${d.run.batchId ? `, ${d.run.batchId}` : ''}): ${options.logged} logged items${options.filled > 0 ? ` and ${options.filled} items the batch declared but the log does not show (added last, ${options.typicalMs} ms each)` : ''}.`,
    `Execution model that fits the log: ${best?.title ?? `${d.workers} workers`} (effective concurrency ${d.effectiveConcurrency}).`,
  ];
  if (options.mode === 'per-item') {
    lines.push("Every item has its own host whose one request takes exactly the item's logged or inferred duration, so the baseline starts every logged item when the log did.");
  } else if (options.mode === 'fitted') {
    const ln = d.fit.items.lognormal;
    lines.push(`Every request draws its duration from the model fitted to the log: ${ln ? `lognormal(median ${ln.medianMs} ms, sigma ${ln.sigma})` : `${options.typicalMs} ms`} with ${d.fit.items.stalls.length} stall point mass(es).`);
  } else {
    lines.push(`Every request draws its duration from the ${d.fit.items.empiricalMs.length} durations observed in the log.`);
  }
  lines.push('The world reproduces how long requests took, not how they ended: a request that does not hang succeeds.');
  lines.push("A duration past Scrapfly's 150 s budget is modelled as a hang: the request answers 504 after that long, so such an item fails in the replay even if it priced in the end.");
  lines.push('The log does not say how long Scrapfly kept a hung request running after a client gave up on it, so a client disconnect frees the account slot (releaseSlotOnDisconnect).');
  lines.push("Items still running when the log stops last at least as long as the log shows (stalls) or the typical duration. 'baseline' reproduces the log; the other policies show what the batch would have done under them.");
  return lines;
}
