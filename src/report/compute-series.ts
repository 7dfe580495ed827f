/**
 * Step functions of a run over time, for charts and trace counters: requests the engine waits on,
 * zombie requests, items still queued, and the account's concurrency at Scrapfly. Each series is
 * a list of change points `{atMs, value}` in time order; the value holds until the next point.
 */
import { zombieSpanOf } from './attempt-records.js';
import type { RunProjection } from './run-projection.js';

export interface SeriesPoint {
  atMs: number;
  value: number;
}

export interface RunSeries {
  /** Requests the workers are waiting on (zombies excluded). */
  inFlight: SeriesPoint[];
  /** Requests still running after their client stopped waiting. */
  zombies: SeriesPoint[];
  /** Items not started yet (and not skipped). */
  queueDepth: SeriesPoint[];
  /** Requests the account has in flight at Scrapfly (the mock's count, else response headers); empty when unknown. */
  scrapflyConcurrency: SeriesPoint[];
}

const seriesOf = new WeakMap<RunProjection, RunSeries>();

/** The series of one run from its projection, computed once per projection (the page and the trace share them; do not change them). */
export function computeSeries(projection: RunProjection): RunSeries {
  let series = seriesOf.get(projection);
  if (!series) {
    series = buildSeries(projection);
    seriesOf.set(projection, series);
  }
  return series;
}

function buildSeries(projection: RunProjection): RunSeries {
  const { records } = projection;
  const inFlight: Array<[number, number]> = [];
  const zombies: Array<[number, number]> = [];
  for (const a of records.attempts) {
    if (!a.startedAsZombie) {
      const stopMs = a.clientEndMs ?? a.endMs ?? records.endMs;
      inFlight.push([a.startMs, 1], [stopMs, -1]);
    }
    const span = zombieSpanOf(a);
    if (span && span.toMs > span.fromMs) zombies.push([span.fromMs, 1], [span.toMs, -1]);
  }
  // An item leaves the queue when it starts, or when it ends without having started (skipped).
  const queue: Array<[number, number]> = [[records.startMs, records.itemCount]];
  for (const item of records.items) {
    if (item.startMs !== null) queue.push([item.startMs, -1]);
    else if (item.endMs !== null) queue.push([item.endMs, -1]);
  }
  const concurrency: SeriesPoint[] = projection.concurrency.map((r) => ({ atMs: r.atMs, value: r.value }));
  const sawMock = projection.sawMock;
  if (sawMock && concurrency.length > 0 && (concurrency[0] as SeriesPoint).atMs > records.startMs) concurrency.unshift({ atMs: records.startMs, value: 0 });
  return {
    inFlight: accumulate(inFlight, records.startMs),
    zombies: accumulate(zombies, records.startMs),
    queueDepth: accumulate(queue, records.startMs),
    scrapflyConcurrency: dedupe(concurrency),
  };
}

/** Sums deltas into change points, starting at 0 at `startMs`; one point per instant (the last value). */
function accumulate(deltas: Array<[number, number]>, startMs: number): SeriesPoint[] {
  deltas.sort((a, b) => a[0] - b[0]);
  const points: SeriesPoint[] = [{ atMs: startMs, value: 0 }];
  let value = 0;
  for (const [atMs, delta] of deltas) {
    value += delta;
    points.push({ atMs, value });
  }
  return dedupe(points);
}

/** Keeps the last value of each instant and drops points that do not change the value. */
function dedupe(points: readonly SeriesPoint[]): SeriesPoint[] {
  const out: SeriesPoint[] = [];
  for (const p of points) {
    const last = out[out.length - 1];
    if (last && last.atMs === p.atMs) {
      last.value = p.value;
      const before = out[out.length - 2];
      if (before && before.value === last.value) out.pop();
    } else if (!last || last.value !== p.value) {
      out.push({ atMs: p.atMs, value: p.value });
    }
  }
  return out;
}

/** The highest value of a series, 0 when empty. */
export function peakOf(series: readonly SeriesPoint[]): number {
  return series.reduce((max, p) => Math.max(max, p.value), 0);
}
