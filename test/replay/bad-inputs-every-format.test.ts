import { describe, expect, it } from 'vitest';
import { generateAppLog, GENERATED_DIALECTS, PATTERN_OPTIONS, type GeneratedDialect } from '../../src/bench/app-log-generator.js';
import { fixtureSpec, FORMAT_FIXTURES } from '../../src/bench/write-format-fixtures.js';
import { LogParseError } from '../../src/errors.js';
import { diagnoseRun } from '../../src/replay/diagnose-run.js';
import { parseLog } from '../../src/replay/parse-log.js';

function linesOf(dialect: GeneratedDialect): string[] {
  const fixture = FORMAT_FIXTURES.find((f) => f.dialect === dialect) ?? { ...FORMAT_FIXTURES[0]!, dialect };
  return generateAppLog({ ...fixtureSpec(fixture), dialect, noise: false }).lines;
}

async function read(dialect: GeneratedDialect, lines: string[], skipMalformed = false) {
  const options = dialect === 'pattern' ? PATTERN_OPTIONS : {};
  const log = await parseLog({ lines, source: `bad.${dialect}`, skipMalformed, ...options });
  // Whatever was read must diagnose without throwing.
  for (const run of log.runs) diagnoseRun({ run, resolutionMs: log.resolutionMs });
  return log;
}

async function refusal(dialect: GeneratedDialect, lines: string[]): Promise<LogParseError> {
  try {
    await read(dialect, lines);
  } catch (error) {
    expect(error).toBeInstanceOf(LogParseError);
    return error as LogParseError;
  }
  throw new Error('expected a refusal');
}

describe('bad inputs in every format: a clear message or a reported count, never a crash', () => {
  for (const dialect of GENERATED_DIALECTS) {
    it(dialect, async () => {
      const good = linesOf(dialect);
      expect((await refusal(dialect, [])).message).toBe(`Failed to read log bad.${dialect}: the file is empty`);
      expect((await refusal(dialect, ['\u0000\u0001PK\u0003\u0004'])).message).toMatch(/holds binary data/);
      // A last line cut in the middle is a log still being written: counted, not fatal.
      const cut = [...good.slice(0, -1), (good[good.length - 1] as string).slice(0, 15)];
      const truncated = await read(dialect, cut);
      expect(truncated.lines.truncatedLastLine ?? truncated.lines.untimed.count + truncated.lines.other).toBeGreaterThan(0);
      // Lines out of order are counted.
      const swapped = [...good];
      [swapped[3], swapped[8]] = [swapped[8] as string, swapped[3] as string];
      const outOfOrder = await read(dialect, swapped);
      expect(outOfOrder.lines.outOfOrder.count).toBeGreaterThan(0);
      // A repeated start is named.
      const start = good.findIndex((l) => l.includes('Processing machine'));
      const doubled = await read(dialect, [...good.slice(0, start + 1), good[start] as string, ...good.slice(start + 1)]);
      expect(doubled.runs[0]!.duplicateNames).toHaveLength(1);
      // A file of noise only says what it read.
      const noise = await refusal(dialect, good.filter((l) => !l.includes('Processing machine') && !l.includes('Starting concurrent')).slice(0, 5));
      expect(noise.message).toMatch(/^Failed to read log bad\.\w[\w-]*: no line (?:looks like a batch log|has a timestamp)/);
      // A binary line in the middle of a text log is counted.
      const withBinary = await read(dialect, [...good.slice(0, 5), 'garbage \u0000 here', ...good.slice(5)]);
      expect(withBinary.lines.binary.count).toBe(1);
    });
  }
});
