import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** src/sweep follows the core-folder rules of DESIGN.md: it never reaches the real world. */
const FORBIDDEN: Array<[string, RegExp]> = [
  ['timers', /\bset(Timeout|Interval|Immediate)\b/],
  ['Date.now()', /\bDate\.now\s*\(/],
  ['new Date()', /new Date\(\s*\)/],
  ['Math.random', /\bMath\.random\b/],
  ['performance.now', /\bperformance\.now\b/],
  ['process', /\bprocess\./],
  ['console', /\bconsole\./],
  ['node modules', /from\s+['"](node:|fs|http|worker_threads|child_process|os)/],
  ['adapters', /from\s+['"]\.\.\/(node|cli|live|clock)\//],
];

function violations(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
    const code = readFileSync(join(dir, name), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
    code.split('\n').forEach((line, i) => {
      for (const [what, pattern] of FORBIDDEN) if (pattern.test(line.replace(/\/\/.*$/, ''))) found.push(`${name}:${i + 1}: ${what}`);
    });
  }
  return found;
}

describe('src/sweep', () => {
  it('is pure: no clock, randomness, process, console, files or adapters', () => {
    const dir = new URL('../../src/sweep/', import.meta.url).pathname;
    expect(readdirSync(dir).length).toBeGreaterThan(5);
    expect(violations(dir)).toEqual([]);
  });

  it('would see a violation', () => {
    const dir = new URL('../../src/node/', import.meta.url).pathname;
    expect(violations(dir).length).toBeGreaterThan(0);
  });
});
