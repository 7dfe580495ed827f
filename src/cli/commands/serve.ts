/**
 * `serve`: the batch-update API (`POST /api/v1/batch-update`, `GET /api/v1/batches/:id`) and the
 * admin page (`/`) over the store, running live batches through the production engine. Prints one line when it listens and
 * one per finished batch; Ctrl-C or SIGTERM cancels the running batch (resumable) and stops.
 */
import { readTimeScale } from '../read-time-scale.js';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { createRealClock, createScaledClock } from '../../clock/real-clock.js';
import { UsageError } from '../../errors.js';
import { createPriceExtractor } from '../../extract/extract-price.js';
import { startBatchApiServer } from '../../live/batch-api-server.js';
import { openStore } from '../../live/open-store.js';
import { createUndiciTransport } from '../../live/undici-transport.js';
import { SCRAPFLY_BASE_URL } from '../../scrapfly/scrapfly-client.js';
import type { CliIo } from '../cli-io.js';
import { NUMBER_OPTION, readNumberOption } from '../read-number-option.js';
import { LIMITS } from '../../scenario/field-reader.js';
import { describeScrapflyOptions, describeStoreOption, readPositiveInteger, readScrapflySetup, readStorePath, requireScrapflyKey, showPath, type ScrapflySetup } from './live-setup.js';

/** Ports `--port` accepts (0: any free port); shared with serve-mock. */
export const PORT_BOUNDS = { min: 0, max: 65_535, integer: true } as const;

export interface ServeOptions {
  store: string;
  setup: ScrapflySetup;
  port: number;
  host: string;
  token: string;
  maxWorkers: number;
  /** Clock milliseconds per real millisecond of the batches' clock (1: real time). */
  timeScale: number;
}

export function describeServe(y: Argv): Argv {
  return describeScrapflyOptions(describeStoreOption(y, { creates: true }))
    .option('port', { ...NUMBER_OPTION, default: 8080, describe: 'Port to listen on (0: any free port)' })
    .option('host', { type: 'string', default: '127.0.0.1', describe: 'Address to listen on' })
    .option('token-file', { type: 'string', describe: 'Read the bearer token from this file instead of $BATCHSCOPE_API_TOKEN' })
    .option('max-workers', { ...NUMBER_OPTION, default: 64, describe: 'Most workers a request may ask for (the connection pool size)' })
    .option('time-scale', { ...NUMBER_OPTION, default: 1, describe: "Clock ms per real ms for the batches it runs; match the mock's --time-scale when testing against it" })
    .example('BATCHSCOPE_API_TOKEN=... $0 serve --port 8080', 'then: curl -H "Authorization: Bearer $BATCHSCOPE_API_TOKEN" -d \'{"days_threshold": 1, "max_workers": 4, "use_scrapfly": true}\' http://127.0.0.1:8080/api/v1/batch-update')
    .epilogue(
      'Open the URL in a browser for the admin page (sign in with the token): batches, a form to start one, the running batch\'s worker lanes live, reports and the review queue. ' +
        'POST /api/v1/batch-update answers 202 with the batch id at once, or the result with "wait": true ("use_scrapfly": false fetches the pages directly); GET /api/v1/batches/:id gives progress, outcome counts and report links. One batch runs at a time (409 otherwise).',
    );
}

export function readServeOptions(argv: Record<string, unknown>, io: CliIo): ServeOptions {
  const port = readNumberOption(argv['port'], '--port', PORT_BOUNDS) ?? 8080;
  const maxWorkers = readPositiveInteger(argv, 'max-workers', LIMITS.workers) ?? 64;
  const timeScale = readTimeScale(argv['time-scale']);
  let token: string | undefined;
  if (typeof argv['token-file'] === 'string') {
    try {
      token = readFileSync(resolve(io.cwd, argv['token-file']), 'utf8').trim();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new UsageError(`Cannot read --token-file ${argv['token-file']} (${code === 'ENOENT' ? 'no such file' : code ?? 'unreadable'})`);
    }
  } else {
    token = io.env['BATCHSCOPE_API_TOKEN']?.trim();
  }
  if (!token) throw new UsageError('No API token: set BATCHSCOPE_API_TOKEN or pass --token-file <file> (callers send it as Authorization: Bearer <token>)');
  if (token.length < 16) throw new UsageError('The API token must be at least 16 characters long');
  return {
    store: readStorePath(argv, io),
    // Without a key serve still runs batches that fetch the pages directly (use_scrapfly: false).
    setup: readScrapflySetup(argv, io, { deferKeyCheck: true }),
    port,
    host: String(argv['host'] ?? '127.0.0.1'),
    token,
    maxWorkers,
    timeScale,
  };
}

/** Serves until SIGINT/SIGTERM. Returns the exit code. */
export async function runServeCommand(options: ServeOptions, io: CliIo): Promise<number> {
  const { setup } = options;
  let keyless = false;
  try {
    requireScrapflyKey(setup, setup.config.policy);
  } catch {
    keyless = true;
  }
  const store = openStore({ path: options.store });
  const transport = createUndiciTransport({ connections: options.maxWorkers, secret: setup.apiKey });
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const server = await startBatchApiServer({
      env: {
        store,
        transport,
        clock: options.timeScale === 1 ? createRealClock() : createScaledClock({ scale: options.timeScale }),
        scrapfly: { apiKey: setup.apiKey, baseUrl: setup.baseUrl, hasKey: !keyless },
        direct: { baseUrl: setup.directBaseUrl },
        extractPrice: createPriceExtractor({ selectors: setup.config.selectors }),
        maxChangeRatio: setup.config.maxChangeRatio,
        reportsDir: setup.reportsDir,
      },
      policy: setup.config.policy,
      token: options.token,
      maxWorkersLimit: options.maxWorkers,
      timeScale: options.timeScale,
      port: options.port,
      host: options.host,
      onInternalError: (line) => io.stderr(`${line}\n`),
      onBatchEnd: (o) =>
        io.stdout(`batch ${o.batchId} ${o.status}: ${o.counts.priced} priced (${o.flagged} flagged), ${o.counts.failed} failed, ${o.counts.timedOut} timed out, ${o.counts.skipped} skipped${o.error ? `; error: ${o.error}` : ''}\n`),
    });
    const extras = `${setup.directBaseUrl ? `, direct fetches through ${setup.directBaseUrl}` : ''}${options.timeScale === 1 ? '' : `, time scale ${options.timeScale}`}`;
    if (keyless) io.stderr('warning: no Scrapfly API key (SCRAPFLY_KEY or --scrapfly-key-file): only batches with "use_scrapfly": false can run; the others are refused with 400\n');
    io.stdout(`batchscope API listening on ${server.url} (store ${showPath(options.store, io.cwd)}, Scrapfly ${setup.baseUrl ?? SCRAPFLY_BASE_URL}, policy ${setup.config.policy.name}${extras})\n`);
    await new Promise<void>((resolve) => {
      if (stop.signal.aborted) resolve();
      stop.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    io.stdout('stopping: cancelling the running batch, if any (resume it with batchscope run --resume <id>)\n');
    await server.close();
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await transport.close().catch(() => undefined);
    store.close();
  }
}
