/**
 * The command line: parses argv with yargs and hands a typed options object to one function per
 * command. Errors are one line on stderr and a non-zero exit code, never a stack trace (set
 * BATCHSCOPE_DEBUG=1 to see one).
 */
import { readFileSync } from 'node:fs';
import yargs from 'yargs';
import { BatchscopeError } from '../errors.js';
import { describeFileError } from '../node/describe-file-error.js';
import { describeSqliteError } from '../live/describe-sqlite-error.js';
import type { CliIo } from './cli-io.js';
import { describeSimulate, readSimulateOptions, runSimulateCommand } from './commands/simulate.js';
import { describeCheck, readCheckOptions, runCheckCommand } from './commands/check.js';
import { describeSweep, readSweepOptions, runSweepCommand } from './commands/sweep.js';
import { describeImport, readImportOptions, runImportCommand } from './commands/import.js';
import { describeReview, readReviewOptions, runReviewCommand } from './commands/review.js';
import { describeBatches, readBatchesOptions, runBatchesCommand } from './commands/batches.js';
import { describeRun, readRunOptions, runRunCommand } from './commands/run.js';
import { describeServe, readServeOptions, runServeCommand } from './commands/serve.js';
import { describeServeMock, readServeMockOptions, runServeMockCommand } from './commands/serve-mock.js';
import { describeReplay, readReplayOptions, runReplayCommand } from './commands/replay.js';
import { describeDiagnose, readDiagnoseOptions, runDiagnoseCommand } from './commands/diagnose.js';

/** Runs the CLI with `args` (without the node and script paths). Resolves to the exit code. */
export async function runCli(args: readonly string[], io: CliIo): Promise<number> {
  // Handlers only read and check their options and leave the work here: yargs validates unknown
  // flags and choices after a handler has run, and nothing may be read, sent or written before
  // every flag is known to be right.
  let pending: (() => Promise<number>) | null = null;
  let usageError: string | null = null;
  const parser = yargs([...args])
    .scriptName('batchscope')
    .usage('$0 <command> [options]\n\nSimulate, replay and run batches of Scrapfly scrapes on one engine.')
    .command(
      'simulate <scenario>',
      'Run the policies of a scenario on the virtual clock against the mock Scrapfly API',
      (y) => describeSimulate(y),
      async (argv) => {
        pending = prepare(() => readSimulateOptions(argv), (options) => runSimulateCommand(options, io));
      },
    )
    .command(
      'serve-mock',
      'Serve a scenario\'s world as the mock Scrapfly API over real HTTP (until SIGINT/SIGTERM)',
      (y) => describeServeMock(y),
      async (argv) => {
        pending = prepare(() => readServeMockOptions(argv), (options) => runServeMockCommand(options, io));
      },
    )
    .command('import <file>', 'Add machines to the store from a JSON or CSV file (matched by URL)', (y) => describeImport(y), async (argv) => {
      pending = prepare(() => readImportOptions(argv, io), (options) => runImportCommand(options, io));
    })
    .command('run', 'Run a live batch: price the store\'s machines through Scrapfly with the production engine', (y) => describeRun(y), async (argv) => {
      pending = prepare(() => readRunOptions(argv, io), (options) => runRunCommand(options, io));
    })
    .command('serve', 'Serve the batch-update API (POST /api/v1/batch-update, GET /api/v1/batches/:id)', (y) => describeServe(y), async (argv) => {
      pending = prepare(() => readServeOptions(argv, io), (options) => runServeCommand(options, io));
    })
    .command('batches [id]', "List the store's batches (status, progress, counts, resumable), or show one", (y) => describeBatches(y), async (argv) => {
      pending = prepare(() => readBatchesOptions(argv, io), (options) => runBatchesCommand(options, io));
    })
    .command('review', 'List price changes flagged for review; --approve or --reject them', (y) => describeReview(y), async (argv) => {
      pending = prepare(() => readReviewOptions(argv, io), (options) => runReviewCommand(options, io));
    })
    .command(
      'check [paths..]',
      'CI budget gate: run every budgeted policy over many seeds; exit 1 when a budget is not as expected',
      (y) => describeCheck(y),
      async (argv) => {
        pending = prepare(() => readCheckOptions(argv), (options) => runCheckCommand(options, io));
      },
    )
    .command(
      'sweep <scenario>',
      'Sweep workers × call timeout × semantics over many seeds; print the Pareto frontier and the cheapest policy within budget',
      (y) => describeSweep(y),
      async (argv) => {
        pending = prepare(() => readSweepOptions(argv), (options) => runSweepCommand(options, io));
      },
    )
    .command(
      'replay <log> [more..]',
      'Diagnose an incident log (application log in any common format, or run log; .gz too): what really happened, which execution models fit, and what other policies would have done',
      (y) => describeReplay(y),
      async (argv) => {
        pending = prepare(() => readReplayOptions(argv), (options) => runReplayCommand(options, io));
      },
    )
    .command(
      'diagnose <log> [more..]',
      "From a bad night's log to a fix CI holds: what happened, the mechanisms behind each stall, the cheapest policy that meets the budget, its effect on the night, a regression scenario",
      (y) => describeDiagnose(y),
      async (argv) => {
        pending = prepare(() => readDiagnoseOptions(argv), (options) => runDiagnoseCommand(options, io));
      },
    )
    // Untyped values stay text: number flags are read and bounded by readNumberOption.
    .parserConfiguration({ 'parse-numbers': false, 'parse-positional-numbers': false })
    .demandCommand(1, 'Name a command; see --help')
    .strict()
    .recommendCommands()
    .wrap(Math.min(120, io.columns ?? 100))
    .help()
    .alias('help', 'h')
    .version(readPackageVersion())
    .exitProcess(false)
    .fail((message, error) => {
      // yargs' own validation errors (a flag without its value) come as a YError: a usage error too.
      if (error && error.name !== 'YError') throw error;
      usageError = message ?? error?.message ?? 'bad arguments';
    });
  try {
    let helpText = '';
    await parser.parseAsync([...args], {}, (_err, _argv, output) => {
      helpText = output;
    });
    if (usageError !== null) {
      io.stderr(`error: ${oneLine(usageError)}\n`);
      return 2;
    }
    if (helpText) io.stdout(`${helpText}\n`);
    const work = pending as (() => Promise<number>) | null;
    return work === null ? 0 : await work();
  } catch (error) {
    io.stderr(`error: ${describeError(error)}\n`);
    if (io.env['BATCHSCOPE_DEBUG'] && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
    return error instanceof BatchscopeError && error.code === 'USAGE' ? 2 : 1;
  }
}

/**
 * The work of a command, once every flag is known to be right: its options are read now (a bad
 * value throws then, but only after yargs has had its say on unknown flags and choices).
 */
function prepare<T>(read: () => T, run: (options: T) => Promise<number>): () => Promise<number> {
  let options: T;
  try {
    options = read();
  } catch (error) {
    return () => Promise.reject(error);
  }
  return () => run(options);
}

/** yargs' messages on one line ("Invalid values:\n  Argument: …" becomes "Invalid values: Argument: …"). */
function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').trim();
}

/** The package's version, for `--version`. */
function readPackageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function describeError(error: unknown): string {
  if (error instanceof BatchscopeError) return error.message;
  // A file-system error no command translated: still the operation, the path and why, on one line.
  const fsError = error as NodeJS.ErrnoException;
  if (error instanceof Error && typeof fsError.syscall === 'string' && typeof fsError.code === 'string') {
    return `cannot ${fsError.syscall}${fsError.path ? ` ${fsError.path}` : ''}: ${describeFileError(error)}`;
  }
  const sqlite = describeSqliteError(error);
  if (sqlite !== null) return sqlite;
  if (error instanceof Error) return `${error.message} (unexpected; set BATCHSCOPE_DEBUG=1 for details)`;
  return String(error);
}
