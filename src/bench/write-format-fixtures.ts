/**
 * Writes the small fixtures of scenarios/logs/formats/: one night of 20 machines on 5 truly
 * concurrent workers, in which "xTool S1" (a prefix of "xTool S1 Pro") hangs for 33m48s, printed
 * in each built-in dialect, with or without result lines. test/replay/format-fixtures.test.ts
 * holds what each must be diagnosed as. Usage: node dist/bench/write-format-fixtures.js [folder]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateAppLog, type AppLogSpec, type GeneratedDialect } from './app-log-generator.js';

/** The machines of the fixtures, in queue order. */
export const FIXTURE_MACHINES = [
  'OMTech MOPA 60W', 'xTool S1 Pro', 'xTool S1', 'Glowforge Pro', 'OMTech S1 1', 'OMTech S1 19', 'Epilog Fusion Pro 32',
  'Trotec Speedy 400', 'Thunder Nova 35', 'Boss LS-1630', 'Full Spectrum Muse', 'Ortur Laser Master 3', 'Atomstack X20 Pro',
  'Sculpfun S30 Ultra', 'OneLaser Hydra 7', 'xTool P2', 'xTool F1 Ultra', 'Glowforge Spark', 'Epilog Zing 24', 'Trotec Rayjet 50',
];

/** The fixtures: file name, dialect, and what the file holds. */
export const FORMAT_FIXTURES: Array<{ file: string; dialect: GeneratedDialect; resolution: 'seconds' | 'millis'; results: boolean; batchEnd: boolean }> = [
  { file: 'python-logging.log', dialect: 'python-logging', resolution: 'millis', results: true, batchEnd: true },
  { file: 'iso8601-starts-only.log', dialect: 'iso8601', resolution: 'seconds', results: false, batchEnd: true },
  { file: 'json-lines.jsonl', dialect: 'json', resolution: 'millis', results: true, batchEnd: false },
  { file: 'docker-json.log', dialect: 'docker-json', resolution: 'millis', results: true, batchEnd: true },
  { file: 'logfmt.log', dialect: 'logfmt', resolution: 'millis', results: true, batchEnd: true },
  { file: 'seed-format-with-results.log', dialect: 'text', resolution: 'seconds', results: true, batchEnd: true },
  { file: 'custom-pattern.log', dialect: 'pattern', resolution: 'seconds', results: true, batchEnd: true },
];

/** The spec of one fixture. */
export function fixtureSpec(fixture: (typeof FORMAT_FIXTURES)[number]): AppLogSpec {
  return {
    seed: 806,
    dialect: fixture.dialect,
    resolution: fixture.resolution,
    results: fixture.results,
    batchEnd: fixture.batchEnd,
    noise: true,
    prefixNames: true,
    startMs: Date.UTC(2025, 7, 6, 3, 0, 23),
    runs: [
      {
        workers: 5,
        execution: 'concurrent',
        items: FIXTURE_MACHINES.length,
        medianMs: 8000,
        sigma: 0.4,
        stalls: [{ at: 2, durationMs: 33 * 60_000 + 48_000 }],
        burstSpreadMs: 1400,
        failureShare: 0.1,
        names: FIXTURE_MACHINES,
      },
    ],
  };
}

function main(): void {
  const folder = process.argv[2] ?? 'scenarios/logs/formats';
  mkdirSync(folder, { recursive: true });
  for (const fixture of FORMAT_FIXTURES) {
    const log = generateAppLog(fixtureSpec(fixture));
    writeFileSync(join(folder, fixture.file), `${log.lines.join('\n')}\n`);
  }
}

if (process.argv[1]?.endsWith('write-format-fixtures.js')) main();
