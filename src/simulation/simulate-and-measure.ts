/** One simulated run, projected and measured as it happens, for every command that simulates. */
import type { Policy } from '../engine/policy.js';
import { createFanOutSink } from '../events/collect-events.js';
import { createEventLineSpool, type EventLineSpoolFactory } from '../events/event-line-spool.js';
import type { MockFace } from '../events/simulation-run.js';
import type { EventSink } from '../ports.js';
import { measureProjection, type MeasuredSimulation } from '../report/build-simulation-report-runs.js';
import { createRunProjector } from '../report/run-projection.js';
import type { Scenario } from '../scenario/scenario-types.js';
import { simulatePolicy } from './simulate-policy.js';

/**
 * Simulates `policy` with `seed`, projects and measures it. The events are not kept
 * (`run.events` is empty) unless `keepEvents`; their run-log lines are kept unless `runLog` is
 * false. The caller owns `signal`.
 */
export async function simulateAndMeasure(options: {
  scenario: Scenario;
  policy: Policy;
  seed: number;
  face?: MockFace;
  stallThresholdMs?: number;
  signal?: AbortSignal;
  /** Also receives every event as it happens (progress). */
  sink?: EventSink;
  /** Keep the event objects in `run.events` (default false). */
  keepEvents?: boolean;
  /** Keep the events as run-log lines for a report (default true). */
  runLog?: boolean;
  /** Where those lines are kept (default: in memory). */
  spool?: EventLineSpoolFactory;
}): Promise<MeasuredSimulation> {
  const projector = createRunProjector({ items: options.scenario.items });
  const spool = options.runLog === false ? null : (options.spool ?? createEventLineSpool)();
  const sinks: EventSink[] = [projector.sink];
  if (spool) sinks.push(spool.sink);
  if (options.sink) sinks.push(options.sink);
  const run = await simulatePolicy({ scenario: options.scenario, policy: options.policy, seed: options.seed, face: options.face ?? 'direct', signal: options.signal, sink: createFanOutSink(sinks), keepEvents: options.keepEvents === true });
  const projection = projector.finish();
  return { run, projection, metrics: measureProjection({ scenario: options.scenario, run, projection, stallThresholdMs: options.stallThresholdMs }), eventLines: spool ? () => spool.lines() : null };
}
