import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url);
const readme = readFileSync(new URL('README.md', root), 'utf8');
const ciRun = readFileSync(new URL('.ci/run', root), 'utf8');

/** The test command of the README's quick start: the code line that runs the tests. */
function readmeTestCommand(): string {
  const block = /## Quick start[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  const line = block.split('\n').find((l) => /tests?\b/i.test(l.split('#')[1] ?? '') || /\bnpm (run )?test\b/.test(l));
  return (line ?? '').split('#')[0]!.trim();
}

describe('.ci/run', () => {
  it('is executable and installs from the lockfile before anything else', () => {
    expect(statSync(new URL('.ci/run', root)).mode & 0o111).not.toBe(0);
    const commands = ciRun.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    const install = commands.findIndex((l) => l === 'npm ci');
    expect(install).toBeGreaterThanOrEqual(0);
    expect(commands.slice(0, install).every((l) => !l.startsWith('npm') && !l.startsWith('node'))).toBe(true);
  });

  it("runs exactly the README's test command after installing, and fails when it fails", () => {
    const command = readmeTestCommand();
    expect(command).toBe('npm test');
    const commands = ciRun.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    expect(commands.indexOf(command)).toBeGreaterThan(commands.indexOf('npm ci'));
    expect(ciRun).toMatch(/^set -euo pipefail$/m);
  });

  it('the README names the demo command', () => {
    expect(readme).toMatch(/npm ci && npm run demo/);
  });
});
