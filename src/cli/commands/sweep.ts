/**
 * `sweep <scenario>`: simulates a grid of variants of one policy (workers × call timeout × timeout
 * semantics) over Monte Carlo seeds in parallel, prints the Pareto frontier of makespan p95 ×
 * credits × success rate and recommends the cheapest policy that meets the budget.
 */
import { resolve } from 'node:path';
import { readSeedOption, SEED_OPTION } from '../read-seed-option.js';
import { requireFolderPath } from '../require-folder.js';
import type { Argv } from 'yargs';
import { UsageError } from '../../errors.js';
import { createProgressReporter } from '../../node/create-progress-reporter.js';
import { DEFAULT_SWEEP_SEEDS, runSweep } from '../../node/run-sweep.js';
import { writeSweepReport } from '../../node/write-sweep-report.js';
import { makeRunId } from '../../node/write-run-report.js';
import { readScenarioBudgets } from '../../scenario/budget-entries.js';
import { buildSweepPoints } from '../../sweep/build-sweep-points.js';
import { chooseSweepBase, chooseSweepBudget } from '../../sweep/choose-sweep-base.js';
import { renderSweepText } from '../../sweep/render-sweep-text.js';
import { parseSweepGrid } from '../../sweep/sweep-grid.js';
import { buildSweepJson } from '../../sweep/sweep-result.js';
import type { CliIo } from '../cli-io.js';
import { loadScenarioFile } from '../load-scenario-file.js';
import { createTerminalStyles } from '../terminal-styles.js';
import { readDurationOption } from '../read-duration-option.js';
import { NUMBER_OPTION, readCountOption, readThreadsOption } from '../read-number-option.js';
import { showPath } from './check.js';

export interface SweepOptions {
  scenario: string;
  /** The policy the grid varies, or null for the default choice. */
  base: string | null;
  workers: string | null;
  timeouts: string | null;
  semantics: string | null;
  seeds: number;
  firstSeed: number | null;
  /** Budget expressions overriding the scenario's. */
  budget: string[];
  threads: number | null;
  reportDir: string | null;
  all: boolean;
  json: boolean;
  stallThresholdMs: number;
}

/** Registers the command's options on yargs. */
export function describeSweep(y: Argv): Argv {
  return y
    .positional('scenario', { type: 'string', describe: 'Scenario file (JSON)', demandOption: true })
    .option('base', { type: 'string', describe: 'Policy the grid varies (default: the first policy whose budget expects pass)' })
    .option('workers', { type: 'string', describe: 'Worker counts: 1..40, 1..40:5, 2,4,8 (sets policy.workers)' })
    .option('timeout', { type: 'string', describe: 'Call timeouts: none,30s,60s,90s (sets policy.callTimeoutMs, the hard timeout around one client call)' })
    .option('semantics', { type: 'string', describe: 'What a call timeout does: abort,abandon (sets policy.timeoutSemantics)' })
    .option('seeds', { ...NUMBER_OPTION, default: DEFAULT_SWEEP_SEEDS, describe: 'Monte Carlo runs (seeds) per grid point; every point uses the same seeds' })
    .option('seed', { ...SEED_OPTION, describe: "First seed (default: the scenario's)" })
    .option('budget', { type: 'string', array: true, describe: 'Budget to meet, e.g. "makespan p95 < 15m" (repeatable; default: the base\'s budget in the scenario)' })
    .option('threads', { ...NUMBER_OPTION, describe: 'Worker threads (default: the CPU cores; 0 runs in-process)' })
    .option('report-dir', { type: 'string', default: 'reports', describe: 'Where the report folder goes (sweep.json, points.csv, frontier.md)' })
    .option('report', { type: 'boolean', default: true, describe: 'Write the report folder (--no-report to skip)' })
    .option('all', { type: 'boolean', default: false, describe: 'Also print every grid point, not only the frontier' })
    .option('json', { type: 'boolean', default: false, describe: 'Print sweep.json to stdout instead of text' })
    .option('stall-threshold', { type: 'string', default: '60s', describe: 'Attempts longer than this count as stalls' })
    .epilog(
      'A dimension left out keeps the base policy\'s value; with none given, workers sweep 1..2× the plan\'s concurrency. ' +
        'The frontier holds the policies no other policy beats on makespan p95, mean credits and mean success rate at once; ' +
        'the recommendation is the one with the fewest mean credits that meets the budget (ties: faster, then more successful).',
    );
}

/** Turns parsed argv into options, rejecting bad values with one-line errors. */
export function readSweepOptions(argv: Record<string, unknown>): SweepOptions {
  const seed = readSeedOption(argv['seed']);
  const text = (name: string): string | null => {
    const value = argv[name];
    if (value === undefined) return null;
    if (Array.isArray(value)) throw new UsageError(`--${name} was given more than once; list the values with commas instead`);
    return String(value);
  };
  const base = text('base');
  const reportDir = argv['report-dir'];
  if (argv['report'] !== false && (typeof reportDir !== 'string' || reportDir === '')) throw new UsageError(`--report-dir must name a folder, got ${String(reportDir)}`);
  return {
    scenario: String(argv['scenario']),
    base,
    workers: text('workers'),
    timeouts: text('timeout'),
    semantics: text('semantics'),
    seeds: readCountOption(argv['seeds'], '--seeds', { min: 1, max: 10_000 }),
    firstSeed: typeof seed === 'number' ? seed : null,
    budget: ((argv['budget'] as unknown[] | undefined) ?? []).map(String),
    threads: readThreadsOption(argv['threads']),
    reportDir: argv['report'] === false ? null : String(reportDir),
    all: Boolean(argv['all']),
    json: Boolean(argv['json']),
    stallThresholdMs: readDurationOption(argv['stall-threshold'], '--stall-threshold', '60s'),
  };
}

/** Runs the sweep, prints it and writes its report folder. Returns the exit code. */
export async function runSweepCommand(options: SweepOptions, io: CliIo): Promise<number> {
  const grid = parseSweepGrid({ workers: options.workers, timeouts: options.timeouts, semantics: options.semantics });
  if (options.reportDir !== null) requireFolderPath(resolve(io.cwd, options.reportDir), '--report-dir');
  const scenario = loadScenarioFile(options.scenario, io.cwd);
  const entries = readScenarioBudgets(scenario);
  const { base, why } = chooseSweepBase({ policies: scenario.policies, entries, name: options.base, source: scenario.source });
  const budget = chooseSweepBudget({ expressions: options.budget, entries, base, budgetMs: scenario.budgetMs });
  const { points, grid: resolved, notes } = buildSweepPoints({ base, grid, accountConcurrency: scenario.world.account.concurrency });
  const progress = createProgressReporter({ write: io.stderr, isTty: io.isTty, label: 'sweep', width: io.columns ?? 80 });
  const { result, samples } = await runSweep({
    scenario,
    base,
    baseWhy: why,
    points,
    grid: resolved,
    notes,
    budget,
    seeds: options.seeds,
    firstSeed: options.firstSeed,
    threads: options.threads ?? undefined,
    stallThresholdMs: options.stallThresholdMs,
    onProgress: (done, total) => progress.update(done, total),
    nowMs: () => Date.now(),
  });
  progress.finish();
  let reportDir: string | null = null;
  if (options.reportDir !== null) {
    const runId = `${makeRunId({ wallMs: Date.now(), seed: null })}-sweep`;
    const written = await writeSweepReport({ result, scenario, samples, rootDir: resolve(io.cwd, options.reportDir), runId, stallThresholdMs: options.stallThresholdMs });
    reportDir = showPath(io.cwd, written.dir);
  }
  if (options.json) io.stdout(`${JSON.stringify(buildSweepJson(result))}\n`);
  else io.stdout(`${renderSweepText({ result, all: options.all, styles: createTerminalStyles(io), reportDir })}\n`);
  return 0;
}
