import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeQueryComponent, readQueryParam } from '../../src/mock/query-params.js';

/**
 * Query strings built from the pieces that matter: separators, escapes, broken and multi-byte
 * UTF-8 escapes. Request targets are ASCII on the wire (clients percent-encode the rest), so raw
 * non-ASCII characters, which Node's URLSearchParams treats in a way of its own, are left out.
 */
const queryText = fc
  .array(fc.constantFrom('a', 'b', 'key', '=', '&', '+', '%', '%2', '%25', '%E0%A4', '%A4', '%41', '%C3%A9', '%F0%9F%98%80', '%ZZ', ' ', 'url'), { maxLength: 14 })
  .map((parts) => parts.join(''));

describe('query params', () => {
  it('decode exactly as URLSearchParams does, malformed escapes included', () => {
    fc.assert(
      fc.property(queryText, fc.constantFrom('key', 'a', 'url', 'b', 'a b'), (search, name) => {
        expect(readQueryParam(search, name)).toBe(new URLSearchParams(search).get(name));
      }),
      { numRuns: 2000 },
    );
  });

  it('decodes + as a space and keeps a stray % as is', () => {
    expect(decodeQueryComponent('a+b%20c')).toBe('a b c');
    expect(decodeQueryComponent('100%')).toBe('100%');
    expect(decodeQueryComponent('%E0%A4%A')).toBe(new URLSearchParams('x=%E0%A4%A').get('x'));
  });
});
