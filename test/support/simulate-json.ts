/** Helpers to simulate scenario objects in tests. */
import type { BatchEvent } from '../../src/events/batch-event.js';
import { serializeEvents } from '../../src/events/serialize-events.js';
import { parseScenario } from '../../src/scenario/parse-scenario.js';
import type { Scenario } from '../../src/scenario/scenario-types.js';
import { simulatePolicy, type MockFace, type SimulationRun } from '../../src/simulation/simulate-policy.js';

export function loadJson(json: unknown): Scenario {
  return parseScenario({ json, source: 'test' });
}

export async function simulateFirst(scenario: Scenario, face: MockFace = 'direct'): Promise<SimulationRun> {
  return simulatePolicy({ scenario, policy: scenario.policies[0]!, face });
}

export function eventsText(events: readonly BatchEvent[]): string {
  return serializeEvents(events);
}
