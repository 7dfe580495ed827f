/**
 * Golden files: compares text with test/report/golden/<name> and fails with a line diff.
 * `UPDATE_GOLDEN=1 npx vitest run test/report` rewrites the files instead.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const dir = new URL('../golden/', import.meta.url);

/** Throws with a readable diff when `actual` differs from the golden file `name`. */
export function expectGolden(name: string, actual: string, options: { update?: boolean } = {}): void {
  const url = new URL(name, dir);
  if (options.update ?? process.env['UPDATE_GOLDEN'] === '1') {
    writeFileSync(url, actual);
    return;
  }
  if (!existsSync(url)) throw new Error(`Golden file test/report/golden/${name} is missing; create it with UPDATE_GOLDEN=1 npx vitest run test/report`);
  const expected = readFileSync(url, 'utf8');
  if (expected === actual) return;
  throw new Error(`Output differs from test/report/golden/${name} (- golden, + actual; UPDATE_GOLDEN=1 rewrites it after review):\n${diffLines(expected, actual)}`);
}

/** A compact line diff: each differing line with its number, and two lines of context around. */
export function diffLines(expected: string, actual: string): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  const n = Math.max(a.length, b.length);
  const differing: number[] = [];
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) differing.push(i);
  const shown = new Set<number>();
  for (const i of differing) for (let k = Math.max(0, i - 2); k <= Math.min(n - 1, i + 2); k++) shown.add(k);
  const out: string[] = [];
  let last = -1;
  for (const i of [...shown].sort((x, y) => x - y)) {
    if (last >= 0 && i > last + 1) out.push('   …');
    const lineNo = String(i + 1).padStart(4);
    if (a[i] === b[i]) out.push(`${lineNo}   ${a[i] ?? ''}`);
    else {
      if (i < a.length) out.push(`${lineNo} - ${a[i]}`);
      if (i < b.length) out.push(`${lineNo} + ${b[i]}`);
    }
    last = i;
    if (out.length > 80) {
      out.push(`   … ${differing.length} differing lines in all`);
      break;
    }
  }
  return out.join('\n');
}
