import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maxAttemptsPerItem } from '../../src/engine/policy.js';
import type { AttemptStartEvent, BatchEvent } from '../../src/events/batch-event.js';
import { scenarioJson } from '../support/arbitraries.js';
import { eventsText, loadJson, simulateFirst } from '../support/simulate-json.js';

const RUNS = 70;

/** Checks every engine invariant on one simulated run; returns the events for further checks. */
async function checkInvariants(json: unknown): Promise<BatchEvent[]> {
  const scenario = loadJson(json);
  const policy = scenario.policies[0]!;
  const run = await simulateFirst(scenario);
  const events = run.events;
  const start = events[0]!;
  expect(start.type).toBe('batch.start');
  const t0 = start.atMs;

  // Every item settles exactly once, and the result agrees with the events.
  const ends = events.filter((e) => e.type === 'item.end');
  expect(ends.map((e) => e.item).sort((a, b) => a - b)).toEqual(scenario.items.map((_, i) => i));
  expect(run.result.items).toHaveLength(scenario.items.length);

  // In flight never above the workers; at the mock never above the account limit.
  let inFlight = 0;
  for (const e of events) {
    if (e.type === 'item.start') inFlight++;
    if (e.type === 'item.end' && e.worker !== null) inFlight--;
    expect(inFlight).toBeLessThanOrEqual(policy.workers);
    if (e.type === 'mock.accept') expect(e.concurrency).toBeLessThanOrEqual(scenario.world.account.concurrency);
  }

  // Attempts never above the policy; tiers never go down along the item's own calls.
  const starts = events.filter((e): e is AttemptStartEvent => e.type === 'attempt.start');
  const byItem = new Map<number, AttemptStartEvent[]>();
  for (const s of starts) byItem.set(s.item, [...(byItem.get(s.item) ?? []), s]);
  for (const list of byItem.values()) {
    expect(list.length).toBeLessThanOrEqual(maxAttemptsPerItem(policy));
    // Zombie attempts belong to calls the item already gave up on; they keep their old tier.
    const own = list.filter((s) => !s.zombie);
    const tiers = own.map((s) => s.tier);
    expect([...tiers].sort((a, b) => a - b)).toEqual(tiers);
    const calls = own.map((s) => s.call);
    expect([...calls].sort((a, b) => a - b)).toEqual(calls);
  }

  // With abort semantics no attempt outlives its timeouts in virtual time.
  const attemptEnd = new Map<string, number>();
  for (const e of events) if (e.type === 'attempt.end') attemptEnd.set(`${e.item}.${e.attempt}`, e.atMs);
  const itemStart = new Map<number, number>();
  for (const e of events) if (e.type === 'item.start') itemStart.set(e.item, e.atMs);
  const callStart = new Map<string, number>();
  for (const s of starts) if (!callStart.has(`${s.item}.${s.call}`)) callStart.set(`${s.item}.${s.call}`, s.atMs);
  for (const s of starts) {
    const end = attemptEnd.get(`${s.item}.${s.attempt}`);
    expect(end, `attempt ${s.item}.${s.attempt} ends`).toBeDefined();
    if (s.readTimeoutMs !== null) expect(end! - s.atMs).toBeLessThanOrEqual(s.readTimeoutMs);
    if (policy.timeoutSemantics === 'abort' && policy.execution === 'concurrent' && !s.zombie) {
      if (policy.callTimeoutMs !== null) expect(end! - callStart.get(`${s.item}.${s.call}`)!).toBeLessThanOrEqual(policy.callTimeoutMs);
      if (policy.itemDeadlineMs !== null) expect(end! - itemStart.get(s.item)!).toBeLessThanOrEqual(policy.itemDeadlineMs);
      if (policy.batchDeadlineMs !== null) expect(end! - t0).toBeLessThanOrEqual(policy.batchDeadlineMs);
    }
  }

  // The batch deadline holds: no item ends after it (items running then are cut, the rest skipped).
  if (policy.batchDeadlineMs !== null && policy.execution === 'concurrent') {
    for (const e of ends) expect(e.atMs - t0).toBeLessThanOrEqual(policy.batchDeadlineMs);
  }
  // Items that never started were skipped; items that started ended in one of the four outcomes.
  for (const e of ends) {
    if (e.worker === null) expect(e.outcome).toBe('skipped');
    if (e.outcome === 'priced') expect(e.price).not.toBeNull();
  }
  return events;
}

describe('engine invariants over random scenarios and policies', () => {
  it('holds every invariant', async () => {
    await fc.assert(fc.asyncProperty(scenarioJson, async (json) => void (await checkInvariants(json))), { numRuns: RUNS });
  });

  it('gives byte-identical events for the same seed', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioJson, async (json) => {
        const scenario = loadJson(json);
        const a = eventsText((await simulateFirst(scenario)).events);
        const b = eventsText((await simulateFirst(scenario)).events);
        expect(b).toBe(a);
      }),
      { numRuns: 25 },
    );
  });

  it('gives identical events through the msw face and the direct face', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioJson, async (json) => {
        const scenario = loadJson(json);
        const direct = eventsText((await simulateFirst(scenario, 'direct')).events);
        const msw = eventsText((await simulateFirst(scenario, 'msw')).events);
        expect(msw).toBe(direct);
      }),
      { numRuns: 20 },
    );
  });
});
