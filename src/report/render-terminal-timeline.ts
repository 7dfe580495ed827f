/**
 * A starvation timeline for the terminal: one lane per worker on a clock-time axis, where each
 * character is a slice of time showing what the worker was doing. Stalls, timeouts, escalations,
 * 429s and backoff have their own symbols (readable without colour) and colours; two extra lanes
 * show the account's requests in flight at Scrapfly and the zombie requests still running.
 */
import { formatDurationMs } from '../units/duration.js';
import { zombieSpanOf } from './attempt-records.js';
import { DEFAULT_STALL_THRESHOLD_MS } from './compute-metrics.js';
import { formatClockTime } from './format-clock-time.js';
import type { RunProjection } from './run-projection.js';
import type { TimelineStyles } from './timeline-styles.js';

/** Symbols by state. Discrete marks (429, escalation, timeout) win over the spans they fall in. */
const SYMBOLS = { idle: '·', backoff: '~', busy: '=', stall: '#', throttled: '!', escalate: '^', timeout: 'x' } as const;
type State = keyof typeof SYMBOLS;
const PRIORITY: Record<State, number> = { idle: 0, backoff: 1, busy: 2, stall: 3, throttled: 4, escalate: 5, timeout: 6 };

const LABEL_WIDTH = 10;
/** Lanes beyond this many workers are summarised in one line. */
const MAX_LANES = 40;

/** Renders the timeline of one run in `width` columns (at least 40). */
export function renderTerminalTimeline(options: {
  projection: RunProjection;
  width: number;
  styles: TimelineStyles;
  stallThresholdMs?: number;
}): string {
  const { styles } = options;
  const { records } = options.projection;
  const thresholdMs = options.stallThresholdMs ?? DEFAULT_STALL_THRESHOLD_MS;
  const cols = Math.max(20, Math.floor(options.width) - LABEL_WIDTH - 2);
  const t0 = records.startMs;
  const spanMs = Math.max(1, records.endMs - t0);
  const bucketMs = spanMs / cols;
  const col = (atMs: number) => Math.min(cols - 1, Math.max(0, Math.floor((atMs - t0) / bucketMs)));
  const lanes = new Map<number, State[]>();
  const lane = (worker: number) => {
    let l = lanes.get(worker);
    if (!l) {
      l = new Array<State>(cols).fill('idle');
      lanes.set(worker, l);
    }
    return l;
  };
  const paint = (worker: number, fromMs: number, toMs: number, state: State) => {
    const l = lane(worker);
    for (let c = col(fromMs); c <= col(Math.max(fromMs, toMs - 1e-9)); c++) if (PRIORITY[state] > PRIORITY[l[c] as State]) l[c] = state;
  };
  for (let w = 1; w <= records.workers; w++) lane(w);
  const workerOfItem = new Map(records.items.map((i) => [i.item, i.worker]));
  const blocking = records.execution === 'blocking';
  for (const a of records.attempts) {
    if (a.startedAsZombie) continue;
    const stopMs = a.clientEndMs ?? a.endMs ?? records.endMs;
    const stalled = stopMs - a.startMs > thresholdMs;
    paint(a.worker, a.startMs, stopMs, stalled ? 'stall' : 'busy');
    // A call that blocks the event loop stalls every worker, not just its own.
    if (stalled && blocking) for (let w = 1; w <= records.workers; w++) paint(w, a.startMs, stopMs, 'stall');
    if (a.result === 'read-timeout' || a.result === 'cut' || a.abandonedAtMs !== null) paint(a.worker, stopMs, stopMs, 'timeout');
    if (a.status === 429) paint(a.worker, a.startMs, a.startMs, 'throttled');
  }
  const inFlight = new Array<number>(cols).fill(0);
  const zombies = new Array<number>(cols).fill(0);
  let sawMock = false;
  let level = 0;
  let levelCol = 0;
  for (const { event: e } of options.projection.marks) {
    const worker = workerOfItem.get(e.item);
    if (worker === null || worker === undefined) continue;
    if (e.type === 'tier.escalate') paint(worker, e.atMs, e.atMs, 'escalate');
    else paint(worker, e.atMs, e.atMs + e.delayMs, 'backoff');
  }
  for (const r of options.projection.concurrency) {
    if ((r.source !== 'mock.accept' && r.source !== 'mock.end') || r.atMs > records.endMs) continue;
    // The account's concurrency is a step function: hold the level until the next change.
    sawMock = true;
    const c = col(r.atMs);
    for (let k = levelCol; k <= c; k++) inFlight[k] = Math.max(inFlight[k] as number, level);
    level = r.value;
    levelCol = c;
    inFlight[c] = Math.max(inFlight[c] as number, level);
  }
  for (let k = levelCol; k < cols && sawMock; k++) inFlight[k] = Math.max(inFlight[k] as number, level);
  for (const a of records.attempts) {
    const span = zombieSpanOf(a);
    if (span === null || span.toMs <= span.fromMs || span.fromMs >= records.endMs) continue;
    for (let c = col(span.fromMs); c <= col(Math.min(span.toMs, records.endMs)); c++) zombies[c] = (zombies[c] as number) + 1;
  }

  const out: string[] = [];
  const axis = renderAxis(t0, spanMs, cols);
  out.push(styles.label(`${''.padEnd(LABEL_WIDTH)} ${axis}`));
  const workers = [...lanes.keys()].sort((a, b) => a - b);
  const shown = workers.length > MAX_LANES ? workers.slice(0, MAX_LANES) : workers;
  for (const w of shown) out.push(`${styles.label(`worker ${w}`.padEnd(LABEL_WIDTH))}|${styleRuns(styles, lanes.get(w) as State[])}|`);
  if (shown.length < workers.length) out.push(styles.label(`… ${workers.length - shown.length} more workers not drawn`));
  if (sawMock) out.push(`${styles.label('scrapfly'.padEnd(LABEL_WIDTH))}|${inFlight.map((n) => styles.busy(digit(n))).join('')}|`);
  out.push(`${styles.label('zombies'.padEnd(LABEL_WIDTH))}|${zombies.map((n) => (n > 0 ? styles.zombie(digit(n)) : styles.idle(' '))).join('')}|`);
  const legend = [
    [`one column = ${formatDurationMs(bucketMs)}`, styles.label],
    [`${styles.stall(SYMBOLS.stall)} stalled (> ${formatDurationMs(thresholdMs)})`, null],
    [`${styles.busy(SYMBOLS.busy)} working`, null],
    [`${styles.timeout(SYMBOLS.timeout)} timeout`, null],
    [`${styles.escalate(SYMBOLS.escalate)} escalation`, null],
    [`${styles.throttled(SYMBOLS.throttled)} 429`, null],
    [`${styles.backoff(SYMBOLS.backoff)} backoff`, null],
    [`${styles.idle(SYMBOLS.idle)} idle`, null],
    [`digits: requests in flight at Scrapfly / zombies`, null],
  ] as const;
  out.push(...wrapLegend({ entries: legend.map(([text, style]) => (style ? style(text) : text)), plain: legend.map(([text]) => stripStyles(text)), width: options.width }));
  return out.join('\n');
}

/** Packs legend entries into lines no wider than `width`, indented under the lanes. */
function wrapLegend(options: { entries: readonly string[]; plain: readonly string[]; width: number }): string[] {
  const indent = ''.padEnd(LABEL_WIDTH + 1);
  const lines: string[] = [];
  let line = '';
  let length = 0;
  options.entries.forEach((entry, i) => {
    const size = (options.plain[i] as string).length;
    if (length > 0 && indent.length + length + 3 + size > options.width) {
      lines.push(indent + line);
      line = '';
      length = 0;
    }
    line += (length > 0 ? '   ' : '') + entry;
    length += (length > 0 ? 3 : 0) + size;
  });
  if (length > 0) lines.push(indent + line);
  return lines;
}

/** The visible text of a styled string (ANSI colour codes removed). */
function stripStyles(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

/** The lane's symbols, styling each run of one state once (fewer escape codes than per character). */
function styleRuns(styles: TimelineStyles, states: readonly State[]): string {
  let out = '';
  for (let i = 0; i < states.length; ) {
    const state = states[i] as State;
    let j = i;
    while (j < states.length && states[j] === state) j++;
    out += styleOf(styles, state)(SYMBOLS[state].repeat(j - i));
    i = j;
  }
  return out;
}

function styleOf(styles: TimelineStyles, state: State) {
  return styles[state];
}

function digit(n: number): string {
  if (n <= 0) return ' ';
  return n < 10 ? String(n) : '+';
}

/** The time axis: clock labels at the start, the end and evenly in between where they fit. */
function renderAxis(t0: number, spanMs: number, cols: number): string {
  const line = new Array<string>(cols + 2).fill(' ');
  const labels = Math.max(2, Math.floor(cols / 16));
  for (let k = 0; k < labels; k++) {
    const c = Math.round((k * (cols - 1)) / (labels - 1));
    const text = formatClockTime(t0 + (c / cols) * spanMs);
    const at = Math.min(cols + 2 - text.length, Math.max(0, c + 1 - (k === 0 ? 1 : k === labels - 1 ? text.length : Math.floor(text.length / 2))));
    for (let i = 0; i < text.length; i++) line[at + i] = text[i] as string;
  }
  return line.join('').trimEnd();
}
