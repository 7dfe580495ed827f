import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseLogfmt, readLogfmtKeys } from '../../src/replay/read-logfmt.js';

const KEYS = ['time', 'ts', 'msg', 'message', 'level', 'log.level'];

describe('logfmt', () => {
  it('reads pairs, quoted values with escapes, flags, and keeps the last value of a repeated key', () => {
    const line = 'time=2025-08-06T03:00:23Z level=info msg="Processing machine \\"A\\" - Worker\\tavailable" verbose ts= msg="again" x="unterminated';
    expect(parseLogfmt(line)).toEqual({ time: '2025-08-06T03:00:23Z', level: 'info', msg: 'again', verbose: 'true', ts: '', x: 'unterminated' });
    const values: Array<string | undefined> = [];
    readLogfmtKeys(line, KEYS, values);
    expect(values).toEqual(['2025-08-06T03:00:23Z', '', 'again', undefined, 'info', undefined]);
  });

  it('reads the wanted keys as the whole line read into an object does', () => {
    const key = fc.constantFrom(...KEYS, 'logger', 'a', '__proto__', 't', 'msgs');
    const value = fc.oneof(fc.constantFrom('', 'info', '2025-08-06T03:00:23.481Z', 'x=y'), fc.string({ maxLength: 6 }).map((v) => `"${v.replace(/"/g, '\\"')}"`), fc.constantFrom('"a\\nb"', '"open', '"\\"', '"\\'));
    const pair = fc.oneof(fc.tuple(key, value).map(([k, v]) => `${k}=${v}`), key, fc.constantFrom('=', '==x', ' ', '\t'));
    fc.assert(
      fc.property(fc.array(pair, { maxLength: 8 }), fc.constantFrom(' ', '  ', '\t'), (pairs, gap) => {
        const line = pairs.join(gap);
        const whole = parseLogfmt(line);
        const values: Array<string | undefined> = ['stale'];
        readLogfmtKeys(line, KEYS, values);
        expect(values).toEqual(KEYS.map((k) => (Object.prototype.hasOwnProperty.call(whole, k) ? whole[k] : undefined)));
      }),
      { numRuns: 3000, seed: 7 },
    );
  });
});
