import { describe, expect, it } from 'vitest';
import { createVirtualClock } from '../../src/clock/virtual-clock.js';
import { VirtualClockStallError } from '../../src/errors.js';

const T0 = Date.UTC(2025, 7, 6, 3, 0, 23);

describe('virtual clock', () => {
  it('advances only to the next timer, in order, at exact times', async () => {
    const clock = createVirtualClock({ startMs: T0 });
    const seen: Array<[string, number]> = [];
    await clock.run(async () => {
      await Promise.all([
        clock.sleep(2_028_000).then(() => seen.push(['long', clock.now()])),
        clock.sleep(7_000).then(() => seen.push(['short', clock.now()])),
        (async () => {
          await clock.sleep(7_000);
          seen.push(['chained-1', clock.now()]);
          await clock.sleep(7_000);
          seen.push(['chained-2', clock.now()]);
        })(),
      ]);
    });
    expect(seen).toEqual([
      ['short', T0 + 7_000],
      ['chained-1', T0 + 7_000],
      ['chained-2', T0 + 14_000],
      ['long', T0 + 2_028_000],
    ]);
    expect(clock.now()).toBe(T0 + 2_028_000);
  });

  it('holds timers longer than setTimeout can (2^31 − 1 ms, 24.8 days): 30 days fire after 30 days, not after 1 ms; cancelling works at any step', async () => {
    const DAY = 86_400_000;
    const clock = createVirtualClock({ startMs: T0 });
    const seen: Array<[string, number]> = [];
    await clock.run(async () => {
      clock.schedule(30 * DAY, () => seen.push(['30 days', clock.now()]));
      const cancelled = clock.schedule(60 * DAY, () => seen.push(['never', clock.now()]));
      clock.schedule(26 * DAY, () => cancelled());
      await clock.sleep(2 ** 31 - 1);
      seen.push(['24.8 days', clock.now()]);
      await clock.sleep(40 * DAY);
    });
    expect(seen).toEqual([
      ['24.8 days', T0 + 2 ** 31 - 1],
      ['30 days', T0 + 30 * DAY],
    ]);
    expect(clock.now()).toBe(T0 + 2 ** 31 - 1 + 40 * DAY);
  });

  it('waits for microtask work (native Response bodies included) before moving time', async () => {
    const clock = createVirtualClock({ startMs: T0 });
    const result = await clock.run(async () => {
      const body = await new Response(JSON.stringify({ price: 1299 })).json();
      const at = clock.now();
      await clock.sleep(1);
      return { body, at, after: clock.now() };
    });
    expect(result).toEqual({ body: { price: 1299 }, at: T0, after: T0 + 1 });
  });

  it('cancels a sleep when its signal aborts, at that virtual time', async () => {
    const clock = createVirtualClock({ startMs: T0 });
    const controller = new AbortController();
    const outcome = await clock.run(async () => {
      clock.schedule(5_000, () => controller.abort(new Error('stop')));
      try {
        await clock.sleep(60_000, controller.signal);
        return 'slept';
      } catch (error) {
        return `${(error as Error).message} at +${clock.now() - T0}`;
      }
    });
    expect(outcome).toBe('stop at +5000');
    expect(clock.pendingTimers()).toBe(0);
  });

  it('rejects instead of hanging when work waits on something outside the clock', async () => {
    const clock = createVirtualClock({ startMs: T0 });
    await expect(clock.run(() => new Promise(() => {}))).rejects.toBeInstanceOf(VirtualClockStallError);
  });

  it('keeps exact times across thousands of steps (past the macrotask turn every 1024 steps)', async () => {
    const clock = createVirtualClock({ startMs: T0 });
    const seen: number[] = [];
    await clock.run(async () => {
      await Promise.all(
        [0, 1, 2].map(async (lane) => {
          for (let k = 1; k <= 1500; k++) {
            await clock.sleep(1_000 + lane);
            if (k % 500 === 0) seen.push(clock.now() - T0);
          }
        }),
      );
    });
    expect(seen).toEqual([500_000, 500_500, 501_000, 1_000_000, 1_001_000, 1_002_000, 1_500_000, 1_501_500, 1_503_000]);
    expect(clock.firedTimers()).toBe(4_500);
  });

  it('rejects with the error a timer callback throws', async () => {
    const clock = createVirtualClock({ startMs: T0 });
    const failure = new Error('callback bug');
    const run = clock.run(
      () =>
        new Promise<void>(() => {
          clock.schedule(10, () => {
            throw failure;
          });
        }),
    );
    await expect(run).rejects.toBe(failure);
    expect(clock.now()).toBe(T0 + 10);
  });
});
