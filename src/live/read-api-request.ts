/**
 * What the batch-update API reads from a request — its body, its JSON, its query string — and the
 * errors a caller can fix, each with its HTTP status and the field at fault, so that input errors
 * are answered 4xx in one line and never reach the 500 path kept for bugs.
 *
 * - A body past MAX_BODY_BYTES is 413 (at once when Content-Length says so).
 * - A JSON body may be sent as `application/json` (or any `+json` type), as `text/plain` (what
 *   fetch sends for a string) or as `application/x-www-form-urlencoded` (what `curl -d` sends), or
 *   without a type; any other type, a charset other than UTF-8, or a Content-Encoding is 415.
 * - Not JSON is 400 with where it breaks, on one line; so is JSON nested deeper than
 *   MAX_BODY_DEPTH (no body of this API nests past 2, and deep nesting would overflow the stack
 *   of whatever walks it afterwards).
 * - The API's routes take no query parameters: one is 400 naming it (a misspelt `?limit=5` would
 *   otherwise be ignored without a word).
 */
import type { IncomingMessage } from 'node:http';
import { BatchscopeError } from '../errors.js';

/** Largest request body read, bytes. */
export const MAX_BODY_BYTES = 64 * 1024;

/** Deepest nesting of arrays and objects a JSON body may have. */
export const MAX_BODY_DEPTH = 32;

/** A request the caller can fix: answered with `status` (4xx), `code`, the message and the field at fault. */
export class ApiRequestError extends BatchscopeError {
  readonly status: number;
  /** The field at fault: a body field, `(body)`, a header such as `content-type`, or `query.<name>`. */
  readonly field: string;

  constructor(options: { status: number; code: string; message: string; field: string }) {
    super(options.code, options.message);
    this.status = options.status;
    this.field = options.field;
  }
}

/** The caller went away before its request was read: there is nobody to answer. */
export class ClientGoneError extends BatchscopeError {
  constructor() {
    super('CLIENT_GONE', 'The client closed the connection before its request was read');
  }
}

const tooLarge = () => new ApiRequestError({ status: 413, code: 'BODY_TOO_LARGE', message: `The body is larger than ${MAX_BODY_BYTES} bytes`, field: '(body)' });

/**
 * Reads the whole body as UTF-8. Rejects with ApiRequestError (413) past MAX_BODY_BYTES and with
 * ClientGoneError when the connection breaks first.
 */
export function readBody(request: IncomingMessage): Promise<string> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
    };
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        request.pause();
        settle(() => reject(tooLarge()));
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => settle(() => resolve(Buffer.concat(chunks).toString('utf8'))));
    request.on('error', () => settle(() => reject(new ClientGoneError())));
    request.on('close', () => settle(() => reject(new ClientGoneError())));
  });
}

/** Media types a JSON body may come as (see the file's comment). */
const JSON_BODY_TYPES = new Set(['application/json', 'text/plain', 'application/x-www-form-urlencoded']);

/** Reads and decodes a JSON body. Rejects with ApiRequestError (400, 413, 415) or ClientGoneError. */
export async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const type = request.headers['content-type'];
  if (type !== undefined) {
    const [essence = '', ...params] = type.split(';').map((p) => p.trim().toLowerCase());
    if (!JSON_BODY_TYPES.has(essence) && !/^[a-z]+\/[a-z0-9.+-]+\+json$/.test(essence)) {
      throw new ApiRequestError({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: `Send the body as JSON (Content-Type: application/json), not ${JSON.stringify(type)}`, field: 'content-type' });
    }
    const charset = params.find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/^"|"$/g, '');
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8' && charset !== 'us-ascii') {
      throw new ApiRequestError({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: `Send the body in UTF-8, not charset ${JSON.stringify(charset)}`, field: 'content-type' });
    }
  }
  const encoding = request.headers['content-encoding'];
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
    throw new ApiRequestError({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: `Send the body uncompressed, not with Content-Encoding ${JSON.stringify(encoding)}`, field: 'content-encoding' });
  }
  const text = await readBody(request);
  const deep = findDeepNesting(text, MAX_BODY_DEPTH);
  if (deep !== null) throw new ApiRequestError({ status: 400, code: 'INVALID_JSON', message: `The body is nested more than ${MAX_BODY_DEPTH} levels deep (at character ${deep + 1})`, field: '(body)' });
  try {
    return JSON.parse(text);
  } catch (error) {
    // V8 quotes the body in its message, newlines included: keep it to one line.
    const why = text.trim() === '' ? 'the body is empty' : error instanceof Error ? error.message.replace(/\s+/g, ' ') : String(error);
    throw new ApiRequestError({ status: 400, code: 'INVALID_JSON', message: `The body is not valid JSON (${why})`, field: '(body)' });
  }
}

/** The offset where brackets outside strings first nest deeper than `max`, or null. */
function findDeepNesting(text: string, max: number): number | null {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return null;
}

/** Refuses any query parameter (the API's routes take none): 400 naming the first. */
export function refuseQueryParameters(request: IncomingMessage, path: string): void {
  const url = request.url ?? '/';
  const at = url.indexOf('?');
  if (at < 0 || at === url.length - 1) return;
  const query = url.slice(at + 1);
  let name: string;
  try {
    name = decodeURIComponent((query.split('&', 1)[0] as string).split('=', 1)[0] as string);
  } catch {
    name = query.split('&', 1)[0] as string;
  }
  const shown = name.length > 40 ? `${name.slice(0, 37)}...` : name;
  throw new ApiRequestError({ status: 400, code: 'INVALID_QUERY', message: `${path} takes no query parameters, got ${JSON.stringify(shown)}`, field: `query.${shown}` });
}
