import { describe, expect, it } from 'vitest';
import { PLAIN_CLIENT, PYTHON_SDK_CLIENT } from '../../src/engine/policy.js';
import { explainStall, type DeployedStack, type MechanismFit } from '../../src/diagnose/explain-stall.js';

const tiers = ['plain', 'render_js', 'asp'];
const blocking = (client: 'python-sdk' | 'plain'): DeployedStack => ({
  clients: [{ name: client, spec: client === 'python-sdk' ? PYTHON_SDK_CLIENT : PLAIN_CLIENT }],
  tiers,
  appCallsPerTier: 1,
  workers: 5,
  execution: 'blocking',
  planConcurrency: 5,
  abandonsCalls: false,
});
const byId = (fits: MechanismFit[]) => Object.fromEntries(fits.map((f) => [`${f.id}:${f.combination.includes('answered') ? 'answered' : 'timed-out'}`, f]));

describe('the mechanisms behind a stall', () => {
  it("the seed's 33m48s under the Python SDK: 12 read timeouts of 160 s over plain, render_js and asp, then an answered asp request; 13 timeouts come near; Scrapfly's budget and one slow request cannot", () => {
    const fits = explainStall({ stall: { durationMs: 2_028_000, censored: false, workersHeld: 5, precisionMs: 3000, typicalMs: 7000 }, stack: blocking('python-sdk') });
    const first = fits[0]!;
    expect(first.id).toBe('read-timeouts');
    expect(first.verdict).toBe('fits');
    expect(first.requestsPerTier).toEqual([5, 5, 3]);
    // 12 × 160 s + the SDK's mean backoff before tries 2–5 of each tier's call (0.5+1+2+4 s twice, then 0.5+1 s) and the 13th request's wait (2 s).
    expect(first.lastAnsweredMs).toBe(2_028_000 - 12 * 160_000 - (7500 + 7500 + 1500));
    expect(first.combination).toBe('12 read timeouts of 2m40s (5 plain + 5 render_js + 2 asp) + 16.5s of client backoff, then an asp request answered after 1m32s');
    const all = byId(fits);
    expect(all['read-timeouts:timed-out']).toMatchObject({ verdict: 'near', requestsPerTier: [5, 5, 3], expectedMs: 13 * 160_000 + 16_500, errorMs: 2_028_000 - 13 * 160_000 - 16_500 });
    expect(fits.find((f) => f.id === 'scrapfly-budget')!.verdict).toBe('cannot');
    expect(fits.find((f) => f.id === 'slow-request')!.verdict).toBe('cannot');
    expect(fits.find((f) => f.id === 'blocking-loop')!.verdict).toBe('fits');
    expect(fits.find((f) => f.id === 'zombie-last-slot')!.verdict).toBe('cannot');
    expect(fits.find((f) => f.id === 'throttle-churn')!.verdict).toBe('cannot');
  });

  it('a ladder of read timeouts that all fired: three of 155 s under a plain client fit, the item failing after the last', () => {
    const fits = explainStall({ stall: { durationMs: 3 * 155_000 + 600, censored: false, workersHeld: 1, precisionMs: 1, typicalMs: 7000 }, stack: { ...blocking('plain'), execution: 'concurrent', abandonsCalls: false } });
    const timedOut = fits.find((f) => f.id === 'read-timeouts' && f.combination.endsWith('then the item failed'))!;
    expect(timedOut).toMatchObject({ verdict: 'fits', requestsPerTier: [1, 1, 1], expectedMs: 465_000, errorMs: 600 });
    expect(fits.find((f) => f.id === 'blocking-loop')!.verdict).toBe('cannot');
  });

  it("Scrapfly's budget: two calls answered with a timeout error after 150 s and a third after 20 s fit; past the ladder's three calls it cannot", () => {
    const stack = { ...blocking('plain'), execution: 'concurrent' as const };
    const fits = explainStall({ stall: { durationMs: 320_000, censored: false, workersHeld: 1, precisionMs: 1, typicalMs: 7000 }, stack });
    expect(fits.find((f) => f.id === 'scrapfly-budget')).toMatchObject({ verdict: 'fits', combination: '2 calls answered with a Scrapfly timeout error after ~2m30s each, then a call answered after 20s (plain → render_js → asp)' });
    const long = explainStall({ stall: { durationMs: 500_000, censored: false, workersHeld: 1, precisionMs: 1, typicalMs: 7000 }, stack });
    expect(long.find((f) => f.id === 'scrapfly-budget')!.verdict).toBe('cannot');
  });

  it('a concurrent pool: zombies and 429 churn cannot be excluded by a log when calls may be abandoned and the pool fills the plan', () => {
    const stack: DeployedStack = { ...blocking('python-sdk'), execution: 'concurrent', abandonsCalls: null, workers: 5, planConcurrency: 5 };
    const fits = explainStall({ stall: { durationMs: 400_000, censored: false, workersHeld: 1, precisionMs: 1000, typicalMs: 7000 }, stack });
    expect(fits.find((f) => f.id === 'zombie-last-slot')!.verdict).toBe('undecided');
    // Zombies may add requests in flight: 429 churn cannot be excluded either.
    expect(fits.find((f) => f.id === 'throttle-churn')!.verdict).toBe('undecided');
    const noAbandon = explainStall({ stall: { durationMs: 400_000, censored: false, workersHeld: 1, precisionMs: 1000, typicalMs: 7000 }, stack: { ...stack, abandonsCalls: false } });
    expect(noAbandon.find((f) => f.id === 'zombie-last-slot')!.verdict).toBe('cannot');
    expect(noAbandon.find((f) => f.id === 'throttle-churn')!.verdict).toBe('cannot');
    const crowded = explainStall({ stall: { durationMs: 400_000, censored: false, workersHeld: 1, precisionMs: 1000, typicalMs: 7000 }, stack: { ...stack, workers: 8 } });
    expect(crowded.find((f) => f.id === 'throttle-churn')!.verdict).toBe('undecided');
  });

  it('a client without a read timeout cannot time out; a stall shorter than one read timeout is no read timeout at all', () => {
    const none = explainStall({ stall: { durationMs: 600_000, censored: false, workersHeld: 1, precisionMs: 1000, typicalMs: 7000 }, stack: { ...blocking('plain'), clients: [{ name: 'custom', spec: { ...PLAIN_CLIENT, readTimeoutMs: null } }] } });
    expect(none.find((f) => f.id === 'read-timeouts')).toMatchObject({ verdict: 'cannot', combination: 'no read timeout' });
    const short = explainStall({ stall: { durationMs: 90_000, censored: false, workersHeld: 1, precisionMs: 1000, typicalMs: 7000 }, stack: blocking('python-sdk') });
    expect(short.find((f) => f.id === 'read-timeouts')!.verdict).toBe('cannot');
    expect(short.find((f) => f.id === 'slow-request')!.verdict).toBe('fits');
  });

  it("the application's call timeout: rec4's 3m00.159s is two calls cut at 90 s, then either an answer after 159 ms or an instant failure; read timeouts and Scrapfly's budget cannot outlast the cut", () => {
    const stack: DeployedStack = { ...blocking('python-sdk'), execution: 'concurrent', abandonsCalls: true, callTimeout: { ms: 90_000, callsPerTier: 1, escalates: true } };
    const fits = explainStall({ stall: { durationMs: 180_159, censored: false, workersHeld: 1, precisionMs: 1, typicalMs: 1900 }, stack });
    const cuts = fits.filter((f) => f.id === 'call-timeouts');
    expect(cuts.map((f) => [f.verdict, f.combination])).toEqual([
      ['fits', '2 calls cut by the call timeout of 1m30s (1 plain + 1 render_js), then an asp request answered after 159ms'],
      ['fits', "2 calls cut by the call timeout of 1m30s (2 of 3 tiers), the ladder's other call failing at once (a 429 or an error answered at once), then the item failed"],
    ]);
    expect(cuts[0]).toMatchObject({ requestsPerTier: [1, 1, 1], lastAnsweredMs: 159, errorMs: 0 });
    expect(cuts[1]).toMatchObject({ expectedMs: 180_000, errorMs: 159 });
    // Without the call timeout, 160 s read timeouts and Scrapfly's 150 s budget would fit: with it, neither can happen.
    for (const id of ['read-timeouts', 'scrapfly-budget', 'slow-request']) {
      const f = fits.find((m) => m.id === id)!;
      expect(f.verdict, id).toBe('cannot');
    }
    expect(fits.find((f) => f.id === 'read-timeouts')!.why).toMatch(/^the deployed call timeout of 1m30s ends every call before the 2m40s this needs/);
    const without = explainStall({ stall: { durationMs: 180_159, censored: false, workersHeld: 1, precisionMs: 1, typicalMs: 1900 }, stack: { ...stack, callTimeout: null } });
    expect(without.find((f) => f.id === 'read-timeouts')!.verdict).toBe('fits');
    expect(without.find((f) => f.id === 'call-timeouts')).toMatchObject({ verdict: 'cannot', combination: 'no call timeout' });
    // An answer cannot last the whole call timeout: a remainder of 90 s is a third cut, not an answer.
    const three = explainStall({ stall: { durationMs: 270_000, censored: false, workersHeld: 1, precisionMs: 1, typicalMs: 1900 }, stack }).filter((f) => f.id === 'call-timeouts');
    expect(three.map((f) => f.combination)).toEqual(['3 calls cut by the call timeout of 1m30s (1 plain + 1 render_js + 1 asp), then the item failed']);
  });

  it('a call timeout the log cannot show stays open; a blocked event loop cuts no call while it runs', () => {
    const unknown = explainStall({ stall: { durationMs: 400_000, censored: false, workersHeld: 1, precisionMs: 1000, typicalMs: 7000 }, stack: { ...blocking('python-sdk'), execution: 'concurrent', abandonsCalls: null } });
    expect(unknown.find((f) => f.id === 'call-timeouts')!.verdict).toBe('undecided');
    const blocked = explainStall({ stall: { durationMs: 400_000, censored: false, workersHeld: 5, precisionMs: 1000, typicalMs: 7000 }, stack: { ...blocking('python-sdk'), callTimeout: { ms: 60_000, callsPerTier: 1, escalates: true } } });
    expect(blocked.find((f) => f.id === 'call-timeouts')!.verdict).toBe('cannot');
    expect(blocked.find((f) => f.id === 'read-timeouts')!.verdict).not.toBe('cannot');
  });
});
