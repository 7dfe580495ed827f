/** Builds dist/ once before the suite, so that tests of the executable run the current code. */
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  const root = new URL('../..', import.meta.url).pathname;
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
}
