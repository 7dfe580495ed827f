/**
 * Files and folders the CLI cannot read or write, for real: a folder where a file is expected, a
 * file where a folder is expected, a name the file system refuses, and folders and files this user
 * may not read or write. Each ends in one line naming the path and what went wrong, with exit 2
 * when a flag's path is refused before any work and exit 1 when a read or write fails, never a
 * stack trace or "(unexpected …)".
 *
 * Permissions do not bite root: run as root, the permission cases run the built CLI as the
 * unprivileged user 65534 (nobody); where that is impossible they are skipped, saying why.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliCaptured, type CliResult } from '../support/run-cli-in-process.js';

const root = new URL('../..', import.meta.url).pathname;
const bin = join(root, 'dist/cli/main.js');
const SCENARIO = join(root, 'scenarios/asp-wave.json');
const LOG = join(root, 'scenarios/logs/batch_20250806_030023_901652f0.txt');
const temp = mkdtempSync(join(tmpdir(), 'batchscope-files-'));
chmodSync(temp, 0o755);
afterAll(() => {
  chmodSync(join(temp, 'locked'), 0o755);
  rmSync(temp, { recursive: true, force: true });
});

const folder = join(temp, 'a-folder');
mkdirSync(folder);
const file = join(temp, 'a-file.txt');
writeFileSync(file, 'not a folder\n');
const machines = join(temp, 'machines.csv');
writeFileSync(machines, 'name,url\nA,https://a.example/p/1\n');
const longName = join(temp, `${'n'.repeat(300)}.json`);

/**
 * The promise of every failure: its exit code and exactly `message` on one line (after the
 * progress lines `check` prints when stderr is not a terminal).
 */
function expectOneLine(result: CliResult | { code: number | null; stdout: string; stderr: string }, code: number, message: string | RegExp): void {
  const stderr = result.stderr.replace(/^check: \d+\/\d+ runs .*\n/gm, '');
  expect(stderr).not.toMatch(/\n\s+at |\(unexpected;/);
  expect(stderr.split('\n').filter(Boolean), stderr).toHaveLength(1);
  if (typeof message === 'string') expect(stderr).toBe(`error: ${message}\n`);
  else expect(stderr).toMatch(message);
  expect(result.code, stderr).toBe(code);
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

describe('file-system errors in one line', () => {
  it('a folder where a file is read: scenario, log, machines file, store', async () => {
    expectOneLine(await runCliCaptured(['simulate', folder], { cwd: temp }), 1, 'Failed to load scenario a-folder: cannot read the file: it is a folder, not a file (EISDIR)');
    expectOneLine(await runCliCaptured(['replay', folder, '--no-report'], { cwd: temp }), 1, 'Failed to read log a-folder: cannot read the file: it is a folder, not a file (EISDIR)');
    expectOneLine(await runCliCaptured(['import', folder, '--store', join(temp, 'x.db')], { cwd: temp }), 1, 'Failed to import a-folder: cannot read the file: it is a folder, not a file (EISDIR)');
    expectOneLine(await runCliCaptured(['import', machines, '--store', folder], { cwd: temp }), 1, `Cannot open the store ${folder}: it is a folder, not a file (EISDIR)`);
    expectOneLine(await runCliCaptured(['batches', '--store', folder], { cwd: temp }), 1, `Cannot open the store ${folder}: it is a folder, not a file (EISDIR)`);
    expectOneLine(await runCliCaptured(['simulate', join(file, 'x.json')], { cwd: temp }), 1, 'Failed to load scenario a-file.txt/x.json: cannot read the file: a part of the path is a file, not a folder (ENOTDIR)');
  });

  it('a folder where a file is written, refused before any work (exit 2)', async () => {
    expectOneLine(await runCliCaptured(['check', SCENARIO, '--seeds', '1', '--no-report', '--junit', folder], { cwd: temp }), 2, `--junit ${folder}: is a folder, not a file`);
    expectOneLine(await runCliCaptured(['check', SCENARIO, '--seeds', '1', '--no-report', '--summary', join(file, 'summary.md')], { cwd: temp }), 2, `--summary ${join(file, 'summary.md')}: ${file} is a file, not a folder`);
    expectOneLine(await runCliCaptured(['replay', LOG, '--no-report', '--emit-scenario', folder], { cwd: temp }), 2, `--emit-scenario ${folder}: is a folder, not a file`);
    expectOneLine(await runCliCaptured(['diagnose', LOG, '--budget', '15m', '--no-report', '--emit-scenario', folder], { cwd: temp }), 2, `--emit-scenario ${folder}: is a folder, not a file`);
  });

  it('a write that fails during the work: the path, what was written and why (exit 1)', async () => {
    // The report folder's scenario level is a file: found only when the report is written.
    const reports = join(temp, 'reports');
    mkdirSync(reports);
    writeFileSync(join(reports, 'asp-wave'), 'in the way\n');
    expectOneLine(await runCliCaptured(['simulate', SCENARIO, '--no-timeline', '--report-dir', reports], { cwd: temp }), 1, new RegExp(`^error: Cannot create the report folder ${reports}/asp-wave/\\d{8}-\\d{6}-seed\\d+: a part of the path is a file, not a folder \\(ENOTDIR\\)\\n$`));
    // A name the file system refuses.
    expectOneLine(await runCliCaptured(['replay', LOG, '--no-report', '--emit-scenario', longName], { cwd: temp }), 1, `Cannot write the scenario ${longName}: the name is too long (ENAMETOOLONG)`);
    expectOneLine(await runCliCaptured(['check', SCENARIO, '--seeds', '1', '--threads', '0', '--no-report', '--junit', longName], { cwd: temp }), 1, `Cannot write the JUnit report ${longName}: the name is too long (ENAMETOOLONG)`);
  });

  describe('permissions', () => {
    const locked = join(temp, 'locked');
    mkdirSync(locked);
    const secret = join(temp, 'secret.json');
    writeFileSync(secret, '{}');
    const secretLog = join(temp, 'secret.log');
    writeFileSync(secretLog, '2025-08-06 03:00:23 - Processing machine A - Worker available\n');
    const tokens = join(temp, 'tokens.txt');
    writeFileSync(tokens, 'token-0123456789abcdef\n');
    const store = join(locked, 'store.db');
    writeFileSync(machines, 'name,url\nA,https://a.example/p/1\n');
    // The store exists (made while the folder was writable) and is then read-only, in a read-only folder.
    const made = spawnSync(process.execPath, [bin, 'import', machines, '--store', store], { encoding: 'utf8' });
    for (const path of [secret, secretLog, tokens]) chmodSync(path, 0o000);
    chmodSync(store, 0o444);
    chmodSync(locked, 0o555);

    const asRoot = process.getuid?.() === 0;
    const drop = asRoot ? { uid: 65534, gid: 65534 } : {};
    const probe = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.getuid()))'], { ...drop, encoding: 'utf8' });
    const unprivileged = probe.status === 0 && probe.stdout !== '0';
    const reason = asRoot ? 'running as root, and the CLI cannot be run as the unprivileged user 65534 here' : 'this user cannot be told apart from root';
    if (!unprivileged) console.warn(`file-errors: permission cases skipped: ${reason} (${probe.error?.message ?? probe.stderr.trim()})`);
    const run = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { ...drop, cwd: temp, encoding: 'utf8', env: { ...process.env, SCRAPFLY_KEY: 'scp-test', BATCHSCOPE_API_TOKEN: undefined } });

    it.skipIf(!unprivileged)(`as ${asRoot ? 'user 65534' : 'this user'}: unreadable files and unwritable folders, in one line each`, () => {
      expect(made.status, made.stderr).toBe(0);
      const code = (r: ReturnType<typeof run>) => ({ code: r.status, stdout: r.stdout, stderr: r.stderr });
      expectOneLine(code(run(['simulate', secret, '--no-report'])), 1, 'Failed to load scenario secret.json: cannot read the file: permission denied (EACCES)');
      expectOneLine(code(run(['replay', secretLog, '--no-report'])), 1, 'Failed to read log secret.log: cannot read the file: permission denied (EACCES)');
      expectOneLine(code(run(['import', secret, '--store', join(temp, 'new.db')])), 1, 'Failed to import secret.json: cannot read the file: permission denied (EACCES)');
      expectOneLine(code(run(['serve', '--store', join(temp, 'new.db'), '--token-file', tokens, '--port', '0'])), 2, '--token-file tokens.txt: cannot read the file: permission denied (EACCES)');
      // Where a flag's folder cannot be written: refused before any work.
      expectOneLine(code(run(['simulate', SCENARIO, '--report-dir', join(locked, 'reports')])), 2, `--report-dir ${join(locked, 'reports')}: permission denied: this user cannot write in ${locked}`);
      expectOneLine(code(run(['check', SCENARIO, '--no-report', '--junit', join(locked, 'junit.xml')])), 2, `--junit ${join(locked, 'junit.xml')}: permission denied: this user cannot write in ${locked}`);
      expectOneLine(code(run(['replay', LOG, '--no-report', '--emit-scenario', join(locked, 'x.json')])), 2, `--emit-scenario ${join(locked, 'x.json')}: permission denied: this user cannot write in ${locked}`);
      expectOneLine(code(run(['run', '--store', store, '--direct', '--report-dir', join(locked, 'reports')])), 2, `--report-dir ${join(locked, 'reports')}: permission denied: this user cannot write in ${locked}`);
      // Stores: a new one in a read-only folder, an existing one read-only in a read-only folder.
      expectOneLine(code(run(['import', machines, '--store', join(locked, 'new.db')])), 1, `Cannot open the store ${join(locked, 'new.db')}: permission denied: this user cannot write in its folder ${locked} (unable to open database file (SQLITE_CANTOPEN))`);
      const readOnly = new RegExp(`^error: Cannot open the store ${escape(store)}: permission denied: this user cannot read and write the file \\(attempt to write a readonly database \\(SQLITE_READONLY\\w*\\)\\)\\n$`);
      expectOneLine(code(run(['import', machines, '--store', store])), 1, readOnly);
      expectOneLine(code(run(['batches', '--store', store])), 1, readOnly);
    });
  });
});
