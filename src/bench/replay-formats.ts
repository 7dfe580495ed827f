/**
 * `node dist/bench/replay-formats.js [lines]`: how fast the replay reads each built-in dialect and
 * how a full replay of a million machines does. Writes, to a temporary folder, a log of `lines`
 * lines (default 1,000,000) in every dialect the generator writes (starts and result lines of a
 * 5-worker batch, noise included), streams each through the parser in its own process (median of
 * 3 runs, peak RSS), then replays a starts-only log of as many machines in the seed's format:
 * parse and diagnosis (`replay`), and parse, diagnosis and reproduction on the engine, no report
 * (`full`). Prints a table (with each run's CPU time: the machine may be shared) and one JSON line.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderTextTable } from '../report/render-text-table.js';
import { generateAppLog, GENERATED_DIALECTS, PATTERN_OPTIONS, type AppLogSpec } from './app-log-generator.js';

const lines = Number(process.argv[2] ?? 1_000_000);
const runner = fileURLToPath(new URL('./replay-parse-case.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'batchscope-formats-bench-'));

function write(path: string, content: readonly string[]): void {
  const fd = openSync(path, 'w');
  try {
    for (let k = 0; k < content.length; k += 10_000) writeSync(fd, `${content.slice(k, k + 10_000).join('\n')}\n`);
  } finally {
    closeSync(fd);
  }
}

function spec(dialect: AppLogSpec['dialect'], items: number, results: boolean): AppLogSpec {
  return {
    seed: 1,
    dialect,
    resolution: dialect === 'pattern' ? 'seconds' : 'millis',
    results,
    batchEnd: true,
    noise: results,
    prefixNames: false,
    startMs: Date.UTC(2025, 7, 6, 3, 0, 23),
    runs: [{ workers: 5, execution: 'concurrent', items, medianMs: 8000, sigma: 0.5, stalls: [{ at: 7, durationMs: 2_028_000 }], burstSpreadMs: 1500, failureShare: 0.05 }],
  };
}

interface Row {
  file: string;
  mode: string;
  lines: number;
  megabytes: number;
  wallMs: number;
  cpuMs: number;
  peakRssMb: number;
  [key: string]: unknown;
}

function measure(file: string, mode: string, extra: string[], repeats: number): Row & { minMs: number; maxMs: number } {
  const rows: Row[] = [];
  for (let r = 0; r < repeats; r++) {
    const out = execFileSync(process.execPath, [runner, file, mode, ...extra], { encoding: 'utf8', maxBuffer: 1 << 24 });
    rows.push(JSON.parse(out.trim().split('\n').pop() as string) as Row);
  }
  rows.sort((a, b) => a.wallMs - b.wallMs);
  const median = rows[Math.floor(rows.length / 2)] as Row;
  return { ...median, minMs: (rows[0] as Row).wallMs, maxMs: (rows[rows.length - 1] as Row).wallMs, peakRssMb: Math.max(...rows.map((r) => r.peakRssMb)) };
}

const results: Array<Row & { minMs: number; maxMs: number }> = [];
try {
  for (const dialect of GENERATED_DIALECTS) {
    // About 2.1 lines per machine with result lines and noise.
    const log = generateAppLog(spec(dialect, Math.round(lines / 2.1), true));
    const path = join(dir, `${dialect}.log`);
    write(path, log.lines.slice(0, lines));
    const extra = dialect === 'pattern' ? [PATTERN_OPTIONS.linePattern, PATTERN_OPTIONS.timeFormat] : [];
    results.push(measure(path, 'parse', extra, 3));
  }
  const machines = generateAppLog(spec('text', lines - 2, false));
  const path = join(dir, 'million-machines.log');
  write(path, machines.lines);
  results.push(measure(path, 'replay', [], 3));
  results.push(measure(path, 'full', [], 3));
  process.stdout.write(
    `${renderTextTable({
      header: ['file', 'mode', 'lines', 'MB', 'median ms', 'min–max ms', 'CPU ms', 'peak RSS MB'],
      rows: results.map((r) => [r.file, r.mode, String(r.lines), String(r.megabytes), String(r.wallMs), `${r.minMs}–${r.maxMs}`, String(r.cpuMs), String(r.peakRssMb)]),
      align: ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r'],
    })}\n`,
  );
  process.stdout.write(`${JSON.stringify({ lines, node: process.version, results })}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
