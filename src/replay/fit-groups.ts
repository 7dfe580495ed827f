/**
 * The samples of a fitted world, pooled and by group. An application log tells how long each
 * machine took: its machines' durations are fitted, pooled and per domain (a text log names no
 * domain: one group). A run log with its header tells each request's domain, tier and result: its
 * requests are fitted per domain and feature level (the tier's, as the mock keys behaviour), a
 * read timeout or a cut request is a censored sample, and the share of requests that failed at
 * Scrapfly or upstream (not refused for the account's concurrency) is the group's error rate.
 * Several nights pool their samples, group by group; a night whose log cannot give the first
 * night's kind of sample adds none. Pure.
 */
import type { TierSpec } from '../engine/policy.js';
import type { FeatureLevel } from '../mock/world-spec.js';
import type { Diagnosis } from './diagnosis-types.js';
import { fitLatency, type DurationSample, type LatencyFit } from './fit-latency.js';
import type { LoggedRun } from './log-records.js';

/** One logged night that contributes to the fit. */
export interface FitInput {
  source: string;
  run: LoggedRun;
  diagnosis: Diagnosis;
}

/** The domain of items whose log names none (a text log's). */
export const UNKNOWN_DOMAIN = 'replay.invalid';

/** A fit and the share of failures among the samples whose outcome is known (0–1). */
export interface FittedSamples {
  fit: LatencyFit;
  failureShare: number;
}

/** One group: a domain, and for requests a feature level. */
export interface FitGroup extends FittedSamples {
  domain: string;
  /** The feature level of the requests (run logs), or null for machine durations. */
  level: FeatureLevel | null;
}

export interface FitGroups {
  /** `items`: machine durations; `requests`: a run log's requests by domain and level. */
  basis: 'items' | 'requests';
  pooled: FittedSamples;
  /** By domain, then level; every group that has samples. */
  groups: FitGroup[];
}

/** Collects the samples of `inputs` (the first decides the basis) and fits them, pooled and per group. */
export function fitGroups(inputs: readonly FitInput[], options: { stallThresholdMs: number }): FitGroups {
  const first = inputs[0];
  const basis = first && requestLevels(first.run) !== null && first.run.attempts.length > 0 ? 'requests' : 'items';
  const pooled = new Tally();
  const byKey = new Map<string, { domain: string; level: FeatureLevel | null; tally: Tally }>();
  const groupOf = (domain: string, level: FeatureLevel | null) => {
    const key = `${domain}|${level ?? ''}`;
    let group = byKey.get(key);
    if (!group) byKey.set(key, (group = { domain, level, tally: new Tally() }));
    return group.tally;
  };
  let resolutionMs = 1;
  for (const input of inputs) {
    if (basis === 'items') {
      resolutionMs = Math.max(resolutionMs, input.diagnosis.resolutionMs);
      const domainOf = new Map<number, string>();
      for (const item of input.diagnosis.timeline.items) {
        const domain = item.domain || UNKNOWN_DOMAIN;
        domainOf.set(item.index, domain);
        const sample = { ms: item.durationMs, censored: item.end === 'censored' || item.end === 'bounded' };
        pooled.samples.push(sample);
        groupOf(domain, null).samples.push(sample);
      }
      for (const item of input.run.items) {
        if (item.outcome === null || item.outcome === 'skipped') continue;
        const failed = item.outcome !== 'priced';
        pooled.outcome(failed);
        groupOf(domainOf.get(item.index) ?? (item.domain || UNKNOWN_DOMAIN), null).outcome(failed);
      }
      continue;
    }
    const levels = requestLevels(input.run);
    if (levels === null) continue;
    const domainOf = new Map(input.run.items.map((i) => [i.index, i.domain || UNKNOWN_DOMAIN]));
    const untilMs = input.diagnosis.observedUntilMs;
    for (const a of input.run.attempts) {
      const level = levels[a.tier - 1];
      // Direct fetches (and tiers the header does not know) are not requests to Scrapfly.
      if (level === undefined || level === null) continue;
      const tally = groupOf(domainOf.get(a.item) ?? UNKNOWN_DOMAIN, level);
      const sample: DurationSample =
        a.endMs === null ? { ms: (a.abandonedAtMs ?? untilMs) - a.startMs, censored: true } : { ms: a.endMs - a.startMs, censored: a.result === 'read-timeout' || a.result === 'cut' };
      pooled.samples.push(sample);
      tally.samples.push(sample);
      // A refusal for the account's concurrency comes from the load of the night, not from the page.
      if (a.result === 'ok' || (a.result === 'api-error' && a.status !== 429)) {
        pooled.outcome(a.result !== 'ok');
        tally.outcome(a.result !== 'ok');
      }
    }
  }
  const fit = (t: Tally): FittedSamples => ({ fit: fitLatency({ samples: t.samples, stallThresholdMs: options.stallThresholdMs, resolutionMs }), failureShare: t.known > 0 ? t.failed / t.known : 0 });
  const groups = [...byKey.values()]
    .sort((a, b) => (a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : levelRank(a.level) - levelRank(b.level)))
    .map((g) => ({ domain: g.domain, level: g.level, ...fit(g.tally) }));
  return { basis, pooled: fit(pooled), groups };
}

/** The feature level of each tier of a run log's policy (null for a direct tier), or null without a header. */
function requestLevels(run: LoggedRun): Array<FeatureLevel | null> | null {
  const tiers = run.header?.policy?.tiers as readonly TierSpec[] | undefined;
  if (!Array.isArray(tiers)) return null;
  return tiers.map((t) => (t.via === 'direct' ? null : t.asp ? 'asp' : t.renderJs ? 'render_js' : 'plain'));
}

function levelRank(level: FeatureLevel | null): number {
  return level === null ? 0 : level === 'plain' ? 1 : level === 'render_js' ? 2 : 3;
}

class Tally {
  samples: DurationSample[] = [];
  known = 0;
  failed = 0;

  outcome(failed: boolean): void {
    this.known++;
    if (failed) this.failed++;
  }
}
