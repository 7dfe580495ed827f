#!/usr/bin/env node
/** The `batchscope` executable: wires the real process into the CLI. */
import { runCli } from './run-cli.js';

// A reader that went away (`batchscope review | head`): stop quietly, as other command-line tools do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

const exitCode = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
  columns: process.stdout.isTTY ? process.stdout.columns : null,
  isTty: Boolean(process.stdout.isTTY),
});
process.exitCode = exitCode;
