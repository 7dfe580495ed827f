/**
 * What the live commands (`import`, `run`, `serve`, `review`) share: the store path, the Scrapfly
 * key and base URL, the live config, and the options that select them. The key is read here and
 * handed to the client only; nothing here prints it.
 */
import { existsSync } from 'node:fs';
import { requireFolderPath } from '../require-folder.js';
import { relative, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { UsageError } from '../../errors.js';
import { toDirectPolicy, usesScrapfly, type Policy } from '../../engine/policy.js';
import { createDefaultLiveConfig, loadLiveConfig, type LiveConfig } from '../../live/live-config.js';
import { isLoopbackUrl, LOCAL_MOCK_KEY, readScrapflyKey } from '../../live/scrapfly-key.js';
import { selectPolicies } from '../../scenario/select-policies.js';
import type { CliIo } from '../cli-io.js';
import { loadScenarioFile } from '../load-scenario-file.js';
import { NUMBER_OPTION, readNumberOption } from '../read-number-option.js';

/** The store file: `--store`, else BATCHSCOPE_STORE, else `batchscope.db` in the working folder. */
export function describeStoreOption(y: Argv, options: { creates: boolean }): Argv {
  return y.option('store', { type: 'string', describe: `The SQLite store (default: $BATCHSCOPE_STORE or ./batchscope.db); ${options.creates ? 'created when missing' : 'it must exist (import creates it)'}` });
}

export function readStorePath(argv: Record<string, unknown>, io: Pick<CliIo, 'env' | 'cwd'>): string {
  const given = typeof argv['store'] === 'string' && argv['store'] !== '' ? argv['store'] : (io.env['BATCHSCOPE_STORE'] ?? 'batchscope.db');
  return given === ':memory:' ? given : resolve(io.cwd, given);
}

/**
 * A store a command reads must exist: a misspelt path would otherwise create an empty store and
 * report "nothing to do". Only `import` (and `serve`, which imports nothing but may start empty) creates one.
 */
export function requireExistingStore(path: string): void {
  if (path !== ':memory:' && !existsSync(path)) throw new UsageError(`the store ${path} does not exist (create it with batchscope import <machines file> --store ${path})`);
}

/** Options that reach Scrapfly: base URL, key file, config, scenario policy. */
export function describeScrapflyOptions(y: Argv): Argv {
  return y
    .option('scrapfly-url', { type: 'string', describe: "Scrapfly's base URL (default: the real API); point it at the mock's HTTP face, e.g. http://127.0.0.1:8787" })
    .option('scrapfly-key-file', { type: 'string', describe: 'Read the API key from this file instead of $SCRAPFLY_KEY (the key is never printed)' })
    .option('config', { type: 'string', describe: 'Live config (JSON): policy, per-domain price selectors, review threshold' })
    .option('scenario', { type: 'string', describe: "Take the policy from this scenario file (with --policy) instead of the config's" })
    .option('policy', { type: 'string', describe: 'The scenario policy to run (default: the first)' })
    .option('max-change', { ...NUMBER_OPTION, describe: 'Flag price changes above this ratio for review instead of applying them (default 0.5 = ±50%)' })
    .option('direct-base-url', {
      type: 'string',
      describe: "Send direct fetches (a policy's direct tier, --direct, use_scrapfly=false) to <url>/<host>/<path> instead of the pages themselves, e.g. the mock's http://127.0.0.1:8787/sites",
    })
    .option('report', { type: 'boolean', default: true, describe: 'Write the run log and reports (--no-report to skip)' })
    .option('report-dir', { type: 'string', default: 'reports', describe: 'Folder for run logs and reports' });
}

export interface ScrapflySetup {
  apiKey: string;
  /** The base URL, or null for the real API. */
  baseUrl: string | null;
  /** Where direct fetches go: null for the pages' own URLs. */
  directBaseUrl: string | null;
  /** False when no key was configured (`apiKey` is then a placeholder for a mock on this machine). */
  hasKey: boolean;
  config: LiveConfig;
  reportsDir: string | null;
}

/**
 * Reads the key, base URLs and config. With `direct`, the policy's ladder becomes one direct tier.
 * A missing key is an error when the policy goes through Scrapfly, unless the URL is on this machine.
 */
export function readScrapflySetup(argv: Record<string, unknown>, io: Pick<CliIo, 'env' | 'cwd'>, options: { direct?: boolean; deferKeyCheck?: boolean } = {}): ScrapflySetup {
  const url = typeof argv['scrapfly-url'] === 'string' && argv['scrapfly-url'] !== '' ? argv['scrapfly-url'].replace(/\/+$/, '') : null;
  if (url !== null && !/^https?:\/\/[^/?#]+$/.test(url)) throw new UsageError(`--scrapfly-url must be a base URL such as http://127.0.0.1:8787, got ${url}`);
  const directBaseUrl = readDirectBaseUrl(argv);
  // Every flag's value first, then the files they name.
  const maxChange = readNumberOption(argv['max-change'], '--max-change', { min: 0, max: 1000, what: 'a ratio', note: '(0.5 = ±50%)' });
  const reportDir = argv['report-dir'];
  if (reportDir !== undefined && (typeof reportDir !== 'string' || reportDir.trim() === '')) throw new UsageError(`--report-dir must be a folder path, got ${JSON.stringify(reportDir)}`);
  const keyFile = typeof argv['scrapfly-key-file'] === 'string' ? argv['scrapfly-key-file'] : null;
  const key = readScrapflyKey({ env: io.env, keyFile, cwd: io.cwd });
  let config = typeof argv['config'] === 'string' ? loadLiveConfig({ path: argv['config'], cwd: io.cwd }) : createDefaultLiveConfig();
  if (typeof argv['scenario'] === 'string') {
    const scenario = loadScenarioFile(argv['scenario'], io.cwd);
    const names = typeof argv['policy'] === 'string' ? [argv['policy']] : [];
    const policy = selectPolicies(scenario, names)[0];
    if (policy) config = { ...config, policy };
  } else if (typeof argv['policy'] === 'string') {
    throw new UsageError('--policy names a policy of --scenario; pass --scenario <file> too');
  }
  if (maxChange !== null) config = { ...config, maxChangeRatio: maxChange };
  if (options.direct) config = { ...config, policy: toDirectPolicy(config.policy) };
  const setup = { apiKey: key ?? LOCAL_MOCK_KEY, hasKey: key !== null, baseUrl: url, directBaseUrl, config, reportsDir: argv['report'] === false ? null : resolve(io.cwd, String(reportDir ?? 'reports')) };
  if (setup.reportsDir !== null) requireFolderPath(setup.reportsDir, '--report-dir');
  if (!options.deferKeyCheck) requireScrapflyKey(setup, config.policy, { hint: options.direct !== undefined });
  return setup;
}

/**
 * Throws the one-line usage error for a missing key when `policy` goes through Scrapfly and the
 * base URL is not a mock on this machine. `hint` mentions `--direct`.
 */
export function requireScrapflyKey(setup: ScrapflySetup, policy: Policy, options: { hint?: boolean } = {}): void {
  if (setup.hasKey || !usesScrapfly(policy) || (setup.baseUrl !== null && isLoopbackUrl(setup.baseUrl))) return;
  throw new UsageError(`No Scrapfly API key: set SCRAPFLY_KEY or pass --scrapfly-key-file <file>${options.hint ? ' (or fetch the pages directly with --direct)' : ''}`);
}

/** `--direct-base-url`: an http(s) URL, maybe with a path, without query or fragment; null when absent. */
function readDirectBaseUrl(argv: Record<string, unknown>): string | null {
  const raw = argv['direct-base-url'];
  if (raw === undefined || raw === '') return null;
  const text = String(raw).replace(/\/+$/, '');
  let parsed: URL | null = null;
  try {
    parsed = new URL(text);
  } catch {
    parsed = null;
  }
  if (parsed === null || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.search !== '' || parsed.hash !== '' || /[?#]/.test(text)) {
    throw new UsageError(`--direct-base-url must be an http(s) URL without query, such as http://127.0.0.1:8787/sites, got ${String(raw)}`);
  }
  return text;
}

/** An integer flag from 1 to `max`, or null when absent. */
export function readPositiveInteger(argv: Record<string, unknown>, name: string, max: number): number | null {
  return readNumberOption(argv[name], `--${name}`, { min: 1, max, integer: true });
}

/** A path relative to the working folder when it lies inside it, else absolute. */
export function showPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel === '' || rel.startsWith('..') ? path : rel;
}
