/**
 * `replay <log>`: reads an incident log (the application's text log or the engine's run log,
 * plain or gzipped), says what really happened and which execution models fit, and optionally
 * writes a scenario that reproduces it and replays the batch under other policies.
 */
import { basename, relative, resolve } from 'node:path';
import { writeOutputFile } from '../../node/write-output-file.js';
import { requireFilePath, requireFolderPath } from '../require-folder.js';
import type { Argv } from 'yargs';
import type { Policy } from '../../engine/policy.js';
import { UsageError } from '../../errors.js';
import { makeRunId, writeRunReport } from '../../node/write-run-report.js';
import { createProgressReporter } from '../../node/create-progress-reporter.js';
import { buildReplayJson } from '../../replay/build-replay-json.js';
import { REPLAY_LATENCY_MODES, type ReplayLatencyMode } from '../../replay/build-replay-scenario.js';
import { renderReplayText } from '../../replay/render-replay-text.js';
import { replayLog, selectRun } from '../../simulation/replay-log.js';
import { selectPolicies } from '../../scenario/select-policies.js';
import type { CliIo } from '../cli-io.js';
import { describeLogReadingOptions, readLogFile, readLogReadingOptions, readOtherNights, type LogReadingOptions } from '../log-reading-options.js';
import { loadScenarioFile } from '../load-scenario-file.js';
import { createTerminalStyles } from '../terminal-styles.js';
import { NUMBER_OPTION, readNumberOption } from '../read-number-option.js';
import { LIMITS } from '../../scenario/field-reader.js';
import { TIMELINE_WIDTH_BOUNDS } from './simulate.js';

export interface ReplayOptions extends LogReadingOptions {
  log: string;
  /** Other nights' logs, fitted together with `log` into the fitted world (with --emit-scenario). */
  moreLogs: string[];
  json: boolean;
  emitScenario: string | null;
  latency: ReplayLatencyMode;
  policies: string[];
  scenario: string | null;
  accountConcurrency: number | null;
  fillDeclared: boolean;
  timeline: boolean;
  width: number | null;
  /** Folder for the run report, or null for none. */
  reportDir: string | null;
}

/** Registers the command's options on yargs. */
export function describeReplay(y: Argv): Argv {
  return describeLogReadingOptions(y)
    .positional('log', { type: 'string', describe: 'Log file: an application log (text, Python logging, ISO 8601, JSON lines, Docker JSON, logfmt) or a run log (events.jsonl); .gz is read too', demandOption: true })
    .positional('more', { type: 'string', array: true, describe: 'Logs of other nights of the same batch, fitted together with the first into the fitted world (with --emit-scenario)' })
    .option('json', { type: 'boolean', default: false, describe: 'Print one JSON object instead of text' })
    .option('emit-scenario', { type: 'string', describe: 'Write the exact world (its baseline reproduces the night) to this file and the fitted world to <file>.fitted.json, with the fitted world\'s makespan over seeds' })
    .option('latency', { choices: REPLAY_LATENCY_MODES, default: 'per-item' as const, describe: 'Request durations of the replay world: per-item (exact), fitted (lognormal + stalls) or empirical' })
    .option('policy', { alias: 'p', type: 'string', array: true, describe: 'Replay the batch under this policy (repeatable): baseline, concurrent, or a policy of --scenario' })
    .option('scenario', { type: 'string', describe: "Scenario file whose policies to replay the batch under (all of them unless --policy names some)" })
    .option('account-concurrency', { ...NUMBER_OPTION, describe: "The Scrapfly plan's concurrency for replays (default: the run log's, else the replay's workers)" })
    .option('fill-declared', { type: 'boolean', default: true, describe: 'Add items the batch declared but the log does not show to the replay scenario (--no-fill-declared to leave them out)' })
    .option('timeline', { type: 'boolean', default: true, describe: 'Draw the terminal timeline (--no-timeline to skip)' })
    .option('width', { ...NUMBER_OPTION, describe: 'Timeline width in columns (default: the terminal width)' })
    .option('report-dir', { type: 'string', default: 'reports', describe: 'Write the run report under this folder' })
    .option('report', { type: 'boolean', default: true, describe: 'Write the run report (--no-report to skip)' });
}

/** Turns parsed argv into options, rejecting bad values with one-line errors. */
export function readReplayOptions(argv: Record<string, unknown>): ReplayOptions {
  const reading = readLogReadingOptions(argv);
  const width = readNumberOption(argv['width'], '--width', TIMELINE_WIDTH_BOUNDS);
  const plan = readNumberOption(argv['account-concurrency'], '--account-concurrency', { min: 1, max: LIMITS.accountConcurrency, integer: true });
  const policies = ((argv['policy'] as string[] | undefined) ?? []).flatMap((p) => String(p).split(',')).map((p) => p.trim()).filter(Boolean);
  const emit = argv['emit-scenario'];
  if (emit !== undefined && (typeof emit !== 'string' || emit.trim() === '')) throw new UsageError('--emit-scenario needs a file name');
  const more = ((argv['more'] as unknown[] | undefined) ?? []).map(String);
  if (more.length > 0 && (emit === undefined || emit === null)) throw new UsageError(`more than one log is fitted together into the fitted world: give --emit-scenario <file> (got ${more.length + 1} logs)`);
  return {
    ...reading,
    log: String(argv['log']),
    moreLogs: more,
    json: Boolean(argv['json']),
    emitScenario: typeof emit === 'string' ? emit : null,
    latency: (argv['latency'] as ReplayLatencyMode | undefined) ?? 'per-item',
    policies,
    scenario: typeof argv['scenario'] === 'string' ? argv['scenario'] : null,
    accountConcurrency: plan,
    fillDeclared: argv['fill-declared'] !== false,
    timeline: argv['timeline'] !== false,
    width,
    reportDir: argv['report'] === false ? null : String(argv['report-dir'] ?? 'reports'),
  };
}

/** Replays the log and prints what it found. Returns the exit code. */
export async function runReplayCommand(options: ReplayOptions, io: CliIo): Promise<number> {
  if (options.reportDir !== null) requireFolderPath(resolve(io.cwd, options.reportDir), '--report-dir');
  if (options.emitScenario !== null) requireFilePath(resolve(io.cwd, options.emitScenario), '--emit-scenario');
  const absolute = resolve(io.cwd, options.log);
  const shown = relative(io.cwd, absolute) || options.log;
  let extraPolicies: Policy[] = [];
  let extraPlan: number | null = null;
  let extraFrom: string | undefined;
  if (options.scenario !== null) {
    const source = loadScenarioFile(options.scenario, io.cwd);
    const own = options.policies.filter((name) => source.policies.some((p) => p.name === name));
    extraPolicies = options.policies.length === 0 ? source.policies : selectPolicies(source, own);
    extraPlan = source.world.account.concurrency;
    extraFrom = source.name;
  }
  const controller = new AbortController();
  const { log } = await readLogFile({ file: options.log, cwd: io.cwd, reading: options, signal: controller.signal });
  const run = selectRun(log, options.run);
  const fitWith = await readOtherNights({ files: options.moreLogs, cwd: io.cwd, reading: options, signal: controller.signal });
  // On a terminal, a replay whose simulations take more than a second shows how far they are (items settled).
  const progress = io.isTty ? createProgressReporter({ write: io.stderr, isTty: true, label: 'replay', width: io.columns ?? 80, unit: 'items', afterMs: 1000, nowMs: io.nowMs }) : null;
  const name = `replay-${basename(shown).replace(/\.gz$/i, '').replace(/\.(log|jsonl|txt)$/i, '')}`;
  const result = await replayLog({
    log,
    run,
    stallThresholdMs: options.stallThresholdMs,
    minDurationMs: options.minDurationMs,
    fitted: options.emitScenario !== null,
    fitWith,
    reproduce: options.emitScenario !== null || options.reportDir !== null,
    reportRuns: options.reportDir !== null,
    keepScenario: options.emitScenario !== null,
    latency: options.latency,
    scenarioName: name,
    policies: options.policies,
    extraPolicies,
    extraPoliciesFrom: extraFrom,
    accountConcurrency: options.accountConcurrency ?? extraPlan,
    fillDeclared: options.fillDeclared,
    signal: controller.signal,
    onProgress: progress ? (done, total) => progress.update(done, total) : undefined,
  });
  progress?.finish();
  const { outcome } = result;
  if (options.emitScenario !== null && result.scenario) {
    const target = resolve(io.cwd, options.emitScenario);
    writeOutputFile({ path: target, content: `${JSON.stringify(result.scenario.json, null, 2)}\n`, cwd: io.cwd, what: 'the scenario' });
    outcome.scenarioFile = relative(io.cwd, target) || options.emitScenario;
    if (result.fitted && outcome.fitted) {
      const fittedTarget = `${target.replace(/\.json$/i, '')}.fitted.json`;
      writeOutputFile({ path: fittedTarget, content: `${JSON.stringify(result.fitted.scenario.json, null, 2)}\n`, cwd: io.cwd, what: 'the fitted scenario' });
      outcome.fitted.file = relative(io.cwd, fittedTarget) || fittedTarget;
    }
  }
  if (options.reportDir !== null && result.reportRuns.length > 0) {
    const written = writeRunReport({ rootDir: resolve(io.cwd, options.reportDir), scenario: name, runId: makeRunId({ wallMs: Date.now(), seed: null }), runs: result.reportRuns });
    outcome.reportDir = relative(io.cwd, written.dir) || written.dir;
  }
  if (options.json) {
    io.stdout(`${JSON.stringify(buildReplayJson(outcome))}\n`);
    return 0;
  }
  const width = options.width ?? Math.max(60, Math.min(160, io.columns ?? 100));
  io.stdout(`${renderReplayText({ outcome, width, styles: createTerminalStyles(io), timeline: options.timeline })}\n`);
  return 0;
}
