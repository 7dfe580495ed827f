/**
 * One replay benchmark case, in its own process so that its peak RSS is its own. Prints one JSON
 * line. Usage: node dist/bench/replay-parse-case.js <log file> <parse|replay|full>
 * - `parse`: the streaming parser over the file (plain or gzipped), with a visitor that keeps a
 *   constant-size summary: what parsing costs, and that its memory does not grow with the file;
 * - `replay`: parse, gather the first run and diagnose it (memory grows with the batch's items);
 * - `full`: parse, diagnose and reproduce the first run (its replay scenario's baseline on the
 *   engine, compared with the log), writing no report: what `batchscope replay LOG --no-report` does.
 */
import { statSync } from 'node:fs';
import { readLogLines } from '../node/read-log-lines.js';
import { createLogParser } from '../replay/create-log-parser.js';
import { diagnoseRun } from '../replay/diagnose-run.js';
import { parseLog } from '../replay/parse-log.js';
import { replayLog } from '../simulation/replay-log.js';

const [file = '', mode = 'parse', linePattern, timeFormat] = process.argv.slice(2);

async function main(): Promise<void> {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  let lines = 0;
  let records = 0;
  let extra: Record<string, unknown> = {};
  if (mode === 'parse') {
    // A summary of constant size: counts, the first and last start, the longest gap between starts.
    let first = Number.NaN;
    let last = Number.NaN;
    let maxGapMs = 0;
    const onStart = (atMs: number) => {
      records++;
      if (Number.isNaN(first)) first = atMs;
      else maxGapMs = Math.max(maxGapMs, atMs - last);
      last = atMs;
    };
    const parser = createLogParser({
      format: 'auto',
      skipMalformed: false,
      source: file,
      linePattern: linePattern ?? null,
      timeFormat: timeFormat ?? null,
      visitor: {
        declaration: () => void records++,
        header: () => void records++,
        start: (r) => onStart(r.atMs),
        event: (r) => (r.event.type === 'item.start' ? onStart(r.event.atMs) : void records++),
      },
    });
    for await (const chunk of readLogLines({ path: file })) for (let i = 0; i < chunk.length; i++) parser.push(chunk[i] as string);
    const { lines: counts, format, dialect } = parser.finish();
    lines = counts.total;
    extra = { format, dialect, results: counts.results, maxGapMs, spanMs: last - first };
  } else if (mode === 'full') {
    const log = await parseLog({ lines: readLogLines({ path: file }), source: file, linePattern: linePattern ?? null, timeFormat: timeFormat ?? null });
    lines = log.lines.total;
    const { outcome } = await replayLog({ log, run: log.runs[0]!, reproduce: true, reportRuns: false, keepScenario: false, scenarioName: 'bench' });
    const d = outcome.diagnosis;
    records = d.loggedItems;
    const r = outcome.reproduction;
    extra = { format: log.format, dialect: log.dialect, effectiveConcurrency: d.effectiveConcurrency, stalls: d.stalls.length, reproducedItems: r?.items ?? 0, medianAbsStartDiffMs: r?.medianAbsStartDiffMs ?? null };
  } else {
    const log = await parseLog({ lines: readLogLines({ path: file }), source: file, keepEvents: false, linePattern: linePattern ?? null, timeFormat: timeFormat ?? null });
    lines = log.lines.total;
    const d = diagnoseRun({ run: log.runs[0]!, resolutionMs: log.resolutionMs });
    records = d.loggedItems;
    extra = { format: log.format, dialect: log.dialect, runs: log.runs.length, effectiveConcurrency: d.effectiveConcurrency, stalls: d.stalls.length };
  }
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuStarted);
  process.stdout.write(
    `${JSON.stringify({
      file: file.split('/').pop(),
      mode,
      lines,
      records,
      megabytes: Math.round(statSync(file).size / 1e5) / 10,
      wallMs: Math.round(wallMs),
      // The process's own CPU time (user + system, all its threads): less disturbed by other work on a shared machine.
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
      linesPerSecond: Math.round(lines / (wallMs / 1000)),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      ...extra,
    })}\n`,
  );
}

await main();
