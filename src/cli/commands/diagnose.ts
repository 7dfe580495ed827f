/**
 * `diagnose <log> [more..]`: from a bad night's log to a fix that CI holds. Replays and diagnoses
 * the log, explains each long stall by the stack's mechanisms, fits a world, searches policies in
 * it on every core, recommends the cheapest that meets the budget with at least 98% priced,
 * replays the night under it, and writes the regression scenario and a report folder.
 */
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { writeOutputFile } from '../../node/write-output-file.js';
import type { Argv } from 'yargs';
import { CLIENT_PRESETS } from '../../engine/policy.js';
import { UsageError } from '../../errors.js';
import { createProgressReporter } from '../../node/create-progress-reporter.js';
import { DEFAULT_DIAGNOSE_SEEDS, diagnoseLogs, type KnownWorld } from '../../node/diagnose-logs.js';
import { makeRunId, writeRunReport } from '../../node/write-run-report.js';
import { buildDiagnoseJson } from '../../diagnose/build-diagnose-json.js';
import { renderDiagnoseHtml } from '../../diagnose/render-diagnose-html.js';
import { renderDiagnoseText } from '../../diagnose/render-diagnose-text.js';
import type { SlotRule } from '../../diagnose/search-world.js';
import { selectRun } from '../../simulation/replay-log.js';
import { parseJsonc } from '../../scenario/parse-jsonc.js';
import type { CliIo } from '../cli-io.js';
import { loadScenarioFile } from '../load-scenario-file.js';
import { describeLogReadingOptions, readLogFile, readLogReadingOptions, readOtherNights, readTextOption, type LogReadingOptions } from '../log-reading-options.js';
import { readSeedOption, SEED_OPTION } from '../read-seed-option.js';
import { requireFilePath, requireFolderPath } from '../require-folder.js';
import { createTerminalStyles } from '../terminal-styles.js';
import { readDurationOption } from '../read-duration-option.js';
import { NUMBER_OPTION, readCountOption, readNumberOption, readThreadsOption } from '../read-number-option.js';
import { showPath } from './check.js';

export interface DiagnoseOptions extends LogReadingOptions {
  log: string;
  moreLogs: string[];
  planConcurrency: number | null;
  budgetMs: number | null;
  client: string | null;
  scenario: string | null;
  base: string | null;
  slots: SlotRule;
  /** Seeds per searched policy, or null for the default (20, fewer for a large batch). */
  seeds: number | null;
  firstSeed: number;
  threads: number | null;
  emitScenario: string | null;
  json: boolean;
  reportDir: string | null;
}

/** Registers the command's options on yargs. */
export function describeDiagnose(y: Argv): Argv {
  return describeLogReadingOptions(y)
    .positional('log', { type: 'string', describe: 'The log of the bad night (any format replay reads)', demandOption: true })
    .positional('more', { type: 'string', array: true, describe: 'Logs of other nights of the same batch, fitted together with the first' })
    .option('budget', { type: 'string', describe: "The batch's time budget, e.g. 15m (default: the --scenario's budget)" })
    .option('plan-concurrency', { ...NUMBER_OPTION, describe: "The Scrapfly plan's concurrency (default: the --scenario's, else the declared workers, marked as assumed)" })
    .option('client', { choices: Object.keys(CLIENT_PRESETS), describe: 'The client the service used (default: the --scenario policy\'s, else unknown: the mechanisms are weighed for every preset)' })
    .option('scenario', { type: 'string', describe: 'Start from a known world: search in this scenario\'s world, with its policy as the deployed one' })
    .option('base', { type: 'string', describe: 'With --scenario: the policy that was deployed (default: its first)' })
    .option('slots', { choices: ['held', 'released'] as const, default: 'held' as const, describe: 'What a client disconnect does to its Scrapfly slot: held until the scrape ends (inferred from the docs) or released' })
    .option('seeds', { ...NUMBER_OPTION, describe: `Monte Carlo runs per searched policy (default ${DEFAULT_DIAGNOSE_SEEDS}, fewer for a batch of thousands of machines)` })
    .option('seed', { ...SEED_OPTION, describe: 'First seed of the search (default 1)' })
    .option('threads', { ...NUMBER_OPTION, describe: 'Worker threads (default: the CPU cores; 0 runs in-process)' })
    .option('emit-scenario', { type: 'string', describe: 'Write the regression scenario (the world, the deployed policy expected to exceed, the fix expected to pass) for batchscope check' })
    .option('json', { type: 'boolean', default: false, describe: 'Print one JSON object instead of text' })
    .option('report-dir', { type: 'string', default: 'reports', describe: 'Where the report folder goes (diagnosis.html next to the timelines of the night and of the fix)' })
    .option('report', { type: 'boolean', default: true, describe: 'Write the report folder (--no-report to skip)' });
}

/** Turns parsed argv into options, rejecting bad values with one-line errors. */
export function readDiagnoseOptions(argv: Record<string, unknown>): DiagnoseOptions {
  const reading = readLogReadingOptions(argv);
  const plan = readNumberOption(argv['plan-concurrency'], '--plan-concurrency', { min: 1, max: 10_000, integer: true });
  const budgetMs = argv['budget'] === undefined ? null : readDurationOption(argv['budget'], '--budget', '15m');
  const text = (key: string) => readTextOption(argv, key);
  const scenario = text('scenario');
  const base = text('base');
  if (base !== null && scenario === null) throw new UsageError('--base names a policy of --scenario: give --scenario <file> too');
  if (budgetMs === null && scenario === null) throw new UsageError('diagnose needs the time budget the batch must meet: --budget 15m (or a --scenario with a budget)');
  const seed = readSeedOption(argv['seed']);
  const reportDir = argv['report-dir'];
  if (argv['report'] !== false && (typeof reportDir !== 'string' || reportDir === '')) throw new UsageError(`--report-dir must name a folder, got ${String(reportDir)}`);
  return {
    ...reading,
    log: String(argv['log']),
    moreLogs: ((argv['more'] as unknown[] | undefined) ?? []).map(String),
    planConcurrency: plan,
    budgetMs,
    client: text('client'),
    scenario,
    base,
    slots: argv['slots'] === 'released' ? 'released' : 'held',
    seeds: argv['seeds'] === undefined ? null : readCountOption(argv['seeds'], '--seeds', { min: 1, max: 1000 }),
    firstSeed: typeof seed === 'number' ? seed : 1,
    threads: readThreadsOption(argv['threads']),
    emitScenario: text('emit-scenario'),
    json: Boolean(argv['json']),
    reportDir: argv['report'] === false ? null : String(reportDir),
  };
}

/** Runs the diagnosis, prints the story and writes its files. Returns the exit code. */
export async function runDiagnoseCommand(options: DiagnoseOptions, io: CliIo): Promise<number> {
  if (options.reportDir !== null) requireFolderPath(resolve(io.cwd, options.reportDir), '--report-dir');
  if (options.emitScenario !== null) requireFilePath(resolve(io.cwd, options.emitScenario), '--emit-scenario');
  const known = options.scenario === null ? null : loadKnownWorld({ file: options.scenario, base: options.base, cwd: io.cwd });
  const budgetMs = options.budgetMs ?? known?.scenario.budgetMs ?? null;
  if (budgetMs === null) throw new UsageError(`${options.scenario} has no budget: give --budget 15m`);
  const controller = new AbortController();
  const { log } = await readLogFile({ file: options.log, cwd: io.cwd, reading: options, signal: controller.signal });
  const run = selectRun(log, options.run);
  const fitWith = await readOtherNights({ files: options.moreLogs, cwd: io.cwd, reading: options, signal: controller.signal });
  const name = `diagnose-${basename(log.source).replace(/\.gz$/i, '').replace(/\.(log|jsonl|txt)$/i, '')}`;
  const progress = createProgressReporter({ write: io.stderr, isTty: io.isTty, label: 'diagnose', width: io.columns ?? 80, afterMs: 1000 });
  const { outcome, regressionScenario, reportRuns } = await diagnoseLogs({
    log,
    run,
    fitWith,
    name,
    stallThresholdMs: options.stallThresholdMs,
    minDurationMs: options.minDurationMs,
    planConcurrency: options.planConcurrency,
    budgetMs,
    budgetSource: options.budgetMs !== null ? 'option' : 'scenario',
    client: options.client,
    known,
    slots: options.slots,
    seeds: options.seeds,
    firstSeed: options.firstSeed,
    threads: options.threads ?? undefined,
    signal: controller.signal,
    onStep: (message) => {
      if (io.isTty) io.stderr(`${message}…\n`);
    },
    onProgress: (done, total) => progress.update(done, total),
  });
  progress.finish();
  if (options.emitScenario !== null && regressionScenario !== null) {
    const target = writeOutputFile({ path: options.emitScenario, content: `${JSON.stringify(regressionScenario, null, 2)}\n`, cwd: io.cwd, what: 'the regression scenario' });
    outcome.emittedScenario = showPath(io.cwd, target);
  } else if (options.emitScenario !== null) {
    outcome.notes.push(`no regression scenario was written to ${options.emitScenario}: there is no fix to hold`);
  }
  if (options.reportDir !== null) {
    const written = writeRunReport({
      rootDir: resolve(io.cwd, options.reportDir),
      scenario: name,
      runId: makeRunId({ wallMs: Date.now(), seed: null }),
      runs: reportRuns,
      budgetMs,
      description: `The night of ${log.source}, reproduced, and under the recommended fix`,
      // Written with the rest, all or nothing; they cannot name the folder they are in.
      extraFiles: { 'diagnosis.json': `${JSON.stringify(buildDiagnoseJson(outcome), null, 2)}\n`, 'diagnosis.html': renderDiagnoseHtml({ outcome, runs: reportRuns }) },
      ifExists: 'suffix',
    });
    outcome.reportDir = showPath(io.cwd, written.dir);
  }
  if (options.json) io.stdout(`${JSON.stringify(buildDiagnoseJson(outcome))}\n`);
  else io.stdout(`${renderDiagnoseText({ outcome, styles: createTerminalStyles(io) })}\n`);
  return 0;
}

/** The --scenario world: its raw JSON (for the search world), the scenario, and the deployed policy. */
function loadKnownWorld(options: { file: string; base: string | null; cwd: string }): KnownWorld {
  const scenario = loadScenarioFile(options.file, options.cwd);
  const base = options.base === null ? scenario.policies[0] : scenario.policies.find((p) => p.name === options.base);
  if (!base) throw new UsageError(`Unknown policy "${options.base}" in ${options.file}: choose one of ${scenario.policies.map((p) => p.name).join(', ')}`);
  // loadScenarioFile has read and checked it: reading it again cannot fail but for a race.
  const json = parseJsonc(readFileSync(resolve(options.cwd, options.file), 'utf8')) as Record<string, unknown>;
  return { json, scenario, base };
}
