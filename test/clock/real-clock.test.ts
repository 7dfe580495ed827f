/** The real clock (an adapter): its timers on Node's, with latencies far from what the test waits. */
import { describe, expect, it } from 'vitest';
import { createRealClock } from '../../src/clock/real-clock.js';

describe('real clock', () => {
  it('does not fire a 30-day timer after 1 ms (what setTimeout does past 2^31 − 1 ms)', async () => {
    const clock = createRealClock();
    let fired = false;
    const cancel = clock.schedule(30 * 86_400_000, () => (fired = true));
    // 1 ms is what an overflowing timer waits; 200 ms is far from it.
    await new Promise((resolve) => setTimeout(resolve, 200));
    cancel();
    expect(fired).toBe(false);
  });
});
