/**
 * Tests execution models against a logged run: one machine at a time (a blocking call inside
 * async workers), the declared workers running truly concurrently (a stuck request holds only its
 * own worker), fewer workers than declared, and all declared workers stalling at once. Each gets a
 * verdict with the facts from the log behind it and what the log means if it is right. Pure.
 */
import { formatClockTime } from '../report/format-clock-time.js';
import { formatDurationMs } from '../units/duration.js';
import { describeStalledMachine, type DurationSummary, type Hypothesis, type StallRecord, type Verdict } from './diagnosis-types.js';
import type { ConcurrencyCandidate, ConcurrencyEstimate } from './estimate-concurrency.js';
import type { LoggedRun } from './log-records.js';
import type { StartGap, Timeline } from './reconstruct-timeline.js';
import { sortNumbers } from './sort-numbers.js';

const RANK: Record<Verdict, number> = { fits: 0, unlikely: 1, rejected: 2 };

/** The hypotheses for `run`, fitting ones first. `timeline` and `stalls` are those of the best fit. */
export function evaluateHypotheses(options: {
  run: LoggedRun;
  estimate: ConcurrencyEstimate;
  timeline: Timeline;
  stalls: readonly StallRecord[];
  durations: DurationSummary | null;
  typicalMs: number | null;
  resolutionMs: number;
}): Hypothesis[] {
  const { run, estimate, timeline, stalls, durations } = options;
  const W = run.declaredWorkers;
  const N = Math.max(run.declaredItems ?? 0, run.items.length);
  const c = estimate.effective;
  const b = estimate.initialBurst;
  const first = estimate.firstStartMs;
  const text = run.format === 'text';
  const starts = timeline.items.map((i) => i.startMs);
  const gap = largestGap(timeline.gaps);
  const at = first === null ? '' : ` at ${formatClockTime(first)}`;
  const machines = (n: number) => `${n} machine${n === 1 ? '' : 's'}`;
  const out: Hypothesis[] = [];

  const inBurst = first === null ? 0 : starts.filter((t) => t < first + estimate.burstWindowMs + options.resolutionMs).length;
  const burstFact =
    estimate.method === 'start-pattern'
      ? `${machines(inBurst)} started within ${formatDurationMs(estimate.burstWindowMs)} of the first start${at}${b > 1 ? ` (${b} in its first ${formatDurationMs(Math.max(1, options.resolutionMs))})` : ''}`
      : `${machines(b)} started${at}`;
  const likelihood = describeCandidates(estimate);
  const overlapFact = estimate.maxInFlight === null ? null : `the logged starts and ends never show more than ${estimate.maxInFlight} item${estimate.maxInFlight === 1 ? '' : 's'} in flight`;
  const impliedByBest = (): string[] => describeImplications({ durations, stalls, text, W, timeline, sequential: c === 1 });

  // One machine at a time.
  {
    const fits = c === 1;
    const evidence: string[] = [];
    if (fits) {
      evidence.push(W !== null && W > 1 ? `${burstFact}; ${W} concurrent workers would have started ${Math.min(W, N)} at once` : burstFact);
      if (overlapFact) evidence.push(overlapFact);
      else if (starts.length > 1 && minimumGap(starts) + options.resolutionMs > estimate.minDurationMs) {
        evidence.push(`no two machines started together: consecutive starts are at least ${formatDurationMs(minimumGap(starts))} apart (in log time)`);
      }
      if (likelihood) evidence.push(likelihood);
      if (run.declaredExecution === 'blocking') evidence.push('the run log declares execution "blocking"');
    } else {
      evidence.push(overlapFact ?? burstFact);
    }
    out.push({
      id: 'sequential',
      title:
        W !== null && W > 1
          ? `effective concurrency 1: one machine at a time although ${W} workers were declared (e.g. a synchronous call blocking the event loop inside async workers)`
          : 'one worker: one machine at a time',
      workers: W ?? 1,
      execution: W !== null && W > 1 ? 'blocking' : 'concurrent',
      effectiveConcurrency: 1,
      verdict: fits ? 'fits' : 'rejected',
      evidence,
      implies: fits ? impliedByBest() : [],
      stallCount: fits ? stalls.length : null,
      durations: fits ? durations : null,
    });
  }

  // The declared workers, truly concurrent.
  if (W !== null && W > 1) {
    const expected = Math.min(W, N);
    const fits = c >= expected;
    const evidence: string[] = [];
    const implies: string[] = [];
    if (fits) {
      evidence.push(burstFact);
      if (overlapFact) evidence.push(overlapFact);
      if (likelihood) evidence.push(likelihood);
      implies.push(...impliedByBest());
    } else {
      evidence.push(`${W} workers declared, ${burstFact}: a ${W}-worker pool starts ${machines(expected)} within its first seconds`);
      if (likelihood) evidence.push(likelihood);
      if (overlapFact) evidence.push(overlapFact);
      if (gap) {
        const before = starts.filter((s) => s < gap.toMs).length;
        const lead = gap.fromMs - timeline.startMs <= 2 * options.resolutionMs ? `${machines(before)} started in the first ${formatDurationMs(gap.toMs - timeline.startMs)}` : `nothing started for ${formatDurationMs(gap.durationMs)} (${formatClockTime(gap.fromMs)} → ${formatClockTime(gap.toMs)})`;
        evidence.push(`${lead}${gap.queued !== null ? ` while ${machines(gap.queued)} were queued` : ''}`);
        if (options.typicalMs !== null && options.typicalMs > 0) {
          const could = Math.floor(((W - 1) * gap.durationMs) / options.typicalMs);
          evidence.push(`one stuck request cannot stop the other ${W - 1} workers: at ${formatDurationMs(options.typicalMs)} per machine they would have started about ${could} machines in those ${formatDurationMs(gap.durationMs)}`);
        }
        implies.push(`the ${formatDurationMs(gap.durationMs)} without a start would need all ${W} workers stuck together (see "all stalled at once")`);
      }
    }
    out.push({
      id: `concurrent-${W}`,
      title: `${W} truly concurrent workers, as declared: a stuck request holds only its own worker`,
      workers: W,
      execution: 'concurrent',
      effectiveConcurrency: expected,
      verdict: fits ? 'fits' : 'rejected',
      evidence,
      implies,
      stallCount: fits ? stalls.length : null,
      durations: fits ? durations : null,
    });
  }

  // Fewer workers than declared, but more than one.
  if (c > 1 && (W === null || c < Math.min(W, N))) {
    out.push({
      id: `concurrent-${c}`,
      title: W === null ? `${c} concurrent workers` : `${c} of the ${W} declared workers running concurrently`,
      workers: c,
      execution: 'concurrent',
      effectiveConcurrency: c,
      verdict: 'fits',
      evidence: [overlapFact ?? burstFact],
      implies: [...(W === null ? [] : [`${W - c} of the ${W} declared workers never ran a machine at the same time as the others`]), ...impliedByBest()],
      stallCount: stalls.length,
      durations,
    });
  }

  // All declared workers stalled together.
  if (W !== null && W > 1 && c < Math.min(W, N) && gap) {
    const missing = Math.min(W, N) - b;
    const evidence: string[] = [];
    evidence.push(text ? `needs ${missing} more machine start${missing === 1 ? '' : 's'}${at} that the log does not show` : `the run log records every item start and shows ${b}${at}`);
    evidence.push(`needs all ${W} workers stalled at the same time for at least ${formatDurationMs(gap.durationMs)} (${formatClockTime(gap.fromMs)} → ${formatClockTime(gap.toMs)})`);
    const after = starts.filter((s) => s >= gap.toMs);
    const burstAfter = after.filter((s) => s < gap.toMs + Math.max(1, options.resolutionMs)).length;
    if (after.length > 1 && burstAfter < Math.min(W, after.length)) {
      evidence.push(`after ${formatClockTime(gap.toMs)} the starts come one at a time, ${formatDurationMs(medianGap(after.slice(0, 2 * W)))} apart; ${W} workers freed together would start ${W} machines within seconds`);
    }
    out.push({
      id: 'all-stalled',
      title: `${W} truly concurrent workers that all stalled at once`,
      workers: W,
      execution: 'concurrent',
      effectiveConcurrency: W,
      verdict: text ? 'unlikely' : 'rejected',
      evidence,
      implies: [
        `${W} stalls of at least ${formatDurationMs(gap.durationMs)} each${text && missing > 0 ? `, ${missing} of them on machines missing from the log` : ''}`,
        'a cause shared by every worker: an account-wide block at Scrapfly, a lock the workers share, or the event loop itself',
      ],
      stallCount: W * Math.max(1, timeline.gaps.length),
      durations: null,
    });
  }
  return out.sort((x, y) => RANK[x.verdict] - RANK[y.verdict]);
}

function describeImplications(options: { durations: DurationSummary | null; stalls: readonly StallRecord[]; text: boolean; W: number | null; timeline: Timeline; sequential: boolean }): string[] {
  const { durations, stalls, W, timeline } = options;
  const lines: string[] = [];
  if (durations) {
    const what = options.text ? (options.sequential ? 'machine durations are the gaps between starts' : 'machine durations inferred from the starts') : 'machine durations (logged)';
    lines.push(`${what}: p50 ${formatDurationMs(durations.p50Ms)}, p95 ${formatDurationMs(durations.p95Ms)}, max ${formatDurationMs(durations.maxMs)}${durations.censored > 0 ? ` (${durations.censored} still running when the log stops)` : ''}`);
  }
  const held = options.sequential && W !== null && W > 1 ? `, holding up all ${W} workers` : '';
  for (const stall of stalls.slice(0, 5)) {
    const queued = timeline.gaps.find((g) => g.fromMs <= stall.startMs + 1 && g.toMs >= (stall.endMs ?? g.toMs))?.queued;
    const span = stall.endMs === null ? `from ${formatClockTime(stall.startMs)}, still running when the log stops` : `${formatClockTime(stall.startMs)} → ${formatClockTime(stall.endMs)}`;
    lines.push(`stall: ${describeStalledMachine(stall)} ran ${stall.censored ? 'at least ' : ''}${formatDurationMs(stall.durationMs)} (${span})${held}${options.sequential && queued ? ` and ${queued} queued machines` : ''}`);
  }
  if (stalls.length > 5) lines.push(`… and ${stalls.length - 5} more stalls`);
  if (stalls.length === 0) lines.push('no stall: no machine ran longer than the stall threshold');
  if (options.sequential && W !== null && W > 1 && durations) {
    let busy = 0;
    let longest = 0;
    for (const item of timeline.items) {
      busy += item.durationMs;
      longest = Math.max(longest, item.durationMs);
    }
    lines.push(`the same machines on ${W} truly concurrent workers would take at least ${formatDurationMs(Math.max(longest, busy / W))} (the longest machine, or the total work spread over ${W} workers)`);
  }
  return lines;
}

/** What the starts alone say about the concurrency, or null when it was not inferred. */
export function describeCandidates(estimate: ConcurrencyEstimate): string | null {
  if (estimate.method !== 'start-pattern' || estimate.candidates.length === 0) return null;
  const [chosen, ...rest] = estimate.candidates;
  const ruledOut = rest.filter((c) => !c.consistent).map((c) => `${c.concurrency} (${c.reason})`);
  const parts = [`inferred from the starts alone: ${(chosen as ConcurrencyCandidate).concurrency} — ${(chosen as ConcurrencyCandidate).reason}`];
  if (ruledOut.length > 0) parts.push(`ruled out: ${ruledOut.join('; ')}`);
  if (estimate.alsoConsistent.length > 0) parts.push(`the starts do not rule out ${formatList(estimate.alsoConsistent)} worker${estimate.alsoConsistent.length === 1 && estimate.alsoConsistent[0] === 1 ? '' : 's'} either`);
  return parts.join('; ');
}

function formatList(values: readonly number[]): string {
  if (values.length > 4 && values.every((v, k) => k === 0 || v === (values[k - 1] as number) + 1)) return `${values[0]}–${values[values.length - 1]}`;
  return values.join(', ');
}

/** A probability for people: "97%", "<1%", ">99%". */
export function formatProbability(p: number): string {
  if (p < 0.005) return '<1%';
  if (p > 0.995 && p < 1) return '>99%';
  return `${Math.round(p * 100)}%`;
}

function largestGap(gaps: readonly StartGap[]): StartGap | null {
  let best: StartGap | null = null;
  for (const g of gaps) if (!best || g.durationMs > best.durationMs) best = g;
  return best;
}

function minimumGap(sorted: readonly number[]): number {
  let min = Infinity;
  for (let k = 1; k < sorted.length; k++) min = Math.min(min, (sorted[k] as number) - (sorted[k - 1] as number));
  return Number.isFinite(min) ? min : 0;
}

function medianGap(sorted: readonly number[]): number {
  const diffs: number[] = [];
  for (let k = 1; k < sorted.length; k++) diffs.push((sorted[k] as number) - (sorted[k - 1] as number));
  sortNumbers(diffs);
  return diffs[Math.floor(diffs.length / 2)] ?? 0;
}
