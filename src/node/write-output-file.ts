/**
 * Writes one output file (a JUnit report, a Markdown summary, an emitted scenario), creating its
 * folder. Writes to a temporary file first and renames it, so a reader never sees half a file. A
 * file-system failure throws one line naming the file and why (FileAccessError).
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { withFileErrors } from './describe-file-error.js';

/** Writes `content` to `path` (resolved against `cwd`); returns the absolute path written. `what` names the file in errors ("the JUnit report"). */
export function writeOutputFile(options: { path: string; content: string; cwd: string; what?: string }): string {
  const absolute = resolve(options.cwd, options.path);
  const action = `write ${options.what ?? 'the file'}`;
  withFileErrors(action, absolute, () => mkdirSync(dirname(absolute), { recursive: true }));
  const partial = `${absolute}.partial`;
  try {
    withFileErrors(action, absolute, () => {
      writeFileSync(partial, options.content);
      renameSync(partial, absolute);
    });
  } catch (error) {
    removeQuietly(partial);
    throw error;
  }
  return absolute;
}

/** Removes a partial file if there is one; a path that cannot even be looked at has nothing to remove. */
export function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // Nothing was written there.
  }
}
