/**
 * Fits a latency model to reconstructed durations: a lognormal body (maximum likelihood, with
 * right-censored samples: a request cut off by a timeout, or an item still running when the log
 * stops, lasted at least that long, which is not a duration), stall point masses for samples past
 * the stall threshold, and the empirical samples themselves. Pure.
 */
import { inverseMillsRatio, normalCdf } from './normal-distribution.js';
import { sortNumbers } from './sort-numbers.js';

/** One duration, ms; `censored` when the true value is at least `ms`. */
export interface DurationSample {
  ms: number;
  censored: boolean;
}

export interface LatencyFit {
  samples: number;
  observed: number;
  censored: number;
  /** The body (samples up to the stall threshold), or null with fewer than 2 observed body samples or when the fit failed. */
  lognormal: { medianMs: number; sigma: number; p95Ms: number } | null;
  /**
   * Goodness of fit of the body: the Kolmogorov–Smirnov distance (0–1) between the uncensored
   * body samples and the fitted lognormal, with how many samples it was computed on; null without a body.
   */
  ks: { distance: number; samples: number } | null;
  /** Why there is no body fit, when there is none. */
  failure: string | null;
  /** Stalls: samples past the threshold, grouped by value; `censored` ones are lower bounds. */
  stalls: Array<{ ms: number; count: number; censored: boolean }>;
  /** Fraction of samples that are stalls. */
  stallShare: number;
  /** Observed samples, ascending (at most `maxEmpirical`, evenly spaced quantiles beyond that). */
  empiricalMs: number[];
}

const Z95 = 1.6448536269514722;
/** The widest lognormal σ accepted as a fit (p95/p50 of 140). */
const MAX_SIGMA = 3;

/** sup |F_n − F| of the samples against lognormal(μ, σ). */
export function ksDistance(samplesMs: readonly number[], mu: number, sigma: number): number {
  const xs = sortNumbers([...samplesMs]);
  const n = xs.length;
  let d = 0;
  for (let k = 0; k < n; k++) {
    const f = normalCdf((Math.log(Math.max(xs[k] as number, 1)) - mu) / sigma);
    d = Math.max(d, (k + 1) / n - f, f - k / n);
  }
  return d;
}

/** Fits `samples`; stalls are samples longer than `stallThresholdMs`. */
export function fitLatency(options: {
  samples: readonly DurationSample[];
  stallThresholdMs: number;
  /** The samples' precision, ms: σ is kept at least as wide as the rounding (default 1). */
  resolutionMs?: number;
  maxEmpirical?: number;
}): LatencyFit {
  const { samples, stallThresholdMs } = options;
  const body: number[] = [];
  const bodyCensored: number[] = [];
  const stallGroups = new Map<string, { ms: number; count: number; censored: boolean }>();
  const observed: number[] = [];
  let censored = 0;
  for (const s of samples) {
    if (s.censored) censored++;
    else observed.push(s.ms);
    if (s.ms > stallThresholdMs) {
      const key = `${s.ms}|${s.censored}`;
      const group = stallGroups.get(key) ?? { ms: s.ms, count: 0, censored: s.censored };
      group.count++;
      stallGroups.set(key, group);
    } else if (s.censored) bodyCensored.push(s.ms);
    else body.push(s.ms);
  }
  sortNumbers(observed);
  const stalls = [...stallGroups.values()].sort((a, b) => a.ms - b.ms);
  const stallCount = stalls.reduce((sum, g) => sum + g.count, 0);
  const raw = fitCensoredLognormal({ observedMs: body, censoredMs: bodyCensored });
  // Durations read off whole-second timestamps cannot show a spread narrower than the rounding.
  let fit = raw ? { mu: raw.mu, sigma: Math.max(raw.sigma, (options.resolutionMs ?? 1) / (2 * Math.exp(raw.mu))) } : null;
  let failure: string | null = raw ? null : `fewer than 2 durations below the stall threshold (${body.length})`;
  // A lognormal wider than this is no model of request durations: say the fit failed.
  if (fit && (fit.sigma > MAX_SIGMA || !Number.isFinite(fit.mu))) {
    failure = `the fitted spread (σ ${fit.sigma.toFixed(2)}) is beyond ${MAX_SIGMA}: the durations are not one lognormal body`;
    fit = null;
  }
  return {
    samples: samples.length,
    observed: observed.length,
    censored,
    lognormal: fit ? { medianMs: Math.round(Math.exp(fit.mu)), sigma: round3(fit.sigma), p95Ms: Math.round(Math.exp(fit.mu + Z95 * fit.sigma)) } : null,
    ks: fit ? { distance: round3(ksDistance(body, fit.mu, fit.sigma)), samples: body.length } : null,
    failure,
    stalls,
    stallShare: samples.length > 0 ? stallCount / samples.length : 0,
    empiricalMs: downsample(observed, options.maxEmpirical ?? 1000),
  };
}

/**
 * Maximum-likelihood lognormal for observed and right-censored samples (ms), by expectation
 * maximisation on the logs: a censored sample contributes its expected value above the censoring
 * point. Returns μ and σ of the logs, or null with fewer than 2 observed samples.
 */
export function fitCensoredLognormal(options: { observedMs: readonly number[]; censoredMs: readonly number[] }): { mu: number; sigma: number } | null {
  const xs = options.observedMs.map((ms) => Math.log(Math.max(ms, 1)));
  const cs = options.censoredMs.map((ms) => Math.log(Math.max(ms, 1)));
  if (xs.length < 2) return null;
  const n = xs.length + cs.length;
  const sumX = xs.reduce((a, b) => a + b, 0);
  const sumX2 = xs.reduce((a, b) => a + b * b, 0);
  let mu = sumX / xs.length;
  let sigma = Math.sqrt(Math.max(sumX2 / xs.length - mu * mu, 0));
  const floor = 1e-3;
  sigma = Math.max(sigma, floor);
  for (let iteration = 0; iteration < 200 && cs.length > 0; iteration++) {
    let e1 = 0;
    let e2 = 0;
    for (const c of cs) {
      const lambda = inverseMillsRatio((c - mu) / sigma);
      e1 += mu + sigma * lambda;
      e2 += mu * mu + sigma * sigma + sigma * (c + mu) * lambda;
    }
    const nextMu = (sumX + e1) / n;
    const nextSigma = Math.max(Math.sqrt(Math.max((sumX2 + e2) / n - nextMu * nextMu, 0)), floor);
    const done = Math.abs(nextMu - mu) < 1e-9 && Math.abs(nextSigma - sigma) < 1e-9;
    mu = nextMu;
    sigma = nextSigma;
    if (done) break;
  }
  return { mu, sigma };
}

function downsample(sorted: readonly number[], max: number): number[] {
  if (sorted.length <= max) return [...sorted];
  const out: number[] = [];
  for (let k = 0; k < max; k++) out.push(sorted[Math.round((k * (sorted.length - 1)) / (max - 1))] as number);
  return out;
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
