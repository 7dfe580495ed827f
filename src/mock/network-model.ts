/**
 * Draws what the network does to one request (see NetworkSpec): the delays on the way in and out,
 * a reset or a truncated body, and whether an outage is on. Draws are keyed by the request's path,
 * the page it asks for (its `url` parameter) and how many times that was asked, not by arrival
 * order or the other parameters: every face of the mock that applies the model gives the same
 * request the same network, and two policies asking for the same page meet the same network.
 */
import { createLatencyModel } from '../latency/latency-model.js';
import type { Random } from '../ports.js';
import type { NetworkOutageSpec, NetworkSpec } from './network-spec.js';

/**
 * How long a client without a connect timeout waits for a host that never answers, ms: Linux's
 * default of 6 SYN retransmissions (1+2+4+8+16+32+64 s).
 */
export const OS_CONNECT_TIMEOUT_MS = 127_000;

/** What the network does to one request. */
export interface NetworkDraw {
  /** Client to API, ms. */
  uplinkMs: number;
  /** API to client, ms. */
  downlinkMs: number;
  /** The connection resets when the answer is due. */
  reset: boolean;
  /** The answer's body breaks off after its headers. */
  truncated: boolean;
}

export interface NetworkModel {
  readonly spec: NetworkSpec;
  /** The network of the next request to `url` (absolute, with its query). */
  draw(url: string): NetworkDraw;
  /** The outage on at `nowMs` (ms since the epoch), or null. */
  outageAt(nowMs: number): NetworkOutageSpec | null;
}

/** Creates the model; `originMs` is the batch start that outage windows count from. */
export function createNetworkModel(options: { spec: NetworkSpec; random: Random; originMs: number }): NetworkModel {
  const { spec, random, originMs } = options;
  const roundTrip = createLatencyModel(spec.roundTrip);
  const sent = new Map<string, number>();
  return {
    spec,
    draw(url) {
      const key = requestKey(url);
      const n = (sent.get(key) ?? 0) + 1;
      sent.set(key, n);
      const r = random.fork(`${key}#${n}`);
      const total = roundTrip.sample(r);
      const uplinkMs = Math.floor(total / 2);
      const reset = spec.resetBeforeAnswer > 0 && r.next() < spec.resetBeforeAnswer;
      const truncated = !reset && spec.truncatedBody > 0 && r.next() < spec.truncatedBody;
      return { uplinkMs, downlinkMs: total - uplinkMs, reset, truncated };
    },
    outageAt(nowMs) {
      const t = nowMs - originMs;
      for (const outage of spec.outages) if (t >= outage.startMs && t < outage.startMs + outage.durationMs) return outage;
      return null;
    },
  };
}

/**
 * `<path>?<raw url parameter>`: what a request asks for, whatever else its query says. The raw
 * (still encoded) value: one client encodes a page one way, and this is on the hot path.
 */
function requestKey(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const scheme = url.indexOf('://');
  const slash = scheme >= 0 && scheme < q ? url.indexOf('/', scheme + 3) : 0;
  const path = url.slice(slash < 0 || slash > q ? q : slash, q);
  let at = url.startsWith('url=', q + 1) ? q + 1 : url.indexOf('&url=', q);
  if (at < 0) return path;
  if (url.charCodeAt(at) === 38 /* & */) at += 1;
  const end = url.indexOf('&', at);
  return `${path}?${end < 0 ? url.slice(at) : url.slice(at, end)}`;
}
