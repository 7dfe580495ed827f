/**
 * Writes one output file (a JUnit report, a Markdown summary, a sweep table), creating its folder.
 * Writes to a temporary file first and renames it, so a reader never sees half a file.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Writes `content` to `path` (resolved against `cwd`); returns the absolute path written. */
export function writeOutputFile(options: { path: string; content: string; cwd: string }): string {
  const absolute = resolve(options.cwd, options.path);
  mkdirSync(dirname(absolute), { recursive: true });
  const partial = `${absolute}.partial`;
  writeFileSync(partial, options.content);
  renameSync(partial, absolute);
  return absolute;
}
