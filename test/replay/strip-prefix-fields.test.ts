import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stripPrefixFields } from '../../src/replay/read-log-envelope.js';
import { createPrefixFieldReader } from '../../src/replay/strip-prefix-fields.js';
import { skipFieldSeparators } from '../../src/replay/read-text-stamp.js';

const LEVELS = new Set(['TRACE', 'DEBUG', 'INFO', 'NOTICE', 'WARN', 'WARNING', 'ERROR', 'CRITICAL', 'FATAL', 'EXCEPTION']);

/** The rules as first written, word by word with regular expressions: the fast version must agree. */
function stripSlowly(line: string, from: number): { messageStart: number; level: string | null } {
  let at = from;
  let level: string | null = null;
  for (let fields = 0; fields < 6 && at < line.length; fields++) {
    const c = line.charCodeAt(at);
    if (c === 91 || c === 40 || c === 60) {
      const close = line.indexOf(c === 91 ? ']' : c === 40 ? ')' : '>', at + 1);
      if (close < 0 || close - at > 64) break;
      const inside = line.slice(at + 1, close).trim();
      if (level === null && LEVELS.has(inside.toUpperCase())) level = inside.toUpperCase();
      at = skipFieldSeparators(line, close + 1);
      continue;
    }
    let end = at;
    while (end < line.length && line.charCodeAt(end) !== 32 && line.charCodeAt(end) !== 9) end++;
    let word = line.slice(at, end);
    const colon = word.endsWith(':');
    if (colon) word = word.slice(0, -1);
    const next = skipFieldSeparators(line, end);
    const dashed = !colon && next > end && /[-|]/.test(line.slice(end, next));
    if (LEVELS.has(word)) {
      level ??= word;
      at = colon ? skipFieldSeparators(line, end) : next;
      continue;
    }
    if (/^\d+$/.test(word) && next > end) {
      at = next;
      continue;
    }
    if ((dashed && /^[\w.:<>-]+$/.test(word)) || (colon && /^[a-z_][\w.]*$/.test(word)) || (!colon && level === null && /^[a-z_]\w*(?:\.\w+)+$/.test(word))) {
      at = colon ? skipFieldSeparators(line, end) : next;
      continue;
    }
    break;
  }
  return { messageStart: at, level };
}

describe('stripPrefixFields', () => {
  it('skips the logger, level, process and thread fields real formatters print', () => {
    const cases: Array<[string, number, string | null]> = [
      ['app.batch - INFO - Processing machine A', 19, 'INFO'],
      ['INFO:app.batch:Processing machine A', 0, null],
      ['12345 MainThread | WARNING | Error scraping A', 29, 'WARNING'],
      ['[Thread-1] [info] Done: A', 18, 'INFO'],
      ['uvicorn.error: Started', 15, null],
      ['Processing machine A', 0, null],
      ['  - Processing', 0, null],
      ['ERROR: x', 7, 'ERROR'],
      ['Ärger - INFO - x', 0, null],
    ];
    for (const [line, messageStart, level] of cases) expect(stripPrefixFields(line, 0), line).toEqual({ messageStart, level });
  });

  it('agrees with the rules written word by word with regular expressions', () => {
    const token = fc.constantFrom('app.batch', 'INFO', 'info', 'WARNING', 'Warn', 'ERROR:', 'app:', 'uvicorn.error:', '12345', '7:', 'MainThread', '[Thread-1]', '(pid 3)', '<main>', '[info]', '[', 'Processing', 'machine', 'A.b', 'a_b.c.d', 'x-y', 'Ä', '-', '|', ':', '', 'EXCEPTION', 'CRITICAL9');
    const gap = fc.constantFrom(' ', '  ', ' - ', ' | ', '\t', ': ', ' -', '', ', ');
    const line = fc.array(fc.tuple(token, gap), { maxLength: 9 }).map((parts) => parts.map(([t, g]) => t + g).join(''));
    fc.assert(
      fc.property(line, fc.nat(3), (text, from) => {
        const start = Math.min(from, text.length);
        expect(stripPrefixFields(text, start)).toEqual(stripSlowly(text, start));
      }),
      { numRuns: 3000, seed: 5 },
    );
  });

  it('the reader that remembers the last line gives, line after line, what each line alone gives', () => {
    const prefix = fc.constantFrom('app.batch - INFO - ', 'app.batch - INFO -', '12345 MainThread | WARNING | ', '[Thread-1] [info] ', 'INFO ', 'uvicorn.error: ', 'app.batch - ', '', 'EXCEPTION CRITICAL DEBUG INFO WARN ERROR ');
    const rest = fc.constantFrom('Processing machine A', '- x', '| y', ': z', ', w', 'ERROR: boom', 'INFO', 'app.x - again', '[Worker-2] go', ' lead', '', 'Done: A', '7: seven', 'a.b.c d');
    const line = fc.tuple(prefix, rest, fc.constantFrom('', ' ', ' - ')).map(([p, r, tail]) => `${p}${r}${tail}`);
    fc.assert(
      fc.property(fc.array(fc.tuple(line, fc.constantFrom(0, 0, 0, 1, 2)), { minLength: 1, maxLength: 12 }), (lines) => {
        const strip = createPrefixFieldReader();
        for (const [text, from] of lines) expect(strip(text, Math.min(from, text.length)), text).toEqual(stripPrefixFields(text, Math.min(from, text.length)));
      }),
      { numRuns: 4000, seed: 9 },
    );
  });
});
