/**
 * Logs written by real Python loggers, not by this project: a small thread-pool batch service
 * (bench-python/batch_service_logs.py) logging through the standard library's `logging` in two
 * common configurations, and through structlog's JSON renderer. replay must read each one and
 * find the 5 concurrent workers and the one stuck machine. Needs python3 (structlog for its case):
 * without it the tests are skipped with the reason printed, except the stdlib cases under CI.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from '../support/run-cli-in-process.js';

const root = resolve(new URL('../..', import.meta.url).pathname);
const script = join(root, 'bench-python/batch_service_logs.py');
const dir = mkdtempSync(join(tmpdir(), 'batchscope-pylog-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The first Python that can import `module`, or null. */
function pythonWith(module: string): string | null {
  for (const python of ['python3', '/usr/bin/python3']) {
    if (spawnSync(python, ['-c', `import ${module}`]).status === 0) return python;
  }
  return null;
}

const stdlibPython = pythonWith('logging');
const structlogPython = pythonWith('structlog');
if (!stdlibPython && !process.env['CI']) console.warn('Python logger tests skipped: no python3 found; they are required when CI is set');
if (!structlogPython) console.warn('structlog log test skipped: no python3 with structlog (Debian: apt-get install python3-structlog)');

const cases: Array<{ format: string; python: string | null; dialect: string }> = [
  { format: 'stdlib', python: stdlibPython, dialect: 'python-logging' },
  { format: 'stdlib-iso', python: stdlibPython, dialect: 'iso8601' },
  { format: 'structlog', python: structlogPython, dialect: 'json' },
];

describe('logs of real Python loggers', () => {
  for (const { format, python, dialect } of cases) {
    const skip = python === null && (format === 'structlog' || !process.env['CI']);
    it.skipIf(skip)(`${format}: read as ${dialect}, 5 concurrent workers and the stuck machine`, async () => {
      if (python === null) throw new Error('python3 missing under CI');
      const made = spawnSync(python, [script, format, '--workers', '5', '--machines', '40', '--stuck', '3'], { encoding: 'utf8', timeout: 60_000 });
      expect(made.status, made.stderr).toBe(0);
      const log = join(dir, `${format}.log`);
      writeFileSync(log, made.stdout);
      const result = await runCliCaptured(['replay', log, '--stall-threshold', '1s', '--json']);
      expect(result.code, result.stderr).toBe(0);
      const json = JSON.parse(result.stdout) as { dialect: string; effectiveConcurrency: number; effectiveConcurrencyInferred: boolean; stalls: Array<{ machines: string[]; inferred: boolean; durationMs: number }> };
      expect(json.dialect).toBe(dialect);
      expect(json.effectiveConcurrency).toBe(5);
      // The result lines say when each machine finished: facts, not inferences.
      expect(json.stalls.map((s) => [s.machines, s.inferred])).toEqual([[['Laser Cutter 004'], false]]);
      expect(json.stalls[0]!.durationMs).toBeGreaterThanOrEqual(1400);
      expect(json.stalls[0]!.durationMs).toBeLessThan(3000);
    }, 90_000);
  }
});
