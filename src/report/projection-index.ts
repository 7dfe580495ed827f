/**
 * Lookups over a run's projection that several renderers need (the page and the trace): items by
 * number, each item's attempts in start order, one attempt by its numbers. Built once per
 * projection and shared; do not change what it returns.
 */
import type { AttemptRecord, ItemRecord } from './attempt-records.js';
import { groupBy } from './group-by.js';
import type { RunProjection } from './run-projection.js';

export interface ProjectionIndex {
  items: Map<number, ItemRecord>;
  /** Each item's attempts, in start order. */
  attemptsOfItem: Map<number, AttemptRecord[]>;
  /** The attempt `attempt` of item `item`, if it started. */
  attempt(item: number, attempt: number): AttemptRecord | undefined;
}

const indexes = new WeakMap<RunProjection, ProjectionIndex>();

/** The index of `projection`, built on first use. */
export function indexProjection(projection: RunProjection): ProjectionIndex {
  let index = indexes.get(projection);
  if (!index) {
    const { records } = projection;
    const attemptsOfItem = groupBy(records.attempts, (a) => a.item);
    index = {
      items: new Map(records.items.map((i) => [i.item, i])),
      attemptsOfItem,
      attempt: (item, attempt) => attemptsOfItem.get(item)?.find((a) => a.attempt === attempt),
    };
    indexes.set(projection, index);
  }
  return index;
}
