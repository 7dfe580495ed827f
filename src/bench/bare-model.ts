/**
 * The bare event-loop model of a schedule: the same item durations through the same kind of pool
 * (p-limit over the virtual clock), with no engine, client or mock. It is the floor the engine's
 * cost is measured against.
 */
import pLimit from 'p-limit';
import { createVirtualClock } from '../clock/virtual-clock.js';

/** Runs `durationsMs` through `workers` workers on a fresh virtual clock; returns the makespan (ms). */
export async function runBareModel(options: { durationsMs: readonly number[]; workers: number }): Promise<number> {
  const clock = createVirtualClock({ startMs: 0 });
  const limit = pLimit(options.workers);
  const { durationsMs } = options;
  await clock.run(async () => {
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < durationsMs.length) {
        const ms = durationsMs[next++] as number;
        await limit(() => clock.sleep(ms));
      }
    };
    await Promise.all(Array.from({ length: options.workers }, lane));
  });
  return clock.now();
}
