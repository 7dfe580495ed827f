/**
 * Known batch models for replay tests: a scenario with a chosen worker count and execution,
 * lognormal item durations and stalled items at chosen positions (made with `hang` behaviours or
 * with stall point masses in a latency mixture), run on the engine to produce logs in both
 * formats.
 */
import { describeSimulationRun } from '../../src/simulation/simulate-policy.js';
import fc from 'fast-check';
import type { BatchEvent } from '../../src/events/batch-event.js';
import { formatRunLog, type RunLogHeader } from '../../src/events/run-log.js';
import { renderTextLog } from '../../src/replay/render-text-log.js';
import { parseScenario } from '../../src/scenario/parse-scenario.js';
import type { Scenario } from '../../src/scenario/scenario-types.js';
import { simulatePolicy, type SimulationRun } from '../../src/simulation/simulate-policy.js';

export const STALL_THRESHOLD_MS = 60_000;

export interface LogModel {
  /** `sequential`: one worker; `blocking`: several workers on a blocked event loop; `concurrent`: several truly concurrent workers. */
  mode: 'sequential' | 'blocking' | 'concurrent';
  workers: number;
  items: number;
  medianMs: number;
  sigma: number;
  /** Positions of the items that stall. */
  stallAt: number[];
  stallKind: 'hang' | 'mixture';
  /** Stall durations, ms. */
  stallMinMs: number;
  stallMaxMs: number;
  seed: number;
}

/** The scenario of a model: normal items on shop.example, stalled ones on stuck.example. */
export function buildModelScenario(model: LogModel): Scenario {
  const stalled = new Set(model.stallAt);
  const list = Array.from({ length: model.items }, (_, k) => {
    const label = String(k + 1).padStart(4, '0');
    return stalled.has(k) ? { name: `Stuck machine ${label}`, url: `https://stuck.example/m-${label}` } : { name: `Machine ${label}`, url: `https://shop.example/m-${label}` };
  });
  const typical = { type: 'lognormal', medianMs: model.medianMs, sigma: model.sigma, minMs: 1500 };
  const stuck =
    model.stallKind === 'hang'
      ? { hang: { p: 1, latency: { type: 'uniform', minMs: model.stallMinMs, maxMs: model.stallMaxMs } } }
      : { latency: { type: 'mixture', components: [{ weight: 1, model: typical }], stalls: [{ p: 0.8, ms: model.stallMinMs }] } };
  const json = {
    name: `model-${model.mode}-${model.workers}`,
    startAt: '2025-08-06T03:00:00Z',
    seed: model.seed,
    items: { list },
    world: { account: { concurrency: model.workers + 2 }, behaviour: { default: { latency: typical } }, domains: { 'stuck.example': { default: stuck } } },
    policies: [
      {
        name: 'model',
        workers: model.workers,
        execution: model.mode === 'blocking' ? 'blocking' : 'concurrent',
        client: { preset: 'plain', readTimeoutMs: null, maxTries: 1 },
        tiers: ['plain'],
        escalateOn: [],
      },
    ],
  };
  return parseScenario({ json, source: `model(${model.mode}, ${model.workers} workers, ${model.items} items)` });
}

export interface GeneratedLog {
  model: LogModel;
  scenario: Scenario;
  run: SimulationRun;
  header: RunLogHeader;
  runLog: string;
  textLog: string[];
  /** What the logs must be diagnosed as. */
  truth: { effectiveConcurrency: number; stalls: number; makespanMs: number };
}

/** Runs the model on the engine and renders its logs. */
export async function generateLog(model: LogModel): Promise<GeneratedLog> {
  const scenario = buildModelScenario(model);
  const policy = scenario.policies[0]!;
  const run = await simulatePolicy({ scenario, policy });
  const header: RunLogHeader = describeSimulationRun(scenario, run);
  const stalls = run.result.items.filter((i) => i.startMs !== null && i.endMs - i.startMs > STALL_THRESHOLD_MS).length;
  return {
    model,
    scenario,
    run,
    header,
    runLog: formatRunLog(header, run.events),
    textLog: renderTextLog({ events: run.events as BatchEvent[] }),
    truth: { effectiveConcurrency: model.mode === 'concurrent' ? Math.min(model.workers, model.items) : 1, stalls, makespanMs: run.result.makespanMs },
  };
}

/**
 * Models whose stalls a log can show. Stalled items come early, and enough items follow that the
 * other workers keep starting machines until every stall has ended. Under a concurrent pool a
 * starts-only log cannot tell one long stall from two stalls back to back on one worker (both
 * explain the same starts), so there the stalls are spread out: each begins after the one before
 * has ended.
 */
export const logModel: fc.Arbitrary<LogModel> = fc
  .record({
    mode: fc.constantFrom('sequential', 'blocking', 'concurrent', 'concurrent') as fc.Arbitrary<LogModel['mode']>,
    workers: fc.integer({ min: 2, max: 5 }),
    // Above the 3 s start burst by a margin: a text log's whole seconds cannot tell two starts 3.4 s
    // apart (a sequential first item) from a burst of two (a concurrent pool), so those are ambiguous.
    medianMs: fc.integer({ min: 4_000, max: 8_000 }),
    sigma: fc.double({ min: 0.05, max: 0.3, noNaN: true }),
    stallCount: fc.integer({ min: 0, max: 5 }),
    firstStall: fc.integer({ min: 0, max: 10 }),
    stallGaps: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 5, maxLength: 5 }),
    stallKind: fc.constantFrom('hang', 'mixture') as fc.Arbitrary<LogModel['stallKind']>,
    stallMinMs: fc.integer({ min: 75_000, max: 100_000 }),
    stallSpanMs: fc.integer({ min: 0, max: 30_000 }),
    seed: fc.integer({ min: 0, max: 1_000_000 }),
  })
  .map((r) => {
    const workers = r.mode === 'sequential' ? 1 : r.workers;
    // A concurrent pool's starts-only log shows a stall as one worker's missing starts; past σ ≈ 0.2
    // the spread of ordinary durations can hide or mimic one (see the replay notes).
    const sigma = r.mode === 'concurrent' ? Math.min(r.sigma, 0.15) : r.sigma;
    const stallMaxMs = r.stallKind === 'hang' ? r.stallMinMs + r.stallSpanMs : r.stallMinMs;
    const concurrent = r.mode === 'concurrent';
    // Items the other workers get through while one stall lasts (with margin): the spacing of stalls.
    const through = Math.ceil((workers * (stallMaxMs + 20_000)) / (0.6 * r.medianMs));
    const stallAt: number[] = [];
    let at = r.firstStall;
    for (let k = 0; k < r.stallCount; k++) {
      stallAt.push(at);
      at += concurrent ? through : (r.stallGaps[k] as number);
    }
    const last = stallAt[stallAt.length - 1] ?? 0;
    const items = Math.max(20, last + (concurrent ? through : 5) + 5);
    return { mode: r.mode, workers, items, medianMs: r.medianMs, sigma, stallAt, stallKind: r.stallKind, stallMinMs: r.stallMinMs, stallMaxMs, seed: r.seed };
  });
