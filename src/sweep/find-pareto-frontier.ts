/**
 * The Pareto frontier of points under several objectives: the points no other point dominates
 * (at least as good on every objective and better on one). Points equal on every objective do not
 * dominate each other, so all of them stay on the frontier. Pure; O(n²) comparisons.
 */

/** One objective: how to read it from a point, and which direction is better. */
export interface Objective<T> {
  name: string;
  value: (point: T) => number;
  better: 'lower' | 'higher';
}

/** Whether `a` dominates `b` under `objectives`. */
export function dominates<T>(options: { a: T; b: T; objectives: readonly Objective<T>[] }): boolean {
  let strictlyBetter = false;
  for (const objective of options.objectives) {
    const sign = objective.better === 'lower' ? 1 : -1;
    // Positive when b is worse than a on this objective.
    const diff = sign * (objective.value(options.b) - objective.value(options.a));
    if (diff < 0) return false;
    if (diff > 0) strictlyBetter = true;
  }
  return strictlyBetter;
}

/** Indices (into `points`, ascending) of the points on the frontier. */
export function findParetoFrontier<T>(options: { points: readonly T[]; objectives: readonly Objective<T>[] }): number[] {
  const { points, objectives } = options;
  const frontier: number[] = [];
  for (let i = 0; i < points.length; i++) {
    let dominated = false;
    for (let j = 0; j < points.length && !dominated; j++) {
      if (i !== j && dominates({ a: points[j] as T, b: points[i] as T, objectives })) dominated = true;
    }
    if (!dominated) frontier.push(i);
  }
  return frontier;
}
