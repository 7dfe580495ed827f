/**
 * One benchmark case, run in its own process so that its peak RSS is its own. Prints one JSON
 * line. Usage: node dist/bench/run-case.js <incident|synthetic> <face> [items workers] [keep|stream]
 */
import { readFileSync } from 'node:fs';
import type { EventSink } from '../ports.js';
import { serializeEvents } from '../events/serialize-events.js';
import { parseScenarioText } from '../scenario/parse-scenario.js';
import { simulatePolicy, type MockFace } from '../simulation/simulate-policy.js';
import type { Scenario } from '../scenario/scenario-types.js';
import { createSyntheticScenario } from '../scenario/synthetic-scenario.js';
import { runBareModel } from './bare-model.js';

const [kind = 'incident', faceArg = 'direct', itemsArg = '165', workersArg = '5', eventsArg = 'keep'] = process.argv.slice(2);
const face = faceArg as MockFace;
const keepEvents = eventsArg === 'keep';
const countingSink = (): EventSink & { count: number } => {
  const sink = { count: 0, emit: () => void sink.count++ };
  return sink;
};

async function measure(scenario: Scenario, policyName: string | null, repeats: number) {
  const policy = policyName ? scenario.policies.find((p) => p.name === policyName)! : scenario.policies[0]!;
  const walls: number[] = [];
  let last = null;
  for (let r = 0; r < repeats; r++) {
    const sink = countingSink();
    const t = performance.now();
    last = await simulatePolicy({ scenario, policy, face, keepEvents, sink });
    walls.push(performance.now() - t);
  }
  walls.sort((a, b) => a - b);
  return { run: last!, wallMs: walls[Math.floor(walls.length / 2)]!, policy };
}

async function main(): Promise<void> {
  let scenario: Scenario;
  let policyName: string | null = null;
  let repeats = 1;
  if (kind === 'incident') {
    scenario = parseScenarioText({ text: readFileSync(new URL('../../scenarios/incident-2025-08-06.json', import.meta.url), 'utf8'), source: 'incident' });
    policyName = itemsArg === '165' ? 'fixed' : itemsArg;
    // Warm-up, then the median of 21 runs.
    for (let i = 0; i < 30; i++) await simulatePolicy({ scenario, policy: scenario.policies.find((p) => p.name === policyName)!, face });
    repeats = 21;
  } else {
    const items = Number(itemsArg);
    const workers = Number(workersArg);
    // Warm up the JIT on a mid-sized batch first.
    const warm = createSyntheticScenario({ items: 5_000, workers: 50 });
    for (let i = 0; i < 2; i++) await simulatePolicy({ scenario: warm, policy: warm.policies[0]!, face, keepEvents: false });
    scenario = createSyntheticScenario({ items, workers });
    // Small batches take a few milliseconds: repeat them enough to reach a steady state.
    repeats = Math.min(25, Math.max(1, Math.ceil(100_000 / items)));
  }
  const { run, wallMs, policy } = await measure(scenario, policyName, repeats);
  const durations = run.result.items.map((i) => (i.startMs === null ? 0 : i.endMs - i.startMs));
  const bareStart = performance.now();
  await runBareModel({ durationsMs: durations, workers: policy.workers });
  const bareWallMs = performance.now() - bareStart;
  let identical: boolean | null = null;
  if (keepEvents && scenario.items.length <= 10_000) {
    const again = await simulatePolicy({ scenario, policy, face });
    identical = serializeEvents(again.events) === serializeEvents(run.events);
  }
  const items = scenario.items.length;
  process.stdout.write(
    `${JSON.stringify({
      case: kind === 'incident' ? `incident/${policy.name}` : `synthetic ${items}×${policy.workers}`,
      face,
      events: keepEvents ? 'kept' : 'streamed',
      items,
      workers: policy.workers,
      wallMs: Math.round(wallMs * 10) / 10,
      usPerItem: Math.round((wallMs * 1000 * 10) / items) / 10,
      makespanMs: run.result.makespanMs,
      speedup: Math.round(run.result.makespanMs / wallMs),
      bareWallMs: Math.round(bareWallMs * 10) / 10,
      engineOverBare: Math.round((wallMs / bareWallMs) * 10) / 10,
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      eventCount: run.events.length,
      identicalOnRerun: identical,
    })}\n`,
  );
}

await main();
