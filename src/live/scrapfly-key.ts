/**
 * Where the Scrapfly API key comes from: a key file (`--scrapfly-key-file`) or the SCRAPFLY_KEY
 * environment variable. The key is only ever handed to the Scrapfly client; it is never printed,
 * logged, stored, or put into events, errors or reports.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { LiveInputError } from './live-errors.js';
import { describeFileError } from '../node/describe-file-error.js';

/** The key, or null when neither source gives one. Errors never quote the file's content. */
export function readScrapflyKey(options: { env: Record<string, string | undefined>; keyFile: string | null; cwd: string }): string | null {
  if (options.keyFile !== null) {
    let text: string;
    try {
      text = readFileSync(resolve(options.cwd, options.keyFile), 'utf8');
    } catch (error) {
      throw new LiveInputError(`Cannot read the Scrapfly key file ${options.keyFile}: ${describeFileError(error)}`, '--scrapfly-key-file');
    }
    const key = text.trim();
    if (key === '' || /\s/.test(key)) throw new LiveInputError(`The Scrapfly key file ${options.keyFile} must hold one key on one line`, '--scrapfly-key-file');
    return key;
  }
  const fromEnv = options.env['SCRAPFLY_KEY']?.trim();
  return fromEnv ? fromEnv : null;
}

/** True for a base URL on this machine (the mock's HTTP face), where a placeholder key will do. */
export function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === 'localhost' || host === '::1' || host === '[::1]' || host.startsWith('127.');
  } catch {
    return false;
  }
}

/** The key sent to a mock on this machine when none is configured. */
export const LOCAL_MOCK_KEY = 'scp-local-mock';
