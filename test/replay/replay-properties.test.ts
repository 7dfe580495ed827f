import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildReplayScenario } from '../../src/replay/build-replay-scenario.js';
import { compareReplay } from '../../src/replay/compare-replay.js';
import { diagnoseRun } from '../../src/replay/diagnose-run.js';
import { parseLog } from '../../src/replay/parse-log.js';
import { parseScenario } from '../../src/scenario/parse-scenario.js';
import { simulatePolicy } from '../../src/simulation/simulate-policy.js';
import { generateLog, logModel, STALL_THRESHOLD_MS, type GeneratedLog } from './log-models.js';

/** Diagnoses one rendering of a generated log and replays the scenario it emits. */
async function replayBoth(g: GeneratedLog, format: 'run-log' | 'text') {
  const lines = format === 'run-log' ? g.runLog.split('\n') : g.textLog;
  const log = await parseLog({ lines, source: `${format} of ${g.scenario.source}` });
  expect(log.format).toBe(format);
  expect(log.runs).toHaveLength(1);
  const run = log.runs[0]!;
  const diagnosis = diagnoseRun({ run, stallThresholdMs: STALL_THRESHOLD_MS });
  const built = buildReplayScenario({ diagnosis, run, name: 'replay', source: format });
  const scenario = parseScenario({ json: JSON.parse(JSON.stringify(built.json)), source: 'emitted' });
  const replay = await simulatePolicy({ scenario, policy: scenario.policies[0]! });
  return { diagnosis, replay, comparison: compareReplay({ timeline: diagnosis.timeline, result: replay.result }) };
}

describe('replay of logs written by the engine from known models', () => {
  it('recovers the effective concurrency and the stall count exactly, and the emitted scenario reproduces the makespan within 5%, in both log formats', async () => {
    let concurrentWithStalls = 0;
    let blockingWithStalls = 0;
    await fc.assert(
      fc.asyncProperty(logModel, async (model) => {
        const g = await generateLog(model);
        if (model.mode === 'concurrent' && g.truth.stalls > 0) concurrentWithStalls++;
        if (model.mode === 'blocking' && g.truth.stalls > 0) blockingWithStalls++;
        for (const format of ['run-log', 'text'] as const) {
          const { diagnosis, replay, comparison } = await replayBoth(g, format);
          const where = `${format}, ${model.mode} with ${model.workers} workers, ${model.items} items, stalls at ${model.stallAt.join(',')}`;
          expect(diagnosis.effectiveConcurrency, where).toBe(g.truth.effectiveConcurrency);
          expect(diagnosis.stalls.length, where).toBe(g.truth.stalls);
          expect(diagnosis.execution, where).toBe(model.mode === 'blocking' ? 'blocking' : 'concurrent');
          // The emitted scenario starts every logged item when the log did, and ends the batch within 5%.
          expect(comparison.maxAbsStartDiffMs, where).toBe(0);
          expect(Math.abs(replay.result.makespanMs - g.truth.makespanMs) / g.truth.makespanMs, where).toBeLessThanOrEqual(0.05);
          if (format === 'run-log') expect(replay.result.makespanMs, where).toBe(g.truth.makespanMs);
        }
      }),
      { numRuns: 100, seed: 20250806, endOnFailure: true },
    );
    // The generated family does exercise the hard cases.
    expect(concurrentWithStalls).toBeGreaterThan(5);
    expect(blockingWithStalls).toBeGreaterThan(3);
  }, 120_000);
});
