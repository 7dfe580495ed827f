/**
 * A worker lane with too many marks to draw one by one (a 100,000-item run): drawn at the
 * resolution of the plot instead, one mark per run of pixel columns in the same state (the worst
 * state of the requests in a column wins), with the lane's requests kept as compact arrays for the
 * page's script, which looks up the request under the pointer and draws each request again once a
 * zoom shows few enough.
 */
import type { AttemptRecord, ItemRecord } from './attempt-records.js';

/** Above this many items and requests in one policy's block, its worker lanes are drawn dense. */
export const DENSE_MARKS = 20_000;

/** Request states in the order a column shows them: a later one wins. */
export const DENSE_STATES = ['ok', 'cut', 'error', 'timeout', 'throttled', 'stall'] as const;

export type DenseState = (typeof DENSE_STATES)[number];

/** One dense lane's requests, in start order: parallel arrays (ms since the block's start, state index, item, tier). */
export interface DenseLaneData {
  /** Start, ms after `originMs`. */
  s: number[];
  /** End, ms after `originMs`. */
  e: number[];
  /** Index in DENSE_STATES. */
  k: number[];
  /** Item index (into the policy's item names). */
  i: number[];
  /** Tier number. */
  t: number[];
}

/** Runs of equal pixel columns, as [first column, column count, state index] (state -1: item only). */
export type ColumnRun = [first: number, count: number, state: number];

/**
 * The columns of a lane: for each of `columns` pixel columns, the worst state of the requests that
 * cover it (or -1 when only an item does, or nothing), merged into runs.
 */
export function aggregateLane(options: {
  items: readonly ItemRecord[];
  attempts: ReadonlyArray<{ startMs: number; endMs: number; state: DenseState }>;
  columns: number;
  /** The column of a time (fractional). */
  column: (atMs: number) => number;
  runEndMs: number;
}): { items: ColumnRun[]; attempts: ColumnRun[] } {
  const { columns, column } = options;
  const cover = (startMs: number, endMs: number, mark: (c: number) => void) => {
    const first = Math.max(0, Math.floor(column(startMs)));
    const last = Math.min(columns - 1, Math.max(first, Math.ceil(column(endMs)) - 1));
    for (let c = first; c <= last; c++) mark(c);
  };
  const itemCols = new Int8Array(columns);
  for (const item of options.items) cover(item.startMs as number, item.endMs ?? options.runEndMs, (c) => (itemCols[c] = 1));
  const stateCols = new Int8Array(columns).fill(-1);
  for (const a of options.attempts) {
    const k = DENSE_STATES.indexOf(a.state);
    cover(a.startMs, a.endMs, (c) => {
      if (k > (stateCols[c] as number)) stateCols[c] = k;
    });
  }
  return { items: runsOf(itemCols, (v) => v === 1), attempts: runsOf(stateCols, (v) => v >= 0) };
}

function runsOf(cols: Int8Array, keep: (value: number) => boolean): ColumnRun[] {
  const out: ColumnRun[] = [];
  let c = 0;
  while (c < cols.length) {
    const v = cols[c] as number;
    let end = c + 1;
    while (end < cols.length && cols[end] === v) end++;
    if (keep(v)) out.push([c, end - c, v]);
    c = end;
  }
  return out;
}

/** The compact arrays of a lane's requests. */
export function denseLaneData(attempts: ReadonlyArray<{ startMs: number; endMs: number; state: DenseState; record: AttemptRecord }>, originMs: number): DenseLaneData {
  const sorted = [...attempts].sort((a, b) => a.startMs - b.startMs);
  return {
    s: sorted.map((a) => a.startMs - originMs),
    e: sorted.map((a) => a.endMs - originMs),
    k: sorted.map((a) => DENSE_STATES.indexOf(a.state)),
    i: sorted.map((a) => a.record.item),
    t: sorted.map((a) => a.record.tier),
  };
}
