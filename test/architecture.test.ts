import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The folders that must reach the world only through ports (DESIGN.md). */
const CORE = ['engine', 'diagnose', 'scrapfly', 'direct', 'mock', 'latency', 'replay', 'scenario', 'report', 'extract', 'events', 'random', 'units', 'sweep'];
const FORBIDDEN: Array<[string, RegExp]> = [
  ['setTimeout', /\bsetTimeout\s*\(/],
  ['setInterval', /\bsetInterval\s*\(/],
  ['setImmediate', /\bsetImmediate\b/],
  ['Date.now()', /\bDate\.now\s*\(/],
  ['new Date() without an argument', /new Date\(\s*\)/],
  ['Math.random', /\bMath\.random\b/],
  ['performance.now', /\bperformance\.now\b/],
  ['fetch()', /(^|[^.\w])fetch\s*\(/],
  ['process', /\bprocess\./],
  ['node:fs / node:http / node:net', /from\s+['"](node:)?(fs|fs\/promises|http|https|net|child_process|worker_threads)['"]/],
  ['undici', /from\s+['"]undici['"]/],
  ['the real clock module', /real-clock/],
];

const root = new URL('../src/', import.meta.url).pathname;

function filesUnder(dir: string): string[] {
  let out: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out = out.concat(filesUnder(path));
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

/** Lines of code with comments removed, so that doc comments may talk about these things. */
function codeLines(text: string): string[] {
  const withoutBlocks = text.replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' '));
  return withoutBlocks.split('\n').map((line) => line.replace(/(^|[^:'"`])\/\/.*$/, '$1'));
}

/** Every forbidden reference in `files`, as "file:line: what". */
export function findViolations(files: readonly string[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    codeLines(readFileSync(file, 'utf8')).forEach((line, i) => {
      for (const [what, pattern] of FORBIDDEN) if (pattern.test(line)) found.push(`${file.slice(root.length)}:${i + 1}: ${what}`);
    });
  }
  return found;
}

describe('architecture', () => {
  it('keeps the core folders free of the real clock, randomness, network, files and process', () => {
    const files = CORE.flatMap((folder) => filesUnder(join(root, folder)));
    expect(files.length).toBeGreaterThan(30);
    expect(findViolations(files)).toEqual([]);
  });

  it('detects a violation when one is there', () => {
    const probe = join(root, 'clock', 'real-clock.ts');
    expect(findViolations([probe]).some((v) => v.includes('setTimeout'))).toBe(true);
  });
});
