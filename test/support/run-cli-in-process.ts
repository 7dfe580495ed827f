/** Runs the CLI in-process with captured output. */
import { runCli } from '../../src/cli/run-cli.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCliCaptured(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    env: { NO_COLOR: '1', ...options.env },
    cwd: options.cwd ?? new URL('../..', import.meta.url).pathname,
    columns: 100,
    isTty: false,
  });
  return { code, stdout, stderr };
}
