/**
 * A streaming log parser: lines go in one at a time and records come out to a visitor as they
 * are read, so parsing itself holds no more than the line at hand (memory does not grow with the
 * file; what the visitor keeps is its own business). Reads the seed's text format and the
 * engine's run log, detects which one from the first line that says, counts every line it does
 * not use, and reports a malformed line with its number (or counts it, under `skipMalformed`).
 */
import { LogParseError } from '../errors.js';
import type { BatchEvent } from '../events/batch-event.js';
import type { RunLogHeader } from '../events/run-log.js';
import type { LogFormat, LogLineCounts } from './log-records.js';
import { createTextStamp, readTextStamp } from './read-text-stamp.js';

/** Receives records in file order. Visitors must not throw. */
export interface LogVisitor {
  /** Text: "Starting concurrent processing of N machines with W workers". */
  declaration?(record: { line: number; atMs: number; items: number; workers: number }): void;
  /** Text: "Processing machine NAME - Worker available". */
  start?(record: { line: number; atMs: number; name: string }): void;
  /** Run log: a `run.meta` header line. */
  header?(record: { line: number; header: RunLogHeader }): void;
  /** Run log: one event (any type with a timestamp). */
  event?(record: { line: number; event: BatchEvent }): void;
}

export interface LogParser {
  /** The detected (or requested) format, null until a line decides it. */
  readonly format: LogFormat | null;
  /** Reads the next line (without its newline). Throws LogParseError on a malformed line. */
  push(line: string): void;
  /** Ends the input. Throws LogParseError when the file held no usable line. */
  finish(): { format: LogFormat; lines: LogLineCounts };
}

const START_PREFIX = 'Processing machine ';
const START_SUFFIX = ' - Worker available';
const DECLARATION = /^Starting (?:concurrent )?processing of (\d+) machines? with (\d+) workers?\b/;
/** Run-log event types the replay reads; other events are counted as "other" lines. */
const USED_EVENTS = new Set(['batch.start', 'batch.end', 'item.start', 'item.end', 'attempt.start', 'attempt.end', 'attempt.abandon']);
const MAX_KINDS = 1000;

/** Creates a parser for one file. `source` names the file in messages. */
export function createLogParser(options: { format: LogFormat | 'auto'; skipMalformed: boolean; source: string; visitor: LogVisitor }): LogParser {
  const { visitor, source } = options;
  let format: LogFormat | null = options.format === 'auto' ? null : options.format;
  const counts: LogLineCounts = {
    total: 0,
    blank: 0,
    comments: 0,
    used: 0,
    other: 0,
    otherKinds: [],
    untimed: { count: 0, firstLine: null },
    malformed: { count: 0, firstLine: null, firstReason: null },
    binary: { count: 0, firstLine: null },
    outOfOrder: { count: 0, firstLine: null },
    truncatedLastLine: null,
  };
  const kinds = new Map<string, number>();
  const stamp = createTextStamp();
  let lastAtMs = -Infinity;
  let pendingCut: { line: number; reason: string } | null = null;

  const tally = (t: { count: number; firstLine: number | null }, line: number) => {
    t.count++;
    t.firstLine ??= line;
  };
  const countOther = (kind: string) => {
    counts.other++;
    const key = kinds.size >= MAX_KINDS && !kinds.has(kind) ? '(other kinds)' : kind;
    kinds.set(key, (kinds.get(key) ?? 0) + 1);
  };
  const malformed = (line: number, reason: string) => {
    if (!options.skipMalformed) {
      throw new LogParseError(`Failed to read log ${source}: line ${line}: ${reason} (use --skip-malformed to skip such lines and count them)`, line);
    }
    counts.malformed.count++;
    counts.malformed.firstLine ??= line;
    counts.malformed.firstReason ??= reason;
  };
  const noteTime = (atMs: number, line: number) => {
    if (atMs < lastAtMs) tally(counts.outOfOrder, line);
    lastAtMs = atMs;
  };

  const readText = (text: string, line: number) => {
    const result = readTextStamp(text, stamp);
    if (result === 'untimed') {
      tally(counts.untimed, line);
      return;
    }
    if (result === 'bad') {
      // A last line cut inside its timestamp is a log still being written, not a bad line.
      if (text.length < 20) pendingCut = { line, reason: `malformed timestamp: ${stamp.reason}` };
      else malformed(line, `malformed timestamp: ${stamp.reason}`);
      return;
    }
    const atMs = stamp.atMs;
    const message = stamp.messageStart === 0 ? text : text.slice(stamp.messageStart);
    if (message.startsWith(START_PREFIX)) {
      const end = message.endsWith(START_SUFFIX) ? message.length - START_SUFFIX.length : message.length;
      const name = message.slice(START_PREFIX.length, end).trim();
      if (name === '') return malformed(line, 'a "Processing machine" line without a machine name');
      noteTime(atMs, line);
      counts.used++;
      visitor.start?.({ line, atMs, name });
      return;
    }
    const declared = DECLARATION.exec(message);
    if (declared) {
      lastAtMs = -Infinity;
      noteTime(atMs, line);
      counts.used++;
      visitor.declaration?.({ line, atMs, items: Number(declared[1]), workers: Number(declared[2]) });
      return;
    }
    noteTime(atMs, line);
    countOther(kindOf(message));
  };

  const readRunLog = (text: string, line: number) => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      if (!text.trimEnd().endsWith('}')) pendingCut = { line, reason: `not valid JSON (${detail})` };
      else malformed(line, `not valid JSON (${detail})`);
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return malformed(line, `expected a JSON object, got ${shorten(text)}`);
    const obj = value as Record<string, unknown>;
    const type = obj['type'];
    if (typeof type !== 'string') return malformed(line, 'a JSON line without a string "type"');
    if (type === 'run.meta') {
      const reason = checkHeader(obj);
      if (reason) return malformed(line, `run.meta header ${reason}`);
      lastAtMs = -Infinity;
      counts.used++;
      visitor.header?.({ line, header: obj as unknown as RunLogHeader });
      return;
    }
    const reason = checkEvent(type, obj);
    if (reason) return malformed(line, `${type} event ${reason}`);
    noteTime(obj['atMs'] as number, line);
    if (USED_EVENTS.has(type)) counts.used++;
    else countOther(type);
    visitor.event?.({ line, event: obj as unknown as BatchEvent });
  };

  return {
    get format() {
      return format;
    },
    push(raw: string) {
      const line = ++counts.total;
      const text = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw;
      if (pendingCut) {
        // The cut-looking line was not the last one after all: it is malformed.
        const cut = pendingCut;
        pendingCut = null;
        malformed(cut.line, cut.reason);
      }
      if (text.length === 0 || isBlank(text)) {
        counts.blank++;
        return;
      }
      if (text.charCodeAt(0) === 35) {
        counts.comments++;
        return;
      }
      if (text.includes('\u0000') || text.includes('\uFFFD')) {
        tally(counts.binary, line);
        if (format === null || format === 'run-log') {
          throw new LogParseError(`Failed to read log ${source}: line ${line} holds binary data (NUL or undecodable bytes): this is not a batch log`, line);
        }
        return;
      }
      format ??= text.charCodeAt(0) === 123 ? 'run-log' : 'text';
      if (format === 'text') readText(text, line);
      else readRunLog(text, line);
    },
    finish() {
      if (pendingCut) counts.truncatedLastLine = pendingCut.line;
      pendingCut = null;
      counts.otherKinds = [...kinds.entries()]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .slice(0, 10)
        .map(([kind, count]) => ({ kind, count }));
      if (counts.total === 0) throw new LogParseError(`Failed to read log ${source}: the file is empty`, 0);
      if (counts.blank === counts.total) throw new LogParseError(`Failed to read log ${source}: the file holds only blank lines (${counts.total})`, 0);
      if (counts.used === 0) throw new LogParseError(`Failed to read log ${source}: ${describeNothingFound(counts, format)}`, 0);
      return { format: format ?? 'text', lines: counts };
    },
  };
}

function describeNothingFound(counts: LogLineCounts, format: LogFormat | null): string {
  const read = `read ${counts.total} line${counts.total === 1 ? '' : 's'}`;
  if (format === 'run-log') return `no run.meta header or batch event in it (${read}); a run log holds one JSON object per line`;
  const parts = [
    counts.untimed.count > 0 ? `${counts.untimed.count} without a timestamp` : '',
    counts.other > 0 ? `${counts.other} with other messages` : '',
    counts.blank > 0 ? `${counts.blank} blank` : '',
    counts.comments > 0 ? `${counts.comments} comments` : '',
    counts.malformed.count > 0 ? `${counts.malformed.count} malformed` : '',
  ].filter(Boolean);
  return (
    'no line looks like a batch log: expected "YYYY-MM-DD HH:MM:SS - Processing machine NAME - Worker available" lines ' +
    `or a run log (JSON lines after a run.meta header); ${read}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`
  );
}

/** A short label for a message kind: its first words, digits folded, so similar lines group. */
function kindOf(message: string): string {
  const words = message.split(/\s+/, 3).join(' ');
  return words.replace(/\d+/g, '#').slice(0, 40) || '(empty message)';
}

function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 0xfeff) return false;
  }
  return true;
}

function shorten(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function isInt(value: unknown): boolean {
  return Number.isInteger(value);
}

function checkHeader(obj: Record<string, unknown>): string | null {
  if (typeof obj['startMs'] !== 'number' || !Number.isFinite(obj['startMs'])) return 'without a numeric startMs';
  if (!Array.isArray(obj['items'])) return 'without an items array';
  if (typeof obj['policy'] !== 'object' || obj['policy'] === null) return 'without a policy object';
  return null;
}

function checkEvent(type: string, obj: Record<string, unknown>): string | null {
  const at = obj['atMs'];
  if (typeof at !== 'number' || !Number.isFinite(at)) return 'without a numeric atMs';
  switch (type) {
    case 'item.start':
      if (!isInt(obj['item']) || typeof obj['name'] !== 'string' || !isInt(obj['worker'])) return 'without an integer item, a string name and an integer worker';
      return null;
    case 'item.end':
      return isInt(obj['item']) ? null : 'without an integer item';
    case 'attempt.start':
    case 'attempt.end':
    case 'attempt.abandon':
      return isInt(obj['item']) && isInt(obj['attempt']) ? null : 'without an integer item and attempt';
    case 'batch.start':
      return isInt(obj['workers']) && isInt(obj['items']) ? null : 'without integer workers and items';
    default:
      return null;
  }
}
