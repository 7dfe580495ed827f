/**
 * Why a real client pointed at a time-scaled mock may not meet the world the scenario describes:
 * the mock serves simulated time `timeScale` times faster, but the client's own timers (the Python
 * SDK's 160 s read timeout, its backoff sleeps) run on the wall clock. A request that hangs past
 * the client's read timeout in the world answers before that timeout once scaled, and the client
 * sees a 504 instead of timing out: the mechanism of the incident disappears.
 */
import type { LatencySpec } from '../latency/latency-spec.js';
import { formatDurationMs } from '../units/duration.js';
import type { BehaviourSpec, WorldSpec } from './world-spec.js';

/** The Python SDK's read timeout, ms: the client the warning speaks of by default. */
export const SDK_READ_TIMEOUT_MS = 160_000;

/** The smallest and largest duration a latency spec can produce, ms. */
export function latencyRangeMs(spec: LatencySpec): [number, number] {
  switch (spec.type) {
    case 'fixed':
      return [spec.ms, spec.ms];
    case 'uniform':
      return [spec.minMs, spec.maxMs];
    case 'lognormal':
      return [spec.minMs ?? 0, spec.maxMs ?? Infinity];
    case 'empirical':
      return [Math.min(...spec.samplesMs), Math.max(...spec.samplesMs)];
    case 'mixture': {
      const ranges = spec.components.map((c) => latencyRangeMs(c.model));
      return [Math.min(...ranges.map((r) => r[0])), Math.max(...ranges.map((r) => r[1]))];
    }
  }
}

/** Every hang a world's behaviours can produce. */
function hangsOf(world: WorldSpec): LatencySpec[] {
  const out: LatencySpec[] = [];
  const add = (b: BehaviourSpec | undefined) => {
    if (b?.hang && b.hang.p > 0) out.push(b.hang.latency);
  };
  for (const b of Object.values(world.behaviour)) add(b);
  for (const levels of Object.values(world.domains)) for (const b of Object.values(levels)) add(b);
  for (const wave of world.waves) add(wave.behaviour);
  return out;
}

/**
 * The one-line warning for `timeScale`, or null when a client with `readTimeoutMs` on the wall
 * clock still times out where the world says it would (or the world has no hang that long).
 */
export function describeTimeScaleRisk(options: { world: WorldSpec; timeScale: number; readTimeoutMs?: number }): string | null {
  const { world, timeScale } = options;
  const readMs = options.readTimeoutMs ?? SDK_READ_TIMEOUT_MS;
  if (timeScale <= 1) return null;
  const long = hangsOf(world)
    .map(latencyRangeMs)
    .filter(([, max]) => max > readMs);
  if (long.length === 0) return null;
  const shortest = Math.max(readMs, Math.min(...long.map(([min]) => min)));
  if (shortest / timeScale >= readMs) return null;
  const keepUpTo = Math.floor((shortest / readMs) * 100) / 100;
  return (
    `warning: at time scale ${timeScale}, requests that hang ${formatDurationMs(shortest)} or more answer after ${formatDurationMs(shortest / timeScale)} of wall time, ` +
    `before a client's own ${formatDurationMs(readMs)} read timeout (the Python SDK's) can fire: such a client sees a 504 where the world says it times out. ` +
    `Divide the client's timeouts and backoff by ${timeScale} (web_scraping_api_read_timeout=${formatSeconds(readMs / 1000 / timeScale)}), or keep --time-scale at most ${keepUpTo}.`
  );
}

/** Seconds as a Python literal: whole above 10, else with up to two decimals. */
function formatSeconds(seconds: number): string {
  return seconds >= 10 ? String(Math.round(seconds)) : String(Math.round(seconds * 100) / 100);
}
