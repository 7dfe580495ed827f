/**
 * Progress as text: a one-line bar for a terminal (redrawn in place) and a plain line for logs.
 * Pure: the caller decides when and where to write.
 */
import { formatDurationMs } from '../units/duration.js';
import type { ProgressSnapshot } from './progress-tracker.js';

/** `[########------] 40/165 24% · 38 priced 2 failed · 5 in flight · 1 stalled · ETA 3m12s`, fitted to `width`. */
export function renderProgressBar(snapshot: ProgressSnapshot, options: { width: number }): string {
  const tail = ` ${snapshot.done}/${snapshot.total} ${percent(snapshot)} · ${describeCounts(snapshot)} · ${snapshot.inFlight} in flight · ${snapshot.stalledWorkers} stalled · ETA ${eta(snapshot)}`;
  const barWidth = Math.max(10, Math.min(40, options.width - tail.length - 3));
  const filled = snapshot.total === 0 ? barWidth : Math.round((snapshot.done / snapshot.total) * barWidth);
  const line = `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]${tail}`;
  return line.length > options.width ? line.slice(0, Math.max(0, options.width - 1)) : line;
}

/** `40/165 done (24%): 38 priced, 2 failed, 0 timed out, 0 skipped; 5 in flight, 1 stalled; ETA 3m12s`. */
export function renderProgressLine(snapshot: ProgressSnapshot): string {
  const { counts } = snapshot;
  let line =
    `${snapshot.done}/${snapshot.total} done (${percent(snapshot)}): ${counts.priced} priced, ${counts.failed} failed, ${counts.timedOut} timed out, ${counts.skipped} skipped; ` +
    `${snapshot.inFlight} in flight, ${snapshot.stalledWorkers} stalled; ETA ${eta(snapshot)}`;
  if (snapshot.slowRequests > 0) line += `; ${snapshot.slowRequests} slow requests`;
  if (snapshot.openCircuits.length > 0) line += `; circuit open: ${snapshot.openCircuits.join(', ')}`;
  return line;
}

function percent(snapshot: ProgressSnapshot): string {
  return snapshot.total === 0 ? '100%' : `${Math.floor((snapshot.done / snapshot.total) * 100)}%`;
}

function describeCounts(snapshot: ProgressSnapshot): string {
  const { counts } = snapshot;
  const parts = [`${counts.priced} priced`];
  if (counts.failed > 0) parts.push(`${counts.failed} failed`);
  if (counts.timedOut > 0) parts.push(`${counts.timedOut} timed out`);
  if (counts.skipped > 0) parts.push(`${counts.skipped} skipped`);
  return parts.join(' ');
}

function eta(snapshot: ProgressSnapshot): string {
  if (snapshot.done >= snapshot.total) return 'done';
  return snapshot.etaMs === null ? '?' : formatDurationMs(snapshot.etaMs);
}
