/**
 * Why a stall lasted as long as it did, from first principles of the stack: for each mechanism
 * that can hold one machine (client read timeouts × client tries × tiers, Scrapfly's own budget ×
 * its internal attempts with `retry=true`, one slow request) the combination that comes closest
 * to the logged duration and how close it comes; for the mechanisms that hold workers rather than
 * make a request last (a blocking call holding the event loop, a zombie on the plan's last slot,
 * 429 churn) whether the log allows them. A log cannot prove a mechanism: "fits" means its
 * arithmetic matches the duration within the log's precision, never that it happened. Pure.
 */
import type { ClientSpec } from '../engine/policy.js';
import { RETRY_BUDGET_MS, RETRY_CLIENT_TIMEOUT_MS } from '../scrapfly/timeout-rules.js';
import { formatDurationMs } from '../units/duration.js';

/** How well a mechanism explains a stall. */
export type MechanismVerdict =
  /** The arithmetic matches the duration within the log's precision. */
  | 'fits'
  /** Off by more than the precision, but by at most `NEAR_SHARE`. */
  | 'near'
  /** The log can neither confirm nor exclude it. */
  | 'undecided'
  | 'cannot';

export type MechanismId = 'read-timeouts' | 'scrapfly-budget' | 'slow-request' | 'call-timeouts' | 'blocking-loop' | 'zombie-last-slot' | 'throttle-churn';

/** One mechanism weighed against one stall. */
export interface MechanismFit {
  id: MechanismId;
  /** The client preset the arithmetic assumed (read timeouts only). */
  client: string | null;
  verdict: MechanismVerdict;
  /** What it is, in words. */
  title: string;
  /** The combination that comes closest, in words ("12 read timeouts of 2m40s: …"). */
  combination: string;
  /** The duration the combination gives, ms (its middle when it allows a range), or null when it gives none. */
  expectedMs: number | null;
  /** Logged minus expected, ms, or null. */
  errorMs: number | null;
  /** Why the verdict: the numbers behind it. */
  why: string;
  /** Requests the combination needs, per tier in ladder order, or null. */
  requestsPerTier: number[] | null;
  /** How long the last request took when the combination ends in an answered one (read timeouts), ms, else null. */
  lastAnsweredMs?: number | null;
}

/** The stack as deployed, as far as the mechanisms need it. */
export interface DeployedStack {
  /** Client presets to try, by name (several when the user did not say which client ran). */
  clients: ReadonlyArray<{ name: string; spec: ClientSpec }>;
  /** Tier names of the ladder, in order. */
  tiers: readonly string[];
  /** Calls per tier the application makes (its own retries), ≥ 1. */
  appCallsPerTier: number;
  /** Workers declared and how they ran (from the diagnosis). */
  workers: number;
  execution: 'concurrent' | 'blocking';
  /** The Scrapfly plan's concurrency, or null when not known. */
  planConcurrency: number | null;
  /** Whether the deployed policy may abandon calls (a call timeout that stops waiting), or null when unknown. */
  abandonsCalls: boolean | null;
  /**
   * The deployed application's own timeout around each client call: its limit, how many calls a
   * tier makes when one is cut (its retries of a timeout) and whether a cut call moves the item to
   * the next tier. Null: the deployed policy has none. Undefined: the policy is not known.
   */
  callTimeout?: { ms: number; callsPerTier: number; escalates: boolean } | null;
}

/** A stall as the mechanisms see it. */
export interface StallToExplain {
  durationMs: number;
  /** At least this long (the log stops before it ends). */
  censored: boolean;
  /** Workers it held (all of them when one call blocked the event loop). */
  workersHeld: number;
  /** The precision of the duration: the log's resolution, plus the inference when read from starts, ms. */
  precisionMs: number;
  /** A typical request's duration in this log, ms (the fitted body's median). */
  typicalMs: number;
}

/**
 * What one request may add to its arithmetic, ms: its round trip and the client's own handling
 * (connect, TLS, parsing) on top of a read timeout or the API's budget.
 */
export const REQUEST_OVERHEAD_MS = 1000;

/** A combination off by at most this share of the duration is `near`. */
export const NEAR_SHARE = 0.05;

/** The verdicts from the best explanation to none. */
const VERDICT_RANK: Record<MechanismVerdict, number> = { fits: 0, near: 1, undecided: 2, cannot: 3 };

/** Weighs every mechanism against `stall`, the fitting ones first. */
export function explainStall(options: { stall: StallToExplain; stack: DeployedStack }): MechanismFit[] {
  const { stall, stack } = options;
  const fits: MechanismFit[] = [];
  for (const client of stack.clients) fits.push(...readTimeouts({ stall, stack, client }).map((f) => cutFirst(f, readTimeoutOf(client.spec), stall, stack)));
  fits.push(cutFirst(scrapflyBudget({ stall, stack }), RETRY_BUDGET_MS, stall, stack), cutFirst(slowRequest({ stall, stack }), stall.durationMs, stall, stack));
  fits.push(...callTimeouts({ stall, stack }), blockingLoop({ stall, stack }), zombieLastSlot({ stall, stack }), throttleChurn({ stall, stack }));
  return fits.map((f, i) => ({ f, i })).sort((a, b) => VERDICT_RANK[a.f.verdict] - VERDICT_RANK[b.f.verdict] || Math.abs(a.f.errorMs ?? Infinity) - Math.abs(b.f.errorMs ?? Infinity) || a.i - b.i).map((x) => x.f);
}

/** The read timeout a client applies to a Scrapfly request with `retry=true`, ms, or null for none. */
export function readTimeoutOf(spec: ClientSpec): number | null {
  if (spec.readTimeoutMs === 'auto') return RETRY_CLIENT_TIMEOUT_MS;
  return spec.readTimeoutMs;
}

/** The mean and the longest wait of a client's backoff before its try number `k` (k ≥ 2), ms. */
function backoffBefore(spec: ClientSpec, k: number): { mean: number; max: number } {
  const d = Math.min(spec.backoff.maxMs, spec.backoff.initialMs * spec.backoff.factor ** (k - 2));
  if (spec.backoff.jitter === 'full') return { mean: d / 2, max: d };
  if (spec.backoff.jitter === 'equal') return { mean: (3 * d) / 4, max: d };
  return { mean: d, max: d };
}

/**
 * Requests spread over the ladder: each tier's calls make `triesPerCall` requests each; the
 * client waits its backoff between the tries of one call; the application escalates at once.
 */
function ladderOf(options: { n: number; tiers: number; perTier: number }): number[] {
  const out: number[] = [];
  let left = options.n;
  for (let t = 0; t < options.tiers && left > 0; t++) {
    const here = Math.min(options.perTier, left);
    out.push(here);
    left -= here;
  }
  return out;
}

function describeLadder(perTier: readonly number[], tiers: readonly string[]): string {
  return perTier.map((n, i) => `${n} ${tiers[i] ?? `tier ${i + 1}`}`).join(' + ');
}

function judge(options: { errorMs: number; durationMs: number; precisionMs: number }): MechanismVerdict {
  const off = Math.abs(options.errorMs);
  if (off <= options.precisionMs) return 'fits';
  if (off <= NEAR_SHARE * options.durationMs) return 'near';
  return 'cannot';
}

/**
 * The closest combination of read timeouts, and when it ends in an answered request, also the
 * closest that ends in a timeout (a near miss worth showing), and vice versa.
 */
function readTimeouts(options: { stall: StallToExplain; stack: DeployedStack; client: { name: string; spec: ClientSpec } }): MechanismFit[] {
  const { stall, stack, client } = options;
  const base = { id: 'read-timeouts' as const, client: client.name, title: `client read timeouts × client tries × tiers (${client.name} preset)` };
  const timeoutMs = readTimeoutOf(client.spec);
  if (timeoutMs === null) {
    return [{ ...base, verdict: 'cannot', combination: 'no read timeout', expectedMs: null, errorMs: null, why: `the ${client.name} preset has no read timeout: a request waits as long as the API does`, requestsPerTier: null }];
  }
  const tries = client.spec.retryOn.includes('client-timeout') || client.spec.retryOn.includes('any') ? client.spec.maxTries : 1;
  const perTier = tries * Math.max(1, stack.appCallsPerTier);
  const most = perTier * stack.tiers.length;
  const D = stall.durationMs;
  // Waits before each request: the client's backoff between the tries of one call; none between
  // the application's calls or when it escalates.
  const waits = (perTierCounts: readonly number[]) => {
    let mean = 0;
    let max = 0;
    for (const count of perTierCounts) {
      for (let r = 0; r < count; r++) {
        const tryInCall = (r % tries) + 1;
        if (tryInCall >= 2) {
          const w = backoffBefore(client.spec, tryInCall);
          mean += w.mean;
          max += w.max;
        }
      }
    }
    return { mean, max };
  };
  // The best combination of each kind: ending in a timeout, or in an answered request.
  const best: { timedOut: MechanismFit | null; answered: MechanismFit | null } = { timedOut: null, answered: null };
  const rank = (f: MechanismFit) => VERDICT_RANK[f.verdict];
  const better = (a: MechanismFit, b: MechanismFit | null) => b === null || rank(a) < rank(b) || (rank(a) === rank(b) && Math.abs(a.errorMs ?? Infinity) < Math.abs(b.errorMs ?? Infinity));
  const consider = (fit: MechanismFit, kind: 'timedOut' | 'answered') => {
    if (better(fit, best[kind])) best[kind] = fit;
  };
  const each = `${formatDurationMs(timeoutMs)}`;
  for (let n = 1; n <= most; n++) {
    const counts = ladderOf({ n, tiers: stack.tiers.length, perTier });
    const w = waits(counts);
    const timedOut = n * timeoutMs + w.mean;
    // a) the item ended with its n-th read timeout: every request of the ladder was spent
    //    (n = most), or the stall is cut off by the end of the log.
    if (n === most || stall.censored) {
      const errorMs = D - timedOut;
      const precision = stall.precisionMs + (w.max - w.mean) + n * REQUEST_OVERHEAD_MS;
      const verdict = stall.censored ? (errorMs >= -precision ? 'fits' : judge({ errorMs, durationMs: D, precisionMs: precision })) : judge({ errorMs, durationMs: D, precisionMs: precision });
      consider({
        ...base,
        verdict,
        combination: `${n} read timeouts of ${each} (${describeLadder(counts, stack.tiers)})${w.mean > 0 ? ` + ${formatDurationMs(w.mean)} of client backoff` : ''}, then the item failed`,
        expectedMs: timedOut,
        errorMs,
        why: `${n} × ${each}${w.mean > 0 ? ` + backoff ${formatDurationMs(w.mean)} (up to ${formatDurationMs(w.max)})` : ''} = ${formatDurationMs(timedOut)} against ${formatDurationMs(D)} logged (${signed(errorMs)})`,
        requestsPerTier: counts,
      }, 'timedOut');
    } else {
      // The same n timeouts overshoot or stop short; say by how much, as a near miss.
      const errorMs = D - timedOut;
      if (errorMs < 0) {
        consider({
          ...base,
          verdict: judge({ errorMs, durationMs: D, precisionMs: stall.precisionMs + (w.max - w.mean) + n * REQUEST_OVERHEAD_MS }),
          combination: `${n} read timeouts of ${each} (${describeLadder(counts, stack.tiers)})${w.mean > 0 ? ` + ${formatDurationMs(w.mean)} of client backoff` : ''}`,
          expectedMs: timedOut,
          errorMs,
          why: `${n} × ${each}${w.mean > 0 ? ` + backoff ${formatDurationMs(w.mean)}` : ''} = ${formatDurationMs(timedOut)}, ${formatDurationMs(-errorMs)} longer than the ${formatDurationMs(D)} logged; and a ladder of ${most} requests would have gone on after them`,
          requestsPerTier: counts,
        }, 'timedOut');
      }
    }
    // b) n read timeouts, then the (n+1)-th request answered after `tail`.
    if (n < most) {
      const next = ladderOf({ n: n + 1, tiers: stack.tiers.length, perTier });
      const wn = waits(next);
      const tail = D - n * timeoutMs - wn.mean;
      if (tail > -stall.precisionMs && tail < timeoutMs + stall.precisionMs) {
        const tier = stack.tiers[next.length - 1] ?? `tier ${next.length}`;
        const typical = tail <= Math.max(3 * stall.typicalMs, stall.precisionMs);
        consider({
          ...base,
          verdict: 'fits',
          combination: `${n} read timeouts of ${each} (${describeLadder(counts, stack.tiers)})${wn.mean > 0 ? ` + ${formatDurationMs(wn.mean)} of client backoff` : ''}, then ${/^[aeiou]/i.test(tier) ? 'an' : 'a'} ${tier} request answered after ${formatDurationMs(Math.max(0, tail))}`,
          expectedMs: D,
          errorMs: 0,
          why: `${n} × ${each}${wn.mean > 0 ? ` + backoff ${formatDurationMs(wn.mean)}` : ''} = ${formatDurationMs(n * timeoutMs + wn.mean)}, leaving ${formatDurationMs(Math.max(0, tail))} for the last request (${typical ? 'like a typical request' : `${(Math.max(0, tail) / Math.max(1, stall.typicalMs)).toFixed(0)}× the typical ${formatDurationMs(stall.typicalMs)}, itself slow`}); needs the API silent past its own ~${formatDurationMs(RETRY_BUDGET_MS)} budget on every timed-out request (a hang)`,
          requestsPerTier: next,
          lastAnsweredMs: Math.max(0, tail),
        }, 'answered');
      }
    }
  }
  const found = [best.answered, best.timedOut].filter((f): f is MechanismFit => f !== null && f.verdict !== 'cannot').sort((a, b) => rank(a) - rank(b) || Math.abs(a.errorMs ?? 0) - Math.abs(b.errorMs ?? 0));
  if (found.length > 0) return found;
  const closest = [best.answered, best.timedOut].find((f): f is MechanismFit => f !== null);
  const longest = most * timeoutMs + waits(ladderOf({ n: most, tiers: stack.tiers.length, perTier })).max;
  if (D < timeoutMs) {
    return [{ ...base, verdict: 'cannot', combination: 'no read timeout fired', expectedMs: null, errorMs: null, why: `${formatDurationMs(D)} is shorter than one read timeout of ${each}`, requestsPerTier: null }];
  }
  if (closest && D <= longest) return [closest];
  return [{
    ...base,
    verdict: 'cannot',
    combination: `at most ${most} requests (${perTier} per tier × ${stack.tiers.length} tiers)`,
    expectedMs: longest,
    errorMs: D - longest,
    why: `the whole ladder of ${most} read timeouts of ${each} lasts at most ${formatDurationMs(longest)}, less than the ${formatDurationMs(D)} logged`,
    requestsPerTier: null,
  }];
}

function scrapflyBudget(options: { stall: StallToExplain; stack: DeployedStack }): MechanismFit {
  const { stall, stack } = options;
  const D = stall.durationMs;
  const title = `Scrapfly's own ~${formatDurationMs(RETRY_BUDGET_MS)} budget × its internal attempts (retry=true), one answered error per call`;
  // With retry=true the API answers a failing scrape (504) within its budget; the SDKs do not
  // retry HTTP errors, so each of the application's calls on each tier costs at most one budget.
  const most = stack.tiers.length * Math.max(1, stack.appCallsPerTier);
  // k calls: k − 1 answered after the whole budget, the last one after at most the budget.
  const allowance = stall.precisionMs + Math.ceil(D / RETRY_BUDGET_MS) * REQUEST_OVERHEAD_MS;
  const k = Math.max(1, Math.ceil((D - allowance) / RETRY_BUDGET_MS));
  const base = { id: 'scrapfly-budget' as const, client: null, title };
  if (k > most) {
    return {
      ...base,
      verdict: 'cannot',
      combination: `${k} calls answered after ~${formatDurationMs(RETRY_BUDGET_MS)}`,
      expectedMs: most * RETRY_BUDGET_MS,
      errorMs: D - most * RETRY_BUDGET_MS,
      why: `${formatDurationMs(D)} needs at least ${k} calls of up to ${formatDurationMs(RETRY_BUDGET_MS)}; the ladder makes ${most} call${most === 1 ? '' : 's'} (${stack.tiers.length} tier${stack.tiers.length === 1 ? '' : 's'} × ${Math.max(1, stack.appCallsPerTier)}), so at most ${formatDurationMs(most * RETRY_BUDGET_MS)}`,
      requestsPerTier: null,
    };
  }
  const lastMs = Math.max(0, D - (k - 1) * RETRY_BUDGET_MS);
  const expected = k * RETRY_BUDGET_MS;
  return {
    ...base,
    verdict: 'fits',
    combination: `${k - 1 > 0 ? `${k - 1} call${k - 1 === 1 ? '' : 's'} answered with a Scrapfly timeout error after ~${formatDurationMs(RETRY_BUDGET_MS)} each, then ` : ''}a call answered after ${formatDurationMs(Math.min(lastMs, RETRY_BUDGET_MS))} (${stack.tiers.slice(0, k).join(' → ')})`,
    expectedMs: D,
    errorMs: D - Math.min(D, expected),
    why: `${k - 1} × ${formatDurationMs(RETRY_BUDGET_MS)} + ${formatDurationMs(Math.min(lastMs, RETRY_BUDGET_MS))} = ${formatDurationMs(D)}; the ladder allows ${most} call${most === 1 ? '' : 's'}; needs every call but the last to fail inside Scrapfly (its ~3 internal attempts all failing)`,
    requestsPerTier: null,
  };
}

function slowRequest(options: { stall: StallToExplain; stack: DeployedStack }): MechanismFit {
  const { stall } = options;
  const cap = RETRY_BUDGET_MS;
  const fits = stall.durationMs <= cap + stall.precisionMs;
  return {
    id: 'slow-request',
    client: null,
    verdict: fits ? 'fits' : 'cannot',
    title: 'one slow request that answered (a slow site, rendering, anti-bot)',
    combination: `one request of ${formatDurationMs(stall.durationMs)}`,
    expectedMs: fits ? stall.durationMs : cap,
    errorMs: fits ? 0 : stall.durationMs - cap,
    why: fits ? `within Scrapfly's ${formatDurationMs(cap)} budget` : `Scrapfly ends a scrape within about ${formatDurationMs(cap)}; ${formatDurationMs(stall.durationMs)} is ${(stall.durationMs / cap).toFixed(1)}× that`,
    requestsPerTier: [1],
  };
}

function blockingLoop(options: { stall: StallToExplain; stack: DeployedStack }): MechanismFit {
  const { stall, stack } = options;
  const all = stack.execution === 'blocking' && stall.workersHeld > 1;
  return {
    id: 'blocking-loop',
    client: null,
    verdict: all ? 'fits' : stack.execution === 'blocking' ? 'undecided' : 'cannot',
    title: 'a blocking client call holding the event loop (it multiplies a stall, it does not make one)',
    combination: all ? `one call held all ${stall.workersHeld} workers` : 'one worker held',
    expectedMs: null,
    errorMs: null,
    why: all
      ? `the log fits one machine at a time: while the stalled call ran, none of the other ${stall.workersHeld - 1} workers started a machine`
      : stack.execution === 'blocking'
        ? 'the run looks blocking but this stall held one worker'
        : 'the log shows the workers running concurrently: other machines started during the stall',
    requestsPerTier: null,
  };
}

function zombieLastSlot(options: { stall: StallToExplain; stack: DeployedStack }): MechanismFit {
  const { stack } = options;
  const base = { id: 'zombie-last-slot' as const, client: null, title: "abandoned calls (zombies) holding the plan's slots, so a worker's requests are refused", expectedMs: null, errorMs: null, requestsPerTier: null };
  if (stack.execution === 'blocking') {
    return { ...base, verdict: 'cannot', combination: 'no abandoned call', why: 'with the event loop blocked no timeout fires while a call runs, so no call is abandoned' };
  }
  if (stack.abandonsCalls === false) return { ...base, verdict: 'cannot', combination: 'no abandoned call', why: 'the deployed policy never abandons a call' };
  const full = stack.planConcurrency !== null && stack.workers >= stack.planConcurrency;
  return {
    ...base,
    verdict: 'undecided',
    combination: full ? `${stack.workers} workers on a plan of ${stack.planConcurrency}: one zombie leaves a worker without a slot` : 'zombies on a plan with free slots',
    why: `the log shows starts and ends, not 429s or abandoned calls: possible if calls are abandoned on timeout${stack.planConcurrency === null ? ' (the plan\'s concurrency is not known: --plan-concurrency)' : ''}`,
  };
}

function throttleChurn(options: { stall: StallToExplain; stack: DeployedStack }): MechanismFit {
  const { stack } = options;
  const base = { id: 'throttle-churn' as const, client: null, title: '429 churn: requests refused for concurrency and retried', expectedMs: null, errorMs: null, requestsPerTier: null };
  const inFlight = stack.execution === 'blocking' ? 1 : stack.workers;
  // Abandoned calls hold slots beyond the workers' own requests: only a policy known not to
  // abandon any keeps the requests in flight within the workers.
  if (stack.planConcurrency !== null && inFlight <= stack.planConcurrency && stack.abandonsCalls === false) {
    return { ...base, verdict: 'cannot', combination: `${inFlight} request${inFlight === 1 ? '' : 's'} in flight on a plan of ${stack.planConcurrency}`, why: `at most ${inFlight} request${inFlight === 1 ? ' is' : 's are'} in flight${stack.execution === 'blocking' ? ' (the event loop runs one call at a time)' : ''}, within the plan: nothing is refused for concurrency` };
  }
  return {
    ...base,
    verdict: 'undecided',
    combination: 'refusals retried with backoff',
    why: `the log does not show 429s${stack.planConcurrency === null ? ', and the plan\'s concurrency is not known (--plan-concurrency)' : ''}; the SDKs do not retry a 429, so a long churn needs the application to retry it`,
  };
}

/**
 * A mechanism that needs one request to last `waitMs` cannot happen when the deployed call timeout
 * ends every call sooner: the client stops waiting at the call timeout, whatever the request does.
 */
function cutFirst(fit: MechanismFit, waitMs: number | null, stall: StallToExplain, stack: DeployedStack): MechanismFit {
  const limit = stack.callTimeout?.ms;
  if (limit === undefined || waitMs === null || fit.verdict === 'cannot' || stack.execution === 'blocking') return fit;
  if (waitMs <= limit + stall.precisionMs) return fit;
  return { ...fit, verdict: 'cannot', why: `the deployed call timeout of ${formatDurationMs(limit)} ends every call before the ${formatDurationMs(waitMs)} this needs (${fit.why})` };
}

/**
 * The application's call timeout × calls: each call cut at the limit (the client stops waiting;
 * with `abandon` the request runs on at Scrapfly), the item retrying or escalating as its policy
 * says, then an answered request or the end of the ladder.
 */
function callTimeouts(options: { stall: StallToExplain; stack: DeployedStack }): MechanismFit[] {
  const { stall, stack } = options;
  const base = { id: 'call-timeouts' as const, client: null, title: "the application's call timeout × calls (each call cut at the limit)" };
  const rule = stack.callTimeout;
  if (rule === undefined) {
    return [{ ...base, verdict: 'undecided', combination: 'calls cut by a timeout of the application', expectedMs: null, errorMs: null, why: 'the log does not say whether the application times its calls out, nor after how long (--scenario gives the deployed policy)', requestsPerTier: null }];
  }
  if (rule === null) return [{ ...base, verdict: 'cannot', combination: 'no call timeout', expectedMs: null, errorMs: null, why: 'the deployed policy has no call timeout', requestsPerTier: null }];
  if (stack.execution === 'blocking') {
    return [{ ...base, verdict: 'cannot', combination: 'no call cut while it runs', expectedMs: null, errorMs: null, why: 'with the event loop blocked a call timeout cannot fire while the call runs', requestsPerTier: null }];
  }
  const T = rule.ms;
  const D = stall.durationMs;
  const perTier = Math.max(1, rule.callsPerTier);
  const most = perTier * (rule.escalates ? stack.tiers.length : 1);
  const each = formatDurationMs(T);
  // The best combination of each kind: ending with a cut call, or with an answered request.
  const bestOf: { cut: MechanismFit | null; answered: MechanismFit | null } = { cut: null, answered: null };
  const consider = (fit: MechanismFit, kind: 'cut' | 'answered') => {
    const best = bestOf[kind];
    if (best === null || VERDICT_RANK[fit.verdict] < VERDICT_RANK[best.verdict] || (VERDICT_RANK[fit.verdict] === VERDICT_RANK[best.verdict] && Math.abs(fit.errorMs ?? Infinity) < Math.abs(best.errorMs ?? Infinity))) bestOf[kind] = fit;
  };
  for (let k = 1; k <= most; k++) {
    const counts = ladderOf({ n: k, tiers: stack.tiers.length, perTier });
    const cut = k * T;
    const precision = stall.precisionMs + k * REQUEST_OVERHEAD_MS;
    // a) the item ended with its k-th cut call: the ladder was spent, or its other calls failed at
    //    once (a 429, an error answered at once), or the log stops first.
    {
      const errorMs = D - cut;
      const verdict = stall.censored && errorMs >= -precision ? 'fits' : judge({ errorMs, durationMs: D, precisionMs: precision });
      const others = most - k;
      const rest = others === 0 || stall.censored ? '' : `, the ladder's other ${others === 1 ? 'call' : `${others} calls`} failing at once (a 429 or an error answered at once)`;
      const ladder = rule.escalates && others > 0 ? `${k} of ${most} tiers` : describeLadder(counts, stack.tiers);
      consider({ ...base, verdict, combination: `${k} call${k === 1 ? '' : 's'} cut by the call timeout of ${each} (${ladder})${rest}, then the item failed`, expectedMs: cut, errorMs, why: `${k} × ${each} = ${formatDurationMs(cut)} against ${formatDurationMs(D)} logged (${signed(errorMs)})${rest ? `; needs the ladder's other calls to fail at once` : ''}`, requestsPerTier: counts }, 'cut');
    }
    // b) k cut calls, then the next call answered after `tail`: shorter than the call timeout, or
    //    it would have been cut too.
    if (k < most) {
      const next = ladderOf({ n: k + 1, tiers: stack.tiers.length, perTier });
      const tail = D - cut;
      if (tail > -precision && tail < T - precision) {
        const tier = stack.tiers[next.length - 1] ?? `tier ${next.length}`;
        consider({
          ...base,
          verdict: 'fits',
          combination: `${k} call${k === 1 ? '' : 's'} cut by the call timeout of ${each} (${describeLadder(counts, stack.tiers)}), then ${/^[aeiou]/i.test(tier) ? 'an' : 'a'} ${tier} request answered after ${formatDurationMs(Math.max(0, tail))}`,
          expectedMs: D,
          errorMs: 0,
          why: `${k} × ${each} = ${formatDurationMs(cut)}, leaving ${formatDurationMs(Math.max(0, tail))} for the last request; needs every cut request silent past ${each}${stack.abandonsCalls ? ' (abandoned, they run on at Scrapfly and hold its slots)' : ''}`,
          requestsPerTier: next,
          lastAnsweredMs: Math.max(0, tail),
        }, 'answered');
      }
    }
  }
  const found = [bestOf.answered, bestOf.cut].filter((f): f is MechanismFit => f !== null && f.verdict !== 'cannot').sort((a, b) => VERDICT_RANK[a.verdict] - VERDICT_RANK[b.verdict] || Math.abs(a.errorMs ?? 0) - Math.abs(b.errorMs ?? 0));
  if (found.length > 0) return found;
  const best = bestOf.cut ?? bestOf.answered;
  if (D < T) return [{ ...base, verdict: 'cannot', combination: 'no call cut', expectedMs: null, errorMs: null, why: `${formatDurationMs(D)} is shorter than the call timeout of ${each}`, requestsPerTier: null }];
  return [best ?? { ...base, verdict: 'cannot', combination: `at most ${most} cut calls`, expectedMs: most * T, errorMs: D - most * T, why: `the ladder cuts at most ${most} calls of ${each}: ${formatDurationMs(most * T)}`, requestsPerTier: null }];
}

function signed(ms: number): string {
  return `${ms >= 0 ? '+' : '−'}${formatDurationMs(Math.abs(ms))}`;
}
