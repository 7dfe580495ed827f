/**
 * What a replay reads out of a log: runs (one batch each) with their items, the attempts when the
 * log has them, and counts of every kind of line, so that nothing the parser skipped goes
 * unreported. Times are milliseconds since the Unix epoch (UTC; a text time without a zone is
 * read in the naive zone, UTC unless `--time-zone` says otherwise).
 */
import type { AttemptResult, BatchEvent, ItemOutcome } from '../events/batch-event.js';
import type { RunLogHeader } from '../events/run-log.js';
import type { LogDialect } from './read-log-envelope.js';
import type { ResultOutcome } from './read-log-message.js';

/** `text`: an application's log (any text or structured dialect); `run-log`: the engine's JSON lines. */
export type LogFormat = 'text' | 'run-log';

/** One item of a logged batch. */
export interface LoggedItem {
  /** Position in the batch: start order for text logs, the engine's item index for run logs. */
  index: number;
  name: string;
  domain: string | null;
  url: string | null;
  /** When it started, or null when it never did (skipped). */
  startMs: number | null;
  /** When it ended, or null when the log does not say. */
  endMs: number | null;
  /** The worker the log names, or null. */
  worker: number | null;
  outcome: ItemOutcome | null;
  /** The 1-based line of its start (or of its end when it never started). */
  line: number;
  /** Application logs: the duration its result line states, ms, or null. */
  statedDurationMs: number | null;
  /** Application logs: how its last result line says it ended, or null. */
  result: ResultOutcome | null;
  /** The line of its last result line (or run-log end), or null. */
  endLine: number | null;
  /** Other lines naming it (warnings, errors that are not its result), first few kept. */
  notes: Array<{ line: number; atMs: number; text: string }>;
  /** How many lines named it without being its start or result. */
  mentions: number;
}

/** Lines kept per item as notes at most. */
export const MAX_ITEM_NOTES = 3;

/** One request of a run log. */
export interface LoggedAttempt {
  item: number;
  attempt: number;
  tier: number;
  startMs: number;
  /** When the request ended (its response, its read timeout or its cancellation), or null. */
  endMs: number | null;
  result: AttemptResult | null;
  /** The HTTP status of its answer (429: refused for the account's concurrency), or null. */
  status: number | null;
  /** When the client stopped waiting without ending it (abandon), or null. */
  abandonedAtMs: number | null;
  startedAsZombie: boolean;
}

/** One batch found in a log. */
export interface LoggedRun {
  /** 1-based position in the file. */
  index: number;
  format: LogFormat;
  firstLine: number;
  lastLine: number;
  batchId: string | null;
  policyName: string | null;
  /** When the batch started: its declaration line or `batch.start`, else its first item start. */
  startMs: number;
  /** Whether `startMs` comes from a declaration (true) or from the first start (false). */
  startDeclared: boolean;
  declaredItems: number | null;
  declaredWorkers: number | null;
  declaredExecution: 'concurrent' | 'blocking' | null;
  /** `batch.end` of a run log or the batch-end line of an application log, or null. */
  endMs: number | null;
  /** The line of the batch end, or null. */
  endLine: number | null;
  /** The counts an application log's batch-end line states, when it states them. */
  endCounts: { priced: number | null; failed: number | null; total: number | null; durationMs: number | null } | null;
  /** Result lines read for this run (application logs). */
  results: number;
  /** The latest timestamp of any line of the run. */
  lastSeenMs: number;
  /** Items in batch order (by index). */
  items: LoggedItem[];
  attempts: LoggedAttempt[];
  header: RunLogHeader | null;
  /** Every event of a run log, when the parser was asked to keep them; else null. */
  events: BatchEvent[] | null;
  /** Item names seen on more than one start line, with how many times. */
  duplicateNames: Array<{ name: string; count: number }>;
}

/** A count of lines of one kind, with the first line where it happened. */
export interface LineTally {
  count: number;
  /** 1-based line number of the first occurrence, or null. */
  firstLine: number | null;
}

/** How every line of the file was read. */
export interface LogLineCounts {
  total: number;
  blank: number;
  /** Lines starting with `#` (fixtures annotate themselves this way). */
  comments: number;
  /** Lines the replay used: declarations, starts, results, batch ends, run-log headers and the events it reads. */
  used: number;
  /** Of `used`, the result lines (application logs). */
  results: number;
  /** Of `used`, the batch-end lines (application logs). */
  batchEnds: number;
  /** Lines naming a started machine that are neither its start nor its result (kept as notes). */
  mentions: number;
  /** Well-formed lines with other messages (text) or events the replay does not need (run log). */
  other: number;
  /** The most frequent kinds of other lines, most first (at most 10). */
  otherKinds: Array<{ kind: string; count: number }>;
  /** Text lines without a leading timestamp (continuations such as tracebacks). */
  untimed: LineTally;
  /** Malformed lines skipped under `skipMalformed`. */
  malformed: LineTally & { firstReason: string | null };
  /** Lines holding binary data (NUL bytes or undecodable bytes). */
  binary: LineTally;
  /** Lines whose timestamp is earlier than the line before. */
  outOfOrder: LineTally;
  /** The last line could not be read and looks cut short (a log still being written). */
  truncatedLastLine: number | null;
}

/** A parsed log file. */
export interface ParsedLog {
  /** The file name or label, for messages. */
  source: string;
  format: LogFormat;
  /** How the lines were written (detected or given). */
  dialect: LogDialect;
  /** The precision of the timestamps, ms: 1000 for whole seconds, 1 for milliseconds. */
  resolutionMs: number;
  /** Lines whose time carried no zone and were read in `naiveZone` (0 when every time had one). */
  naiveLines: number;
  /** The zone naive times were read in. */
  naiveZone: string;
  runs: LoggedRun[];
  lines: LogLineCounts;
}
