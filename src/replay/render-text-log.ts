/**
 * Renders engine events in the seed's text format, the application log of the 2025-08-06
 * incident: a declaration line when the batch starts, then one "Processing machine" line per item
 * start, times in whole seconds (UTC), as the application printed them. It turns run logs into
 * the form incident logs come in, so that the replay of both formats can be checked against the
 * same known runs. Pure.
 */
import type { BatchEvent } from '../events/batch-event.js';
import { formatClockDateTime } from '../report/format-clock-time.js';

/**
 * The lines (without newlines) for `events`. `otherLines` also renders each request's end as an
 * HTTP client line, as a real application log interleaves them (the replay counts and skips them).
 */
export function renderTextLog(options: { events: readonly BatchEvent[]; otherLines?: boolean }): string[] {
  const lines: string[] = [];
  for (const e of options.events) {
    if (e.type === 'batch.start') {
      lines.push(`${formatClockDateTime(e.atMs)} - Starting concurrent processing of ${e.items} machines with ${e.workers} workers`);
    } else if (e.type === 'item.start') {
      lines.push(`${formatClockDateTime(e.atMs)} - Processing machine ${e.name} - Worker available`);
    } else if (options.otherLines && e.type === 'attempt.end' && e.status !== null) {
      lines.push(`${formatClockDateTime(e.atMs)} - HTTP Request: GET https://api.scrapfly.io/scrape "HTTP/1.1 ${e.status}"`);
    }
  }
  return lines;
}
