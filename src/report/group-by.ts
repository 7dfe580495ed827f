/** Grouping helper for the renderers. */

/** `values` grouped by `keyOf`, each group in the order of `values`; values whose key is null are left out. */
export function groupBy<K, V>(values: Iterable<V>, keyOf: (value: V) => K | null): Map<K, V[]> {
  const groups = new Map<K, V[]>();
  for (const value of values) {
    const key = keyOf(value);
    if (key === null) continue;
    const group = groups.get(key);
    if (group) group.push(value);
    else groups.set(key, [value]);
  }
  return groups;
}
