/**
 * Diagnoses one logged run from the log alone: the effective concurrency, the timeline under the
 * execution model that fits, the stalls (how many, when, how long, which machines), the gaps in
 * which nothing started, the hypotheses with their evidence, and latency fits of the durations.
 * Pure.
 */
import { quantileSorted } from '../report/quantile.js';
import { formatDurationMs } from '../units/duration.js';
import { describeStalledMachine, type Diagnosis, type DurationSummary, type StallRecord } from './diagnosis-types.js';
import { DEFAULT_MIN_DURATION_MS, estimateConcurrency } from './estimate-concurrency.js';
import { evaluateHypotheses } from './evaluate-hypotheses.js';
import { fitLatency, type DurationSample } from './fit-latency.js';
import type { LoggedRun } from './log-records.js';
import { reconstructTimeline, type Timeline } from './reconstruct-timeline.js';
import { findSwapCandidates, findTailCandidates } from './stall-candidates.js';
import { sortNumbers } from './sort-numbers.js';

/** The default stall threshold of a replay, ms (the same as the simulator's). */
export const DEFAULT_REPLAY_STALL_THRESHOLD_MS = 60_000;

/** The timestamp precision of a format, ms: text logs print whole seconds. */
export function resolutionOf(format: LoggedRun['format']): number {
  return format === 'text' ? 1000 : 1;
}

/**
 * Diagnoses `run`. Items longer than `stallThresholdMs` are stalls. `resolutionMs` is the
 * timestamps' precision (default: whole seconds for application logs); `minDurationMs` the
 * shortest duration assumed for one item when inferring from starts (see estimate-concurrency.ts).
 */
export function diagnoseRun(options: { run: LoggedRun; stallThresholdMs?: number; resolutionMs?: number; minDurationMs?: number }): Diagnosis {
  const { run } = options;
  const stallThresholdMs = options.stallThresholdMs ?? DEFAULT_REPLAY_STALL_THRESHOLD_MS;
  const resolutionMs = options.resolutionMs ?? resolutionOf(run.format);
  const minDurationMs = options.minDurationMs ?? DEFAULT_MIN_DURATION_MS;
  const estimate = estimateConcurrency({ run, resolutionMs, stallThresholdMs, minDurationMs });
  const c = estimate.effective;
  const W = run.declaredWorkers;
  const timeline = reconstructTimeline({ run, concurrency: c, stallThresholdMs, resolutionMs, minDurationMs });
  const expected = W === null ? null : Math.min(W, Math.max(run.declaredItems ?? 0, run.items.length));
  const blocking = c === 1 && expected !== null && expected > 1;
  const stalls = collectStalls({ run, timeline, workersHeld: blocking ? (W as number) : 1, stallThresholdMs, floorMs: minDurationMs - resolutionMs, resolutionMs, minDurationMs });
  const durations = summarizeDurations(timeline);
  const typical = sortNumbers(timeline.items.filter((i) => !i.stalled && i.end !== 'censored').map((i) => i.durationMs));
  const hypotheses = evaluateHypotheses({ run, estimate, timeline, stalls, durations, typicalMs: typical.length > 0 ? quantileSorted(typical, 0.5) : null, resolutionMs });
  const best = hypotheses.find((h) => h.verdict === 'fits') ?? hypotheses[0];
  const samples: DurationSample[] = timeline.items.map((i) => ({ ms: i.durationMs, censored: i.end === 'censored' }));
  return {
    run: { index: run.index, format: run.format, batchId: run.batchId, policy: run.policyName, firstLine: run.firstLine, lastLine: run.lastLine },
    startMs: run.startMs,
    observedUntilMs: timeline.observedUntilMs,
    endMs: run.endMs,
    declaredWorkers: W,
    declaredItems: run.declaredItems,
    declaredExecution: run.declaredExecution,
    loggedItems: timeline.items.length,
    skippedItems: run.items.length - timeline.items.length,
    concurrency: estimate,
    resolutionMs,
    effectiveConcurrency: c,
    stallThresholdMs,
    stalls,
    gaps: timeline.gaps,
    hypotheses,
    best: best?.id ?? 'sequential',
    workers: blocking ? (W as number) : c,
    execution: blocking ? 'blocking' : 'concurrent',
    verdict:
      timeline.items.length < 2 && estimate.method === 'start-pattern'
        ? `${timeline.items.length === 0 ? 'No machine' : 'One machine'} started in this run: the log cannot tell how many ran at once.`
        : describeVerdict({ c, W, expected, stalls, gaps: timeline.gaps.length, inferred: estimate.method === 'start-pattern', alsoConsistent: estimate.alsoConsistent }),
    timeline,
    fit: {
      items: fitLatency({ samples, stallThresholdMs, resolutionMs }),
      attempts: run.attempts.length > 0 ? fitLatency({ samples: attemptSamples(run, timeline.observedUntilMs), stallThresholdMs }) : null,
    },
  };
}

function collectStalls(options: { run: LoggedRun; timeline: Timeline; workersHeld: number; stallThresholdMs: number; floorMs: number; resolutionMs: number; minDurationMs: number }): StallRecord[] {
  const { run, timeline } = options;
  // Several lanes and ends inferred from the starts: which item held a worker is uncertain.
  const ambiguous = timeline.concurrency > 1 && !timeline.items.some((i) => i.end === 'logged');
  const attemptsOf = new Map<number, { count: number; timeouts: number }>();
  for (const a of run.attempts) {
    if (a.startedAsZombie) continue;
    const tally = attemptsOf.get(a.item) ?? { count: 0, timeouts: 0 };
    tally.count++;
    if (a.result === 'read-timeout' || a.result === 'cut' || a.abandonedAtMs !== null) tally.timeouts++;
    attemptsOf.set(a.item, tally);
  }
  const stalls: StallRecord[] = timeline.items
    .filter((i) => i.stalled)
    .map((i) => ({
      startMs: i.startMs,
      endMs: i.endMs,
      durationMs: i.durationMs,
      censored: i.end === 'censored',
      items: [i.index],
      machines: [i.name],
      workersHeld: options.workersHeld,
      attempts: run.attempts.length > 0 ? (attemptsOf.get(i.index) ?? { count: 0, timeouts: 0 }) : null,
      inferred: i.end === 'inferred' || (i.end === 'censored' && timeline.concurrency > 1 && ambiguous),
      candidates: ambiguous && i.end === 'inferred' ? findSwapCandidates({ timeline, stalled: i, stallThresholdMs: options.stallThresholdMs, floorMs: options.floorMs }) : null,
      tail: false,
    }));
  if (ambiguous && run.format === 'text' && run.endMs !== null) {
    const tail = findTailCandidates({ timeline, batchEndMs: run.endMs, stallThresholdMs: options.stallThresholdMs, resolutionMs: options.resolutionMs, minDurationMs: options.minDurationMs });
    const best = tail?.[0];
    if (tail && best) {
      stalls.push({
        startMs: best.startMs,
        endMs: run.endMs,
        durationMs: run.endMs - best.startMs,
        censored: false,
        items: [best.item],
        machines: [best.machine],
        workersHeld: 1,
        attempts: null,
        inferred: true,
        candidates: tail,
        tail: true,
      });
      stalls.sort((a, b) => a.startMs - b.startMs);
    }
  }
  return stalls;
}

/** Observed durations summarised; censored ones counted. */
export function summarizeDurations(timeline: Timeline): DurationSummary | null {
  const observed = sortNumbers(timeline.items.filter((i) => i.end !== 'censored').map((i) => i.durationMs));
  if (observed.length === 0 && timeline.items.length === 0) return null;
  return {
    count: observed.length,
    censored: timeline.items.length - observed.length,
    p50Ms: quantileSorted(observed, 0.5),
    p95Ms: quantileSorted(observed, 0.95),
    maxMs: observed[observed.length - 1] ?? 0,
  };
}

/** Request durations of a run log; a request cut off by a timeout is censored, not a duration. */
function attemptSamples(run: LoggedRun, untilMs: number): DurationSample[] {
  return run.attempts.map((a) => {
    if (a.endMs === null) return { ms: (a.abandonedAtMs ?? untilMs) - a.startMs, censored: true };
    return { ms: a.endMs - a.startMs, censored: a.result === 'read-timeout' || a.result === 'cut' };
  });
}

function describeVerdict(options: { c: number; W: number | null; expected: number | null; stalls: readonly StallRecord[]; gaps: number; inferred: boolean; alsoConsistent: readonly number[] }): string {
  const { c, W, expected, stalls } = options;
  const others = options.alsoConsistent.filter((x) => x !== c);
  const hedge = options.inferred && others.length > 0 ? ` (inferred from the starts alone, which do not rule out ${others.length > 3 ? `${others[0]}–${others[others.length - 1]}` : others.join(', ')} worker${others.length === 1 && others[0] === 1 ? '' : 's'})` : options.inferred ? ' (inferred from the starts alone)' : '';
  const stallText =
    stalls.length === 0
      ? 'No machine stalled.'
      : `${stalls.length} stall${stalls.length === 1 ? '' : 's'}: ${stalls
          .slice(0, 3)
          .map((s) => `${describeStalledMachine(s)} (${s.censored ? '≥ ' : s.inferred ? '~' : ''}${formatDurationMs(s.durationMs)})`)
          .join(', ')}${stalls.length > 3 ? ', …' : ''}.`;
  if (c === 1 && W !== null && expected !== null && expected > 1) {
    const seed = options.gaps > 0 ? ` A stuck request on one of ${W} concurrent workers does not explain the log: the other ${W - 1} would have kept starting machines.` : '';
    return `The work was not concurrent: effective concurrency 1 with ${W} workers declared (for example a synchronous call blocking the event loop inside async workers)${hedge.replace(' (', ', ').replace(/\)$/, '')}. ${stallText}${seed}`;
  }
  if (W !== null && expected !== null && c < expected) return `Only ${c} of the ${W} declared workers ran at once${hedge}. ${stallText}`;
  if (W !== null) return `${c === 1 ? 'One worker' : `${c} workers`} ran concurrently as declared${hedge}. ${stallText}`;
  return `Effective concurrency ${c}${hedge}. ${stallText}`;
}
