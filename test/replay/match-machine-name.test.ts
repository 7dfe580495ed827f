import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMachineNameIndex } from '../../src/replay/match-machine-name.js';

const isWord = (c: string) => /[0-9A-Za-z_]/.test(c) || c.charCodeAt(0) > 127;

/** The rule, the slow way: every known name at every place a name may start; the longest wins, the first of equals. */
function findNaively(names: readonly string[], text: string): string | null {
  let best: string | null = null;
  for (let i = 0; i < text.length; i++) {
    if (i > 0 && isWord(text[i - 1]!) && isWord(text[i]!)) continue;
    for (const name of names) {
      if (name === '' || !text.startsWith(name, i)) continue;
      const end = i + name.length;
      if (end < text.length && isWord(name[name.length - 1]!) && isWord(text[end]!)) continue;
      if (best === null || name.length > best.length) best = name;
    }
  }
  return best;
}

describe('machine name index', () => {
  for (const hashMask of [undefined, 0]) {
    const label = hashMask === 0 ? 'every name on one hash' : 'the default hash';
    it(`${label}: the longest name at word boundaries wins, prefixes of each other included`, () => {
      const index = createMachineNameIndex({ hashMask });
      for (const name of ['xTool S1', 'xTool S1 Pro', 'OMTech S1 1', 'OMTech S1 19', 'C++ Laser (v2)', 'Ünï 3']) index.add(name);
      expect(index.size).toBe(6);
      expect(index.find('Finished xTool S1 Pro (tier 2) in 41.0s')).toBe('xTool S1 Pro');
      expect(index.find('Error scraping xTool S1: timeout')).toBe('xTool S1');
      expect(index.find('Finished xTool S1Pro')).toBeNull();
      expect(index.find('Finished OMTech S1 19 in 3s')).toBe('OMTech S1 19');
      expect(index.find('Finished OMTech S1 1 in 3s')).toBe('OMTech S1 1');
      expect(index.find('Finished OMTech S1 190 in 3s')).toBeNull();
      expect(index.find('done: C++ Laser (v2)!')).toBe('C++ Laser (v2)');
      expect(index.find('done: Ünï 3')).toBe('Ünï 3');
      expect(index.find('Done Ünï 30')).toBeNull();
      // The first of two names of the same length.
      expect(index.find('xTool S1 then OMTech S1 1 then xTool S1 Pro')).toBe('xTool S1 Pro');
      expect(index.find('OMTech S1 1 and xTool S1')).toBe('OMTech S1 1');
      // A hint is tried exactly, then searched in, then the whole line.
      expect(index.find('anything', 'xTool S1')).toBe('xTool S1');
      expect(index.find('anything', '  machine xTool S1 Pro here ')).toBe('xTool S1 Pro');
      expect(index.find('Finished OMTech S1 19', 'nobody')).toBe('OMTech S1 19');
    });

    it(`${label}: a name added twice is one name, and the index hands out its own copy`, () => {
      const index = createMachineNameIndex({ hashMask });
      const line = 'Processing machine Trotec Speedy 400 Flexx - Worker available';
      const first = index.add(line.slice(19, 42));
      expect(first).toBe('Trotec Speedy 400 Flexx');
      expect(index.add('Trotec Speedy 400 Flexx')).toBe(first);
      expect(index.add('')).toBe('');
      expect(index.size).toBe(1);
      expect(index.find('')).toBeNull();
    });
  }

  it('finds what the naive rule finds, with thousands of names (the tables grow) and on one hash', () => {
    const word = fc.constantFrom('xTool', 'S1', 'Pro', '1', '19', 'OMTech', 'C++', '(v2)', 'Ü', '-', 'a_b');
    const name = fc.array(word, { minLength: 1, maxLength: 4 }).map((w) => w.join(' '));
    fc.assert(
      fc.property(fc.uniqueArray(name, { minLength: 1, maxLength: 30 }), fc.array(fc.oneof(word, name, fc.constantFrom(' ', ': ', '!', 'in 3s')), { maxLength: 12 }), fc.boolean(), (names, parts, collide) => {
        const index = createMachineNameIndex({ hashMask: collide ? 0 : undefined });
        // Filler names make the tables and filters grow past their first sizes.
        for (let k = 0; k < (collide ? 0 : 5000); k++) index.add(`filler ${k}`);
        for (const n of names) index.add(n);
        const text = parts.join(' ');
        expect(index.find(text)).toBe(findNaively(names, text));
      }),
      { numRuns: 60, seed: 11 },
    );
  });
});
