/** Reads latency specs from scenario JSON (see LatencySpec). */
import { lognormalSigmaFromP95, type LatencySpec, type MixtureComponent } from '../latency/latency-spec.js';
import { join, type FieldReader } from './field-reader.js';

const TYPES = ['fixed', 'uniform', 'lognormal', 'empirical', 'mixture'] as const;

/**
 * Reads a latency spec. Accepted forms (durations in ms or as "7s"):
 * `{type:"fixed", ms}`, `{type:"uniform", minMs, maxMs}`,
 * `{type:"lognormal", medianMs, sigma}` or `{type:"lognormal", p50Ms, p95Ms}` (optional minMs/maxMs),
 * `{type:"empirical", samplesMs:[…]}`,
 * `{type:"mixture", components:[{weight, model}], stalls:[{p, ms}]}` where each stall is a point
 * mass of probability p and the components share the rest.
 */
export function parseLatency(reader: FieldReader, value: unknown, path: string): LatencySpec {
  const obj = reader.object(value, path);
  const type = reader.oneOf(obj['type'], TYPES, join(path, 'type'));
  switch (type) {
    case 'fixed':
      reader.knownKeys(obj, ['type', 'ms'], path);
      return { type, ms: reader.durationMs(obj['ms'], join(path, 'ms'), { allowZero: true }) };
    case 'uniform': {
      reader.knownKeys(obj, ['type', 'minMs', 'maxMs'], path);
      const minMs = reader.durationMs(obj['minMs'], join(path, 'minMs'), { allowZero: true });
      const maxMs = reader.durationMs(obj['maxMs'], join(path, 'maxMs'), { allowZero: true });
      if (maxMs < minMs) reader.fail(join(path, 'maxMs'), `must be at least minMs (${minMs}), got ${maxMs}`);
      return { type, minMs, maxMs };
    }
    case 'lognormal': {
      reader.knownKeys(obj, ['type', 'medianMs', 'sigma', 'p50Ms', 'p95Ms', 'minMs', 'maxMs'], path);
      let medianMs: number;
      let sigma: number;
      if (obj['p95Ms'] !== undefined) {
        medianMs = reader.durationMs(obj['p50Ms'] ?? obj['medianMs'], join(path, 'p50Ms'));
        const p95Ms = reader.durationMs(obj['p95Ms'], join(path, 'p95Ms'));
        if (p95Ms <= medianMs) reader.fail(join(path, 'p95Ms'), `must be above p50Ms (${medianMs}), got ${p95Ms}`);
        sigma = lognormalSigmaFromP95({ p50Ms: medianMs, p95Ms });
      } else {
        medianMs = reader.durationMs(obj['medianMs'] ?? obj['p50Ms'], join(path, 'medianMs'));
        sigma = reader.number(obj['sigma'], join(path, 'sigma'), { min: 0 });
      }
      const spec: LatencySpec = { type, medianMs, sigma };
      if (obj['minMs'] !== undefined) spec.minMs = reader.durationMs(obj['minMs'], join(path, 'minMs'), { allowZero: true });
      if (obj['maxMs'] !== undefined) spec.maxMs = reader.durationMs(obj['maxMs'], join(path, 'maxMs'));
      if (spec.minMs !== undefined && spec.maxMs !== undefined && spec.maxMs < spec.minMs) reader.fail(join(path, 'maxMs'), `must be at least minMs (${spec.minMs}), got ${spec.maxMs}`);
      return spec;
    }
    case 'empirical': {
      reader.knownKeys(obj, ['type', 'samplesMs'], path);
      const samples = reader.array(obj['samplesMs'], join(path, 'samplesMs'));
      if (samples.length === 0) reader.fail(join(path, 'samplesMs'), 'must hold at least one sample');
      return { type, samplesMs: samples.map((s, i) => reader.durationMs(s, join(join(path, 'samplesMs'), i), { allowZero: true })) };
    }
    case 'mixture': {
      reader.knownKeys(obj, ['type', 'components', 'stalls'], path);
      const components: MixtureComponent[] = [];
      const list = obj['components'] === undefined ? [] : reader.array(obj['components'], join(path, 'components'));
      list.forEach((c, i) => {
        const cpath = join(join(path, 'components'), i);
        const cobj = reader.object(c, cpath);
        reader.knownKeys(cobj, ['weight', 'model'], cpath);
        components.push({ weight: reader.number(cobj['weight'], join(cpath, 'weight'), { positive: true }), model: parseLatency(reader, cobj['model'], join(cpath, 'model')) });
      });
      const stalls = obj['stalls'] === undefined ? [] : reader.array(obj['stalls'], join(path, 'stalls'));
      let stallMass = 0;
      const stallComponents: MixtureComponent[] = stalls.map((s, i) => {
        const spath = join(join(path, 'stalls'), i);
        const sobj = reader.object(s, spath);
        reader.knownKeys(sobj, ['p', 'ms'], spath);
        const p = reader.probability(sobj['p'], join(spath, 'p'));
        stallMass += p;
        return { weight: p, model: { type: 'fixed', ms: reader.durationMs(sobj['ms'], join(spath, 'ms')) } };
      });
      if (components.length === 0) reader.fail(join(path, 'components'), 'must hold at least one component');
      if (stallMass >= 1) reader.fail(join(path, 'stalls'), `probabilities must sum to less than 1, got ${stallMass}`);
      if (stallComponents.length > 0) {
        const total = components.reduce((sum, c) => sum + c.weight, 0);
        for (const c of components) c.weight = (c.weight / total) * (1 - stallMass);
      }
      return { type, components: [...components, ...stallComponents] };
    }
  }
}
