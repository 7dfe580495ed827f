/**
 * A folder a command will write into, checked before the command works: a path that is a file
 * (or lies under one) fails at once with one line, not after a whole simulation.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from '../errors.js';

/** Throws a UsageError naming `flag` when `path` (absolute) cannot be a folder. */
export function requireFolderPath(path: string, flag: string): void {
  let at = path;
  for (;;) {
    if (existsSync(at)) {
      if (!statSync(at).isDirectory()) throw new UsageError(`${flag} ${path}: ${at === path ? 'is a file, not a folder' : `${at} is a file, not a folder`}`);
      return;
    }
    const parent = dirname(at);
    if (parent === at) return;
    at = parent;
  }
}
