/** Picks policies of a scenario by name, with an error that lists the choices. */
import type { Policy } from '../engine/policy.js';
import { UsageError } from '../errors.js';
import type { Scenario } from './scenario-types.js';

/** The named policies in the order given, or every policy when `names` is empty. */
export function selectPolicies(scenario: Scenario, names: readonly string[]): Policy[] {
  if (names.length === 0) return scenario.policies;
  return names.map((name) => {
    const policy = scenario.policies.find((p) => p.name === name);
    if (!policy) {
      throw new UsageError(`Unknown policy "${name}" in scenario ${scenario.source}: choose one of ${scenario.policies.map((p) => p.name).join(', ')}`);
    }
    return policy;
  });
}
