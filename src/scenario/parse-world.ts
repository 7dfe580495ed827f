/** Reads the `world` section of a scenario: account, behaviour per level and domain, waves, options. */
import { isCatalogCode } from '../scrapfly/error-catalog.js';
import { DEFAULT_MOCK_OPTIONS, FEATURE_LEVELS, type AccountSpec, type BehaviourSpec, type LevelledBehaviour, type MockOptions, type WaveSpec, type WorldSpec } from '../mock/world-spec.js';
import { join, show, type FieldReader } from './field-reader.js';
import { parseLatency } from './parse-latency.js';

const LEVEL_KEYS = ['default', ...FEATURE_LEVELS] as const;

/** Reads `world`; products are filled in from the items by the caller. */
export function parseWorld(reader: FieldReader, value: unknown, path: string): Omit<WorldSpec, 'products'> {
  const obj = reader.object(value, path);
  reader.knownKeys(obj, ['account', 'behaviour', 'domains', 'waves', 'options'], path);
  const behaviour = parseLevelled(reader, obj['behaviour'], join(path, 'behaviour'));
  if (!behaviour.default?.latency) reader.fail(join(join(join(path, 'behaviour'), 'default'), 'latency'), 'is required: every request needs a latency model');
  const domains: Record<string, LevelledBehaviour> = {};
  if (obj['domains'] !== undefined) {
    const dobj = reader.object(obj['domains'], join(path, 'domains'));
    for (const [domain, spec] of Object.entries(dobj)) domains[domain] = parseLevelled(reader, spec, join(join(path, 'domains'), domain));
  }
  const waves = obj['waves'] === undefined ? [] : reader.array(obj['waves'], join(path, 'waves')).map((w, i) => parseWave(reader, w, join(join(path, 'waves'), i)));
  return {
    account: parseAccount(reader, obj['account'], join(path, 'account')),
    behaviour,
    domains,
    waves,
    options: parseOptions(reader, obj['options'], join(path, 'options')),
  };
}

function parseAccount(reader: FieldReader, value: unknown, path: string): AccountSpec {
  const obj = reader.object(value, path);
  reader.knownKeys(obj, ['concurrency', 'credits', 'apiKeys'], path);
  return {
    concurrency: reader.number(obj['concurrency'], join(path, 'concurrency'), { integer: true, positive: true }),
    credits: obj['credits'] === undefined ? 1_000_000 : reader.number(obj['credits'], join(path, 'credits'), { integer: true, min: 0 }),
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

/** Reads one behaviour: latency, errors (code → probability), hang, noPrice. */
export function parseBehaviour(reader: FieldReader, value: unknown, path: string): BehaviourSpec {
  const obj = reader.object(value, path);
  reader.knownKeys(obj, ['latency', 'errors', 'hang', 'noPrice'], path);
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
  return spec;
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
  return o;
}
