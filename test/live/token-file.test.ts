/**
 * serve checks its API tokens when it starts: a token file (or $BATCHSCOPE_API_TOKEN) that would
 * lock every client out, or let a typo through, is refused in one line naming the file and the
 * line, exit 2, before the server listens; a token given twice is a warning. The tokens of a good
 * file (several, comments, CRLF, a BOM) are each accepted by the server, and nothing else is.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readServeOptions, runServeCommand } from '../../src/cli/commands/serve.js';
import type { CliIo } from '../../src/cli/cli-io.js';
import { runCliCaptured } from '../support/run-cli-in-process.js';
import { makeTempDir, releaseLiveResourcesAfterEach } from './live-helpers.js';

releaseLiveResourcesAfterEach();
const A = 'first-token-0123456789';
const B = 'second-token-0123456789';

async function serveWith(dir: string, args: string[], env: Record<string, string> = {}) {
  return runCliCaptured(['serve', '--store', join(dir, 'store.db'), '--scrapfly-url', 'http://127.0.0.1:1', '--port', '0', ...args], { cwd: dir, env });
}

describe('the API tokens of serve', () => {
  const refused: Array<[string, string, string]> = [
    ['an empty file', '', '--token-file tokens.txt holds no token (the file is empty); write one token per line, at least 16 characters'],
    ['only comments and blank lines', '# rotated 2026-11\n\n', '--token-file tokens.txt holds no token (its 2 lines are blank or comments); write one token per line, at least 16 characters'],
    ['a space inside a token', `${A}\nsecond token-0123456789\n`, '--token-file tokens.txt line 2: the token holds a space at column 7; a token is one word (callers send it as Authorization: Bearer <token>)'],
    ['a tab inside a token', `# ours\n${A.slice(0, 5)}\t${A.slice(5)}\n`, '--token-file tokens.txt line 2: the token holds a tab at column 6; a token is one word (callers send it as Authorization: Bearer <token>)'],
    ['a non-printable character', `${A}\u0007\n`, '--token-file tokens.txt line 1: the token holds a non-printable character (U+0007) at column 23; a token is visible ASCII characters, ! to ~'],
    ['a character outside ASCII', 'tokén-0123456789abcdef\n', '--token-file tokens.txt line 1: the token holds a character outside visible ASCII (U+00E9) at column 4; a token is visible ASCII characters, ! to ~'],
    ['a token too short', `${A}\n\nshort-token\n`, '--token-file tokens.txt line 3: the token is 11 characters long; a token needs at least 16'],
    ['a token too long', `${'x'.repeat(4097)}\n`, '--token-file tokens.txt line 1: the token is 4097 characters long; a token has at most 4096'],
  ];
  for (const [what, text, message] of refused) {
    it(`refuses ${what} at start: one line naming the file and the line, exit 2`, async () => {
      const { dir } = makeTempDir('tokens');
      writeFileSync(join(dir, 'tokens.txt'), text);
      const result = await serveWith(dir, ['--token-file', 'tokens.txt']);
      expect([result.code, result.stderr, result.stdout]).toEqual([2, `error: ${message}\n`, '']);
    });
  }

  it('refuses a token file it cannot read, and a bad $BATCHSCOPE_API_TOKEN, in one line', async () => {
    const { dir } = makeTempDir('tokens');
    mkdirSync(join(dir, 'folder'));
    expect(await serveWith(dir, ['--token-file', 'nope.txt'])).toEqual({ code: 2, stdout: '', stderr: 'error: --token-file nope.txt: cannot read the file: no such file or folder (ENOENT)\n' });
    expect(await serveWith(dir, ['--token-file', 'folder'])).toEqual({ code: 2, stdout: '', stderr: 'error: --token-file folder: cannot read the file: it is a folder, not a file (EISDIR)\n' });
    expect(await serveWith(dir, [], { BATCHSCOPE_API_TOKEN: 'has a space-0123456789' })).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: BATCHSCOPE_API_TOKEN: the token holds a space at column 4; a token is one word (callers send it as Authorization: Bearer <token>)\n',
    });
    expect(await serveWith(dir, [], { BATCHSCOPE_API_TOKEN: 'short' })).toEqual({ code: 2, stdout: '', stderr: 'error: BATCHSCOPE_API_TOKEN: the token is 5 characters long; a token needs at least 16\n' });
  });

  it('accepts every token of a file with comments, CRLF, a BOM and spaces around tokens; warns once about a repeated one', async () => {
    const { dir } = makeTempDir('tokens');
    writeFileSync(join(dir, 'tokens.txt'), `\uFEFF# old token, remove after the rotation\r\n  ${A}  \r\n\r\n${B}\r\n${A}\r\n`);
    let stdout = '';
    let stderr = '';
    let listening: (url: string) => void = () => {};
    const url = new Promise<string>((resolve) => (listening = resolve));
    const io: CliIo = {
      stdout: (text) => {
        stdout += text;
        const match = /listening on (http:\/\/\S+)/.exec(stdout);
        if (match) listening(match[1] as string);
      },
      stderr: (text) => void (stderr += text),
      env: {},
      cwd: dir,
      columns: 100,
      isTty: false,
    };
    const serving = runServeCommand(readServeOptions({ store: join(dir, 'store.db'), 'scrapfly-url': 'http://127.0.0.1:1', port: 0, host: '127.0.0.1', 'token-file': 'tokens.txt' }, io), io);
    const base = await url;
    const status = async (token: string) => (await fetch(`${base}/api/v1/batches`, { headers: { authorization: `Bearer ${token}` } })).status;
    try {
      expect([await status(A), await status(B), await status('third-token-0123456789'), await status(`${A}x`)]).toEqual([200, 200, 401, 401]);
    } finally {
      process.emit('SIGTERM');
      expect(await serving).toBe(0);
    }
    expect(stderr.split('\n').filter((l) => l.startsWith('warning: --token-file'))).toEqual(['warning: --token-file tokens.txt line 5 repeats the token of line 2 (harmless: remove one)']);
  });
});
