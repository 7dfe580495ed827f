import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMachineNameIndex } from '../../src/replay/match-machine-name.js';
import { createMessageReader } from '../../src/replay/read-log-message.js';

/** The start phrasing as a regular expression: the reader, which reads the common line by hand, must agree with it. */
const START = /\bProcessing machine\s+(.+?)(?:\s+-\s+Worker available)?\s*$/;

const reader = createMessageReader();
const startOf = (message: string) => {
  const meaning = reader.read(message, createMachineNameIndex());
  return meaning.kind === 'start' ? meaning.name : null;
};

describe('start lines', () => {
  it('read the machine name of the seed phrasing and its variants', () => {
    expect(startOf('Processing machine xTool S1 - Worker available')).toBe('xTool S1');
    expect(startOf('Processing machine xTool S1 Pro')).toBe('xTool S1 Pro');
    expect(startOf('Processing machine   Boss LS-1630  -  Worker available  ')).toBe('Boss LS-1630');
    expect(startOf('Processing machine X -Worker available')).toBe('X -Worker available');
    expect(startOf('Processing machine X- Worker available')).toBe('X- Worker available');
    expect(startOf('Processing machine - Worker available')).toBe('- Worker available');
    expect(startOf('Processing machine Worker available')).toBe('Worker available');
    expect(startOf('[w3] Processing machine Ünï 3 - Worker available')).toBe('Ünï 3');
    expect(startOf('Reprocessing machine X')).toBeNull();
    expect(startOf('Processing machinery X')).toBeNull();
  });

  it('agree with the regular expression on any line', () => {
    const part = fc.constantFrom('Processing machine', 'Processing machine ', ' ', '  ', '-', ' - ', ' -', '- ', 'Worker available', ' Worker available', 'xTool', 'S1', '\t', 'Ü', 'x', '_', '\u2028', '\u00a0', ':');
    fc.assert(
      fc.property(fc.array(part, { maxLength: 10 }), (parts) => {
        const message = parts.join('');
        const m = START.exec(message);
        expect(startOf(message)).toBe(m ? (m[1] as string).trim() : null);
      }),
      { numRuns: 5000, seed: 3 },
    );
  });
});
