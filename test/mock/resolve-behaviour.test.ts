import { describe, expect, it } from 'vitest';
import { createSeededRandom } from '../../src/random/seeded-random.js';
import { createBehaviourResolver } from '../../src/mock/resolve-behaviour.js';
import { DEFAULT_MOCK_OPTIONS, type LevelledBehaviour, type WorldSpec } from '../../src/mock/world-spec.js';

describe('behaviour resolution', () => {
  it('gives every one of 25,000 domains its own behaviour, and the same again after the cache has turned over', () => {
    const domains: Record<string, LevelledBehaviour> = {};
    for (let k = 0; k < 25_000; k++) domains[`i${k}.replay.invalid`] = { default: { latency: { type: 'fixed', ms: 1000 + k } } };
    const world: WorldSpec = {
      account: { concurrency: 5, credits: 1000, apiKeys: [] },
      behaviour: { default: { latency: { type: 'fixed', ms: 7 } }, asp: { latency: { type: 'fixed', ms: 9 } } },
      domains,
      waves: [],
      options: DEFAULT_MOCK_OPTIONS,
      products: new Map(),
    };
    const resolve = createBehaviourResolver({ world, originMs: 0 });
    const random = createSeededRandom(1);
    const latencyOf = (domain: string, level: 'plain' | 'asp' = 'plain') => resolve({ domain, level, atMs: 0 }).latency.sample(random);
    const firstPass = Array.from({ length: 25_000 }, (_, k) => latencyOf(`i${k}.replay.invalid`));
    expect(firstPass.every((ms, k) => ms === 1000 + k)).toBe(true);
    expect([latencyOf('i0.replay.invalid'), latencyOf('i24999.replay.invalid'), latencyOf('i12345.replay.invalid')]).toEqual([1000, 25_999, 13_345]);
    // Domains without behaviour of their own share the world's, level by level.
    expect([latencyOf('shop.example'), latencyOf('other.example', 'asp'), latencyOf('shop.example', 'asp')]).toEqual([7, 9, 9]);
  });
});
