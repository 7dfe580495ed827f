/**
 * The fast reading of Docker's json-file lines agrees with JSON.parse wherever it answers, and
 * leaves every other line to JSON.parse.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitDockerLine, type DockerFields } from '../../src/replay/split-docker-line.js';

const holder = (): DockerFields => ({ log: '', stream: '', time: '' });

function viaJson(line: string): DockerFields | null {
  try {
    const o = JSON.parse(line) as Record<string, unknown>;
    if (typeof o['log'] !== 'string' || typeof o['stream'] !== 'string' || typeof o['time'] !== 'string') return null;
    const log = o['log'];
    return { log: log.endsWith('\n') ? log.slice(0, log.endsWith('\r\n') ? -2 : -1) : log, stream: o['stream'], time: o['time'] };
  } catch {
    return null;
  }
}

describe('splitDockerLine', () => {
  it("reads Docker's own lines as they stand", () => {
    const out = holder();
    expect(splitDockerLine('{"log":"2025-08-06 03:00:23,481 - INFO - Processing machine xTool S1\\n","stream":"stderr","time":"2025-08-06T03:00:23.481516729Z"}', out)).toBe(true);
    expect(out).toEqual({ log: '2025-08-06 03:00:23,481 - INFO - Processing machine xTool S1', stream: 'stderr', time: '2025-08-06T03:00:23.481516729Z' });
    expect(splitDockerLine('{"log":"crlf\\r\\n","stream":"stdout","time":"t"}  ', out)).toBe(true);
    expect(out.log).toBe('crlf');
    expect(splitDockerLine('{"log":"","stream":"stdout","time":"t"}', out)).toBe(true);
    expect(out.log).toBe('');
  });

  it('leaves to JSON.parse what it cannot read as it stands', () => {
    const out = holder();
    for (const line of [
      '{"log":"a \\"quoted\\" word\\n","stream":"stdout","time":"t"}',
      '{"log":"tab\\there\\n","stream":"stdout","time":"t"}',
      '{"log":"ends in a backslash \\\\","stream":"stdout","time":"t"}',
      '{"log":"a backslash and n \\\\n","stream":"stdout","time":"t"}',
      '{"log":"a","x":"b","stream":"stdout","time":"t"}',
      '{"log":"a","stream":"stdout","time":"t","extra":1}',
      '{"log":"a","time":"t","stream":"stdout"}',
      '{ "log": "a", "stream": "stdout", "time": "t" }',
      '{"log":"a","stream":"std\\"out","time":"t"}',
      '{"log":"a","stream":"stdout","time":"t\\u0030"}',
      '{"log":"a","stream":"stdout","time":"t"',
    ]) {
      expect(splitDockerLine(line, out), line).toBe(false);
    }
  });

  it('agrees with JSON.parse on every line it reads, over random texts', () => {
    const text = fc.string({ unit: fc.constantFrom('a', ' ', '"', '\\', '\n', '\r', '\t', 'é', '}', ',', ':', 'stream', 'time', '\u0001') });
    fc.assert(
      fc.property(text, fc.constantFrom('stdout', 'stderr', 'std"x'), text, fc.constantFrom('', '\n', '\r\n'), (log, stream, time, newline) => {
        const line = JSON.stringify({ log: log + newline, stream, time });
        const out = holder();
        const expected = viaJson(line);
        if (splitDockerLine(line, out)) expect(out).toEqual(expected);
        // A plain text is always read without JSON.parse.
        if (!/["\\\n\r\t\u0001]/.test(log) && !/["\\]/.test(stream + time) && !/[\n\r\t\u0001]/.test(time)) expect(splitDockerLine(line, out)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
