/** A batch's status as the API returns it (snake_case JSON, times in ISO 8601, durations in seconds of wall time). */
import { isDirectTier, usesScrapfly, type Policy } from '../engine/policy.js';
import type { BatchRecord } from './batch-store.js';
import type { ProgressSnapshot } from './progress-tracker.js';

/** The progress of a running batch (snake_case, seconds of the batch's clock), in its status and in the admin page's event stream. */
export function renderProgressJson(progress: ProgressSnapshot) {
  return {
    done: progress.done,
    total: progress.total,
    outcomes: { priced: progress.counts.priced, failed: progress.counts.failed, timed_out: progress.counts.timedOut, skipped: progress.counts.skipped },
    in_flight: progress.inFlight,
    stalled_workers: progress.stalledWorkers,
    workers: progress.workers,
    elapsed_seconds: Math.round(progress.elapsedMs / 100) / 10,
    eta_seconds: progress.etaMs === null ? null : Math.round(progress.etaMs / 1000),
    slow_requests: progress.slowRequests,
    open_circuits: progress.openCircuits,
  };
}

/** Whether `run --resume` (or the API's resume) can finish the batch: stopped with machines left. */
export function isResumable(record: Pick<BatchRecord, 'status' | 'done' | 'total'>): boolean {
  return (record.status === 'cancelled' || record.status === 'interrupted' || record.status === 'failed') && record.done < record.total;
}

/** How the batch's pages were fetched: `scrapfly`, `direct`, or `direct+scrapfly` for a ladder with both. */
function describeFetch(policy: Policy): 'scrapfly' | 'direct' | 'direct+scrapfly' {
  const direct = policy.tiers.some(isDirectTier);
  if (!direct) return 'scrapfly';
  return usesScrapfly(policy) ? 'direct+scrapfly' : 'direct';
}

/** The JSON body for `GET /api/v1/batches/:id`. `progress` is the live tracker's snapshot while the batch runs here. */
export function renderBatchStatus(options: { record: BatchRecord; progress: ProgressSnapshot | null; reportFiles: readonly string[]; baseUrl: string; nowMs?: number }) {
  const { record, progress } = options;
  const files: Record<string, string> = {};
  for (const name of options.reportFiles) files[name] = `${options.baseUrl}/api/v1/batches/${record.id}/report/${name}`;
  return {
    batch_id: record.id,
    status: record.status,
    trigger: record.request.trigger,
    created_at: new Date(record.createdMs).toISOString(),
    finished_at: record.finishedMs === null ? null : new Date(record.finishedMs).toISOString(),
    total: record.total,
    done: record.done,
    outcomes: { priced: record.counts.priced, failed: record.counts.failed, timed_out: record.counts.timedOut, skipped: record.counts.skipped },
    flagged_for_review: record.flagged,
    duration_seconds: Math.max(0, Math.round(((record.finishedMs ?? options.nowMs ?? record.createdMs) - record.createdMs) / 100) / 10),
    resumable: isResumable(record),
    policy: record.policy.name,
    fetch: describeFetch(record.policy),
    workers: record.policy.workers,
    runs: record.segments,
    progress: progress === null || record.status !== 'running' ? null : renderProgressJson(progress),
    error: record.error,
    report: record.reportDir === null ? null : { dir: record.reportDir, files },
  };
}
