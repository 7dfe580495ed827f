/**
 * Compiled latency models: sampling is on the simulator's hot path, so a spec is turned into a
 * closure once. Samples are whole milliseconds, never negative.
 */
import type { Random } from '../ports.js';
import { sampleStandardNormal } from '../random/seeded-random.js';
import { formatDurationMs as formatMs } from '../units/duration.js';
import type { LatencySpec } from './latency-spec.js';

/** A distribution of durations in whole milliseconds. */
export interface LatencyModel {
  /** Draws one duration, ms. */
  sample(random: Random): number;
  /** The largest value the model can produce, ms (Infinity when unbounded). */
  readonly maxMs: number;
  /** A short human description, e.g. "lognormal(median 7s, σ 0.15)". */
  readonly label: string;
}

/** Builds a sampler for `spec`. The spec must already be validated (see scenario loading). */
export function createLatencyModel(spec: LatencySpec): LatencyModel {
  switch (spec.type) {
    case 'fixed': {
      const ms = Math.max(0, Math.round(spec.ms));
      return { sample: () => ms, maxMs: ms, label: `fixed ${formatMs(ms)}` };
    }
    case 'uniform': {
      const { minMs, maxMs } = spec;
      return {
        sample: (random) => Math.round(minMs + (maxMs - minMs) * random.next()),
        maxMs,
        label: `uniform ${formatMs(minMs)}–${formatMs(maxMs)}`,
      };
    }
    case 'lognormal': {
      const mu = Math.log(spec.medianMs);
      const { sigma } = spec;
      const lo = spec.minMs ?? 0;
      const hi = spec.maxMs ?? Infinity;
      return {
        sample: (random) => {
          const value = Math.exp(mu + sigma * sampleStandardNormal(random));
          return Math.round(Math.min(hi, Math.max(lo, value)));
        },
        maxMs: hi,
        label: `lognormal(median ${formatMs(spec.medianMs)}, σ ${sigma})`,
      };
    }
    case 'empirical': {
      const samples = spec.samplesMs.map((ms) => Math.max(0, Math.round(ms)));
      return {
        sample: (random) => samples[Math.floor(random.next() * samples.length)] ?? 0,
        maxMs: Math.max(...samples),
        label: `empirical(${samples.length} samples)`,
      };
    }
    case 'mixture': {
      const total = spec.components.reduce((sum, c) => sum + c.weight, 0);
      const models = spec.components.map((c) => createLatencyModel(c.model));
      const cumulative: number[] = [];
      let acc = 0;
      for (const c of spec.components) {
        acc += c.weight / total;
        cumulative.push(acc);
      }
      return {
        sample: (random) => {
          const u = random.next();
          let i = 0;
          while (i < cumulative.length - 1 && u >= (cumulative[i] ?? 1)) i++;
          return (models[i] as LatencyModel).sample(random);
        },
        maxMs: Math.max(...models.map((m) => m.maxMs)),
        label: `mixture(${spec.components
          .map((c, i) => `${round3(c.weight / total)}×${models[i]?.label}`)
          .join(' + ')})`,
      };
    }
  }
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
