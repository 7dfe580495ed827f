/**
 * Failure paths of the built CLI that end in one line or in silence: a reader that closes the pipe
 * early (`batchscope … | head`), and a CI gate with nothing to check.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(new URL('../..', import.meta.url).pathname);
const bin = join(root, 'dist/cli/main.js');

describe('the built CLI fails quietly where it should', () => {
  it('stops quietly with exit 0 when the reader of its output goes away (EPIPE)', async () => {
    const child = spawn(process.execPath, [bin, 'simulate', 'scenarios/incident-2025-08-06.json', '--json', '--no-report'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Read the first chunk of about half a megabyte of JSON, then close the pipe, as `head` does.
    await new Promise<void>((done) => child.stdout.once('data', () => done()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((done) => child.on('exit', (c) => done(c)));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('check with no budget anywhere exits 1 with one line, unless --allow-empty', () => {
    const dir = mkdtempSync(join(tmpdir(), 'batchscope-empty-check-'));
    try {
      writeFileSync(join(dir, 'plain.json'), JSON.stringify({ name: 'plain', items: { count: 2, domains: { 'a.example': 1 } }, world: { account: { concurrency: 2 }, behaviour: { default: { latency: { type: 'fixed', ms: 10 } } } }, policies: [{ name: 'p', workers: 1 }] }));
      const empty = spawnSync(process.execPath, [bin, 'check', dir, '--no-report'], { encoding: 'utf8' });
      expect(empty.status).toBe(1);
      expect(empty.stderr).toBe('error: nothing to check: the scenario holds no budgets (add "budgets", or pass --allow-empty)\n');
      const allowed = spawnSync(process.execPath, [bin, 'check', dir, '--no-report', '--allow-empty'], { encoding: 'utf8' });
      expect(allowed.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
