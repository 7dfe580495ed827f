/**
 * How right `replay` is on generated application logs (app-log-generator.ts) whose truth is
 * known: effective concurrency, the count of long stalls (≥ 10 min) the log can reveal, with
 * result lines the stalled machines and their durations, and the makespan when the log shows the
 * batch's end. Used by the property test (with fast-check's specs) and as a bench over many
 * seeded cases: `node dist/bench/replay-accuracy.js [cases] [seed]` prints one JSON summary.
 */
import { pathToFileURL } from 'node:url';
import type { Random } from '../ports.js';
import { createSeededRandom } from '../random/seeded-random.js';
import { diagnoseRun } from '../replay/diagnose-run.js';
import { parseLog } from '../replay/parse-log.js';
import { GENERATED_DIALECTS, generateAppLog, LONG_STALL_MS, type AppLogSpec, type RunSpec, type RunTruth } from './app-log-generator.js';

/** The checks of one run; null where the check does not apply (the log cannot tell). */
export interface RunCheck {
  truth: { effectiveConcurrency: number; longStalls: number; knowableLongStalls: number; makespanMs: number };
  got: { effectiveConcurrency: number; inferred: boolean; longStalls: number; makespanMs: number; stalled: Array<{ machines: string[]; durationMs: number }> };
  concurrency: boolean;
  stallCount: boolean;
  /** With result lines: the stalled machines and their durations to the log's resolution. */
  stalledMachines: boolean | null;
  /** When the log shows the batch's end: makespan within 5 % (or the log's resolution, for batches of seconds). */
  makespan: boolean | null;
}

/** The checks of one generated file. */
export interface CaseCheck {
  spec: AppLogSpec;
  runsFound: number;
  runs: RunCheck[];
}

/** The long stalls a log can reveal: every one with result lines; from starts alone, those a later start reveals, and one more when a batch end proves it. */
export function knowableLongStalls(spec: AppLogSpec, truth: RunTruth): number {
  if (spec.results) return truth.longStalls.length;
  const lastStart = truth.items.reduce((max, i) => Math.max(max, i.startMs), -Infinity);
  const revealed = truth.items.filter((i) => i.durationMs >= LONG_STALL_MS && i.endMs <= lastStart).length;
  const proved = spec.batchEnd && truth.endMs - lastStart >= LONG_STALL_MS + 1000 ? 1 : 0;
  return revealed + proved;
}

/** Generates, parses and diagnoses the log of `spec`, and checks every run. */
export async function checkAppLog(spec: AppLogSpec): Promise<CaseCheck> {
  const generated = generateAppLog(spec);
  const log = await parseLog({ lines: [generated.lines], source: `generated-${spec.seed}`, ...generated.parseOptions });
  const runs: RunCheck[] = generated.truth.map((truth, r) => {
    const run = log.runs[r];
    const knowable = knowableLongStalls(spec, truth);
    if (!run) {
      return {
        truth: { effectiveConcurrency: truth.effectiveConcurrency, longStalls: truth.longStalls.length, knowableLongStalls: knowable, makespanMs: truth.makespanMs },
        got: { effectiveConcurrency: 0, inferred: false, longStalls: 0, makespanMs: 0, stalled: [] },
        concurrency: false,
        stallCount: false,
        stalledMachines: spec.results ? false : null,
        makespan: spec.results || spec.batchEnd ? false : null,
      };
    }
    const d = diagnoseRun({ run, stallThresholdMs: 60_000, resolutionMs: log.resolutionMs });
    const long = d.stalls.filter((s) => !s.censored && s.durationMs >= LONG_STALL_MS - log.resolutionMs);
    const makespanMs = d.observedUntilMs - d.startMs;
    const tolerance = Math.max(log.resolutionMs, 100) + 1;
    const stalledMachines = spec.results
      ? long.length === truth.longStalls.length &&
        truth.longStalls.every((t) => long.some((s) => s.machines.includes(t.name) && Math.abs(s.durationMs - t.durationMs) <= tolerance))
      : null;
    return {
      truth: { effectiveConcurrency: truth.effectiveConcurrency, longStalls: truth.longStalls.length, knowableLongStalls: knowable, makespanMs: truth.makespanMs },
      got: { effectiveConcurrency: d.effectiveConcurrency, inferred: d.concurrency.method === 'start-pattern', longStalls: long.length, makespanMs, stalled: long.map((s) => ({ machines: s.machines, durationMs: s.durationMs })) },
      concurrency: d.effectiveConcurrency === truth.effectiveConcurrency,
      stallCount: long.length === knowable,
      stalledMachines,
      makespan: spec.results || spec.batchEnd ? Math.abs(makespanMs - truth.makespanMs) <= Math.max(0.05 * truth.makespanMs, log.resolutionMs) : null,
    };
  });
  return { spec, runsFound: log.runs.length, runs };
}

/** A random spec within the ranges the accuracy targets name. */
export function randomAppLogSpec(random: Random, seed: number): AppLogSpec {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random.next() * list.length)] as T;
  const int = (lo: number, hi: number) => lo + Math.floor(random.next() * (hi - lo + 1));
  const dialect = pick(GENERATED_DIALECTS);
  const runCount = int(1, 3);
  const runs: RunSpec[] = Array.from({ length: runCount }, () => {
    const items = int(20, 220);
    const stallCount = int(0, 6);
    const stalls: RunSpec['stalls'] = [];
    const used = new Set<number>();
    for (let k = 0; k < stallCount; k++) {
      const at = int(0, items - 1);
      if (used.has(at)) continue;
      used.add(at);
      stalls.push({ at, durationMs: int(LONG_STALL_MS + 5000, 2_400_000) });
    }
    return {
      workers: int(1, 32),
      execution: random.next() < 0.3 ? 'blocking' : 'concurrent',
      items,
      medianMs: int(3000, 20_000),
      sigma: 0.1 + random.next() * 0.8,
      stalls,
      burstSpreadMs: int(0, 3000),
      failureShare: random.next() * 0.1,
    };
  });
  return {
    seed,
    dialect,
    resolution: dialect === 'pattern' || random.next() < 0.5 ? 'seconds' : 'millis',
    results: random.next() < 0.5,
    batchEnd: random.next() < 0.6,
    noise: random.next() < 0.7,
    prefixNames: random.next() < 0.6,
    runs,
    startMs: Date.UTC(2025, 7, 6, 3, 0, 0) + int(0, 3_600_000),
  };
}

/** Runs `cases` seeded cases and sums the checks up. */
export async function measureReplayAccuracy(cases: number, seed: number): Promise<Record<string, unknown>> {
  const random = createSeededRandom(`replay-accuracy/${seed}`);
  const tally = (name: string) => ({ name, checked: 0, right: 0 });
  const t = { runs: tally('runs found'), concurrency: tally('concurrency'), stallCount: tally('long stall count'), stalledMachines: tally('stalled machines (result lines)'), makespan: tally('makespan within 5%') };
  const misses: unknown[] = [];
  const started = performance.now();
  for (let k = 0; k < cases; k++) {
    const spec = randomAppLogSpec(random.fork(k), k);
    const check = await checkAppLog(spec);
    t.runs.checked++;
    if (check.runsFound === spec.runs.length) t.runs.right++;
    check.runs.forEach((r, i) => {
      const add = (key: keyof typeof t, ok: boolean | null) => {
        if (ok === null) return;
        t[key].checked++;
        if (ok) t[key].right++;
        else if (misses.length < 20) misses.push({ case: k, run: i, check: key, dialect: spec.dialect, results: spec.results, batchEnd: spec.batchEnd, resolution: spec.resolution, run_: { ...spec.runs[i], stalls: spec.runs[i]?.stalls.length }, truth: r.truth, got: { ...r.got, stalled: r.got.stalled.length } });
      };
      add('concurrency', r.concurrency);
      add('stallCount', r.stallCount);
      add('stalledMachines', r.stalledMachines);
      add('makespan', r.makespan);
    });
  }
  return { cases, seed, wallMs: Math.round(performance.now() - started), checks: Object.values(t), misses };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const cases = Number(process.argv[2] ?? 200);
  const seed = Number(process.argv[3] ?? 1);
  measureReplayAccuracy(cases, seed).then((r) => process.stdout.write(`${JSON.stringify(r, null, 1)}\n`));
}
