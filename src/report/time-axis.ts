/** Tick marks for a clock-time axis: round steps (100 ms … 6 h) aligned to the UTC clock. */
import { formatClockTime } from './format-clock-time.js';

/**
 * The step sizes, ms. The page's zoom script picks its steps from the same list (it is printed
 * into the page), so that the axis looks the same before and after zooming.
 */
export const TICK_STEPS_MS: readonly number[] = [100, 200, 500]
  .concat([1, 2, 5, 10, 15, 30].map((s) => s * 1000))
  .concat([1, 2, 5, 10, 15, 30].map((m) => m * 60_000))
  .concat([1, 2, 3, 6].map((h) => h * 3_600_000));

export interface AxisTick {
  atMs: number;
  label: string;
}

/** Ticks between `startMs` and `endMs` (ms since the epoch), at most about `maxTicks` of them. */
export function computeTimeTicks(options: { startMs: number; endMs: number; maxTicks: number }): AxisTick[] {
  const spanMs = Math.max(1, options.endMs - options.startMs);
  const stepMs = TICK_STEPS_MS.find((s) => spanMs / s <= Math.max(1, options.maxTicks)) ?? (TICK_STEPS_MS[TICK_STEPS_MS.length - 1] as number);
  const ticks: AxisTick[] = [];
  for (let at = Math.ceil(options.startMs / stepMs) * stepMs; at <= options.endMs; at += stepMs) ticks.push({ atMs: at, label: formatTickLabel(at, stepMs) });
  return ticks;
}

/** `HH:MM` for whole-minute steps, `HH:MM:SS` for whole seconds, else `HH:MM:SS.s`. */
export function formatTickLabel(atMs: number, stepMs: number): string {
  const label = formatClockTime(atMs);
  if (stepMs % 60_000 === 0) return label.slice(0, 5);
  if (stepMs % 1000 === 0) return label;
  return `${label}.${Math.floor((((atMs % 1000) + 1000) % 1000) / 100)}`;
}
