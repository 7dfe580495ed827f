/**
 * The API tokens `serve` accepts, from a token file (`--token-file`) or `$BATCHSCOPE_API_TOKEN`,
 * checked when the server starts rather than discovered when every client is locked out.
 *
 * A token file holds one token per line, so that a new token can be added before the old one is
 * removed; blank lines and lines starting with `#` are ignored, and spaces around a token and the
 * line ending (LF or CRLF) are dropped. A token is 16 to 4096 visible ASCII characters (`!` to `~`):
 * callers send it as `Authorization: Bearer <token>`, which cannot carry a space, and a character
 * outside ASCII would reach the server differently from curl and from the sign-in form. Refused,
 * naming the file and the line: a file with no token, a space or tab inside a token, a character
 * that is not visible ASCII, a token too short or too long. A token given twice is harmless (the
 * server accepts the same callers), so it is a warning naming both lines.
 */
import { UsageError } from '../errors.js';

/** Shortest and longest token, characters. */
export const MIN_TOKEN_CHARS = 16;
export const MAX_TOKEN_CHARS = 4096;

/** The tokens accepted, and warnings about the file to show once at start. */
export interface ApiTokens {
  tokens: string[];
  warnings: string[];
}

/** Parses a token file's `text`; `source` names it in messages (`--token-file tokens.txt`). Throws a one-line UsageError. */
export function parseApiTokenFile(options: { text: string; source: string }): ApiTokens {
  const { source } = options;
  const lines = options.text.replace(/^\uFEFF/, '').split('\n');
  if (lines.at(-1) === '') lines.pop();
  const tokens: string[] = [];
  const warnings: string[] = [];
  const firstLine = new Map<string, number>();
  lines.forEach((raw, index) => {
    const line = index + 1;
    const token = raw.replace(/\r$/, '').trim();
    if (token === '' || token.startsWith('#')) return;
    const problem = findTokenProblem(token);
    if (problem !== null) throw new UsageError(`${source} line ${line}: ${problem}`);
    const seen = firstLine.get(token);
    if (seen !== undefined) {
      warnings.push(`${source} line ${line} repeats the token of line ${seen} (harmless: remove one)`);
      return;
    }
    firstLine.set(token, line);
    tokens.push(token);
  });
  if (tokens.length === 0) {
    const why = lines.length === 0 ? 'the file is empty' : `its ${lines.length} ${lines.length === 1 ? 'line is' : 'lines are'} blank or comments`;
    throw new UsageError(`${source} holds no token (${why}); write one token per line, at least ${MIN_TOKEN_CHARS} characters`);
  }
  return { tokens, warnings };
}

/** Checks one token given whole (the environment variable); `source` names it. Throws a one-line UsageError. */
export function parseApiToken(options: { text: string; source: string }): string {
  const token = options.text.trim();
  const problem = findTokenProblem(token);
  if (problem !== null) throw new UsageError(`${options.source}: ${problem}`);
  return token;
}

/** What is wrong with `token` (already trimmed), or null. */
export function findTokenProblem(token: string): string | null {
  for (let i = 0; i < token.length; i++) {
    const code = token.charCodeAt(i);
    if (code >= 0x21 && code <= 0x7e) continue;
    const column = i + 1;
    if (code === 0x20 || code === 0x09) return `the token holds ${code === 0x20 ? 'a space' : 'a tab'} at column ${column}; a token is one word (callers send it as Authorization: Bearer <token>)`;
    const unit = `U+${(token.codePointAt(i) ?? code).toString(16).toUpperCase().padStart(4, '0')}`;
    const kind = code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0) ? 'a non-printable character' : 'a character outside visible ASCII';
    return `the token holds ${kind} (${unit}) at column ${column}; a token is visible ASCII characters, ! to ~`;
  }
  if (token.length < MIN_TOKEN_CHARS) return `the token is ${token.length} characters long; a token needs at least ${MIN_TOKEN_CHARS}`;
  if (token.length > MAX_TOKEN_CHARS) return `the token is ${token.length} characters long; a token has at most ${MAX_TOKEN_CHARS}`;
  return null;
}
