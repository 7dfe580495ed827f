/** `simulate <scenario>`: runs the scenario's policies in simulation and shows what happened. */
import { relative, resolve } from 'node:path';
import { readSeedOption, SEED_OPTION } from '../read-seed-option.js';
import { readDurationOption } from '../read-duration-option.js';
import { NUMBER_OPTION, readNumberOption } from '../read-number-option.js';
import { requireFolderPath } from '../require-folder.js';
import { createProgressReporter } from '../../node/create-progress-reporter.js';
import type { EventSink } from '../../ports.js';
import type { Argv } from 'yargs';
import { UsageError } from '../../errors.js';
import { makeRunId, writeRunReport, type WrittenReport } from '../../node/write-run-report.js';
import { buildSimulationJson } from '../../report/build-simulation-json.js';
import { buildSimulationReportRuns, type MeasuredSimulation } from '../../report/build-simulation-report-runs.js';
import { simulateAndMeasure } from '../../simulation/simulate-and-measure.js';
import { createFileEventLineSpools } from '../../node/file-event-line-spool.js';
import type { Policy } from '../../engine/policy.js';
import type { RunMetrics } from '../../report/compute-metrics.js';
import { renderComparisonTable, renderRunSummary } from '../../report/render-run-summary.js';
import { renderTerminalTimeline } from '../../report/render-terminal-timeline.js';
import { selectPolicies } from '../../scenario/select-policies.js';
import type { Scenario } from '../../scenario/scenario-types.js';
import type { MockFace, SimulationRun } from '../../simulation/simulate-policy.js';
import type { CliIo } from '../cli-io.js';
import { loadScenarioFile } from '../load-scenario-file.js';
import { createTerminalStyles } from '../terminal-styles.js';

export interface SimulateOptions {
  scenario: string;
  policies: string[];
  seed: number | null;
  json: boolean;
  face: MockFace;
  timeline: boolean;
  width: number | null;
  stallThresholdMs: number;
  /** Write the report folder (index.html, trace.json, summary.md, metrics.json, events.jsonl). */
  report: boolean;
  /** Where report folders go, relative to the working directory. */
  reportsDir: string;
}

/** Timeline widths `--width` accepts, columns (shared with replay). */
export const TIMELINE_WIDTH_BOUNDS = { min: 40, max: 1000, integer: true } as const;

/** Registers the command's options on yargs. */
export function describeSimulate(y: Argv): Argv {
  return y
    .positional('scenario', { type: 'string', describe: 'Scenario file (JSON)', demandOption: true })
    .option('policy', { alias: 'p', type: 'string', array: true, describe: 'Policy to run (repeatable; default: all)' })
    .option('seed', { ...SEED_OPTION, describe: "Random seed (default: the scenario's)" })
    .option('json', { type: 'boolean', default: false, describe: 'Print one JSON object instead of text' })
    .option('face', { choices: ['direct', 'msw'] as const, default: 'direct' as const, describe: 'Mock face: direct (fast) or msw handlers' })
    .option('timeline', { type: 'boolean', default: true, describe: 'Draw the terminal timeline (--no-timeline to skip)' })
    .option('width', { ...NUMBER_OPTION, describe: 'Timeline width in columns (default: the terminal width)' })
    .option('stall-threshold', { type: 'string', default: '60s', describe: 'Attempts longer than this count as stalls' })
    .option('report', { type: 'boolean', default: true, describe: 'Write the report folder <report-dir>/<scenario>/<run id>/ (--no-report to skip)' })
    .option('report-dir', { type: 'string', default: 'reports', describe: 'Where report folders are written' });
}

/** Turns parsed argv into options, rejecting bad values with one-line errors. */
export function readSimulateOptions(argv: Record<string, unknown>): SimulateOptions {
  const seed = readSeedOption(argv['seed']);
  const width = readNumberOption(argv['width'], '--width', TIMELINE_WIDTH_BOUNDS);
  const threshold = readDurationOption(argv['stall-threshold'], '--stall-threshold', '60s');
  const policies = ((argv['policy'] as string[] | undefined) ?? []).flatMap((p) => p.split(',')).map((p) => p.trim()).filter(Boolean);
  const reportsDir = argv['report-dir'];
  if (reportsDir !== undefined && (typeof reportsDir !== 'string' || reportsDir.trim() === '')) throw new UsageError(`--report-dir must be a folder path, got ${JSON.stringify(reportsDir)}`);
  return {
    scenario: String(argv['scenario']),
    policies,
    seed,
    json: Boolean(argv['json']),
    face: argv['face'] === 'msw' ? 'msw' : 'direct',
    timeline: argv['timeline'] !== false,
    width,
    stallThresholdMs: threshold,
    report: argv['report'] !== false,
    reportsDir: typeof reportsDir === 'string' ? reportsDir : 'reports',
  };
}

/** Runs the simulation and prints it. Returns the exit code. */
export async function runSimulateCommand(options: SimulateOptions, io: CliIo): Promise<number> {
  if (options.report) requireFolderPath(resolve(io.cwd, options.reportsDir), '--report-dir');
  const scenario = loadScenarioFile(options.scenario, io.cwd);
  const policies = selectPolicies(scenario, options.policies);
  const seed = options.seed ?? scenario.seed;
  const runs = [];
  // On a terminal, a run that takes more than a second shows how far it is (items settled).
  const progress = io.isTty ? createProgressReporter({ write: io.stderr, isTty: true, label: 'simulate', width: io.columns ?? 80, unit: 'items', afterMs: 1000, nowMs: io.nowMs }) : null;
  const total = policies.length * scenario.items.length;
  let settled = 0;
  const sink: EventSink | undefined = progress
    ? {
        emit: (event) => {
          if (event.type !== 'item.end') return;
          settled += 1;
          if ((settled & 255) === 0) progress.update(settled, total);
        },
      }
    : undefined;
  // The report's run log is kept in a temporary file while the policies run, not in memory.
  const spools = options.report ? createFileEventLineSpools() : null;
  try {
    for (const policy of policies) {
      runs.push(await simulateAndMeasure({ scenario, policy, seed, face: options.face, stallThresholdMs: options.stallThresholdMs, sink, runLog: spools !== null, spool: spools?.create }));
    }
    return finishSimulateCommand({ options, io, scenario, policies, seed, runs, progress, settled: () => settled, total });
  } finally {
    spools?.dispose();
  }
}

/** Writes the report and prints the runs once every policy has run. */
function finishSimulateCommand(context: {
  options: SimulateOptions;
  io: CliIo;
  scenario: Scenario;
  policies: readonly Policy[];
  seed: number;
  runs: MeasuredSimulation[];
  progress: ReturnType<typeof createProgressReporter> | null;
  settled: () => number;
  total: number;
}): number {
  const { options, io, scenario, policies, seed, runs, progress, total } = context;
  const settled = context.settled();
  if (progress) {
    progress.update(settled, total);
    progress.finish();
  }
  const report = options.report ? writeSimulationReport({ runs, scenario, seed, face: options.face, reportsDir: resolve(io.cwd, options.reportsDir) }) : null;
  if (options.json) {
    io.stdout(`${JSON.stringify(buildSimulationJson({ runs, scenario: scenario.name, seed, face: options.face, startMs: scenario.startMs }))}\n`);
    // stdout stays one JSON object; where the report went is for people.
    if (report) io.stderr(`report: ${displayPath(io.cwd, report.dir)}\n`);
    return 0;
  }
  const styles = createTerminalStyles(io);
  const width = options.width ?? Math.max(60, Math.min(160, io.columns ?? 100));
  const out: string[] = [];
  out.push(styles.heading(`${scenario.name}`) + ` — ${scenario.items.length} items, seed ${seed}, ${options.face} mock`);
  const firstLine = scenario.description.split('\n')[0];
  if (firstLine) out.push(firstLine);
  const chosen = new Set(policies.map((p) => p.name));
  for (const note of scenario.notes) if (note.policy === null || chosen.has(note.policy)) out.push(styles.timeout(`note: ${note.message}`));
  out.push('');
  for (const { run, metrics, projection } of runs) {
    out.push(renderRunSummary({ metrics, description: run.policy.description, budgetMs: scenario.budgetMs, accountConcurrency: scenario.world.account.concurrency, styles }));
    if (options.timeline) out.push(renderTerminalTimeline({ projection, width, styles, stallThresholdMs: options.stallThresholdMs }));
    out.push('');
  }
  if (runs.length > 1) out.push(renderComparisonTable({ rows: runs.map((r) => r.metrics), budgetMs: scenario.budgetMs }));
  if (report) out.push('', ...describeReport(io.cwd, report, styles.heading));
  io.stdout(`${out.join('\n')}\n`);
  return 0;
}

/** Writes the report folder of the runs; the folder name is the wall-clock time and the seed. */
function writeSimulationReport(options: {
  runs: readonly MeasuredSimulation[];
  scenario: Scenario;
  seed: number;
  face: MockFace;
  reportsDir: string;
}): WrittenReport {
  const { scenario, seed } = options;
  return writeRunReport({
    rootDir: options.reportsDir,
    scenario: scenario.name,
    runId: makeRunId({ wallMs: Date.now(), seed }),
    ifExists: 'suffix',
    budgetMs: scenario.budgetMs,
    description: scenario.description.split('\n')[0] || null,
    runs: buildSimulationReportRuns({ scenario, runs: options.runs }),
  });
}

const FILE_NOTES: Record<string, string> = {
  'index.html': 'timeline and metrics (open in a browser)',
  'trace.json': 'trace (open in ui.perfetto.dev)',
  'summary.md': 'Markdown summary (CI step summary)',
  'metrics.json': 'metrics of every policy',
  'events.jsonl': 'run log: header and events of every policy',
};

/** The lines that tell where the report went, with paths relative to the working directory. */
function describeReport(cwd: string, report: WrittenReport, heading: (text: string) => string): string[] {
  const names = Object.keys(report.files);
  const width = Math.max(...names.map((n) => n.length));
  return [heading(`Report written to ${displayPath(cwd, report.dir)}/`), ...names.map((name) => `  ${name.padEnd(width)}  ${FILE_NOTES[name] ?? ''}`.trimEnd())];
}

function displayPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel === '' ? '.' : rel.startsWith('..') ? path : rel;
}
