/**
 * Generates application logs as real services print them, with the truth they were made from:
 * a batch of machines priced by a pool of workers (truly concurrent, or one at a time behind a
 * blocked event loop), heavy-tailed durations, long stalls at chosen items, the pool's first
 * starts spread over the first seconds as a real thread pool does, noise lines (access logs,
 * warnings, tracebacks, lines without a timestamp), optional result lines and batch-end line,
 * one to three runs per file, machine names that are prefixes of one another. Written in any
 * built-in dialect or a custom one read with `--line-pattern`. Used by the replay accuracy bench
 * and the property test of real log formats. Pure and seeded: the same spec gives the same bytes.
 */
import type { Random } from '../ports.js';
import { createSeededRandom, sampleStandardNormal } from '../random/seeded-random.js';
import type { LogDialect } from '../replay/read-log-envelope.js';

/** The dialects the generator writes: the built-in ones (not the run log) and `pattern`. */
export const GENERATED_DIALECTS = ['text', 'python-logging', 'iso8601', 'json', 'docker-json', 'logfmt', 'pattern'] as const satisfies readonly LogDialect[];
export type GeneratedDialect = (typeof GENERATED_DIALECTS)[number];

/** The `--line-pattern` and `--time-format` that read the `pattern` dialect. */
export const PATTERN_OPTIONS = { linePattern: '^\\[(?<time>[^\\]]+)\\] (?<level>\\w+) (?<message>.*)$', timeFormat: '%d/%b/%Y:%H:%M:%S %z' };

/** One run of a generated file. */
export interface RunSpec {
  workers: number;
  execution: 'concurrent' | 'blocking';
  items: number;
  /** Median of the ordinary durations, ms, and the lognormal σ (at most 0.9). */
  medianMs: number;
  sigma: number;
  /** Items (positions in the queue) that stall, with their durations, ms. */
  stalls: Array<{ at: number; durationMs: number }>;
  /** The spread of the pool's first starts, ms (0–3000). */
  burstSpreadMs: number;
  /** Share of results that are failures (0–1). */
  failureShare: number;
  /** Machine names to use (in queue order), else generated ones. */
  names?: string[];
}

/** A whole file. */
export interface AppLogSpec {
  seed: number;
  dialect: GeneratedDialect;
  /** Timestamps in whole seconds or in milliseconds. */
  resolution: 'seconds' | 'millis';
  results: boolean;
  batchEnd: boolean;
  noise: boolean;
  /** Machine names that are prefixes of one another ("xTool S1", "xTool S1 Pro"…). */
  prefixNames: boolean;
  runs: RunSpec[];
  /** When the first run starts, ms since the epoch. */
  startMs: number;
}

/** What one run really was. */
export interface RunTruth {
  startMs: number;
  /** When the last item ended, ms since the epoch. */
  endMs: number;
  makespanMs: number;
  effectiveConcurrency: number;
  items: Array<{ name: string; startMs: number; endMs: number; durationMs: number; failed: boolean }>;
  /** Items that ran 10 minutes or longer. */
  longStalls: Array<{ name: string; startMs: number; durationMs: number }>;
}

/** The log's lines and the truth of each run. */
export interface GeneratedAppLog {
  lines: string[];
  truth: RunTruth[];
  /** Extra parser options the dialect needs (`pattern`). */
  parseOptions: { linePattern?: string; timeFormat?: string };
}

/** Long stalls are at least this long, ms (what the accuracy targets count). */
export const LONG_STALL_MS = 600_000;
const MIN_DURATION_MS = 1500;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

interface Entry {
  atMs: number;
  seq: number;
  level: string;
  message: string | null;
  /** Untimed lines (tracebacks, uvicorn's "INFO:" lines) printed as they are. */
  raw?: string;
}

/** Generates the log of `spec`. */
export function generateAppLog(spec: AppLogSpec): GeneratedAppLog {
  const random = createSeededRandom(`app-log/${spec.seed}`);
  const entries: Entry[] = [];
  let seq = 0;
  const push = (atMs: number, level: string, message: string | null, raw?: string) => entries.push({ atMs, seq: seq++, level, message, raw });
  const truth: RunTruth[] = [];
  let runStart = spec.startMs;
  spec.runs.forEach((run, r) => {
    const names = run.names ?? machineNames(run.items, spec.prefixNames, random.fork(`names/${r}`));
    const result = simulateRun(run, runStart, random.fork(`run/${r}`));
    push(runStart, 'INFO', `Starting concurrent processing of ${run.items} machines with ${run.workers} workers`);
    const items = result.map((x, k) => ({ name: names[k] as string, ...x }));
    const rnd = random.fork(`lines/${r}`);
    for (const item of items) {
      push(item.startMs, 'INFO', `Processing machine ${item.name} - Worker available`);
      if (spec.results) {
        const seconds = (item.durationMs / 1000).toFixed(1);
        if (item.failed) push(item.endMs, 'ERROR', `Error scraping ${item.name}: ReadTimeout after ${seconds}s`);
        else push(item.endMs, 'INFO', `Finished ${item.name} (tier ${1 + Math.floor(rnd.next() * 3)}) in ${seconds}s`);
      }
      if (spec.noise && rnd.next() < 0.08) addNoise(push, item, rnd, spec.dialect);
    }
    const endMs = items.reduce((max, i) => Math.max(max, i.endMs), -Infinity);
    if (spec.batchEnd) {
      const failed = items.filter((i) => i.failed).length;
      push(endMs, 'INFO', `Batch price update complete: ${items.length - failed} updated, ${failed} failed in ${((endMs - runStart) / 1000).toFixed(1)}s`);
    }
    const effective = run.execution === 'blocking' ? 1 : Math.min(run.workers, run.items);
    truth.push({
      startMs: runStart,
      endMs,
      makespanMs: endMs - runStart,
      effectiveConcurrency: effective,
      items: items.map((i) => ({ name: i.name, startMs: i.startMs, endMs: i.endMs, durationMs: i.durationMs, failed: i.failed })),
      longStalls: items.filter((i) => i.durationMs >= LONG_STALL_MS).map((i) => ({ name: i.name, startMs: i.startMs, durationMs: i.durationMs })),
    });
    runStart = endMs + 3_600_000 + Math.floor(random.next() * 3_600_000);
  });
  // In time order; a line's order within one instant is the order it was written in.
  entries.sort((a, b) => a.atMs - b.atMs || a.seq - b.seq);
  const lines: string[] = [];
  // Docker wraps every line a container prints, untimed ones included.
  const raw = (text: string, atMs: number) => (spec.dialect === 'docker-json' ? JSON.stringify({ log: `${text}\n`, stream: 'stdout', time: new Date(atMs).toISOString() }) : text);
  if (spec.noise) lines.push(raw('INFO:     Started server process [4242]', spec.startMs - 2000), raw('INFO:     Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit)', spec.startMs - 1000));
  for (const e of entries) lines.push(e.raw === undefined ? formatLine(spec, e) : raw(e.raw, e.atMs));
  return { lines, truth, parseOptions: spec.dialect === 'pattern' ? { ...PATTERN_OPTIONS } : {} };
}

function addNoise(push: (atMs: number, level: string, message: string | null, raw?: string) => void, item: { startMs: number; endMs: number; name: string }, random: Random, dialect: GeneratedDialect): void {
  const at = item.startMs + Math.floor((item.endMs - item.startMs) * random.next() * 0.5);
  const pick = random.next();
  if (pick < 0.3) push(at, 'INFO', null, `INFO:     10.0.0.${Math.floor(random.next() * 250)}:5${Math.floor(random.next() * 9999)} - "GET /health HTTP/1.1" 200 OK`);
  else if (pick < 0.55) push(at, 'WARNING', 'Connection pool is full, discarding connection: api.scrapfly.io');
  else if (pick < 0.8) push(at, 'DEBUG', `Starting new HTTPS connection (1): api.scrapfly.io:443`);
  else {
    push(at, 'ERROR', 'Unhandled exception in background task');
    if (dialect !== 'json' && dialect !== 'logfmt' && dialect !== 'docker-json') {
      push(at, 'ERROR', null, 'Traceback (most recent call last):');
      push(at, 'ERROR', null, '  File "/app/batch.py", line 88, in update_prices');
      push(at, 'ERROR', null, 'httpx.ReadTimeout: The read operation timed out');
    }
  }
}

/** Item timings under the run's pool: concurrent workers take the queue in order; blocking runs one at a time. */
function simulateRun(run: RunSpec, startMs: number, random: Random): Array<{ startMs: number; endMs: number; durationMs: number; failed: boolean }> {
  const stallAt = new Map(run.stalls.map((s) => [s.at, s.durationMs]));
  const duration = (k: number) => {
    const stall = stallAt.get(k);
    if (stall !== undefined) return stall;
    const d = run.medianMs * Math.exp(run.sigma * sampleStandardNormal(random));
    return Math.max(MIN_DURATION_MS, Math.min(Math.round(d), LONG_STALL_MS / 2));
  };
  const out: Array<{ startMs: number; endMs: number; durationMs: number; failed: boolean }> = [];
  if (run.execution === 'blocking') {
    let t = startMs + Math.floor(random.next() * Math.min(run.burstSpreadMs, 1000));
    for (let k = 0; k < run.items; k++) {
      const d = duration(k);
      out.push({ startMs: t, endMs: t + d, durationMs: d, failed: random.next() < run.failureShare });
      t += d + Math.floor(random.next() * 20);
    }
    return out;
  }
  // Workers free at these times; each takes the next item when free (earliest first, then lowest worker).
  const free = Array.from({ length: Math.min(run.workers, run.items) }, () => startMs + Math.floor(random.next() * run.burstSpreadMs));
  for (let k = 0; k < run.items; k++) {
    let w = 0;
    for (let i = 1; i < free.length; i++) if ((free[i] as number) < (free[w] as number)) w = i;
    const t = free[w] as number;
    const d = duration(k);
    out.push({ startMs: t, endMs: t + d, durationMs: d, failed: random.next() < run.failureShare });
    free[w] = t + d + Math.floor(random.next() * 5);
  }
  return out;
}

/** Names of `n` machines; with `prefixes`, many are prefixes of others. */
export function machineNames(n: number, prefixes: boolean, random: Random): string[] {
  const brands = ['xTool', 'OMTech', 'Glowforge', 'Epilog', 'Trotec', 'Thunder', 'Boss', 'Full Spectrum', 'Ortur', 'Atomstack', 'Sculpfun', 'OneLaser'];
  const out: string[] = [];
  const seen = new Set<string>();
  for (let k = 0; out.length < n; k++) {
    const brand = brands[Math.floor(random.next() * brands.length)] as string;
    let name: string;
    if (prefixes && k % 3 === 1 && out.length > 0) name = `${out[out.length - 1] as string} ${['Pro', 'Max', '2', '19', 'Plus'][Math.floor(random.next() * 5)] as string}`;
    else if (prefixes && k % 3 === 2) name = `${brand} S${1 + Math.floor(random.next() * 3)} ${1 + Math.floor(random.next() * 20)}`;
    else name = `${brand} ${['Fusion', 'Hydra', 'MOPA', 'Nova', 'Speedy', 'Pro'][Math.floor(random.next() * 6)] as string} ${10 + Math.floor(random.next() * 90)}W`;
    if (seen.has(name)) name = `${name} #${k}`;
    seen.add(name);
    out.push(name);
  }
  return out;
}

function formatLine(spec: AppLogSpec, e: Entry): string {
  const ms = spec.resolution === 'seconds' ? Math.floor(e.atMs / 1000) * 1000 : e.atMs;
  const iso = new Date(ms).toISOString();
  const date = iso.slice(0, 10);
  const time = iso.slice(11, 19);
  const millis = iso.slice(20, 23);
  const message = e.message as string;
  const secs = spec.resolution === 'seconds';
  switch (spec.dialect) {
    case 'text':
      return `${date} ${time}${secs ? '' : `.${millis}`} - ${message}`;
    case 'python-logging':
      return `${date} ${time}${secs ? '' : `,${millis}`} - app.batch - ${e.level} - ${message}`;
    case 'iso8601': {
      // Local time at +02:00, with its offset.
      const local = new Date(ms + 7_200_000).toISOString();
      return `${local.slice(0, 19)}${secs ? '' : `.${millis}`}+02:00 ${e.level.padEnd(7)} ${message}`;
    }
    case 'json':
      return JSON.stringify({ time: secs ? `${date}T${time}Z` : iso, level: e.level.toLowerCase(), logger: 'app.batch', msg: message });
    case 'docker-json': {
      // Docker's own clock has nanoseconds whatever the application prints.
      const exact = new Date(e.atMs).toISOString();
      return JSON.stringify({ log: `${date} ${time}${secs ? '' : `,${millis}`} - app.batch - ${e.level} - ${message}\n`, stream: 'stderr', time: `${exact.slice(0, 23)}${String(e.seq % 1000).padStart(3, '0')}123Z` });
    }
    case 'logfmt':
      return `time=${secs ? `${date}T${time}Z` : iso} level=${e.level.toLowerCase()} logger=app.batch msg=${JSON.stringify(message)}`;
    case 'pattern': {
      const d = new Date(ms);
      return `[${String(d.getUTCDate()).padStart(2, '0')}/${MONTHS[d.getUTCMonth()] as string}/${d.getUTCFullYear()}:${time} +0000] ${e.level} ${message}`;
    }
  }
}
