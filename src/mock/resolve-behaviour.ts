/**
 * Resolves how a request behaves: the world's default behaviour, then the feature level's, then
 * the domain's, then any wave active at that moment, each layer overriding the fields it sets.
 * Compiled behaviours are cached; this sits on the simulator's per-request path.
 */
import { createLatencyModel, type LatencyModel } from '../latency/latency-model.js';
import { lookupErrorCode } from '../scrapfly/error-catalog.js';
import type { BehaviourSpec, FeatureLevel, WaveSpec, WorldSpec } from './world-spec.js';

/** One possible error of an internal attempt, with its cumulative probability. */
export interface ErrorDraw {
  code: string;
  /** The target's status for `upstream-<status>` entries, else null. */
  upstreamStatus: number | null;
  cumulative: number;
}

/** One possible immediate refusal of a request, with its cumulative probability. */
export interface RejectDraw {
  /** A catalog code, or `html-<status>` for a gateway's HTML page. */
  code: string;
  /** The HTTP status of the refusal. */
  status: number;
  /** True for an HTML body instead of a Scrapfly JSON error. */
  html: boolean;
  cumulative: number;
}

/** A behaviour ready for sampling. */
export interface CompiledBehaviour {
  latency: LatencyModel;
  errors: ErrorDraw[];
  hang: { p: number; latency: LatencyModel } | null;
  noPrice: number;
  /** Immediate refusals; empty when the behaviour has none (then nothing is drawn for them). */
  rejects: RejectDraw[];
}

export type BehaviourResolver = (options: { domain: string; level: FeatureLevel; atMs: number }) => CompiledBehaviour;

/** Domains with behaviour of their own whose compiled behaviours are cached at most. */
const MAX_CACHED_DOMAINS = 10_000;

/** Builds the resolver for a world whose batch started at `originMs` (waves are relative to it). */
export function createBehaviourResolver(options: { world: WorldSpec; originMs: number }): BehaviourResolver {
  const { world, originMs } = options;
  const cache = new Map<string, CompiledBehaviour>();
  const waves = world.waves.map((wave, index) => ({ wave, index, fromMs: originMs + wave.startMs, toMs: originMs + wave.startMs + wave.durationMs }));

  const compile = (domain: string, level: FeatureLevel, activeWaves: readonly WaveSpec[]): CompiledBehaviour =>
    compileBehaviour(
      mergeBehaviour([
        world.behaviour.default,
        world.behaviour[level],
        world.domains[domain]?.default,
        world.domains[domain]?.[level],
        ...activeWaves.map((w) => w.behaviour),
      ]),
    );
  // Outside waves (most requests of most worlds) a lookup builds no key string. Domains without
  // behaviour of their own all compile alike and share one entry; the others have theirs, and a
  // world of a million domains (a replay gives every item its own) keeps only the recent ones:
  // compiling is pure, so a dropped entry compiles again to the same behaviour.
  const plain: Partial<Record<FeatureLevel, CompiledBehaviour>> = {};
  const calm = new Map<string, Partial<Record<FeatureLevel, CompiledBehaviour>>>();

  return ({ domain, level, atMs }) => {
    let active = '';
    let activeWaves: WaveSpec[] | null = null;
    for (const w of waves) {
      if (atMs >= w.fromMs && atMs < w.toMs && (w.wave.domain === null || w.wave.domain === domain) && (w.wave.levels.length === 0 || w.wave.levels.includes(level))) {
        active += `+${w.index}`;
        (activeWaves ??= []).push(w.wave);
      }
    }
    if (activeWaves === null) {
      if (world.domains[domain] === undefined) return (plain[level] ??= compile(domain, level, []));
      let byLevel = calm.get(domain);
      if (!byLevel) {
        if (calm.size >= MAX_CACHED_DOMAINS) calm.clear();
        calm.set(domain, (byLevel = {}));
      }
      return (byLevel[level] ??= compile(domain, level, []));
    }
    const key = `${domain}|${level}${active}`;
    let compiled = cache.get(key);
    if (!compiled) {
      compiled = compile(domain, level, activeWaves);
      cache.set(key, compiled);
    }
    return compiled;
  };
}

/** Layers behaviours: each later layer replaces the fields it sets. */
export function mergeBehaviour(layers: readonly (BehaviourSpec | undefined)[]): BehaviourSpec {
  const merged: BehaviourSpec = {};
  for (const layer of layers) {
    if (!layer) continue;
    if (layer.latency !== undefined) merged.latency = layer.latency;
    if (layer.errors !== undefined) merged.errors = layer.errors;
    if (layer.hang !== undefined) merged.hang = layer.hang;
    if (layer.noPrice !== undefined) merged.noPrice = layer.noPrice;
    if (layer.rejects !== undefined) merged.rejects = layer.rejects;
  }
  return merged;
}

function compileBehaviour(spec: BehaviourSpec): CompiledBehaviour {
  if (!spec.latency) throw new Error('behaviour has no latency model (the scenario loader should have caught this)');
  const errors: ErrorDraw[] = [];
  let cumulative = 0;
  for (const [code, p] of Object.entries(spec.errors ?? {})) {
    if (!(p > 0)) continue;
    cumulative += p;
    const upstream = /^upstream-(\d{3})$/.exec(code);
    errors.push({
      code: upstream ? 'ERR::SCRAPE::BAD_UPSTREAM_RESPONSE' : code,
      upstreamStatus: upstream ? Number(upstream[1]) : null,
      cumulative,
    });
  }
  const rejects: RejectDraw[] = [];
  let rejectCumulative = 0;
  for (const [code, p] of Object.entries(spec.rejects ?? {})) {
    if (!(p > 0)) continue;
    rejectCumulative += p;
    const html = /^html-(\d{3})$/.exec(code);
    rejects.push({ code, status: html ? Number(html[1]) : (lookupErrorCode(code)?.http ?? 500), html: html !== null, cumulative: rejectCumulative });
  }
  return {
    latency: createLatencyModel(spec.latency),
    errors,
    hang: spec.hang && spec.hang.p > 0 ? { p: spec.hang.p, latency: createLatencyModel(spec.hang.latency) } : null,
    noPrice: spec.noPrice ?? 0,
    rejects,
  };
}
