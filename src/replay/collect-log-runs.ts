/**
 * A log visitor that gathers runs: one per declaration line or run-log header (or `batch.start`
 * without a header; or, in an application log, a start after a batch-end line), with its items
 * and, for run logs, its attempts and events. A result line ends the latest started item of that
 * name (the last result line of an item wins: "Error … tier 1" then "Finished … tier 2"); a
 * batch-end line ends the run. Holds one record per item and attempt, so its memory grows with
 * the batch (the parser's does not).
 */
import type { BatchEvent } from '../events/batch-event.js';
import type { LogVisitor } from './create-log-parser.js';
import { detach } from './match-machine-name.js';
import { MAX_ITEM_NOTES, type LogFormat, type LoggedAttempt, type LoggedItem, type LoggedRun } from './log-records.js';

/** Events kept per run at most; past it a run keeps its items and attempts only. */
export const DEFAULT_MAX_KEPT_EVENTS = 2_000_000;

interface RunBuilder {
  run: LoggedRun;
  itemsByIndex: Map<number, LoggedItem> | null;
  attempts: Map<number, LoggedAttempt>;
  /** Application logs: the latest started item of each name. */
  latest: Map<string, LoggedItem>;
  /** Names started more than once: the position of their first item, and how many starts. */
  repeated: Map<string, { first: number; count: number }>;
  sawBatchStart: boolean;
  /** Application logs: a batch-end line closed the run. */
  over: boolean;
}

export interface LogRunCollector extends LogVisitor {
  /** The runs gathered so far, in file order; call once the parser has finished. */
  runs(): LoggedRun[];
}

/** Creates the collector. `keepEvents` keeps each run-log event (for timelines and reports). */
export function createLogRunCollector(options: { keepEvents: boolean; maxKeptEvents?: number }): LogRunCollector {
  const maxKept = options.maxKeptEvents ?? DEFAULT_MAX_KEPT_EVENTS;
  const done: RunBuilder[] = [];
  let current: RunBuilder | null = null;

  const open = (line: number, startMs: number, format: LogFormat): RunBuilder => {
    if (current) done.push(current);
    current = {
      run: {
        index: done.length + 1,
        format,
        firstLine: line,
        lastLine: line,
        batchId: null,
        policyName: null,
        startMs,
        startDeclared: false,
        declaredItems: null,
        declaredWorkers: null,
        declaredExecution: null,
        endMs: null,
        endLine: null,
        endCounts: null,
        results: 0,
        lastSeenMs: startMs,
        items: [],
        attempts: [],
        header: null,
        events: format === 'run-log' && options.keepEvents ? [] : null,
        duplicateNames: [],
      },
      itemsByIndex: format === 'run-log' ? new Map() : null,
      attempts: new Map(),
      latest: new Map(),
      repeated: new Map(),
      sawBatchStart: false,
      over: false,
    };
    return current;
  };
  const touch = (b: RunBuilder, line: number, atMs: number) => {
    b.run.lastLine = line;
    if (atMs > b.run.lastSeenMs) b.run.lastSeenMs = atMs;
  };
  const attemptKey = (item: number, attempt: number) => item * 1_000_000 + attempt;

  return {
    declaration({ line, atMs, items, workers }) {
      const b = open(line, atMs, 'text');
      Object.assign(b.run, { startDeclared: true, declaredItems: items, declaredWorkers: workers });
    },
    start({ line, atMs, name }) {
      const b = current === null || current.over ? open(line, atMs, 'text') : current;
      touch(b, line, atMs);
      const item = blankItem(b.run.items.length, name, line);
      item.startMs = atMs;
      b.run.items.push(item);
      const before = b.latest.get(name);
      if (before) {
        const r = b.repeated.get(name);
        if (r) r.count++;
        else b.repeated.set(name, { first: before.index, count: 2 });
      }
      b.latest.set(name, item);
    },
    result({ line, atMs, name, outcome, durationMs }) {
      const b = current;
      const item = b?.latest.get(name);
      if (!b || !item) return;
      touch(b, line, atMs);
      b.run.results++;
      item.endMs = atMs;
      item.endLine = line;
      item.result = outcome;
      item.outcome = outcome === 'failed' ? 'failed' : outcome === 'ok' ? 'priced' : null;
      item.statedDurationMs = durationMs;
    },
    batchEnd({ line, atMs, priced, failed, total, durationMs }) {
      const b = current;
      if (!b || b.run.format !== 'text') return;
      touch(b, line, atMs);
      b.run.endMs = atMs;
      b.run.endLine = line;
      b.run.endCounts = { priced, failed, total, durationMs };
      b.over = true;
    },
    mention({ line, atMs, name, text }) {
      const item = current?.latest.get(name);
      if (!item) return;
      item.mentions++;
      if (item.notes.length < MAX_ITEM_NOTES) item.notes.push({ line, atMs, text: detach(text.length > 200 ? `${text.slice(0, 197)}...` : text) });
    },
    header({ line, header }) {
      const b = open(line, header.startMs, 'run-log');
      const policy = header.policy as Partial<typeof header.policy>;
      Object.assign(b.run, {
        header,
        batchId: typeof header.batchId === 'string' ? header.batchId : null,
        policyName: typeof policy.name === 'string' ? policy.name : null,
        declaredItems: header.items.length,
        declaredWorkers: Number.isInteger(policy.workers) ? policy.workers : null,
        declaredExecution: policy.execution === 'blocking' || policy.execution === 'concurrent' ? policy.execution : null,
      });
    },
    event({ line, event }) {
      let b: RunBuilder = current ?? open(line, event.atMs, 'run-log');
      if (event.type === 'batch.start' && b.sawBatchStart) b = open(line, event.atMs, 'run-log');
      touch(b, line, event.atMs);
      const run = b.run;
      if (run.events) {
        if (run.events.length < maxKept) run.events.push(event);
        else run.events = null;
      }
      readEvent(b, event, line, attemptKey);
    },
    runs() {
      const all = current ? [...done, current] : [...done];
      return all.map(finishRun);
    },
  };
}

function readEvent(b: RunBuilder, event: BatchEvent, line: number, attemptKey: (item: number, attempt: number) => number): void {
  const run = b.run;
  const items = b.itemsByIndex as Map<number, LoggedItem>;
  switch (event.type) {
    case 'batch.start':
      b.sawBatchStart = true;
      Object.assign(run, {
        startMs: event.atMs,
        startDeclared: true,
        batchId: event.batchId ?? run.batchId,
        policyName: event.policy ?? run.policyName,
        declaredItems: event.items,
        declaredWorkers: event.workers,
        declaredExecution: event.execution === 'blocking' || event.execution === 'concurrent' ? event.execution : run.declaredExecution,
      });
      break;
    case 'batch.end':
      run.endMs = event.atMs;
      run.endLine = line;
      break;
    case 'item.start': {
      const known = run.header?.items[event.item];
      items.set(event.item, {
        ...blankItem(event.item, event.name, line),
        domain: typeof event.domain === 'string' ? event.domain : known?.domain ?? null,
        url: known?.url ?? null,
        startMs: event.atMs,
        worker: event.worker,
      });
      break;
    }
    case 'item.end': {
      let item = items.get(event.item);
      if (!item) {
        const known = run.header?.items[event.item];
        item = { ...blankItem(event.item, known?.name ?? `item ${event.item}`, line), domain: known?.domain ?? null, url: known?.url ?? null };
        items.set(event.item, item);
      }
      item.endMs = event.atMs;
      item.endLine = line;
      item.outcome = event.outcome ?? null;
      break;
    }
    case 'attempt.start':
      b.attempts.set(attemptKey(event.item, event.attempt), {
        item: event.item,
        attempt: event.attempt,
        tier: event.tier,
        startMs: event.atMs,
        endMs: null,
        result: null,
        status: null,
        abandonedAtMs: null,
        startedAsZombie: event.zombie === true,
      });
      break;
    case 'attempt.end': {
      const a = b.attempts.get(attemptKey(event.item, event.attempt));
      if (a) {
        a.endMs = event.atMs;
        a.result = event.result ?? null;
        a.status = typeof event.status === 'number' ? event.status : null;
      }
      break;
    }
    case 'attempt.abandon': {
      const a = b.attempts.get(attemptKey(event.item, event.attempt));
      if (a) a.abandonedAtMs = event.atMs;
      break;
    }
    default:
      break;
  }
}

function finishRun(b: RunBuilder): LoggedRun {
  const run = b.run;
  if (b.itemsByIndex) run.items = [...b.itemsByIndex.values()].sort((x, y) => x.index - y.index);
  run.attempts = [...b.attempts.values()].sort((x, y) => x.startMs - y.startMs || x.item - y.item || x.attempt - y.attempt);
  // In the order of their first start.
  run.duplicateNames = [...b.repeated.entries()].sort((x, y) => x[1].first - y[1].first).map(([name, r]) => ({ name, count: r.count }));
  return run;
}

function blankItem(index: number, name: string, line: number): LoggedItem {
  return { index, name, domain: null, url: null, startMs: null, endMs: null, worker: null, outcome: null, line, statedDurationMs: null, result: null, endLine: null, notes: [], mentions: 0 };
}
