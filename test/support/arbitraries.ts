/** fast-check arbitraries: small random scenarios and policies, as scenario JSON. */
import fc from 'fast-check';

const durationMs = (min: number, max: number) => fc.integer({ min, max });

const latency = fc.oneof(
  fc.record({ type: fc.constant('fixed'), ms: durationMs(100, 40_000) }),
  fc.record({ type: fc.constant('uniform'), minMs: durationMs(100, 5_000), maxMs: durationMs(5_000, 60_000) }),
  fc.record({ type: fc.constant('lognormal'), medianMs: durationMs(500, 20_000), sigma: fc.double({ min: 0, max: 1.2, noNaN: true }) }),
);

const errors = fc.record(
  {
    'ERR::PROXY::TIMEOUT': fc.double({ min: 0, max: 0.2, noNaN: true }),
    'ERR::ASP::SHIELD_PROTECTION_FAILED': fc.double({ min: 0, max: 0.2, noNaN: true }),
    'upstream-404': fc.double({ min: 0, max: 0.05, noNaN: true }),
    'upstream-503': fc.double({ min: 0, max: 0.05, noNaN: true }),
  },
  { requiredKeys: [] },
);

const behaviour = fc.record(
  {
    latency,
    errors,
    hang: fc.record({ p: fc.double({ min: 0, max: 0.3, noNaN: true }), latency: fc.record({ type: fc.constant('uniform'), minMs: durationMs(100_000, 170_000), maxMs: durationMs(170_000, 300_000) }) }),
    noPrice: fc.double({ min: 0, max: 0.2, noNaN: true }),
  },
  { requiredKeys: ['latency'] },
);

const selectors = fc.subarray(['client-timeout', 'network', 'server-timeout', 'throttled', 'blocked', 'proxy', 'upstream-5xx', 'no-price', 'retryable', 'any'], { minLength: 0 });

const tier = fc.oneof(
  fc.constantFrom('plain', 'render_js', 'asp'),
  fc.record({ base: fc.constant('plain'), retry: fc.constant(false), timeoutMs: durationMs(15_000, 30_000) }),
  fc.record({ base: fc.constant('render_js'), retry: fc.constant(false), timeoutMs: durationMs(30_000, 60_000) }),
  fc.record({ base: fc.constant('asp'), retry: fc.constant(false), timeoutMs: durationMs(30_000, 150_000) }),
);

/** A policy object as written in a scenario file. */
export const policyJson = fc.record({
  name: fc.constant('p'),
  workers: fc.integer({ min: 1, max: 8 }),
  execution: fc.constantFrom('concurrent', 'concurrent', 'blocking'),
  client: fc.record({
    readTimeoutMs: fc.oneof(fc.constant(null), fc.constant('auto'), durationMs(2_000, 200_000)),
    maxTries: fc.integer({ min: 1, max: 3 }),
    retryOn: selectors,
    backoff: fc.record({ initialMs: durationMs(0, 3_000), factor: fc.constantFrom(1, 2), maxMs: durationMs(0, 20_000), jitter: fc.constantFrom('none', 'full', 'equal') }),
  }),
  tiers: fc.array(tier, { minLength: 1, maxLength: 3 }),
  retry: fc.record({ maxCalls: fc.integer({ min: 1, max: 3 }), on: selectors, backoff: fc.record({ initialMs: durationMs(0, 5_000), factor: fc.constant(2), maxMs: durationMs(0, 30_000), jitter: fc.constant('full') }) }),
  escalateOn: selectors,
  callTimeoutMs: fc.oneof(fc.constant(null), durationMs(5_000, 120_000)),
  timeoutSemantics: fc.constantFrom('abort', 'abandon'),
  itemDeadlineMs: fc.oneof(fc.constant(null), durationMs(10_000, 400_000)),
  batchDeadlineMs: fc.oneof(fc.constant(null), durationMs(30_000, 1_200_000)),
  slowRequestMs: fc.oneof(fc.constant(null), fc.constant(60_000)),
  circuitBreaker: fc.oneof(fc.constant(null), fc.record({ consecutiveTimeouts: fc.integer({ min: 1, max: 4 }) })),
});

/** A whole scenario object with one policy named "p". */
export const scenarioJson = fc.record({
  name: fc.constant('random'),
  seed: fc.integer({ min: 0, max: 1_000_000 }),
  startAt: fc.constant('2025-08-06T03:00:00Z'),
  items: fc.record({
    count: fc.integer({ min: 1, max: 30 }),
    domains: fc.constantFrom({ 'a.example': 1 }, { 'a.example': 2, 'b.example': 1 }, { 'a.example': 1, 'b.example': 1, 'c.example': 1 }),
  }),
  world: fc.record({
    account: fc.record({ concurrency: fc.integer({ min: 1, max: 8 }), credits: fc.constantFrom(1_000_000, 60) }),
    behaviour: fc.record({ default: behaviour, asp: behaviour }, { requiredKeys: ['default'] }),
    domains: fc.record({ 'b.example': fc.record({ default: behaviour }) }, { requiredKeys: [] }),
    options: fc.record(
      {
        releaseSlotOnDisconnect: fc.boolean(),
        rejectShape: fc.constantFrom('A', 'B'),
        retryAfterSeconds: fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 5 })),
      },
      { requiredKeys: [] },
    ),
  }),
  policies: policyJson.map((p) => [p]),
});
