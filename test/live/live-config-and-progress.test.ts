import { describe, expect, it } from 'vitest';
import { createDefaultLivePolicy } from '../../src/live/default-live-policy.js';
import { LiveInputError } from '../../src/live/live-errors.js';
import { parseLiveConfig } from '../../src/live/live-config.js';
import { createProgressTracker } from '../../src/live/progress-tracker.js';
import { renderProgressBar, renderProgressLine } from '../../src/live/render-progress.js';
import type { Clock } from '../../src/ports.js';

describe('live config', () => {
  it('reads a policy, per-domain selectors (also as a bare string) and the review threshold', () => {
    const config = parseLiveConfig({
      source: 'live.json',
      json: {
        policy: { workers: 8, tiers: [{ base: 'plain', retry: false, timeoutMs: '20s' }] },
        extract: { selectors: { 'www.OMTech.example': { price: '.price--sale', attribute: 'content', currency: 'usd' }, 'b.example': '#price' } },
        review: { maxChangeRatio: 0.25 },
      },
    });
    expect([config.policy.name, config.policy.workers, config.policy.tiers[0]!.timeoutMs]).toEqual(['live', 8, 20_000]);
    expect(config.selectors).toEqual({
      'omtech.example': { price: '.price--sale', attribute: 'content', currency: 'USD', currencySelector: null },
      'b.example': { price: '#price', attribute: null, currency: null, currencySelector: null },
    });
    expect(config.maxChangeRatio).toBe(0.25);
    expect(parseLiveConfig({ source: 'x', json: {} }).policy).toEqual(createDefaultLivePolicy());
    expect(parseLiveConfig({ source: 'x', json: { review: { maxChangeRatio: null } } }).maxChangeRatio).toBeNull();
  });

  it.each([
    [{ policy: { workers: -3 } }, 'Failed to load config live.json: policy.workers must be a positive integer, got -3'],
    [{ extract: { selectors: { 'a.example': { price: 'div[' } } } }, /^Failed to load config live\.json: extract\.selectors\.a\.example\.price is not a valid CSS selector/],
    [{ extract: { selectors: { 'a.example': { price: '.p', currency: 'dollars' } } } }, 'Failed to load config live.json: extract.selectors.a.example.currency must be an ISO 4217 code such as "USD", got "dollars"'],
    [{ reviw: {} }, /^Failed to load config live\.json: reviw is not a known field/],
    [{ policy: { workers: 2, tiers: [{ base: 'plain', retry: false, timeoutMs: '5s' }] } }, /policy\.tiers\[0\]\.timeoutMs is rejected by Scrapfly: timeout must be between 15000 and 30000 ms/],
  ])('rejects %j with one line naming the field', (json, message) => {
    expect(() => parseLiveConfig({ json, source: 'live.json' })).toThrow(LiveInputError);
    expect(() => parseLiveConfig({ json, source: 'live.json' })).toThrow(message);
  });
});

describe('progress', () => {
  it('counts done (with earlier segments), in flight, stalled workers and an ETA from the rate so far', () => {
    let now = 1_000_000;
    const clock: Clock = { now: () => now, sleep: () => Promise.resolve(), schedule: () => () => {} };
    const tracker = createProgressTracker({ clock, total: 10, workers: 2, alreadyDone: { priced: 3, failed: 1, timedOut: 0, skipped: 0 }, stallThresholdMs: 60_000 });
    tracker.emit({ type: 'batch.start', atMs: now, batchId: 'b', policy: 'p', items: 6, workers: 2, execution: 'concurrent' });
    tracker.emit({ type: 'item.start', atMs: now, item: 0, name: 'A', domain: 'a', worker: 1, queuedMs: 0 });
    tracker.emit({ type: 'attempt.start', atMs: now, item: 0, worker: 1, attempt: 1, tier: 1, tierName: 'plain', call: 1, try: 1, retry: false, timeoutMs: null, readTimeoutMs: null, zombie: false });
    tracker.emit({ type: 'item.start', atMs: now, item: 1, name: 'B', domain: 'a', worker: 2, queuedMs: 0 });
    tracker.emit({ type: 'attempt.start', atMs: now, item: 1, worker: 2, attempt: 1, tier: 1, tierName: 'plain', call: 1, try: 1, retry: false, timeoutMs: null, readTimeoutMs: null, zombie: false });
    now += 10_000;
    tracker.emit({ type: 'attempt.end', atMs: now, item: 1, attempt: 1, result: 'ok', status: 200, errorCode: null, errorClass: null, retryable: null, costCredits: 1, durationMs: 10_000, zombie: false, accountConcurrency: 1 });
    tracker.emit({ type: 'item.end', atMs: now, item: 1, worker: 2, outcome: 'priced', price: 5, currency: 'USD', reason: null, errorCode: null, attempts: 1, tier: 1, durationMs: 10_000 });
    now += 60_000;
    const snapshot = tracker.snapshot();
    expect(snapshot).toEqual({
      total: 10,
      done: 5,
      counts: { priced: 4, failed: 1, timedOut: 0, skipped: 0 },
      inFlight: 1,
      stalledWorkers: 1,
      workers: 2,
      elapsedMs: 70_000,
      etaMs: 350_000,
      slowRequests: 0,
      openCircuits: [],
    });
    expect(renderProgressLine(snapshot)).toBe('5/10 done (50%): 4 priced, 1 failed, 0 timed out, 0 skipped; 1 in flight, 1 stalled; ETA 5m50s');
    const bar = renderProgressBar(snapshot, { width: 100 });
    expect(bar).toBe('[###############---------------] 5/10 50% · 4 priced 1 failed · 1 in flight · 1 stalled · ETA 5m50s');
    expect(bar.length).toBeLessThanOrEqual(100);
    expect(renderProgressBar(snapshot, { width: 60 }).length).toBeLessThanOrEqual(60);
  });
});
