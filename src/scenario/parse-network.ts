/**
 * Reads `world.network` (see NetworkSpec):
 *
 * ```jsonc
 * "network": {
 *   "roundTrip": { "type": "lognormal", "medianMs": "200ms", "sigma": 0.35 },   // or a duration: "0ms"
 *   "resetBeforeAnswer": 0.001,
 *   "truncatedBody": 0.001,
 *   "outages": [{ "startMs": "5s", "durationMs": "10m", "kind": "refused" }]
 * }
 * ```
 * Absent: `DEFAULT_NETWORK`. `"none"`: the instant network (no round trip, no faults).
 */
import { DEFAULT_NETWORK, INSTANT_NETWORK, type NetworkOutageSpec, type NetworkSpec } from '../mock/network-spec.js';
import { join, type FieldReader } from './field-reader.js';
import { parseLatency } from './parse-latency.js';

export function parseNetwork(reader: FieldReader, value: unknown, path: string): NetworkSpec {
  if (value === undefined) return { ...DEFAULT_NETWORK, outages: [] };
  if (value === 'none') return { ...INSTANT_NETWORK, outages: [] };
  const obj = reader.object(value, path);
  reader.knownKeys(obj, ['roundTrip', 'resetBeforeAnswer', 'truncatedBody', 'outages'], path);
  const raw = obj['roundTrip'];
  const rpath = join(path, 'roundTrip');
  const roundTrip =
    raw === undefined ? DEFAULT_NETWORK.roundTrip : typeof raw === 'number' || typeof raw === 'string' ? { type: 'fixed' as const, ms: reader.durationMs(raw, rpath, { allowZero: true }) } : parseLatency(reader, raw, rpath);
  const outages = obj['outages'] === undefined ? [] : reader.array(obj['outages'], join(path, 'outages')).map((o, i) => parseOutage(reader, o, join(join(path, 'outages'), i)));
  return {
    roundTrip,
    resetBeforeAnswer: obj['resetBeforeAnswer'] === undefined ? 0 : reader.probability(obj['resetBeforeAnswer'], join(path, 'resetBeforeAnswer')),
    truncatedBody: obj['truncatedBody'] === undefined ? 0 : reader.probability(obj['truncatedBody'], join(path, 'truncatedBody')),
    outages,
  };
}

function parseOutage(reader: FieldReader, value: unknown, path: string): NetworkOutageSpec {
  const obj = reader.object(value, path);
  reader.knownKeys(obj, ['startMs', 'durationMs', 'kind'], path);
  return {
    startMs: reader.durationMs(obj['startMs'] ?? 0, join(path, 'startMs'), { allowZero: true }),
    durationMs: reader.durationMs(obj['durationMs'], join(path, 'durationMs')),
    kind: reader.oneOf(obj['kind'] ?? 'refused', ['refused', 'unreachable'], join(path, 'kind')),
  };
}
