/**
 * `node dist/bench/replay-parse.js [--quick]`: how fast the replay reads logs and whether its
 * memory stays flat. Writes a text log (the seed's format) and a run log (engine events, several
 * runs one after the other) of 100,000 and 1,000,000 lines to a temporary folder, plus a gzipped
 * copy, then streams each through the parser in its own process (median wall time of 3, peak RSS)
 * and runs a full replay (parse + diagnose) of the big ones. --quick skips the 1,000,000-line files.
 */
import { describeSimulationRun } from '../simulation/simulate-policy.js';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { formatRunLog, type RunLogHeader } from '../events/run-log.js';
import { formatClockDateTime } from '../report/format-clock-time.js';
import { simulatePolicy } from '../simulation/simulate-policy.js';
import { createSyntheticScenario } from '../scenario/synthetic-scenario.js';
import { renderTextTable } from '../report/render-text-table.js';

const quick = process.argv.includes('--quick');
const runner = fileURLToPath(new URL('./replay-parse-case.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'batchscope-replay-bench-'));

/** Writes `count` lines produced by `next` to `path`, in blocks. */
function writeLines(path: string, count: number, next: (k: number) => string): void {
  const fd = openSync(path, 'w');
  try {
    let block = '';
    for (let k = 0; k < count; k++) {
      block += `${next(k)}\n`;
      if (block.length > 1 << 20) {
        writeSync(fd, block);
        block = '';
      }
    }
    writeSync(fd, block);
  } finally {
    closeSync(fd);
  }
}

/** A text log: a declaration, then a start every 7 s, with an HTTP client line after every ninth start. */
function writeTextLog(path: string, count: number): void {
  const t0 = Date.parse('2025-08-06T03:00:23Z');
  let starts = 0;
  writeLines(path, count, (k) => {
    if (k === 0) return `${formatClockDateTime(t0)} - Starting concurrent processing of ${count} machines with 5 workers`;
    if (k % 10 === 0) return `${formatClockDateTime(t0 + starts * 7000)} - HTTP Request: GET https://api.scrapfly.io/scrape "HTTP/1.1 200 OK"`;
    starts++;
    return `${formatClockDateTime(t0 + starts * 7000)} - Processing machine Laser cutter ${String(starts).padStart(7, '0')} - Worker available`;
  });
}

/** A run log: runs of a 10,000-item synthetic batch, each with its header, one after the other. */
async function writeRunLog(paths: Array<{ path: string; count: number }>): Promise<void> {
  const scenario = createSyntheticScenario({ items: 10_000, workers: 100 });
  const policy = scenario.policies[0]!;
  const run = await simulatePolicy({ scenario, policy });
  const header: RunLogHeader = { ...describeSimulationRun(scenario, run), policy };
  const lines = formatRunLog(header, run.events).split('\n').slice(0, -1);
  for (const { path, count } of paths) writeLines(path, count, (k) => lines[k % lines.length] as string);
}

interface Row {
  file: string;
  mode: string;
  lines: number;
  megabytes: number;
  wallMs: number;
  linesPerSecond: number;
  peakRssMb: number;
}

function measure(file: string, mode: 'parse' | 'replay', repeats: number): Row {
  const rows: Row[] = [];
  for (let r = 0; r < repeats; r++) {
    const out = execFileSync(process.execPath, [runner, file, mode], { encoding: 'utf8', maxBuffer: 1 << 24 });
    rows.push(JSON.parse(out.trim().split('\n').pop() as string) as Row);
  }
  rows.sort((a, b) => a.wallMs - b.wallMs);
  const median = rows[Math.floor(rows.length / 2)] as Row;
  return { ...median, peakRssMb: Math.max(...rows.map((r) => r.peakRssMb)) };
}

async function main(): Promise<void> {
  const sizes = quick ? [100_000] : [100_000, 1_000_000];
  process.stderr.write(`node ${process.version}; writing logs to ${dir} …\n`);
  for (const n of sizes) writeTextLog(join(dir, `text-${n}.log`), n);
  await writeRunLog(sizes.map((n) => ({ path: join(dir, `runlog-${n}.jsonl`), count: n })));
  const big = sizes[sizes.length - 1] as number;
  const zipped = join(dir, `text-${big}.log.gz`);
  writeZip(join(dir, `text-${big}.log`), zipped);
  const cases: Array<[string, 'parse' | 'replay', number]> = [];
  for (const n of sizes) cases.push([join(dir, `text-${n}.log`), 'parse', 3], [join(dir, `runlog-${n}.jsonl`), 'parse', 3]);
  cases.push([zipped, 'parse', 3], [join(dir, `text-${big}.log`), 'replay', 1], [join(dir, `runlog-${big}.jsonl`), 'replay', 1]);
  const rows: Row[] = [];
  for (const [file, mode, repeats] of cases) {
    process.stderr.write(`${mode} ${file.split('/').pop()} …\n`);
    rows.push(measure(file, mode, repeats));
  }
  const columns: Array<keyof Row> = ['file', 'mode', 'lines', 'megabytes', 'wallMs', 'linesPerSecond', 'peakRssMb'];
  const table = renderTextTable({ header: columns, rows: rows.map((r) => columns.map((c) => String(r[c]))), align: columns.map((_, i) => (i < 2 ? 'l' : 'r')) });
  process.stdout.write(`${table}\n`);
}

function writeZip(from: string, to: string): void {
  const fd = openSync(to, 'w');
  try {
    writeSync(fd, gzipSync(readFileSync(from)));
  } finally {
    closeSync(fd);
  }
}

try {
  await main();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
