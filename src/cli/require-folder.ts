/**
 * Folders and files a command will write, checked before the command works: a path that is a file
 * where a folder is expected (or lies under one), a folder where a file is expected, or a place
 * this user cannot write fails at once with one line, not after a whole simulation.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from '../errors.js';

/** Throws a UsageError naming `flag` when `path` (absolute) cannot be a folder this user writes in. */
export function requireFolderPath(path: string, flag: string): void {
  requireWritableFolder(path, `${flag} ${path}`);
}

/** Throws a UsageError naming `flag` when `path` (absolute) cannot be a file this user writes (next to it, as output files are). */
export function requireFilePath(path: string, flag: string): void {
  if (existsSync(path) && statSync(path).isDirectory()) throw new UsageError(`${flag} ${path}: is a folder, not a file`);
  requireWritableFolder(dirname(path), `${flag} ${path}`);
}

/** `folder` is, or can be made, a folder this user writes in: its nearest existing ancestor is a folder it may write. */
function requireWritableFolder(folder: string, shown: string): void {
  let at = folder;
  for (;;) {
    if (existsSync(at)) {
      if (!statSync(at).isDirectory()) throw new UsageError(`${shown}: ${shown.endsWith(` ${at}`) ? 'is a file, not a folder' : `${at} is a file, not a folder`}`);
      if (!canWrite(at)) throw new UsageError(`${shown}: permission denied: this user cannot write in ${at}`);
      return;
    }
    const parent = dirname(at);
    if (parent === at) return;
    at = parent;
  }
}

function canWrite(folder: string): boolean {
  try {
    accessSync(folder, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
