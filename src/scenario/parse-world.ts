/**
 * Reads the `world` section of a scenario: account, behaviour per level and domain (latency,
 * error probabilities, hangs, immediate refusals), waves, throttlers and the options for what the
 * reference leaves unconfirmed.
 */
import { isCatalogCode, lookupErrorCode } from '../scrapfly/error-catalog.js';
import {
  DEFAULT_MOCK_OPTIONS,
  FEATURE_LEVELS,
  type AccountSpec,
  type BehaviourSpec,
  type LevelledBehaviour,
  type MockOptions,
  type ThrottlerSpec,
  type WaveSpec,
  type WorldSpec,
} from '../mock/world-spec.js';
import { LIMITS, join, show, type FieldReader } from './field-reader.js';
import { parseLatency } from './parse-latency.js';
import { parseSites } from './parse-sites.js';
import { parseNetwork } from './parse-network.js';

const LEVEL_KEYS = ['default', ...FEATURE_LEVELS] as const;

/** Reads `world`; products are filled in from the items by the caller. */
export function parseWorld(reader: FieldReader, value: unknown, path: string): Omit<WorldSpec, 'products'> {
  const obj = reader.object(value, path);
  reader.knownKeys(obj, ['account', 'behaviour', 'domains', 'waves', 'throttlers', 'options', 'sites', 'network'], path);
  const behaviour = parseLevelled(reader, obj['behaviour'], join(path, 'behaviour'));
  if (!behaviour.default?.latency) reader.fail(join(join(join(path, 'behaviour'), 'default'), 'latency'), 'is required: every request needs a latency model');
  const domains: Record<string, LevelledBehaviour> = {};
  if (obj['domains'] !== undefined) {
    const dobj = reader.object(obj['domains'], join(path, 'domains'));
    for (const [domain, spec] of Object.entries(dobj)) domains[domain] = parseLevelled(reader, spec, join(join(path, 'domains'), domain));
  }
  const waves = obj['waves'] === undefined ? [] : reader.array(obj['waves'], join(path, 'waves')).map((w, i) => parseWave(reader, w, join(join(path, 'waves'), i)));
  const world: Omit<WorldSpec, 'products'> = {
    account: parseAccount(reader, obj['account'], join(path, 'account')),
    behaviour,
    domains,
    waves,
    options: parseOptions(reader, obj['options'], join(path, 'options')),
    network: parseNetwork(reader, obj['network'], join(path, 'network')),
  };
  if (obj['throttlers'] !== undefined) world.throttlers = parseThrottlers(reader, obj['throttlers'], join(path, 'throttlers'));
  if (obj['sites'] !== undefined) world.sites = parseSites(reader, obj['sites'], join(path, 'sites'));
  return world;
}

/** Reads `throttlers`: domain → {concurrency?, requestsPerMinute?}, at least one limit each. */
function parseThrottlers(reader: FieldReader, value: unknown, path: string): Record<string, ThrottlerSpec> {
  const obj = reader.object(value, path);
  const out: Record<string, ThrottlerSpec> = {};
  for (const [domain, raw] of Object.entries(obj)) {
    const tpath = join(path, domain);
    const tobj = reader.object(raw, tpath);
    reader.knownKeys(tobj, ['concurrency', 'requestsPerMinute'], tpath);
    const concurrency = tobj['concurrency'] === undefined ? null : reader.number(tobj['concurrency'], join(tpath, 'concurrency'), { integer: true, positive: true });
    const requestsPerMinute = tobj['requestsPerMinute'] === undefined ? null : reader.number(tobj['requestsPerMinute'], join(tpath, 'requestsPerMinute'), { integer: true, positive: true });
    if (concurrency === null && requestsPerMinute === null) reader.fail(tpath, 'must set concurrency, requestsPerMinute or both');
    const host = domain.toLowerCase();
    out[host.startsWith('www.') ? host.slice(4) : host] = { concurrency, requestsPerMinute };
  }
  return out;
}

function parseAccount(reader: FieldReader, value: unknown, path: string): AccountSpec {
  const obj = reader.object(value, path);
  reader.knownKeys(obj, ['concurrency', 'credits', 'apiKeys'], path);
  return {
    concurrency: reader.number(obj['concurrency'], join(path, 'concurrency'), { integer: true, positive: true, max: LIMITS.accountConcurrency }),
    credits: obj['credits'] === undefined ? 1_000_000 : reader.number(obj['credits'], join(path, 'credits'), { integer: true, min: 0, max: LIMITS.credits }),
    apiKeys: obj['apiKeys'] === undefined ? [] : reader.array(obj['apiKeys'], join(path, 'apiKeys')).map((k, i) => reader.string(k, join(join(path, 'apiKeys'), i))),
  };
}

function parseLevelled(reader: FieldReader, value: unknown, path: string): LevelledBehaviour {
  const obj = reader.object(value, path);
  reader.knownKeys(obj, LEVEL_KEYS, path);
  const out: LevelledBehaviour = {};
  for (const key of LEVEL_KEYS) if (obj[key] !== undefined) out[key] = parseBehaviour(reader, obj[key], join(path, key));
  return out;
}

/** Reads one behaviour: latency, errors (code → probability), hang, noPrice, rejects (code → probability). */
export function parseBehaviour(reader: FieldReader, value: unknown, path: string): BehaviourSpec {
  const obj = reader.object(value, path);
  reader.knownKeys(obj, ['latency', 'errors', 'hang', 'noPrice', 'rejects'], path);
  const spec: BehaviourSpec = {};
  if (obj['latency'] !== undefined) spec.latency = parseLatency(reader, obj['latency'], join(path, 'latency'));
  if (obj['errors'] !== undefined) {
    const eobj = reader.object(obj['errors'], join(path, 'errors'));
    const errors: Record<string, number> = {};
    let total = 0;
    for (const [code, p] of Object.entries(eobj)) {
      const epath = join(join(path, 'errors'), code);
      if (!isCatalogCode(code) && !/^upstream-[45]\d\d$/.test(code)) {
        reader.fail(epath, `is not a known Scrapfly error code or "upstream-<4xx|5xx>" (got ${show(code)})`);
      }
      errors[code] = reader.probability(p, epath);
      total += errors[code];
    }
    if (total > 1 + 1e-9) reader.fail(join(path, 'errors'), `probabilities must sum to at most 1, got ${total}`);
    spec.errors = errors;
  }
  if (obj['hang'] !== undefined) {
    const hpath = join(path, 'hang');
    const hobj = reader.object(obj['hang'], hpath);
    reader.knownKeys(hobj, ['p', 'latency'], hpath);
    spec.hang = { p: reader.probability(hobj['p'], join(hpath, 'p')), latency: parseLatency(reader, hobj['latency'], join(hpath, 'latency')) };
  }
  if (obj['noPrice'] !== undefined) spec.noPrice = reader.probability(obj['noPrice'], join(path, 'noPrice'));
  if (obj['rejects'] !== undefined) spec.rejects = parseRejects(reader, obj['rejects'], join(path, 'rejects'));
  return spec;
}

/**
 * Reads `rejects`: immediate refusals by code. Codes answered with a Scrapfly error body must be
 * catalog codes whose HTTP status is an error (not the 200 of BAD_UPSTREAM_RESPONSE); `html-5xx`
 * is a gateway's HTML page.
 */
function parseRejects(reader: FieldReader, value: unknown, path: string): Record<string, number> {
  const obj = reader.object(value, path);
  const out: Record<string, number> = {};
  let total = 0;
  for (const [code, p] of Object.entries(obj)) {
    const rpath = join(path, code);
    const html = /^html-5\d\d$/.test(code);
    if (!html && !(isCatalogCode(code) && (lookupErrorCode(code)?.http ?? 200) >= 400)) {
      reader.fail(rpath, `is not a Scrapfly error code answered with an error status, or "html-<5xx>" (got ${show(code)})`);
    }
    out[code] = reader.probability(p, rpath);
    total += out[code];
  }
  if (total > 1 + 1e-9) reader.fail(path, `probabilities must sum to at most 1, got ${total}`);
  return out;
}

function parseWave(reader: FieldReader, value: unknown, path: string): WaveSpec {
  const obj = reader.object(value, path);
  reader.knownKeys(obj, ['domain', 'startMs', 'durationMs', 'levels', 'behaviour'], path);
  return {
    domain: obj['domain'] === undefined || obj['domain'] === null ? null : reader.string(obj['domain'], join(path, 'domain')),
    startMs: reader.durationMs(obj['startMs'] ?? 0, join(path, 'startMs'), { allowZero: true }),
    durationMs: reader.durationMs(obj['durationMs'], join(path, 'durationMs')),
    levels: obj['levels'] === undefined ? [] : reader.array(obj['levels'], join(path, 'levels')).map((l, i) => reader.oneOf(l, FEATURE_LEVELS, join(join(path, 'levels'), i))),
    behaviour: parseBehaviour(reader, obj['behaviour'], join(path, 'behaviour')),
  };
}

function parseOptions(reader: FieldReader, value: unknown, path: string): MockOptions {
  if (value === undefined) return { ...DEFAULT_MOCK_OPTIONS };
  const obj = reader.object(value, path);
  reader.knownKeys(obj, Object.keys(DEFAULT_MOCK_OPTIONS), path);
  const o = { ...DEFAULT_MOCK_OPTIONS };
  if (obj['timeoutWithRetry'] !== undefined) o.timeoutWithRetry = reader.oneOf(obj['timeoutWithRetry'], ['ignore', 'reject'], join(path, 'timeoutWithRetry'));
  if (obj['internalAttempts'] !== undefined) o.internalAttempts = reader.number(obj['internalAttempts'], join(path, 'internalAttempts'), { integer: true, positive: true });
  if (obj['internalRetryDelayMs'] !== undefined) o.internalRetryDelayMs = reader.durationMs(obj['internalRetryDelayMs'], join(path, 'internalRetryDelayMs'), { allowZero: true });
  if (obj['releaseSlotOnDisconnect'] !== undefined) o.releaseSlotOnDisconnect = reader.boolean(obj['releaseSlotOnDisconnect'], join(path, 'releaseSlotOnDisconnect'));
  if (obj['rejectShape'] !== undefined) o.rejectShape = reader.oneOf(obj['rejectShape'], ['A', 'B'], join(path, 'rejectShape'));
  if (obj['retryAfterSeconds'] !== undefined) {
    o.retryAfterSeconds = obj['retryAfterSeconds'] === null ? null : reader.number(obj['retryAfterSeconds'], join(path, 'retryAfterSeconds'), { min: 0 });
  }
  if (obj['overage'] !== undefined) o.overage = reader.boolean(obj['overage'], join(path, 'overage'));
  if (obj['billedErrorCredits'] !== undefined) {
    const raw = obj['billedErrorCredits'];
    if (raw !== 'full' && !(typeof raw === 'number' && Number.isInteger(raw) && raw >= 0)) {
      reader.fail(join(path, 'billedErrorCredits'), `must be "full" or a non-negative integer number of credits, got ${show(raw)}`);
    }
    o.billedErrorCredits = raw;
  }
  if (obj['unknownParams'] !== undefined) o.unknownParams = reader.oneOf(obj['unknownParams'], ['ignore', 'reject'], join(path, 'unknownParams'));
  return o;
}
