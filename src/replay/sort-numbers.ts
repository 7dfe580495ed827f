/**
 * Sorting durations: a million numbers sort several times faster in a Float64Array than through a
 * comparator, with the same result for the values sorted here (finite numbers, no -0). Pure.
 */

/** Sorts `values` (finite numbers) ascending in place, as `values.sort((a, b) => a - b)` would; returns it. */
export function sortNumbers(values: number[]): number[] {
  if (values.length < 256) return values.sort((a, b) => a - b);
  const typed = Float64Array.from(values).sort();
  for (let k = 0; k < values.length; k++) values[k] = typed[k] as number;
  return values;
}
