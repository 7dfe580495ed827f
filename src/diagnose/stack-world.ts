/**
 * The stack world: the fitted world (or the exact per-item world of the night) with each long stall turned back into the requests the
 * mechanism that fits it says it was made of. A starts-only log gives one duration per machine,
 * and the fitted world draws it as one request: a 33-minute stall is one silent 33-minute request,
 * whose account slot a client that gives up would leave held for all that time. Under the
 * mechanism "12 read timeouts of 160 s, then an answered request" the stalled machine is a machine
 * whose requests go silent: here it hangs on each of those tiers' requests for longer than the
 * deployed read timeout, and answers the last one after the time the arithmetic leaves.
 *
 * What the log cannot say, and what is assumed instead (documented, in the notes):
 * - how long Scrapfly kept a silent request running after the client gave up: drawn uniformly from
 *   `HANG_HOLD_MIN_MS` to `HANG_HOLD_MAX_MS` past the read timeout, or past the application's call
 *   timeout when that is what gave up on it (UNCONFIRMED);
 * - that the machines that stalled on the night stall again, and no other machine does; where a
 *   concurrent starts-only log cannot say which machine stalled, the likeliest one stands for it;
 * - that the machines the log shows failing fail again on every request (an upstream 500: the log
 *   does not say how they failed), and no other does.
 * The deployed stack (its client, ladder, workers and execution) runs as `baseline` in this world,
 * so the world can be checked against the night before a fix is trusted in it. Pure.
 */
import { RETRY_BUDGET_MS } from '../scrapfly/timeout-rules.js';
import { formatDurationMs } from '../units/duration.js';
import type { StallExplanation } from './diagnose-outcome.js';

/** A silent request is kept running this long past the client's read timeout, at least, ms (UNCONFIRMED). */
export const HANG_HOLD_MIN_MS = 10_000;
/** …and at most, ms (UNCONFIRMED). */
export const HANG_HOLD_MAX_MS = 80_000;

const LEVELS = new Set(['plain', 'render_js', 'asp']);

/** How one stall became requests in the stack world. */
export interface ModelledStall {
  machine: string;
  /** The mechanism used, or `one-request` when none fits. */
  as: 'read-timeouts' | 'call-timeouts' | 'scrapfly-budget' | 'slow-request' | 'one-request';
  words: string;
}

/**
 * The stack world's scenario JSON (no policies) from the fitted (or exact) world's, and how each
 * stall was modelled. `readTimeoutMs` is the deployed client's; `tiers` the deployed ladder's names.
 */
export function buildStackWorld(options: { fitted: Record<string, unknown>; stalls: readonly StallExplanation[]; readTimeoutMs: number | null; callTimeoutMs?: number | null; tiers: readonly string[]; failedMachines?: readonly string[] }): { json: Record<string, unknown>; modelled: ModelledStall[] } {
  const json = JSON.parse(JSON.stringify(options.fitted)) as Record<string, unknown>;
  delete json['policies'];
  delete json['budgets'];
  const world = json['world'] as Record<string, unknown>;
  const behaviour = world['behaviour'] as Record<string, Record<string, unknown>>;
  // The stalls and the failures are modelled on their machines: no request elsewhere hangs or fails.
  if (behaviour['default']) {
    delete behaviour['default']['hang'];
    if (options.failedMachines !== undefined) delete behaviour['default']['errors'];
  }
  const domains = (world['domains'] ?? {}) as Record<string, unknown>;
  const list = ((json['items'] as { list?: Array<{ name: string; url: string }> }).list ?? []) as Array<{ name: string; url: string }>;
  // A host of the world's domains is an item's own (the exact world) or a group's, which many
  // items share (a world fitted per domain): a group's keeps its fit, without hangs or failures.
  const itemsOn = new Map<string, number>();
  for (const item of list) itemsOn.set(new URL(item.url).host, (itemsOn.get(new URL(item.url).host) ?? 0) + 1);
  const shared = (host: string) => host in domains && (itemsOn.get(host) ?? 0) > 1;
  for (const host of Object.keys(domains)) {
    if (!shared(host)) continue;
    const levels = domains[host] as Record<string, Record<string, unknown>>;
    for (const level of Object.values(levels)) {
      delete level['hang'];
      if (options.failedMachines !== undefined) delete level['errors'];
    }
  }
  /** The item's host if it is its own (`base` null); else `fresh`, with its group's behaviour to start from. */
  const ownHost = (item: { url: string }, fresh: string): { host: string; base: Record<string, unknown> | null } => {
    const url = new URL(item.url);
    if (url.host in domains && !shared(url.host)) return { host: url.host, base: null };
    item.url = `https://${fresh}${url.pathname}`;
    return { host: fresh, base: shared(url.host) ? (JSON.parse(JSON.stringify(domains[url.host])) as Record<string, unknown>) : {} };
  };
  const modelled: ModelledStall[] = [];
  const R = options.readTimeoutMs;
  const silent = R === null ? null : { type: 'uniform', minMs: R + HANG_HOLD_MIN_MS, maxMs: R + HANG_HOLD_MAX_MS };
  // A request cut by the application's call timeout is silent past it by as much (UNCONFIRMED).
  const C = options.callTimeoutMs ?? null;
  const silentPastCut = C === null ? null : { type: 'uniform', minMs: C + HANG_HOLD_MIN_MS, maxMs: C + HANG_HOLD_MAX_MS };
  options.stalls.forEach((stall, k) => {
    if (stall.censored) return;
    const item = list.find((i) => i.name === stall.machines[0]);
    if (!item) return;
    // An item with a host of its own (the exact per-item world) keeps it; else it gets one.
    const { host, base } = ownHost(item, `stall-${k + 1}.replay.invalid`);
    const m = stall.mechanisms.find((f) => (f.id === 'read-timeouts' || f.id === 'call-timeouts' || f.id === 'scrapfly-budget' || f.id === 'slow-request') && (f.verdict === 'fits' || f.verdict === 'near'));
    const hold = m?.id === 'call-timeouts' ? silentPastCut : silent;
    const levels: Record<string, unknown> = {};
    let as: ModelledStall['as'] = 'one-request';
    let words = `one request of ${formatDurationMs(stall.durationMs)} (no mechanism fits)`;
    if ((m?.id === 'read-timeouts' || m?.id === 'call-timeouts') && m.requestsPerTier && hold && m.requestsPerTier.length <= options.tiers.length && options.tiers.every((t) => LEVELS.has(t))) {
      const counts = m.requestsPerTier;
      const answered = m.lastAnsweredMs ?? null;
      counts.forEach((count, t) => {
        const level = options.tiers[t] as string;
        const last = t === counts.length - 1;
        if (last && answered !== null) {
          levels[level] = { latency: { type: 'fixed', ms: Math.max(1, Math.round(answered)) }, hang: { p: (count - 1) / count, latency: hold } };
        } else {
          levels[level] = { hang: { p: 1, latency: hold } };
        }
      });
      as = m.id;
      words = `${m.combination}: silent on those requests for ${formatDurationMs(hold.minMs)}–${formatDurationMs(hold.maxMs)}`;
    } else if (m?.id === 'scrapfly-budget') {
      levels['default'] = { hang: { p: 1, latency: { type: 'fixed', ms: RETRY_BUDGET_MS } } };
      as = 'scrapfly-budget';
      words = m.combination;
    } else if (m?.id === 'slow-request') {
      levels['default'] = { latency: { type: 'fixed', ms: Math.round(stall.durationMs) } };
      as = 'slow-request';
      words = m.combination;
    } else {
      levels['default'] = { hang: { p: 1, latency: { type: 'fixed', ms: Math.round(stall.durationMs) } } };
    }
    domains[host] = base === null ? levels : { ...base, ...levels };
    modelled.push({ machine: item.name, as, words: stall.machineUncertain ? `${words} (the likeliest of the machines that may have stalled)` : words });
  });
  const stalled = new Set(modelled.map((m) => m.machine));
  (options.failedMachines ?? []).forEach((name, k) => {
    if (stalled.has(name)) return;
    const item = list.find((i) => i.name === name);
    if (!item) return;
    const { host, base } = ownHost(item, `failed-${k + 1}.replay.invalid`);
    const own = (domains[host] ?? base ?? {}) as Record<string, Record<string, unknown>>;
    domains[host] = { ...own, default: { ...(own['default'] ?? {}), errors: { 'upstream-500': 1 } } };
  });
  world['domains'] = domains;
  return { json, modelled };
}
