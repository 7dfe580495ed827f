/**
 * The network between the client and the Scrapfly API, as a scenario describes it: how long a
 * round trip takes, how often a connection breaks, and windows in which the API cannot be reached.
 * Applied to every request the client sends to the API (successes, errors, 429s, 401s, /account).
 * The shops' own sites (direct fetches) are not covered: their `latency` already is the time until
 * the whole answer has arrived. Durations are milliseconds; probabilities are per request.
 */
import type { LatencySpec } from '../latency/latency-spec.js';

/** A window in which the API cannot be reached from the client. */
export interface NetworkOutageSpec {
  /** Start, ms after the batch start. */
  startMs: number;
  durationMs: number;
  /**
   * `refused`: connections are refused (ECONNREFUSED after one round trip, a gateway that is down);
   * `unreachable`: nothing answers, so the client's connect timeout decides (a routing or DNS outage).
   */
  kind: 'refused' | 'unreachable';
}

export interface NetworkSpec {
  /**
   * One request's round trip outside the API's own processing, ms: connection set-up when the
   * client opens one per request (TCP, TLS), the request's way in and the answer's way out. Half
   * of each draw passes before the request reaches the API, half after the answer leaves it.
   * `{type:"fixed", ms:0}` is the old instant network.
   */
  roundTrip: LatencySpec;
  /**
   * Probability that the connection is reset when the answer is due (a load balancer cutting a
   * long request): the API ran and billed the scrape, the client gets ECONNRESET before any header.
   */
  resetBeforeAnswer: number;
  /**
   * Probability that an answer's body breaks off after its headers arrived (a truncated response):
   * the client sees the status but no body.
   */
  truncatedBody: number;
  outages: NetworkOutageSpec[];
}

/**
 * The default round trip: a server in another region than the API opening a TLS connection per
 * request, as the Python SDK does without a session (TCP, TLS 1.3 and the request: three round
 * trips of ~60 ms, plus the API's handling of a request it refuses). UNCONFIRMED: Scrapfly does not
 * publish where its API runs; set `world.network.roundTrip` for your own deployment.
 */
export const DEFAULT_ROUND_TRIP: LatencySpec = { type: 'lognormal', medianMs: 200, sigma: 0.35, minMs: 60, maxMs: 3000 };

export const DEFAULT_NETWORK: NetworkSpec = { roundTrip: DEFAULT_ROUND_TRIP, resetBeforeAnswer: 0, truncatedBody: 0, outages: [] };

/** The instant network of old: no round trip, no faults (what `"network": "none"` means). */
export const INSTANT_NETWORK: NetworkSpec = { roundTrip: { type: 'fixed', ms: 0 }, resetBeforeAnswer: 0, truncatedBody: 0, outages: [] };

/** True when the network adds nothing at all (then faces keep their zero-millisecond hop). */
export function isInstantNetwork(network: NetworkSpec): boolean {
  return network.roundTrip.type === 'fixed' && network.roundTrip.ms === 0 && network.resetBeforeAnswer === 0 && network.truncatedBody === 0 && network.outages.length === 0;
}
