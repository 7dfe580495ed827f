/**
 * The command line: parses argv with yargs and hands a typed options object to one function per
 * command. Errors are one line on stderr and a non-zero exit code, never a stack trace (set
 * BATCHSCOPE_DEBUG=1 to see one).
 */
import yargs from 'yargs';
import { BatchscopeError } from '../errors.js';
import type { CliIo } from './cli-io.js';
import { describeSimulate, readSimulateOptions, runSimulateCommand } from './commands/simulate.js';
import { describeCheck, readCheckOptions, runCheckCommand } from './commands/check.js';
import { describeSweep, readSweepOptions, runSweepCommand } from './commands/sweep.js';
import { describeImport, readImportOptions, runImportCommand } from './commands/import.js';
import { describeReview, readReviewOptions, runReviewCommand } from './commands/review.js';
import { describeRun, readRunOptions, runRunCommand } from './commands/run.js';
import { describeServe, readServeOptions, runServeCommand } from './commands/serve.js';
import { describeServeMock, readServeMockOptions, runServeMockCommand } from './commands/serve-mock.js';
import { describeReplay, readReplayOptions, runReplayCommand } from './commands/replay.js';

/** Runs the CLI with `args` (without the node and script paths). Resolves to the exit code. */
export async function runCli(args: readonly string[], io: CliIo): Promise<number> {
  let exitCode = 0;
  let usageError: string | null = null;
  const parser = yargs([...args])
    .scriptName('batchscope')
    .usage('$0 <command> [options]\n\nSimulate, replay and run batches of Scrapfly scrapes on one engine.')
    .command(
      'simulate <scenario>',
      'Run the policies of a scenario on the virtual clock against the mock Scrapfly API',
      (y) => describeSimulate(y),
      async (argv) => {
        exitCode = await runSimulateCommand(readSimulateOptions(argv), io);
      },
    )
    .command(
      'serve-mock',
      'Serve a scenario\'s world as the mock Scrapfly API over real HTTP (until SIGINT/SIGTERM)',
      (y) => describeServeMock(y),
      async (argv) => {
        exitCode = await runServeMockCommand(readServeMockOptions(argv), io);
      },
    )
    .command('import <file>', 'Add machines to the store from a JSON or CSV file (matched by URL)', (y) => describeImport(y), async (argv) => {
      exitCode = await runImportCommand(readImportOptions(argv, io), io);
    })
    .command('run', 'Run a live batch: price the store\'s machines through Scrapfly with the production engine', (y) => describeRun(y), async (argv) => {
      exitCode = await runRunCommand(readRunOptions(argv, io), io);
    })
    .command('serve', 'Serve the batch-update API (POST /api/v1/batch-update, GET /api/v1/batches/:id)', (y) => describeServe(y), async (argv) => {
      exitCode = await runServeCommand(readServeOptions(argv, io), io);
    })
    .command('review', 'List price changes flagged for review; --approve or --reject them', (y) => describeReview(y), async (argv) => {
      exitCode = await runReviewCommand(readReviewOptions(argv, io), io);
    })
    .command(
      'check [paths..]',
      'CI budget gate: run every budgeted policy over many seeds; exit 1 when a budget is not as expected',
      (y) => describeCheck(y),
      async (argv) => {
        exitCode = await runCheckCommand(readCheckOptions(argv), io);
      },
    )
    .command(
      'sweep <scenario>',
      'Sweep workers × call timeout × semantics over many seeds; print the Pareto frontier and the cheapest policy within budget',
      (y) => describeSweep(y),
      async (argv) => {
        exitCode = await runSweepCommand(readSweepOptions(argv), io);
      },
    )
    .command(
      'replay <log> [more..]',
      'Diagnose an incident log (application log in any common format, or run log; .gz too): what really happened, which execution models fit, and what other policies would have done',
      (y) => describeReplay(y),
      async (argv) => {
        exitCode = await runReplayCommand(readReplayOptions(argv), io);
      },
    )
    .demandCommand(1, 'Name a command; see --help')
    .strict()
    .recommendCommands()
    .wrap(Math.min(120, io.columns ?? 100))
    .help()
    .alias('help', 'h')
    .version(false)
    .exitProcess(false)
    .fail((message, error) => {
      if (error) throw error;
      usageError = message;
    });
  try {
    let helpText = '';
    await parser.parseAsync([...args], {}, (_err, _argv, output) => {
      helpText = output;
    });
    if (usageError !== null) {
      io.stderr(`error: ${usageError}\n`);
      return 2;
    }
    if (helpText) io.stdout(`${helpText}\n`);
    return exitCode;
  } catch (error) {
    io.stderr(`error: ${describeError(error)}\n`);
    if (io.env['BATCHSCOPE_DEBUG'] && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
    return error instanceof BatchscopeError && error.code === 'USAGE' ? 2 : 1;
  }
}

function describeError(error: unknown): string {
  if (error instanceof BatchscopeError) return error.message;
  if (error instanceof Error) return `${error.message} (unexpected; set BATCHSCOPE_DEBUG=1 for details)`;
  return String(error);
}
