/**
 * The beam search of assign-concurrent-ends.ts: which running item ended at each start, under a
 * typical duration model. A state is the oldest running typical item (the FIFO pointer `p`), the
 * stall-marked items still running and the stall-marked items the pointer has still to skip; each
 * start turns every kept state into a few children (the oldest typical item ended, or one of the
 * stalls; the new item typical or a stall), the best child of each distinct state is kept, and the
 * `beam` cheapest of those go on. A million starts make tens of millions of children, so states
 * and children are rows of typed arrays (their lists in arenas of their own, reused from step to
 * step) and the chain of ends each state stands for lives in a pool of typed arrays that is
 * compacted when full: a step allocates nothing. Pure.
 */
import { normalLogSurvival } from './normal-distribution.js';

/** Typical durations: mean and spread in ms. */
export interface Typical {
  meanMs: number;
  sdMs: number;
}

/** The best answer: for each item the start (index) at which it ended, -1 when still running; and its cost. */
export interface Searched {
  endedBy: Int32Array;
  /** The negative log-likelihood of the answer (Infinity when no assignment keeps every duration above the floor). */
  cost: number;
}

const STALL_PRIOR = 0.01;
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
const COST_STALL_MARK = -Math.log(STALL_PRIOR);
const COST_TYPICAL_MARK = -Math.log(1 - STALL_PRIOR);

/**
 * Rows of states or of a step's children: cost, FIFO pointer, a link (a state's newest end in the
 * trace pool; a child's parent row), the end a child adds, a hash, and its two lists, stored in
 * the rows' own arena.
 */
class Rows {
  count = 0;
  used = 0;
  cost = new Float64Array(16);
  p = new Int32Array(16);
  link = new Int32Array(16);
  ended = new Int32Array(16);
  hash = new Int32Array(16);
  stalledAt = new Int32Array(16);
  stalledLength = new Int32Array(16);
  markedAt = new Int32Array(16);
  markedLength = new Int32Array(16);
  lists = new Int32Array(256);

  reset(): void {
    this.count = 0;
    this.used = 0;
  }

  add(): number {
    if (this.count === this.cost.length) {
      const size = this.count * 2;
      this.cost = widenFloat(this.cost, size);
      this.p = widen(this.p, size);
      this.link = widen(this.link, size);
      this.ended = widen(this.ended, size);
      this.hash = widen(this.hash, size);
      this.stalledAt = widen(this.stalledAt, size);
      this.stalledLength = widen(this.stalledLength, size);
      this.markedAt = widen(this.markedAt, size);
      this.markedLength = widen(this.markedLength, size);
    }
    return this.count++;
  }

  /** Room for `more` list entries. */
  reserve(more: number): void {
    if (this.used + more > this.lists.length) this.lists = widen(this.lists, Math.max(this.lists.length * 2, this.used + more));
  }
}

function widen(a: Int32Array<ArrayBuffer>, size: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(size);
  b.set(a.subarray(0, Math.min(a.length, size)));
  return b;
}

function widenFloat(a: Float64Array<ArrayBuffer>, size: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(size);
  b.set(a);
  return b;
}

const HASH_P = 0x9e3779b1;
const HASH_STALLED = 0x85ebca6b;
const HASH_MARKED = 0x27d4eb2f;

/** Searches the ends of the items started at `startsMs` (ascending, ms) on `concurrency` workers. */
export function searchConcurrentEnds(options: {
  startsMs: readonly number[];
  concurrency: number;
  observedUntilMs: number;
  stallThresholdMs: number;
  resolutionMs: number;
  minDurationMs?: number;
  typical: Typical;
  beam: number;
  forceRunning?: number;
}): Searched {
  const s = options.startsMs;
  const n = s.length;
  const c = options.concurrency;
  const { meanMs, sdMs } = options.typical;
  const thr = options.stallThresholdMs;
  const spanMs = Math.max(1, options.observedUntilMs - (s[0] ?? 0));
  const logRange = Math.log(Math.max(10 * thr, 2 * spanMs) / thr);
  const logSd = Math.log(sdMs);
  const floorMs = (options.minDurationMs ?? 0) - options.resolutionMs;
  const typicalCost = (d: number) => {
    if (d < floorMs) return Infinity;
    const z = (d - meanMs) / sdMs;
    return HALF_LOG_TWO_PI + logSd + 0.5 * z * z;
  };
  const typicalCensoredCost = (e: number) => -normalLogSurvival((e - meanMs) / sdMs);
  const stallCost = (d: number) => Math.log(d) + Math.log(logRange);
  const stallCensoredCost = (e: number) => (e < thr ? 0 : -Math.log(Math.max(1e-9, 1 - Math.log(e / thr) / logRange)));
  const forced = options.forceRunning ?? -1;
  const beam = options.beam;

  let states = new Rows();
  let next = new Rows();
  const kids = new Rows();
  const trace = createTracePool();
  states.add();
  states.cost[0] = 0;
  states.p[0] = 0;
  states.link[0] = -1;
  // A step's children are told apart by an open-addressing table of their hashes (their positions
  // in `unique` + 1); the best `beam` of the distinct ones, stable in cost, go to `order`.
  let table = new Int32Array(64);
  const unique: number[] = [];
  const order = new Int32Array(beam);

  /**
   * Item j starts after the parent's end `endedItem` (-1: none), as a typical item and as a stall.
   * `pAfter` is the pointer after that end, `markedFrom` where the parent's marked list still lies
   * ahead of it, `dropStalled` the stall that ended (-1: none).
   */
  const startItem = (j: number, parent: number, base: number, pAfter: number, markedFrom: number, dropStalled: number, endedItem: number) => {
    const lists = states.lists;
    const sAt = states.stalledAt[parent] as number;
    const sEnd = sAt + (states.stalledLength[parent] as number);
    const mAt = (states.markedAt[parent] as number) + markedFrom;
    const mEnd = (states.markedAt[parent] as number) + (states.markedLength[parent] as number);
    const stalledKept = sEnd - sAt - (dropStalled >= 0 ? 1 : 0);
    kids.reserve(2 * (stalledKept + 1 + mEnd - mAt + 1));
    if (j !== forced) {
      const i = kids.add();
      const out = kids.lists;
      kids.cost[i] = base + COST_TYPICAL_MARK;
      kids.p[i] = pAfter;
      kids.link[i] = parent;
      kids.ended[i] = endedItem;
      let h = Math.imul(pAfter + 1, HASH_P);
      kids.stalledAt[i] = kids.used;
      for (let k = sAt; k < sEnd; k++) {
        const x = lists[k] as number;
        if (x === dropStalled) continue;
        out[kids.used++] = x;
        h = Math.imul(h ^ (x + 1), HASH_STALLED);
      }
      kids.stalledLength[i] = stalledKept;
      h = Math.imul(h ^ 0x5bd1e995, 0xc2b2ae35);
      kids.markedAt[i] = kids.used;
      for (let k = mAt; k < mEnd; k++) {
        const x = lists[k] as number;
        out[kids.used++] = x;
        h = Math.imul(h ^ (x + 1), HASH_MARKED);
      }
      kids.markedLength[i] = mEnd - mAt;
      kids.hash[i] = (h ^ (h >>> 15)) & 0x3fffffff;
    }
    const i = kids.add();
    const out = kids.lists;
    kids.cost[i] = base + COST_STALL_MARK;
    kids.link[i] = parent;
    kids.ended[i] = endedItem;
    // The marked list with j, past what the pointer skips now (j itself, when the pointer is at it).
    const total = mEnd - mAt + 1;
    let q = pAfter;
    let skip = 0;
    while (skip < total) {
      const x = skip < total - 1 ? (lists[mAt + skip] as number) : j;
      if (x > q) break;
      if (x === q) q++;
      skip++;
    }
    kids.p[i] = q;
    let h = Math.imul(q + 1, HASH_P);
    kids.stalledAt[i] = kids.used;
    for (let k = sAt; k < sEnd; k++) {
      const x = lists[k] as number;
      if (x === dropStalled) continue;
      out[kids.used++] = x;
      h = Math.imul(h ^ (x + 1), HASH_STALLED);
    }
    out[kids.used++] = j;
    h = Math.imul(h ^ (j + 1), HASH_STALLED);
    kids.stalledLength[i] = stalledKept + 1;
    h = Math.imul(h ^ 0x5bd1e995, 0xc2b2ae35);
    kids.markedAt[i] = kids.used;
    for (let k = skip; k < total; k++) {
      const x = k < total - 1 ? (lists[mAt + k] as number) : j;
      out[kids.used++] = x;
      h = Math.imul(h ^ (x + 1), HASH_MARKED);
    }
    kids.markedLength[i] = total - skip;
    kids.hash[i] = (h ^ (h >>> 15)) & 0x3fffffff;
  };
  const same = (a: number, b: number): boolean => {
    if (kids.p[a] !== kids.p[b] || kids.stalledLength[a] !== kids.stalledLength[b] || kids.markedLength[a] !== kids.markedLength[b]) return false;
    const lists = kids.lists;
    for (let k = 0, x = kids.stalledAt[a] as number, y = kids.stalledAt[b] as number; k < (kids.stalledLength[a] as number); k++) if (lists[x + k] !== lists[y + k]) return false;
    for (let k = 0, x = kids.markedAt[a] as number, y = kids.markedAt[b] as number; k < (kids.markedLength[a] as number); k++) if (lists[x + k] !== lists[y + k]) return false;
    return true;
  };

  for (let j = 0; j < n; j++) {
    kids.reset();
    for (let parent = 0; parent < states.count; parent++) {
      const p0 = states.p[parent] as number;
      const cost0 = states.cost[parent] as number;
      if (j < c) {
        startItem(j, parent, cost0, p0, 0, -1, -1);
        continue;
      }
      const sj = s[j] as number;
      if (p0 < j) {
        // The oldest typical item ended: the pointer moves on, past stall-marked items.
        const lists = states.lists;
        const mAt = states.markedAt[parent] as number;
        const mLength = states.markedLength[parent] as number;
        let p = p0 + 1;
        let k = 0;
        while (k < mLength && (lists[mAt + k] as number) <= p) {
          if (lists[mAt + k] === p) p++;
          k++;
        }
        startItem(j, parent, cost0 + typicalCost(sj - (s[p0] as number)), p, k, -1, p0);
      }
      const sAt = states.stalledAt[parent] as number;
      const sLength = states.stalledLength[parent] as number;
      for (let r = 0; r < sLength; r++) {
        const k = states.lists[sAt + r] as number;
        if (k === forced) continue;
        const d = sj - (s[k] as number);
        if (d < thr) continue;
        startItem(j, parent, cost0 + stallCost(d), p0, 0, k, k);
      }
    }
    // The best child of each distinct state, in the order the states first appear (ties keep the first).
    unique.length = 0;
    let size = table.length;
    while (size < 2 * kids.count) size *= 2;
    if (size > table.length) table = new Int32Array(size);
    const mask = size - 1;
    for (let i = 0; i < kids.count; i++) {
      for (let slot = (kids.hash[i] as number) & mask; ; slot = (slot + 1) & mask) {
        const at = table[slot] as number;
        if (at === 0) {
          unique.push(i);
          table[slot] = unique.length;
          break;
        }
        const seen = unique[at - 1] as number;
        if (kids.hash[seen] === kids.hash[i] && same(seen, i)) {
          if ((kids.cost[i] as number) < (kids.cost[seen] as number)) unique[at - 1] = i;
          break;
        }
      }
    }
    table.fill(0, 0, size);
    // The first `beam` of a stable sort by cost.
    let kept = 0;
    for (const u of unique) {
      const cu = kids.cost[u] as number;
      let pos = kept;
      while (pos > 0 && (kids.cost[order[pos - 1] as number] as number) > cu) pos--;
      if (pos >= beam) continue;
      if (kept < beam) kept++;
      for (let k = kept - 1; k > pos; k--) order[k] = order[k - 1] as number;
      order[pos] = u;
    }
    next.reset();
    for (let r = 0; r < kept; r++) {
      const i = order[r] as number;
      const row = next.add();
      next.cost[row] = kids.cost[i] as number;
      next.p[row] = kids.p[i] as number;
      const parentTrace = states.link[kids.link[i] as number] as number;
      // The row is counted already: a compaction of the pool while it is built must find a link in it.
      next.link[row] = -1;
      next.link[row] = (kids.ended[i] as number) >= 0 ? trace.push(parentTrace, kids.ended[i] as number, j, states, next) : parentTrace;
      const sLength = kids.stalledLength[i] as number;
      const mLength = kids.markedLength[i] as number;
      next.reserve(sLength + mLength);
      // Lists of a few items: copied by hand (a typed array view costs more than the copy).
      const to = next.lists;
      const from = kids.lists;
      next.stalledAt[row] = next.used;
      for (let k = 0, at = kids.stalledAt[i] as number; k < sLength; k++) to[next.used++] = from[at + k] as number;
      next.stalledLength[row] = sLength;
      next.markedAt[row] = next.used;
      for (let k = 0, at = kids.markedAt[i] as number; k < mLength; k++) to[next.used++] = from[at + k] as number;
      next.markedLength[row] = mLength;
    }
    const done = states;
    states = next;
    next = done;
    if (states.count === 0) break;
  }
  let best = -1;
  let bestCost = Infinity;
  for (let r = 0; r < states.count; r++) {
    let total = states.cost[r] as number;
    const mAt = states.markedAt[r] as number;
    const mLength = states.markedLength[r] as number;
    let m = 0;
    for (let i = states.p[r] as number; i < n; i++) {
      while (m < mLength && (states.lists[mAt + m] as number) < i) m++;
      if (m < mLength && states.lists[mAt + m] === i) continue;
      total += typicalCensoredCost(options.observedUntilMs - (s[i] as number));
    }
    const sAt = states.stalledAt[r] as number;
    for (let k = 0; k < (states.stalledLength[r] as number); k++) total += stallCensoredCost(options.observedUntilMs - (s[states.lists[sAt + k] as number] as number));
    if (total < bestCost) {
      bestCost = total;
      best = r;
    }
  }
  const endedBy = new Int32Array(n).fill(-1);
  for (let t = best >= 0 ? (states.link[best] as number) : -1; t >= 0; t = trace.prevOf(t)) endedBy[trace.itemOf(t)] = trace.byOf(t);
  return { endedBy, cost: bestCost };
}

/**
 * The chains of ends of the states, as rows (previous row, item, start index) of typed arrays.
 * When the pool is full, the rows no live state reaches are dropped, and it grows only when most
 * rows are still reached.
 */
function createTracePool() {
  let prev = new Int32Array(1 << 12);
  let item = new Int32Array(1 << 12);
  let by = new Int32Array(1 << 12);
  let count = 0;
  /** Keeps the rows the links of `alive` (states, their rows' `link`) and `pending` reach; returns `pending` moved. */
  const compact = (alive: readonly Rows[], pending: number): number => {
    const reached = new Uint8Array(count);
    const mark = (root: number) => {
      for (let t = root; t >= 0 && reached[t] === 0; t = prev[t] as number) reached[t] = 1;
    };
    mark(pending);
    for (const rows of alive) for (let r = 0; r < rows.count; r++) mark(rows.link[r] as number);
    const moved = new Int32Array(count);
    let kept = 0;
    for (let t = 0; t < count; t++) {
      if (reached[t] === 0) continue;
      moved[t] = kept;
      const p = prev[t] as number;
      prev[kept] = p >= 0 ? (moved[p] as number) : -1;
      item[kept] = item[t] as number;
      by[kept] = by[t] as number;
      kept++;
    }
    for (const rows of alive) for (let r = 0; r < rows.count; r++) if ((rows.link[r] as number) >= 0) rows.link[r] = moved[rows.link[r] as number] as number;
    count = kept;
    if (count * 2 > prev.length) {
      prev = widen(prev, prev.length * 2);
      item = widen(item, item.length * 2);
      by = widen(by, by.length * 2);
    }
    return pending >= 0 ? (moved[pending] as number) : -1;
  };
  return {
    /** Adds an end after row `after` (-1: none); the rows of `states` and `building` are kept, and their links moved, if the pool compacts. */
    push(after: number, endedItem: number, at: number, states: Rows, building: Rows): number {
      const tail = count === prev.length ? compact([states, building], after) : after;
      prev[count] = tail;
      item[count] = endedItem;
      by[count] = at;
      return count++;
    },
    prevOf: (t: number) => prev[t] as number,
    itemOf: (t: number) => item[t] as number,
    byOf: (t: number) => by[t] as number,
  };
}
