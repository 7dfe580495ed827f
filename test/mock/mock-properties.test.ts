import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BatchEvent } from '../../src/events/batch-event.js';
import { scenarioJson } from '../support/arbitraries.js';
import { eventsText, loadJson } from '../support/simulate-json.js';
import { simulatePolicy } from '../../src/simulation/simulate-policy.js';

/**
 * Random scenarios pushed towards the account's limits: more workers than the plan allows, client
 * timeouts that abandon or abort requests (zombies), immediate refusals and domain throttlers.
 */
const crowdedScenario = fc
  .tuple(
    scenarioJson,
    fc.integer({ min: 0, max: 12 }),
    fc.constantFrom('abandon', 'abort'),
    fc.integer({ min: 3_000, max: 60_000 }),
    fc.option(fc.record({ 'ERR::THROTTLE::MAX_REQUEST_RATE_EXCEEDED': fc.double({ min: 0, max: 0.3, noNaN: true }), 'html-502': fc.double({ min: 0, max: 0.1, noNaN: true }) }), { nil: undefined }),
    fc.option(fc.record({ concurrency: fc.integer({ min: 1, max: 3 }), requestsPerMinute: fc.integer({ min: 2, max: 30 }) }), { nil: undefined }),
  )
  .map(([json, extraWorkers, semantics, callTimeoutMs, rejects, throttler]) => {
    const world = { ...json.world, behaviour: { ...json.world.behaviour, default: { ...json.world.behaviour.default, ...(rejects ? { rejects } : {}) } } };
    const policy = { ...json.policies[0]!, workers: json.world.account.concurrency + extraWorkers, timeoutSemantics: semantics, callTimeoutMs };
    return { ...json, world: throttler ? { ...world, throttlers: { 'a.example': throttler } } : world, policies: [policy] };
  });

async function simulate(json: unknown) {
  const scenario = loadJson(json);
  return { scenario, run: await simulatePolicy({ scenario, policy: scenario.policies[0]! }) };
}

describe('mock accounting over random crowded batches', () => {
  it('charges exactly the credits of the billed attempts: seen by the client, charged to a client that had gone, or lost on the way back', async () => {
    await fc.assert(
      fc.asyncProperty(crowdedScenario, async (json) => {
        const { run } = await simulate(json);
        const ends = new Map<string, Extract<BatchEvent, { type: 'mock.end' }>>();
        let charged = 0;
        let chargedToGone = 0;
        for (const e of run.events) {
          if (e.type !== 'mock.end') continue;
          ends.set(e.correlationId, e);
          charged += e.costCredits;
          if (e.clientGone) chargedToGone += e.costCredits;
        }
        let seen = 0;
        // Answers the mock sent while the client still waited, but that were still crossing the
        // network back when the client stopped waiting (a read timeout during the downlink).
        let lostOnTheWayBack = 0;
        for (const e of run.events) {
          if (e.type !== 'attempt.end') continue;
          seen += e.costCredits;
          const end = ends.get(`${e.item}.${e.attempt}`);
          if (e.status === null && end && !end.clientGone && end.atMs <= e.atMs) lostOnTheWayBack += end.costCredits;
          // An answered scrape costs the client what the mock charged; a refusal or a cut attempt costs nothing.
          if (e.status !== null && end && !end.clientGone) expect(e.costCredits).toBe(end.costCredits);
          if (e.status === null || !end) expect(e.costCredits).toBe(0);
        }
        expect(run.mock.creditsUsed).toBe(charged);
        expect(seen + chargedToGone + lostOnTheWayBack).toBe(charged);
        expect(run.mock.creditsRemaining).toBe(loadJson(json).world.account.credits - charged);
      }),
      { numRuns: 60 },
    );
  });

  it('never has more scrapes in flight than the plan allows, zombies included', async () => {
    await fc.assert(
      fc.asyncProperty(crowdedScenario, async (json) => {
        const { scenario, run } = await simulate(json);
        const limit = scenario.world.account.concurrency;
        // A slot is held from mock.accept to mock.end; only when the world frees slots on
        // disconnect can one be released earlier, without an event of its own.
        const exact = !scenario.world.options.releaseSlotOnDisconnect;
        let inFlight = 0;
        let peak = 0;
        for (const e of run.events) {
          if (e.type === 'mock.accept') inFlight++;
          if (e.type === 'mock.end') inFlight--;
          if (e.type !== 'mock.accept' && e.type !== 'mock.end' && e.type !== 'mock.reject') continue;
          if (exact) expect(e.concurrency).toBe(inFlight);
          expect(e.concurrency).toBeLessThanOrEqual(limit);
          peak = Math.max(peak, e.concurrency);
        }
        expect(inFlight).toBe(0);
        expect(run.mock.inFlight).toBe(0);
        expect(run.mock.peakConcurrency).toBe(peak);
        expect(run.mock.peakConcurrency).toBeLessThanOrEqual(limit);
      }),
      { numRuns: 60 },
    );
  });

  it('gives identical events through the msw and direct faces, refusals, gateway pages and throttlers included', async () => {
    await fc.assert(
      fc.asyncProperty(crowdedScenario, async (json) => {
        const scenario = loadJson(json);
        const policy = scenario.policies[0]!;
        const direct = await simulatePolicy({ scenario, policy, face: 'direct' });
        const msw = await simulatePolicy({ scenario, policy, face: 'msw' });
        expect(eventsText(msw.events)).toBe(eventsText(direct.events));
        expect(msw.mock).toEqual(direct.mock);
      }),
      { numRuns: 20 },
    );
  });
});
