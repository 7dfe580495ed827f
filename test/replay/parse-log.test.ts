import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { LogParseError } from '../../src/errors.js';
import { readLogLines } from '../../src/node/read-log-lines.js';
import { createLogParser } from '../../src/replay/create-log-parser.js';
import { parseLog } from '../../src/replay/parse-log.js';

const at = (text: string) => Date.parse(`${text.replace(' ', 'T')}Z`);
const parse = (lines: string[], options: { skipMalformed?: boolean } = {}) => parseLog({ lines, source: 'test.log', ...options });
const failure = async (lines: string[], options: { skipMalformed?: boolean } = {}) => {
  const error = await parse(lines, options).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LogParseError);
  return error as LogParseError;
};

describe('text log parsing', () => {
  it('reads declarations and starts, and counts every other kind of line', async () => {
    const log = await parse([
      '# a note',
      '2025-08-06 03:00:23 - Starting concurrent processing of 3 machines with 2 workers',
      '2025-08-06 03:00:23,120 - Processing machine A - Worker available',
      '2025-08-06 03:00:23.5 INFO HTTP Request: GET https://api.scrapfly.io/scrape "HTTP/1.1 200 OK"',
      'Traceback (most recent call last):',
      '',
      '2025-08-06 03:00:30 - Processing machine B - Worker available\r',
      '2025-08-06 03:00:31 - HTTP Request: GET https://api.scrapfly.io/scrape "HTTP/1.1 200 OK"',
    ]);
    expect(log.format).toBe('text');
    expect(log.runs).toHaveLength(1);
    const run = log.runs[0]!;
    expect(run.startMs).toBe(at('2025-08-06 03:00:23'));
    expect(run.declaredItems).toBe(3);
    expect(run.declaredWorkers).toBe(2);
    expect(run.items.map((i) => [i.index, i.name, i.startMs, i.line])).toEqual([
      [0, 'A', at('2025-08-06 03:00:23') + 120, 3],
      [1, 'B', at('2025-08-06 03:00:30'), 7],
    ]);
    expect(log.lines).toMatchObject({ total: 8, blank: 1, comments: 1, used: 3, other: 2, untimed: { count: 1, firstLine: 5 } });
    // The level is a field of the line, not part of its message: both lines are one kind.
    expect(log.lines.otherKinds).toEqual([{ kind: 'HTTP Request: GET', count: 2 }]);
  });

  it('starts a new run at each declaration, and keeps starts before any declaration as a run of their own', async () => {
    const log = await parse([
      '2025-08-06 02:00:00 - Processing machine X - Worker available',
      '2025-08-06 03:00:00 - Starting concurrent processing of 1 machines with 1 workers',
      '2025-08-06 03:00:00 - Processing machine Y - Worker available',
    ]);
    expect(log.runs.map((r) => [r.index, r.startDeclared, r.items.map((i) => i.name)])).toEqual([
      [1, false, ['X']],
      [2, true, ['Y']],
    ]);
  });

  it('stops at a malformed timestamp with its line number, or skips and counts it under skipMalformed', async () => {
    const lines = ['2025-08-06 03:00:23 - Processing machine A - Worker available', '2025-13-06 03:00:24 - Processing machine B - Worker available', '2025-08-06 03:00:25 - Processing machine C - Worker available'];
    const error = await failure(lines);
    expect(error.line).toBe(2);
    expect(error.message).toBe('Failed to read log test.log: line 2: malformed timestamp: month 13 is out of range in "2025-13-06 03:00:24" (use --skip-malformed to skip such lines and count them)');
    const log = await parse(lines, { skipMalformed: true });
    expect(log.runs[0]!.items.map((i) => i.name)).toEqual(['A', 'C']);
    expect(log.lines.malformed).toEqual({ count: 1, firstLine: 2, firstReason: 'malformed timestamp: month 13 is out of range in "2025-13-06 03:00:24"' });
    expect((await failure(['2025-02-29 00:00:00 - Processing machine A'])).message).toContain('day 29 does not exist in 2025-02');
  });

  it('ignores a last line cut short and says so, but not a cut line in the middle', async () => {
    const log = await parse(['2025-08-06 03:00:23 - Processing machine A - Worker available', '2025-08-06 03:0']);
    expect(log.runs[0]!.items).toHaveLength(1);
    expect(log.lines.truncatedLastLine).toBe(2);
    expect((await failure(['2025-08-06 03:0', '2025-08-06 03:00:25 - Processing machine C - Worker available'])).line).toBe(1);
  });

  it("reads Docker's wrapper whatever the length of the application's own stamp, on Docker's clock, or on the application's when Docker's is not a time", async () => {
    const docker = (log: string, time: string) => JSON.stringify({ log: `${log}\n`, stream: 'stderr', time });
    const log = await parse([
      docker('2025-08-06 03:00:23 - Starting concurrent processing of 2 machines with 2 workers', '2025-08-06T03:00:23.000000123Z'),
      docker('2025-08-06 03:00:23 - Processing machine A - Worker available', '2025-08-06T03:00:23.250000123Z'),
      docker('2025-08-06 03:00:24,500 | INFO | Processing machine B - Worker available', 'not a time'),
    ]);
    expect(log.dialect).toBe('docker-json');
    expect(log.runs[0]!.items.map((i) => [i.name, i.startMs])).toEqual([
      ['A', at('2025-08-06 03:00:23.250')],
      ['B', at('2025-08-06 03:00:24.500')],
    ]);
    expect(log.lines.other).toBe(0);
  });

  it('counts timestamps out of order and names repeated machines', async () => {
    const log = await parse([
      '2025-08-06 03:00:30 - Processing machine A - Worker available',
      '2025-08-06 03:00:20 - Processing machine B - Worker available',
      '2025-08-06 03:00:40 - Processing machine A - Worker available',
    ]);
    expect(log.lines.outOfOrder).toEqual({ count: 1, firstLine: 2 });
    expect(log.runs[0]!.duplicateNames).toEqual([{ name: 'A', count: 2 }]);
    expect(log.runs[0]!.items).toHaveLength(3);
    // In the order of their first start, whichever repeats first.
    const more = await parse(['A', 'B', 'B', 'C', 'A', 'B', 'C'].map((name, k) => `2025-08-06 03:00:${10 + k} - Processing machine ${name} - Worker available`));
    expect(more.runs[0]!.duplicateNames).toEqual([
      { name: 'A', count: 2 },
      { name: 'B', count: 3 },
      { name: 'C', count: 2 },
    ]);
  });

  it('refuses an empty file, a blank one, a binary one and one without a recognizable line', async () => {
    expect((await failure([])).message).toBe('Failed to read log test.log: the file is empty');
    expect((await failure(['', '  '])).message).toBe('Failed to read log test.log: the file holds only blank lines (2)');
    expect((await failure(['\u0000\u0001PK\u0003\u0004\uFFFD'])).message).toBe('Failed to read log test.log: line 1 holds binary data (NUL or undecodable bytes): this is not a batch log');
    expect((await failure(['hello', 'world', '2025-08-06 03:00:00 - nothing to see'])).message).toBe(
      'Failed to read log test.log: no line looks like a batch log in the text dialect: no "Processing machine NAME" start, no "Starting … processing of N machines with W workers" declaration; ' +
        'read 3 lines (2 without a timestamp, 1 with other messages); first unread lines: 1: "hello", 2: "world". If the service words its starts differently, give --start-pattern with a named group (?<machine>…)',
    );
    const unknown = (await failure(['hello', 'Feb 06 03:00:00 host app[1]: Processing machine A'])).message;
    expect(unknown).toContain('no line has a timestamp in a format this tool reads (tried text, python-logging, iso8601, json, docker-json, logfmt, run-log)');
    expect(unknown).toContain('first unread lines: 1: "hello", 2: "Feb 06 03:00:00 host app[1]: Processing machine A"');
    expect(unknown).toContain('--line-pattern');
  });
});

describe('run log parsing', () => {
  const header = (policy: string) => JSON.stringify({ type: 'run.meta', version: 1, mode: 'simulation', scenario: 's', seed: 1, transport: 'direct', startMs: 1000, batchId: `b-${policy}`, policy: { name: policy, workers: 2, execution: 'concurrent' }, items: [{ name: 'A', url: 'https://a.example/x', domain: 'a.example' }], accountConcurrency: 5 });
  const events = [
    { type: 'batch.start', atMs: 1000, batchId: 'b', policy: 'p', items: 1, workers: 2, execution: 'concurrent' },
    { type: 'item.start', atMs: 1000, item: 0, name: 'A', domain: 'a.example', worker: 1, queuedMs: 0 },
    { type: 'mock.accept', atMs: 1000, correlationId: '0.1', concurrency: 1 },
    { type: 'item.end', atMs: 4000, item: 0, worker: 1, outcome: 'priced', price: 1, currency: 'USD', reason: null, errorCode: null, attempts: 1, tier: 1, durationMs: 3000 },
    { type: 'batch.end', atMs: 4000, makespanMs: 3000, priced: 1, failed: 0, timedOut: 0, skipped: 0 },
  ].map((e) => JSON.stringify(e));

  it('reads several runs one after the other, each from its header', async () => {
    const log = await parse([header('one'), ...events, header('two'), ...events]);
    expect(log.format).toBe('run-log');
    expect(log.runs.map((r) => [r.index, r.policyName, r.items.length, r.endMs, r.events?.length])).toEqual([
      [1, 'p', 1, 4000, 5],
      [2, 'p', 1, 4000, 5],
    ]);
    expect(log.runs[0]!.items[0]).toMatchObject({ name: 'A', url: 'https://a.example/x', startMs: 1000, endMs: 4000, worker: 1, outcome: 'priced' });
    expect(log.lines).toMatchObject({ total: 12, used: 10, other: 2, otherKinds: [{ kind: 'mock.accept', count: 2 }] });
  });

  it('names the line of a malformed JSON line, and treats a cut last line as a log still being written', async () => {
    const error = await failure([header('one'), events[0]!, '{"type":"item.start","atMs":1000,"item":0,"name":"A","worker":1}x', events[1]!]);
    expect(error.line).toBe(3);
    expect(error.message).toMatch(/^Failed to read log test\.log: line 3: not valid JSON \(/);
    expect((await failure([header('one'), '{"type":"item.start","atMs":"soon","item":0,"name":"A","worker":1}'])).message).toBe(
      'Failed to read log test.log: line 2: item.start event without a numeric atMs (use --skip-malformed to skip such lines and count them)',
    );
    const cut = await parse([header('one'), ...events.slice(0, 3), events[3]!.slice(0, 40)]);
    expect(cut.lines.truncatedLastLine).toBe(5);
    expect(cut.runs[0]!.items[0]!.endMs).toBeNull();
  });
});

describe('the streaming parser', () => {
  it('keeps no record of the lines it has read: a visitor that keeps nothing sees every record', () => {
    let starts = 0;
    const parser = createLogParser({ format: 'auto', skipMalformed: false, source: 'stream', visitor: { start: () => void starts++ } });
    for (let k = 0; k < 10_000; k++) parser.push(`2025-08-06 03:${String(Math.floor(k / 600) % 60).padStart(2, '0')}:${String(Math.floor(k / 10) % 60).padStart(2, '0')} - Processing machine M${k} - Worker available`);
    expect(parser.finish().lines.used).toBe(10_000);
    expect(starts).toBe(10_000);
  });
});

describe('reading log files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'replay-read-'));
  const text = ['2025-08-06 03:00:23 - Starting concurrent processing of 2 machines with 1 workers', '2025-08-06 03:00:23 - Processing machine Ä - Worker available', '2025-08-06 03:00:30 - Processing machine B'].join('\n');

  it('reads plain and gzipped files the same, in small chunks, without a final newline', async () => {
    writeFileSync(join(dir, 'plain.log'), text);
    writeFileSync(join(dir, 'zipped.bin'), gzipSync(`${text}\n`));
    const plain = await parseLog({ lines: readLogLines({ path: join(dir, 'plain.log'), chunkBytes: 7 }), source: 'plain.log' });
    const zipped = await parseLog({ lines: readLogLines({ path: join(dir, 'zipped.bin'), chunkBytes: 7 }), source: 'zipped.bin' });
    expect(plain.runs[0]!.items.map((i) => i.name)).toEqual(['Ä', 'B']);
    expect(zipped.runs).toEqual(plain.runs);
  });

  it('says which file it could not read, and why', async () => {
    const collect = async (path: string) => {
      for await (const _ of readLogLines({ path, shown: 'x.log' })) void _;
    };
    await expect(collect(join(dir, 'missing.log'))).rejects.toThrow('Failed to read log x.log: cannot read the file: no such file or folder (ENOENT)');
    writeFileSync(join(dir, 'broken.gz'), gzipSync(text).subarray(0, 20));
    await expect(collect(join(dir, 'broken.gz'))).rejects.toThrow(/^Failed to read log x\.log: the gzip data is corrupt or cut short/);
  });
});
