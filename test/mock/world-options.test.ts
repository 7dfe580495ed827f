import { describe, expect, it } from 'vitest';
import { DEFAULT_MOCK_OPTIONS } from '../../src/mock/world-spec.js';
import { parseScenario } from '../../src/scenario/parse-scenario.js';

const scenario = (world: Record<string, unknown>) => ({
  name: 'w',
  items: { count: 1, domains: { 'shop.example': 1 } },
  world: { account: { concurrency: 5 }, behaviour: { default: { latency: { type: 'fixed', ms: 1000 } } }, ...world },
  policies: [{ name: 'p', workers: 1 }],
});
const load = (world: Record<string, unknown>) => parseScenario({ json: scenario(world), source: 'x.json' }).world;
const fails = (world: Record<string, unknown>) => expect(() => load(world)).toThrow();

describe('world options and failure models in scenarios', () => {
  it('defaults to the safer choice where the reference is unconfirmed', () => {
    expect(load({}).options).toEqual(DEFAULT_MOCK_OPTIONS);
    expect(DEFAULT_MOCK_OPTIONS).toEqual({
      timeoutWithRetry: 'ignore',
      internalAttempts: 3,
      internalRetryDelayMs: 0,
      releaseSlotOnDisconnect: false,
      rejectShape: 'A',
      retryAfterSeconds: null,
      overage: false,
      billedErrorCredits: 'full',
      unknownParams: 'ignore',
    });
    expect(load({}).throttlers).toBeUndefined();
  });

  it('reads rejects, throttlers (domains without www.) and the new options', () => {
    const world = load({
      behaviour: { default: { latency: { type: 'fixed', ms: 1000 }, rejects: { 'ERR::THROTTLE::MAX_REQUEST_RATE_EXCEEDED': 0.2, 'html-503': 0.01 } } },
      throttlers: { 'WWW.Shop.example': { concurrency: 2 }, 'b.example': { requestsPerMinute: 30 } },
      options: { billedErrorCredits: 0, unknownParams: 'reject' },
    });
    expect(world.behaviour.default?.rejects).toEqual({ 'ERR::THROTTLE::MAX_REQUEST_RATE_EXCEEDED': 0.2, 'html-503': 0.01 });
    expect(world.throttlers).toEqual({ 'shop.example': { concurrency: 2, requestsPerMinute: null }, 'b.example': { concurrency: null, requestsPerMinute: 30 } });
    expect(world.options).toMatchObject({ billedErrorCredits: 0, unknownParams: 'reject' });
  });

  const bad: Array<[string, Record<string, unknown>, string]> = [
    ['an unknown reject code', { behaviour: { default: { latency: { type: 'fixed', ms: 1 }, rejects: { 'ERR::NOPE': 0.1 } } } }, 'world.behaviour.default.rejects.ERR::NOPE is not a Scrapfly error code answered with an error status, or "html-<5xx>" (got "ERR::NOPE")'],
    ['a reject that is not an error status', { behaviour: { default: { latency: { type: 'fixed', ms: 1 }, rejects: { 'ERR::SCRAPE::BAD_UPSTREAM_RESPONSE': 0.1 } } } }, 'rejects.ERR::SCRAPE::BAD_UPSTREAM_RESPONSE is not a Scrapfly error code'],
    ['rejects above 1', { behaviour: { default: { latency: { type: 'fixed', ms: 1 }, rejects: { 'html-502': 0.6, 'ERR::API::INTERNAL_ERROR': 0.6 } } } }, 'world.behaviour.default.rejects probabilities must sum to at most 1, got 1.2'],
    ['a throttler without limits', { throttlers: { 'a.example': {} } }, 'world.throttlers.a.example must set concurrency, requestsPerMinute or both'],
    ['a throttler with a bad limit', { throttlers: { 'a.example': { requestsPerMinute: 0 } } }, 'world.throttlers.a.example.requestsPerMinute must be a positive integer, got 0'],
    ['a bad billedErrorCredits', { options: { billedErrorCredits: 'half' } }, 'world.options.billedErrorCredits must be "full" or a non-negative integer number of credits, got "half"'],
    ['a bad unknownParams', { options: { unknownParams: 'warn' } }, 'world.options.unknownParams must be one of "ignore", "reject", got "warn"'],
  ];
  for (const [what, world, message] of bad) {
    it(`rejects ${what} with the field path`, () => {
      fails(world);
      expect(() => load(world)).toThrow(message);
      expect(() => load(world)).toThrow(/^Failed to load scenario x\.json: world\./);
    });
  }
});
