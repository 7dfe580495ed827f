/**
 * The world `diagnose` searches policies in: the fitted world of the log(s) with the real stack's
 * parts the fitted world leaves out for reproduction's sake put back:
 * - the network: the logged durations are what the client saw, round trips included, so the
 *   fitted world has none; here every request pays the default round trip (so a refusal is not
 *   free) and the fitted body's median is lowered by that round trip's median;
 * - the account's slots: by default a client that gives up on a request does not free its slot,
 *   Scrapfly keeps it until its scrape ends (an inference from the docs, `slots: 'held'`);
 *   `released` is the optimistic reading the reproduction uses.
 * Pure: JSON in, JSON out.
 */
import { DEFAULT_ROUND_TRIP } from '../mock/network-spec.js';

/** What a client disconnect does to the account slot of its scrape. */
export type SlotRule = 'held' | 'released';

/** The median of the default round trip, ms. */
const ROUND_TRIP_MEDIAN_MS = DEFAULT_ROUND_TRIP.type === 'lognormal' ? DEFAULT_ROUND_TRIP.medianMs : 0;

/** The search world's scenario JSON (no policies, no budgets) from a fitted or known scenario's JSON. */
export function buildSearchWorld(options: { scenario: Record<string, unknown>; slots: SlotRule; addNetwork: boolean }): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(options.scenario)) as Record<string, unknown>;
  delete copy['policies'];
  delete copy['budgets'];
  delete copy['extends'];
  const world = (copy['world'] ?? {}) as Record<string, unknown>;
  const worldOptions = (world['options'] ?? {}) as Record<string, unknown>;
  worldOptions['releaseSlotOnDisconnect'] = options.slots === 'released';
  world['options'] = worldOptions;
  if (options.addNetwork) {
    delete world['network'];
    const behaviour = world['behaviour'] as Record<string, Record<string, unknown>> | undefined;
    const body = behaviour?.['default']?.['latency'];
    if (body) lowerMedian(body as Record<string, unknown>, ROUND_TRIP_MEDIAN_MS);
  }
  copy['world'] = world;
  return copy;
}

/** Lowers the median of a lognormal body (or of a mixture's lognormal components) by `byMs`, keeping at least half of it. */
function lowerMedian(latency: Record<string, unknown>, byMs: number): void {
  if (latency['type'] === 'lognormal' && typeof latency['medianMs'] === 'number') {
    const median = latency['medianMs'];
    latency['medianMs'] = Math.round(Math.max(median / 2, median - byMs));
  } else if (latency['type'] === 'mixture' && Array.isArray(latency['components'])) {
    for (const c of latency['components'] as Array<Record<string, unknown>>) {
      if (c['model'] && typeof c['model'] === 'object') lowerMedian(c['model'] as Record<string, unknown>, byMs);
    }
  }
}
