/**
 * Reads a log file, plain or gzipped (recognised by the gzip magic bytes, whatever its name), as
 * a stream of line chunks: each chunk of the file becomes an array of lines without their
 * newlines. Memory holds one chunk at a time, plus at most one unfinished line.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { LogParseError } from '../errors.js';
import { describeFileError } from './describe-file-error.js';

/** A line longer than this is handed over in pieces, so that a file without newlines cannot exhaust memory. */
export const MAX_LINE_CHARS = 64 * 1024 * 1024;

/** Whether the file starts with the gzip magic bytes. */
export async function isGzipFile(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/**
 * Yields the lines of `path` in chunks. `shown` names the file in errors. Throws LogParseError when
 * the file cannot be read or is not valid gzip; stops when `signal` aborts (the caller owns it).
 */
export async function* readLogLines(options: { path: string; shown?: string; signal?: AbortSignal; chunkBytes?: number }): AsyncGenerator<string[]> {
  const shown = options.shown ?? options.path;
  let gzip: boolean;
  try {
    gzip = await isGzipFile(options.path);
  } catch (error) {
    throw new LogParseError(`Failed to read log ${shown}: cannot read the file: ${describeFileError(error)}`, 0);
  }
  const file = createReadStream(options.path, { highWaterMark: options.chunkBytes ?? 1 << 20, signal: options.signal });
  let source: NodeJS.ReadableStream = file;
  if (gzip) {
    const gunzip = createGunzip();
    // pipeline forwards a read error of the file into the gunzip stream the loop below reads.
    pipeline(file, gunzip, () => undefined);
    source = gunzip;
  }
  const decoder = new StringDecoder('utf8');
  let rest = '';
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      const text = rest + decoder.write(chunk);
      const lines = text.split('\n');
      rest = lines.pop() as string;
      if (rest.length > MAX_LINE_CHARS) {
        lines.push(rest);
        rest = '';
      }
      if (lines.length > 0) yield lines;
    }
  } catch (error) {
    if ((error as { name?: string }).name === 'AbortError') throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (gzip && typeof code === 'string' && code.startsWith('Z_')) {
      throw new LogParseError(`Failed to read log ${shown}: the gzip data is corrupt or cut short (${(error as Error).message})`, 0);
    }
    throw new LogParseError(`Failed to read log ${shown}: cannot read the file: ${describeFileError(error)}`, 0);
  } finally {
    file.destroy();
  }
  rest += decoder.end();
  if (rest.length > 0) yield [rest];
}
