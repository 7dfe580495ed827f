/** A batch's report folder as the API serves it: the file list and one file at a time. */
import { readdirSync, readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { sendError } from './http-helpers.js';

const CONTENT_TYPES: Record<string, string> = { '.json': 'application/json', '.jsonl': 'application/x-ndjson', '.html': 'text/html; charset=utf-8', '.md': 'text/markdown; charset=utf-8', '.svg': 'image/svg+xml', '.xml': 'application/xml' };

/** The files of a report folder, sorted; none when there is no folder (or it is gone). */
export function listReportFiles(dir: string | null): string[] {
  if (dir === null) return [];
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/** Serves `name` from `dir`: only a file the folder lists, never a path outside it. */
export function sendReportFile(response: ServerResponse, dir: string | null, name: string): void {
  const missing = () => sendError(response, 404, 'NOT_FOUND', `No report file ${name}`, { field: 'file' });
  if (dir === null || name.startsWith('.') || !listReportFiles(dir).includes(name)) return missing();
  let content: Buffer;
  try {
    content = readFileSync(join(dir, name));
  } catch (error) {
    // Removed since the folder was listed: gone, as for a name it never held. Anything else is the server's fault.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return missing();
    throw error;
  }
  const ext = /\.[a-z]+$/i.exec(name)?.[0] ?? '';
  response.writeHead(200, { 'content-type': CONTENT_TYPES[ext] ?? 'application/octet-stream', 'content-length': content.length, 'x-content-type-options': 'nosniff' });
  response.end(content);
}
