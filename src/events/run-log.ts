/**
 * The engine's run log: JSON lines, a `run.meta` header first, then one event per line in emission
 * order. Every simulate and live run writes one (events.jsonl in its report folder); replays read
 * it back. The header holds what a replay needs beyond the events: the policy and the items.
 */
import type { BatchItem } from '../engine/batch-types.js';
import type { Policy } from '../engine/policy.js';
import type { EventSink } from '../ports.js';
import type { BatchEvent } from './batch-event.js';

export const RUN_LOG_VERSION = 1;

/** The first line of a run log. Times are clock milliseconds since the epoch. */
export interface RunLogHeader {
  type: 'run.meta';
  version: typeof RUN_LOG_VERSION;
  /** `simulation` (virtual clock, mock) or `live` (real clock). */
  mode: 'simulation' | 'live';
  /** The scenario's name, or a label for live runs. */
  scenario: string;
  /** The seed of a simulation, null for live runs. */
  seed: number | null;
  /** Which transport served the run: `direct`, `msw`, `http` (a mock's HTTP face) or `scrapfly`. */
  transport: 'direct' | 'msw' | 'http' | 'scrapfly';
  startMs: number;
  batchId: string;
  policy: Policy;
  items: BatchItem[];
  /** The account's concurrency limit when known. */
  accountConcurrency: number | null;
}

/** The header line (no newline). */
export function formatRunLogHeader(header: RunLogHeader): string {
  return JSON.stringify(header);
}

/** A whole run log as text. */
export function formatRunLog(header: RunLogHeader, events: readonly BatchEvent[]): string {
  let out = '';
  for (const line of formatRunLogLines(header, events)) out += line;
  return out;
}

/** A run log line by line (each with its newline), for writing it without building one string. */
export function* formatRunLogLines(header: RunLogHeader, events: readonly BatchEvent[]): Generator<string> {
  yield `${formatRunLogHeader(header)}\n`;
  yield* formatEventLines(events);
}

/** Events as run-log lines (each with its newline), without the header. */
export function* formatEventLines(events: readonly BatchEvent[]): Generator<string> {
  for (const event of events) yield `${JSON.stringify(event)}\n`;
}

/** A sink that hands each event to `writeLine` as one JSON line (with its newline) as it happens. */
export function createJsonLinesSink(writeLine: (line: string) => void): EventSink {
  return { emit: (event) => writeLine(`${JSON.stringify(event)}\n`) };
}
