/** Events as JSON lines: one event per line, fields in emission order. */
import type { BatchEvent } from './batch-event.js';

/** One event as one line of JSON (no trailing newline). */
export function serializeEvent(event: BatchEvent): string {
  return JSON.stringify(event);
}

/** Events as JSONL text, each line ending in a newline. */
export function serializeEvents(events: readonly BatchEvent[]): string {
  let out = '';
  for (const event of events) out += `${JSON.stringify(event)}\n`;
  return out;
}
