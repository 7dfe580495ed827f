/**
 * `check [paths..]`: the CI budget gate. Runs every budgeted policy of the scenarios over a Monte
 * Carlo sample of seeds and exits 1 when a budget is not what it expects.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import { readSeedOption, SEED_OPTION } from '../read-seed-option.js';
import { requireFilePath, requireFolderPath } from '../require-folder.js';
import type { Argv } from 'yargs';
import { UsageError } from '../../errors.js';
import { readDurationOption } from '../read-duration-option.js';
import { NUMBER_OPTION, readCountOption, readThreadsOption } from '../read-number-option.js';
import { listScenarioFiles } from '../../node/list-scenario-files.js';
import { DEFAULT_CHECK_SEEDS, runBudgetCheck } from '../../node/run-budget-check.js';
import { createProgressReporter } from '../../node/create-progress-reporter.js';
import { writeCheckReports } from '../../node/write-check-reports.js';
import { writeOutputFile } from '../../node/write-output-file.js';
import { makeRunId } from '../../node/write-run-report.js';
import { buildBudgetCheckJson, listFailedVerdicts } from '../../scenario/budget-check-result.js';
import { BUDGET_EXPRESSION_SYNTAX } from '../../scenario/budget-expression.js';
import { renderBudgetCheckJunit } from '../../scenario/budget-report-junit.js';
import { renderBudgetCheckMarkdown } from '../../scenario/budget-report-markdown.js';
import { renderBudgetCheckText } from '../../scenario/budget-report-text.js';
import type { CliIo } from '../cli-io.js';
import { loadScenarioFile } from '../load-scenario-file.js';
import { createTerminalStyles } from '../terminal-styles.js';

export interface CheckOptions {
  paths: string[];
  seeds: number;
  /** Pass when no scenario holds a budget (else that fails). */
  allowEmpty: boolean;
  /** First seed, or null for each scenario's own seed. */
  firstSeed: number | null;
  /** Worker threads, or null for the CPU cores (0: in-process). */
  threads: number | null;
  junit: string | null;
  summary: string | null;
  /** Root of the report folders, or null for none. */
  reportDir: string | null;
  json: boolean;
  stallThresholdMs: number;
}

/** Registers the command's options on yargs. */
export function describeCheck(y: Argv): Argv {
  return y
    .positional('paths', { type: 'string', array: true, default: ['scenarios'], describe: 'Scenario files or folders (a folder: its *.json files)' })
    .option('seeds', { ...NUMBER_OPTION, default: DEFAULT_CHECK_SEEDS, describe: 'Monte Carlo runs (seeds) per budgeted policy' })
    .option('seed', { ...SEED_OPTION, describe: "First seed (default: each scenario's seed); seeds are consecutive" })
    .option('threads', { ...NUMBER_OPTION, describe: 'Worker threads (default: the CPU cores; 0 runs in-process)' })
    .option('junit', { type: 'string', describe: 'Also write a JUnit XML report to this file' })
    .option('summary', { type: 'string', describe: 'Also write a Markdown summary to this file (e.g. "$GITHUB_STEP_SUMMARY")' })
    .option('report-dir', { type: 'string', default: 'reports', describe: 'Where report folders go (one representative run per budgeted policy, check.json, check.md)' })
    .option('report', { type: 'boolean', default: true, describe: 'Write report folders (--no-report to skip)' })
    .option('json', { type: 'boolean', default: false, describe: 'Print the check as one JSON object instead of text' })
    .option('stall-threshold', { type: 'string', default: '60s', describe: 'Attempts longer than this count as stalls' })
    .option('allow-empty', { type: 'boolean', default: false, describe: 'Pass when the scenarios hold no budget at all (by default a gate with nothing to check fails)' })
    .epilog(
      `Budgets live in the scenario's "budgets": [{ "policy": "fixed", "expect": "pass", "thresholds": ["makespan p95 < 15m", "success p95 >= 98%"] }].\n` +
        `An expression reads ${BUDGET_EXPRESSION_SYNTAX}; no aggregate means every run, pN that the bound holds in N% of runs.\n` +
        'Exit codes: 0 every budget as expected, 1 a budget failed or a scenario is invalid, 2 bad flags.',
    );
}

/** Turns parsed argv into options, rejecting bad values with one-line errors. */
export function readCheckOptions(argv: Record<string, unknown>): CheckOptions {
  const paths = ((argv['paths'] as string[] | undefined) ?? []).map(String).filter(Boolean);
  const seed = readSeedOption(argv['seed']);
  const reportDir = argv['report-dir'];
  if (argv['report'] !== false && (typeof reportDir !== 'string' || reportDir === '')) throw new UsageError(`--report-dir must name a folder, got ${String(reportDir)}`);
  return {
    paths: paths.length > 0 ? paths : ['scenarios'],
    seeds: readCountOption(argv['seeds'], '--seeds', { min: 1, max: 100_000 }),
    firstSeed: typeof seed === 'number' ? seed : null,
    allowEmpty: argv['allow-empty'] === true,
    threads: readThreadsOption(argv['threads']),
    junit: readFileOption(argv['junit'], '--junit'),
    summary: readFileOption(argv['summary'], '--summary'),
    reportDir: argv['report'] === false ? null : String(reportDir),
    json: Boolean(argv['json']),
    stallThresholdMs: readDurationOption(argv['stall-threshold'], '--stall-threshold', '60s'),
  };
}

/** A path relative to `cwd` when it lies inside it, else absolute. Shared with sweep. */
export function showPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

function readFileOption(value: unknown, flag: string): string | null {
  if (value === undefined) return null;
  if (typeof value !== 'string' || value === '') throw new UsageError(`${flag} must name a file, got ${String(value)}`);
  return value;
}

/** Runs the check, prints it, writes the requested files. Returns the exit code. */
export async function runCheckCommand(options: CheckOptions, io: CliIo): Promise<number> {
  if (options.reportDir !== null) requireFolderPath(resolve(io.cwd, options.reportDir), '--report-dir');
  if (options.junit !== null) requireFilePath(resolve(io.cwd, options.junit), '--junit');
  if (options.summary !== null) requireFilePath(resolve(io.cwd, options.summary), '--summary');
  const files = listScenarioFiles({ paths: options.paths, cwd: io.cwd });
  const scenarios = files.map((file) => loadScenarioFile(file, io.cwd));
  // A gate with nothing to check must not pass by saying nothing.
  if (scenarios.every((s) => s.budgets.length === 0) && !options.allowEmpty) {
    io.stderr(`error: nothing to check: ${scenarios.length === 1 ? 'the scenario holds' : `the ${scenarios.length} scenarios hold`} no budgets (add "budgets", or pass --allow-empty)\n`);
    return 1;
  }
  // A bar on a terminal once the check has taken a second; a line per tenth otherwise (CI logs).
  const progress = createProgressReporter({ write: io.stderr, isTty: io.isTty, label: 'check', width: io.columns ?? 80, afterMs: io.isTty ? 1000 : 0, nowMs: io.nowMs });
  const { result, samples } = await runBudgetCheck({
    scenarios,
    seeds: options.seeds,
    firstSeed: options.firstSeed,
    threads: options.threads ?? undefined,
    stallThresholdMs: options.stallThresholdMs,
    onProgress: (done, total) => progress.update(done, total),
    nowMs: () => Date.now(),
  });
  progress.finish();
  if (options.reportDir !== null) {
    const runId = `${makeRunId({ wallMs: Date.now(), seed: null })}-check`;
    await writeCheckReports({ result, scenarios, samples, rootDir: resolve(io.cwd, options.reportDir), runId, stallThresholdMs: options.stallThresholdMs });
    for (const s of result.scenarios) if (s.reportDir) s.reportDir = showPath(io.cwd, s.reportDir);
  }
  const written: string[] = [];
  if (options.junit) written.push(`junit: ${writeOutputFile({ path: options.junit, content: renderBudgetCheckJunit({ result }), cwd: io.cwd, what: 'the JUnit report' })}`);
  if (options.summary) written.push(`summary: ${writeOutputFile({ path: options.summary, content: renderBudgetCheckMarkdown({ result }), cwd: io.cwd, what: 'the Markdown summary' })}`);
  if (options.json) {
    io.stdout(`${JSON.stringify(buildBudgetCheckJson(result))}\n`);
  } else {
    const text = renderBudgetCheckText({ result, styles: createTerminalStyles(io) });
    io.stdout(`${text}\n${written.map((w) => `${w}\n`).join('')}`);
  }
  return listFailedVerdicts(result).length > 0 ? 1 : 0;
}
