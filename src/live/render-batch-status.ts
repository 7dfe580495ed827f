/** A batch's status as the API returns it (snake_case JSON, times in ISO 8601). */
import type { BatchRecord } from './batch-store.js';
import type { ProgressSnapshot } from './progress-tracker.js';

/** The JSON body for `GET /api/v1/batches/:id`. `progress` is the live tracker's snapshot while the batch runs here. */
export function renderBatchStatus(options: { record: BatchRecord; progress: ProgressSnapshot | null; reportFiles: readonly string[]; baseUrl: string }) {
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
    policy: record.policy.name,
    workers: record.policy.workers,
    runs: record.segments,
    progress:
      progress === null || record.status !== 'running'
        ? null
        : {
            in_flight: progress.inFlight,
            stalled_workers: progress.stalledWorkers,
            elapsed_seconds: Math.round(progress.elapsedMs / 100) / 10,
            eta_seconds: progress.etaMs === null ? null : Math.round(progress.etaMs / 1000),
            slow_requests: progress.slowRequests,
            open_circuits: progress.openCircuits,
          },
    error: record.error,
    report: record.reportDir === null ? null : { dir: record.reportDir, files },
  };
}
