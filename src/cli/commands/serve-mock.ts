/**
 * `serve-mock --scenario F`: serves the scenario's world as the mock Scrapfly API over real HTTP
 * until SIGINT or SIGTERM. Prints exactly one readiness line on stdout, with the URL; with
 * `--log-events` each mock event (accept, reject, end) goes to stderr as one JSON line. When the
 * scenario's world has `sites`, the shops' own pages are served too, for direct fetches
 * (`run --direct --direct-base-url <url>/sites`).
 */
import { readTimeScale } from '../read-time-scale.js';
import type { Argv } from 'yargs';
import { readSeedOption, SEED_OPTION } from '../read-seed-option.js';
import { UsageError } from '../../errors.js';
import type { BatchEvent } from '../../events/batch-event.js';
import { startMockHttpServer } from '../../node/mock-http-server.js';
import { formatDurationMs } from '../../units/duration.js';
import type { CliIo } from '../cli-io.js';
import { NUMBER_OPTION, readNumberOption } from '../read-number-option.js';
import { PORT_BOUNDS } from './serve.js';
import { loadScenarioFile } from '../load-scenario-file.js';
import { describeTimeScaleRisk } from '../../mock/client-timer-warning.js';

export interface ServeMockOptions {
  scenario: string;
  port: number;
  host: string;
  timeScale: number;
  seed: number | null;
  logEvents: boolean;
  /** Add the world's network (round trips, resets, truncated bodies, outages) on top of the socket's own time. */
  network: boolean;
}

/** Registers the command's options on yargs. */
export function describeServeMock(y: Argv): Argv {
  return y
    .option('scenario', { alias: 's', type: 'string', demandOption: true, describe: 'Scenario file (JSON) whose world the mock serves' })
    .option('port', { alias: 'p', ...NUMBER_OPTION, default: 0, describe: 'Port to listen on (0: any free port)' })
    .option('host', { type: 'string', default: '127.0.0.1', describe: 'Interface to listen on' })
    .option('time-scale', { ...NUMBER_OPTION, default: 1, describe: 'Simulated ms per real ms (60: a 6 s scrape answers in 100 ms, a 20-minute wave lasts 20 s)' })
    .option('seed', { ...SEED_OPTION, describe: "Random seed (default: the scenario's)" })
    .option('network', { type: 'boolean', default: false, describe: "Add the scenario's world.network (round trips, resets, outages) to every request, as simulate does; off: the socket's own time only" })
    .option('log-events', { type: 'boolean', default: false, describe: 'Print each mock event (accept, reject, end) to stderr as a JSON line' })
    .example('$0 serve-mock --scenario scenarios/asp-wave.json --time-scale 60', 'serve the ASP wave 60 times faster than real time')
    .epilogue('Stops cleanly on SIGINT or SIGTERM. Counters: GET <url>/__admin/stats.');
}

/** Turns parsed argv into options, rejecting bad values with one-line errors. */
export function readServeMockOptions(argv: Record<string, unknown>): ServeMockOptions {
  const scenario = argv['scenario'];
  if (typeof scenario !== 'string' || scenario.trim() === '') throw new UsageError('--scenario is required: the scenario file whose world the mock serves');
  const port = readNumberOption(argv['port'], '--port', PORT_BOUNDS) ?? 0;
  const scale = argv['time-scale'];
  const timeScale = readTimeScale(scale);
  const seed = readSeedOption(argv['seed']);
  const host = String(argv['host'] ?? '127.0.0.1');
  if (host.trim() === '') throw new UsageError('--host must not be empty');
  return {
    scenario,
    port,
    host,
    timeScale,
    seed,
    logEvents: Boolean(argv['log-events']),
    network: Boolean(argv['network']),
  };
}

/**
 * Serves until `signal` aborts, or SIGINT/SIGTERM when no signal is given. Returns the exit code.
 * The readiness line is the only stdout output; a summary goes to stderr on shutdown.
 */
export async function runServeMockCommand(options: ServeMockOptions, io: CliIo, signal?: AbortSignal): Promise<number> {
  const scenario = loadScenarioFile(options.scenario, io.cwd);
  const seed = options.seed ?? scenario.seed;
  const stop = new AbortController();
  const onSignal = () => stop.abort(new Error('signal'));
  const onOuterAbort = () => stop.abort(signal?.reason);
  if (signal) {
    if (signal.aborted) return 0;
    signal.addEventListener('abort', onOuterAbort, { once: true });
  } else {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  try {
    const events = options.logEvents ? { emit: (event: BatchEvent) => io.stderr(`${JSON.stringify(event)}\n`) } : undefined;
    const server = await startMockHttpServer({ world: scenario.world, port: options.port, host: options.host, timeScale: options.timeScale, seed, signal: stop.signal, events, network: options.network });
    const risk = describeTimeScaleRisk({ world: scenario.world, timeScale: options.timeScale });
    if (risk) io.stderr(`${risk}\n`);
    const { account } = scenario.world;
    io.stdout(
      `mock Scrapfly API for ${scenario.name} listening on ${server.url} (time scale ${options.timeScale}, seed ${seed}, concurrency ${account.concurrency}, ${account.credits} credits; ` +
        `${options.network ? 'with the world\'s network; ' : ''}${scenario.world.sites ? `the shops' pages for direct fetches at ${server.sitesUrl}; ` : ''}stats at ${server.url}/__admin/stats, simulated time at ${server.url}/__admin/clock)\n`,
    );
    const startedAtMs = server.clock.now();
    await new Promise<void>((resolve) => {
      if (stop.signal.aborted) resolve();
      else stop.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await server.close();
    const stats = server.core.stats();
    io.stderr(
      `mock stopped after ${formatDurationMs(server.clock.now() - startedAtMs)} simulated: ${stats.requests} requests, ${stats.accepted} accepted, ${stats.throttled} × 429, peak concurrency ${stats.peakConcurrency}/${account.concurrency}, ${stats.creditsUsed} credits, ${stats.zombiesEnded} zombies\n`,
    );
    return 0;
  } finally {
    signal?.removeEventListener('abort', onOuterAbort);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
