/**
 * File-system errors as people read them, for one-line messages that name the path and what was
 * being done: "permission denied (EACCES)" rather than a Node error with a stack.
 */
import { FileAccessError } from '../errors.js';

const REASONS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'it is a folder, not a file',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EEXIST: 'it already exists',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the file system is read-only',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files on the system',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links',
  EBUSY: 'the file is busy',
  EIO: 'an input/output error',
  EFBIG: 'the file is too large',
};

/** Why a file operation failed, e.g. "permission denied (EACCES)"; the error's message (on one line) when it has no code. */
export function describeFileError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (typeof code === 'string') return REASONS[code] ? `${REASONS[code]} (${code})` : code;
  return error instanceof Error ? error.message.replace(/\s*\n\s*/g, ' ') : String(error);
}

/**
 * Runs `step`; a file-system error it throws becomes a one-line FileAccessError, "Cannot <action>
 * <path>: <why>". Errors of this project pass through as they are.
 */
export function withFileErrors<T>(action: string, path: string, step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (error instanceof Error && 'code' in error && typeof (error as NodeJS.ErrnoException).syscall === 'string') {
      throw new FileAccessError(`Cannot ${action} ${path}: ${describeFileError(error)}`, { cause: error });
    }
    throw error;
  }
}
