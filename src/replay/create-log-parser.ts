/**
 * A streaming log parser: lines go in one at a time and records come out to a visitor as they
 * are read, so parsing itself holds no more than the line at hand and the names of the current
 * run's machines (memory does not grow with the file; what the visitor keeps is its own
 * business). Reads application logs in every dialect of read-log-envelope.ts and the engine's run
 * log, detects which from the first line that tells, counts every line it does not use, and
 * reports a malformed line with its number (or counts it, under `skipMalformed`).
 */
import { LogParseError } from '../errors.js';
import type { BatchEvent } from '../events/batch-event.js';
import type { RunLogHeader } from '../events/run-log.js';
import type { LogFormat, LogLineCounts } from './log-records.js';
import { createMachineNameIndex, type MachineNameIndex } from './match-machine-name.js';
import { UTC_ZONE, type NaiveZone } from './naive-zone.js';
import { BUILT_IN_DIALECTS, createEnvelope, createEnvelopeReader, detectDialect, type EnvelopeReader, type LogDialect } from './read-log-envelope.js';
import { createMessageReader, type ResultOutcome } from './read-log-message.js';

/** Receives records in file order. Visitors must not throw. */
export interface LogVisitor {
  /** Text: "Starting concurrent processing of N machines with W workers". */
  declaration?(record: { line: number; atMs: number; items: number; workers: number }): void;
  /** Text: "Processing machine NAME - Worker available". */
  start?(record: { line: number; atMs: number; name: string }): void;
  /** Text: a line naming a started machine and saying it ended. */
  result?(record: { line: number; atMs: number; name: string; outcome: ResultOutcome | null; durationMs: number | null }): void;
  /** Text: a line saying the batch is over. */
  batchEnd?(record: { line: number; atMs: number; priced: number | null; failed: number | null; total: number | null; durationMs: number | null }): void;
  /** Text: another line naming a started machine (a warning, an error that is not its result). */
  mention?(record: { line: number; atMs: number; name: string; text: string }): void;
  /** Run log: a `run.meta` header line. */
  header?(record: { line: number; header: RunLogHeader }): void;
  /** Run log: one event (any type with a timestamp). */
  event?(record: { line: number; event: BatchEvent }): void;
}

export interface LogParser {
  /** The detected (or requested) dialect, null until a line decides it. */
  readonly dialect: LogDialect | null;
  /** Reads the next line (without its newline). Throws LogParseError on a malformed line. */
  push(line: string): void;
  /** Ends the input. Throws LogParseError when the file held no usable line. */
  finish(): ParserResult;
}

/** What the parser learned of the file as a whole. */
export interface ParserResult {
  format: LogFormat;
  dialect: LogDialect;
  lines: LogLineCounts;
  /** The coarsest precision of the timestamps read, ms (1000: whole seconds). */
  resolutionMs: number;
  /** Lines whose time had no zone. */
  naiveLines: number;
}

/** Options of the parser beyond the dialect: the naive zone and the user's patterns. */
export interface LogParserOptions {
  /** `auto`, or one dialect; `text` and `run-log` (the old formats) are dialects too. */
  format: LogDialect | 'auto';
  skipMalformed: boolean;
  source: string;
  visitor: LogVisitor;
  zone?: NaiveZone;
  linePattern?: string | null;
  timeFormat?: string | null;
  startPattern?: string | null;
  endPattern?: string | null;
}

const UNREAD_SAMPLES = 3;
/** Run-log event types the replay reads; other events are counted as "other" lines. */
const USED_EVENTS = new Set(['batch.start', 'batch.end', 'item.start', 'item.end', 'attempt.start', 'attempt.end', 'attempt.abandon']);
const MAX_KINDS = 1000;

/**
 * Creates a parser for one file. `source` names the file in messages. Throws UsageError for a bad
 * `linePattern`, `timeFormat`, `startPattern` or `endPattern`.
 */
export function createLogParser(options: LogParserOptions): LogParser {
  const { visitor, source } = options;
  const envelopeOptions = { zone: options.zone ?? UTC_ZONE, linePattern: options.linePattern ?? null, timeFormat: options.timeFormat ?? null };
  const messages = createMessageReader({ startPattern: options.startPattern, endPattern: options.endPattern });
  let dialect: LogDialect | null = options.linePattern ? 'pattern' : options.format === 'auto' ? null : options.format;
  let reader: EnvelopeReader | null = dialect === null || dialect === 'run-log' ? null : createEnvelopeReader(dialect, envelopeOptions);
  const envelope = createEnvelope();
  let names: MachineNameIndex = createMachineNameIndex();
  let batchOver = false;
  let minDigits = Infinity;
  let naiveLines = 0;
  const unread: Array<{ line: number; text: string }> = [];
  const counts: LogLineCounts = {
    total: 0,
    blank: 0,
    comments: 0,
    used: 0,
    results: 0,
    batchEnds: 0,
    mentions: 0,
    other: 0,
    otherKinds: [],
    untimed: { count: 0, firstLine: null },
    malformed: { count: 0, firstLine: null, firstReason: null },
    binary: { count: 0, firstLine: null },
    outOfOrder: { count: 0, firstLine: null },
    truncatedLastLine: null,
  };
  const kinds = new Map<string, number>();
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

  const noteUnread = (line: number, text: string) => {
    if (unread.length < UNREAD_SAMPLES) unread.push({ line, text: text.length > 100 ? `${text.slice(0, 97)}...` : text });
  };

  const readText = (text: string, line: number) => {
    const r = reader as EnvelopeReader;
    const result = r.read(text, envelope);
    if (result === 'untimed') {
      tally(counts.untimed, line);
      noteUnread(line, text);
      return;
    }
    if (result === 'bad') {
      // A last line cut short is a log still being written, not a bad line.
      const cut = r.dialect === 'json' || r.dialect === 'docker-json' ? !text.trimEnd().endsWith('}') : text.length < 20;
      if (cut) pendingCut = { line, reason: r.reason };
      else malformed(line, r.reason);
      return;
    }
    const atMs = envelope.atMs;
    if (!envelope.zoned) naiveLines++;
    if (envelope.fractionDigits < minDigits) minDigits = envelope.fractionDigits;
    const meaning = messages.read(envelope.message, names);
    switch (meaning.kind) {
      case 'start':
        if (batchOver) {
          names = createMachineNameIndex();
          batchOver = false;
          lastAtMs = -Infinity;
        }
        noteTime(atMs, line);
        counts.used++;
        visitor.start?.({ line, atMs, name: names.add(meaning.name) });
        return;
      case 'declaration':
        names = createMachineNameIndex();
        batchOver = false;
        lastAtMs = -Infinity;
        noteTime(atMs, line);
        counts.used++;
        visitor.declaration?.({ line, atMs, items: meaning.items, workers: meaning.workers });
        return;
      case 'result':
        noteTime(atMs, line);
        counts.used++;
        counts.results++;
        visitor.result?.({ line, atMs, name: meaning.name, outcome: meaning.outcome, durationMs: meaning.durationMs });
        return;
      case 'batch-end':
        noteTime(atMs, line);
        counts.used++;
        counts.batchEnds++;
        batchOver = true;
        visitor.batchEnd?.({ line, atMs, priced: meaning.priced, failed: meaning.failed, total: meaning.total, durationMs: meaning.durationMs });
        return;
      case 'mention':
        noteTime(atMs, line);
        counts.mentions++;
        countOther(kindOf(envelope.message));
        visitor.mention?.({ line, atMs, name: meaning.name, text: envelope.message });
        return;
      default:
        noteTime(atMs, line);
        countOther(kindOf(envelope.message));
    }
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
    get dialect() {
      return dialect;
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
        if (dialect === null || dialect === 'run-log' || counts.used + counts.other === 0) {
          throw new LogParseError(`Failed to read log ${source}: line ${line} holds binary data (NUL or undecodable bytes): this is not a batch log`, line);
        }
        return;
      }
      if (dialect === null) {
        dialect = detectDialect(text, envelopeOptions);
        if (dialect === null) {
          tally(counts.untimed, line);
          noteUnread(line, text);
          return;
        }
        if (dialect !== 'run-log') reader = createEnvelopeReader(dialect, envelopeOptions);
      }
      if (dialect === 'run-log') readRunLog(text, line);
      else readText(text, line);
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
      // Result and batch-end lines alone make no run: a start, a declaration or a header is needed.
      if (counts.used - counts.results - counts.batchEnds === 0) throw new LogParseError(`Failed to read log ${source}: ${describeNothingFound(counts, dialect, unread)}`, 0);
      const d = dialect ?? 'text';
      return {
        format: d === 'run-log' ? 'run-log' : 'text',
        dialect: d,
        lines: counts,
        resolutionMs: d === 'run-log' ? 1 : Number.isFinite(minDigits) ? 10 ** Math.max(0, 3 - Math.min(3, minDigits)) : 1000,
        naiveLines,
      };
    },
  };
}

function describeNothingFound(counts: LogLineCounts, dialect: LogDialect | null, unread: ReadonlyArray<{ line: number; text: string }>): string {
  const read = `read ${counts.total} line${counts.total === 1 ? '' : 's'}`;
  if (dialect === 'run-log') return `no run.meta header or batch event in it (${read}); a run log holds one JSON object per line`;
  const parts = [
    counts.untimed.count > 0 ? `${counts.untimed.count} without a timestamp` : '',
    counts.other > 0 ? `${counts.other} with other messages` : '',
    counts.blank > 0 ? `${counts.blank} blank` : '',
    counts.comments > 0 ? `${counts.comments} comments` : '',
    counts.malformed.count > 0 ? `${counts.malformed.count} malformed` : '',
  ].filter(Boolean);
  const shown = unread.length > 0 ? `; first unread line${unread.length === 1 ? '' : 's'}: ${unread.map((u) => `${u.line}: ${JSON.stringify(u.text)}`).join(', ')}` : '';
  if (dialect === null) {
    return (
      `no line has a timestamp in a format this tool reads (tried ${BUILT_IN_DIALECTS.join(', ')}); ${read}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}${shown}. ` +
      'For another format, give --line-pattern with named groups, e.g. --line-pattern \'^(?<time>\\S+ \\S+) (?<message>.*)$\' (and --time-format if needed)'
    );
  }
  return (
    `no line looks like a batch log in the ${dialect} dialect: no "Processing machine NAME" start, no "Starting … processing of N machines with W workers" declaration; ${read}` +
    `${parts.length > 0 ? ` (${parts.join(', ')})` : ''}${shown}. If the service words its starts differently, give --start-pattern with a named group (?<machine>…)`
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
