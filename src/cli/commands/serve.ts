/**
 * `serve`: the batch-update API (`POST /api/v1/batch-update`, `GET /api/v1/batches/:id`) and the
 * admin page (`/`) over the store, running live batches through the production engine. Prints one line when it listens and
 * one per finished batch; Ctrl-C or SIGTERM cancels the running batch (resumable) and stops.
 */
import { readTimeScale } from '../read-time-scale.js';
import { readFileSync, statSync } from 'node:fs';
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
import { describeFileError } from '../../node/describe-file-error.js';
import { parseApiToken, parseApiTokenFile, type ApiTokens } from '../../live/parse-api-tokens.js';
import { describeScrapflyOptions, describeStoreOption, readPositiveInteger, readScrapflySetup, readStorePath, requireScrapflyKey, showPath, type ScrapflySetup } from './live-setup.js';

/** Ports `--port` accepts (0: any free port); shared with serve-mock. */
export const PORT_BOUNDS = { min: 0, max: 65_535, integer: true } as const;

export interface ServeOptions {
  store: string;
  setup: ScrapflySetup;
  port: number;
  host: string;
  /** The API tokens callers may send (one, or several from a token file). */
  tokens: string[];
  /** Warnings about the token file, printed once serving starts. */
  tokenWarnings: string[];
  maxWorkers: number;
  /** Clock milliseconds per real millisecond of the batches' clock (1: real time). */
  timeScale: number;
}

export function describeServe(y: Argv): Argv {
  return describeScrapflyOptions(describeStoreOption(y, { creates: true }))
    .option('port', { ...NUMBER_OPTION, default: 8080, describe: 'Port to listen on (0: any free port)' })
    .option('host', { type: 'string', default: '127.0.0.1', describe: 'Address to listen on' })
    .option('token-file', { type: 'string', requiresArg: true, describe: 'Read the bearer tokens from this file instead of $BATCHSCOPE_API_TOKEN: one per line (16 to 4096 visible ASCII characters), blank lines and # comments ignored' })
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
  const { tokens, warnings } = readApiTokens(argv, io);
  return {
    store: readStorePath(argv, io),
    // Without a key serve still runs batches that fetch the pages directly (use_scrapfly: false).
    setup: readScrapflySetup(argv, io, { deferKeyCheck: true }),
    port,
    host: String(argv['host'] ?? '127.0.0.1'),
    tokens,
    tokenWarnings: warnings,
    maxWorkers,
    timeScale,
  };
}

/** A token file larger than this is not a token file, bytes. */
const MAX_TOKEN_FILE_BYTES = 1 << 20;

/** The tokens of `--token-file`, else of $BATCHSCOPE_API_TOKEN, checked (see parse-api-tokens.ts). Throws a one-line UsageError. */
function readApiTokens(argv: Record<string, unknown>, io: CliIo): ApiTokens {
  const file = argv['token-file'];
  if (file === undefined) {
    const text = io.env['BATCHSCOPE_API_TOKEN'];
    if (text === undefined || text.trim() === '') throw new UsageError('No API token: set BATCHSCOPE_API_TOKEN or pass --token-file <file> (callers send it as Authorization: Bearer <token>)');
    return { tokens: [parseApiToken({ text, source: 'BATCHSCOPE_API_TOKEN' })], warnings: [] };
  }
  if (typeof file !== 'string' || file.trim() === '') throw new UsageError('--token-file needs a file name');
  const path = resolve(io.cwd, file);
  const source = `--token-file ${showPath(path, io.cwd)}`;
  let text: string;
  try {
    const size = statSync(path).size;
    if (size > MAX_TOKEN_FILE_BYTES) throw new UsageError(`${source} is ${size} bytes: not a token file (at most ${MAX_TOKEN_FILE_BYTES})`);
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${source}: cannot read the file: ${describeFileError(error)}`);
  }
  return parseApiTokenFile({ text, source });
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
      tokens: options.tokens,
      maxWorkersLimit: options.maxWorkers,
      timeScale: options.timeScale,
      port: options.port,
      host: options.host,
      onInternalError: (line) => io.stderr(`${line}\n`),
      onBatchEnd: (o) =>
        io.stdout(`batch ${o.batchId} ${o.status}: ${o.counts.priced} priced (${o.flagged} flagged), ${o.counts.failed} failed, ${o.counts.timedOut} timed out, ${o.counts.skipped} skipped${o.error ? `; error: ${o.error}` : ''}\n`),
    });
    const extras = `${setup.directBaseUrl ? `, direct fetches through ${setup.directBaseUrl}` : ''}${options.timeScale === 1 ? '' : `, time scale ${options.timeScale}`}`;
    for (const warning of options.tokenWarnings) io.stderr(`warning: ${warning}\n`);
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
