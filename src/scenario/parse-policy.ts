/**
 * Reads policies. A policy may `extend` another policy of the same scenario: objects merge field
 * by field, anything else is replaced. Tiers are names of the default ladder ("plain",
 * "render_js", "asp") or objects with an optional `base` tier name and overrides.
 */
import { ERROR_CLASSES } from '../events/batch-event.js';
import { CLIENT_PRESETS, DEFAULT_TIERS, DIRECT_TIER, PLAIN_CLIENT, type BackoffSpec, type ClientSpec, type ErrorSelector, type Policy, type TierSpec } from '../engine/policy.js';
import { resolveServerBudget } from '../scrapfly/timeout-rules.js';
import { LIMITS, join, show, type FieldReader, type JsonObject } from './field-reader.js';
import type { ScenarioNote } from './scenario-types.js';

const POLICY_KEYS = ['name', 'description', 'extends', 'workers', 'execution', 'client', 'tiers', 'retry', 'escalateOn', 'callTimeoutMs', 'timeoutSemantics', 'itemDeadlineMs', 'batchDeadlineMs', 'slowRequestMs', 'circuitBreaker', 'outageBreaker'];
const SELECTORS: readonly ErrorSelector[] = [...ERROR_CLASSES, 'retryable', 'any'];
const DEFAULT_BACKOFF: BackoffSpec = { initialMs: 1000, factor: 2, maxMs: 60_000, jitter: 'full' };

/** Reads every policy of `value` (an array), resolving `extends`. `notes` collects advice worth printing. */
export function parsePolicies(reader: FieldReader, value: unknown, path: string, notes: ScenarioNote[]): Policy[] {
  const list = reader.array(value, path);
  if (list.length === 0) reader.fail(path, 'must hold at least one policy');
  const raws = list.map((p, i) => reader.object(p, join(path, i)));
  const byName = new Map<string, number>();
  raws.forEach((raw, i) => {
    const name = reader.string(raw['name'], join(join(path, i), 'name'));
    if (byName.has(name)) reader.fail(join(join(path, i), 'name'), `duplicates the name of ${join(path, byName.get(name) as number)} (${show(name)})`);
    byName.set(name, i);
  });
  // Each policy is resolved once, walking its `extends` chain without recursion: a chain of
  // thousands stays linear and cannot overflow the stack.
  const resolved = new Map<number, JsonObject>();
  const resolve = (start: number): JsonObject => {
    const chain: number[] = [];
    const onChain = new Set<number>();
    let at = start;
    while (!resolved.has(at)) {
      const raw = raws[at] as JsonObject;
      chain.push(at);
      onChain.add(at);
      if (raw['extends'] === undefined) break;
      const epath = join(join(path, at), 'extends');
      const parentName = reader.string(raw['extends'], epath);
      const parent = byName.get(parentName);
      if (parent === undefined) reader.fail(epath, `names no policy of this scenario, got ${show(parentName)}`);
      if (onChain.has(parent)) reader.fail(epath, `forms a cycle (${[...chain.slice(chain.indexOf(parent)), parent].map((s) => show(raws[s]?.['name'])).join(' → ')})`);
      at = parent;
    }
    // From the oldest ancestor down: each merges its own fields over its parent's.
    for (let k = chain.length - 1; k >= 0; k--) {
      const i = chain[k] as number;
      if (resolved.has(i)) continue;
      const raw = raws[i] as JsonObject;
      if (raw['extends'] === undefined) {
        resolved.set(i, raw);
        continue;
      }
      const { description: _d, name: _n, ...inherited } = resolved.get(byName.get(raw['extends'] as string) as number) as JsonObject;
      const { extends: _e, ...own } = raw;
      resolved.set(i, deepMerge(inherited, own));
    }
    return resolved.get(start) as JsonObject;
  };
  return raws.map((_, i) => {
    const policy = parsePolicy(reader, resolve(i), join(path, i));
    const ignored = policy.tiers.filter((t) => t.retry && t.timeoutMs !== null);
    if (ignored.length > 0) {
      notes.push({
        policy: policy.name,
        message: `policy ${policy.name}: ${ignored.map((t) => `${t.name} timeout=${t.timeoutMs} ms`).join(', ')} sent with retry=true; Scrapfly honours a custom timeout only with retry=false, so it changes nothing`,
      });
    }
    // A timeout the API refuses is a policy as real code may have it (an SDK whose timeout is in
    // milliseconds called with seconds): loaded, with a note, and the mock answers it with a 400.
    for (const { tier, message } of findRefusedTimeouts(policy)) {
      notes.push({ policy: policy.name, message: `policy ${policy.name}: tier ${tier.name}: Scrapfly refuses this timeout (${message}): every request of the tier is answered 400 ERR::SCRAPE::CONFIG_ERROR` });
    }
    return policy;
  });
}

/** The tiers of `policy` whose `timeout` the API refuses (out of range with `retry=false`), with why. */
export function findRefusedTimeouts(policy: Pick<Policy, 'tiers'>): Array<{ index: number; tier: TierSpec; message: string }> {
  const out: Array<{ index: number; tier: TierSpec; message: string }> = [];
  policy.tiers.forEach((tier, index) => {
    if (tier.via === 'direct') return;
    const budget = resolveServerBudget({ retry: tier.retry, timeoutMs: tier.timeoutMs, renderJs: tier.renderJs, asp: tier.asp });
    if (!budget.ok) out.push({ index, tier, message: budget.message });
  });
  return out;
}

function deepMerge(base: JsonObject, over: JsonObject): JsonObject {
  const out: JsonObject = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prev = out[key];
    out[key] = isPlainObject(prev) && isPlainObject(value) ? deepMerge(prev, value) : value;
  }
  return out;
}

function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads one policy (with `extends` already resolved). */
export function parsePolicy(reader: FieldReader, raw: JsonObject, path: string): Policy {
  reader.knownKeys(raw, POLICY_KEYS, path);
  const tiers = raw['tiers'] === undefined ? DEFAULT_TIERS.map((t) => ({ ...t })) : parseTiers(reader, raw['tiers'], join(path, 'tiers'));
  return {
    name: reader.string(raw['name'], join(path, 'name')),
    description: raw['description'] === undefined ? '' : reader.string(raw['description'], join(path, 'description')),
    workers: reader.number(raw['workers'], join(path, 'workers'), { integer: true, positive: true, max: LIMITS.workers }),
    execution: raw['execution'] === undefined ? 'concurrent' : reader.oneOf(raw['execution'], ['concurrent', 'blocking'], join(path, 'execution')),
    client: parseClient(reader, raw['client'], join(path, 'client')),
    tiers,
    retry: parseRetry(reader, raw['retry'], join(path, 'retry')),
    escalateOn: raw['escalateOn'] === undefined ? ['any'] : parseSelectors(reader, raw['escalateOn'], join(path, 'escalateOn')),
    callTimeoutMs: optionalDuration(reader, raw['callTimeoutMs'], join(path, 'callTimeoutMs')),
    timeoutSemantics: raw['timeoutSemantics'] === undefined ? 'abort' : reader.oneOf(raw['timeoutSemantics'], ['abort', 'abandon'], join(path, 'timeoutSemantics')),
    itemDeadlineMs: optionalDuration(reader, raw['itemDeadlineMs'], join(path, 'itemDeadlineMs')),
    batchDeadlineMs: optionalDuration(reader, raw['batchDeadlineMs'], join(path, 'batchDeadlineMs')),
    slowRequestMs: optionalDuration(reader, raw['slowRequestMs'], join(path, 'slowRequestMs')),
    circuitBreaker: parseBreaker(reader, raw['circuitBreaker'], join(path, 'circuitBreaker')),
    outageBreaker: parseOutageBreaker(reader, raw['outageBreaker'], join(path, 'outageBreaker')),
  };
}

function optionalDuration(reader: FieldReader, value: unknown, path: string): number | null {
  return value === undefined ? null : reader.optionalDurationMs(value, path);
}

function parseSelectors(reader: FieldReader, value: unknown, path: string): ErrorSelector[] {
  return reader.array(value, path).map((s, i) => reader.oneOf(s, SELECTORS, join(path, i)));
}

function parseBackoff(reader: FieldReader, value: unknown, path: string, base: BackoffSpec): BackoffSpec {
  if (value === undefined) return { ...base };
  const obj = reader.object(value, path);
  reader.knownKeys(obj, ['initialMs', 'factor', 'maxMs', 'jitter'], path);
  return {
    initialMs: obj['initialMs'] === undefined ? base.initialMs : reader.durationMs(obj['initialMs'], join(path, 'initialMs'), { allowZero: true }),
    factor: obj['factor'] === undefined ? base.factor : reader.number(obj['factor'], join(path, 'factor'), { min: 1 }),
    maxMs: obj['maxMs'] === undefined ? base.maxMs : reader.durationMs(obj['maxMs'], join(path, 'maxMs'), { allowZero: true }),
    jitter: obj['jitter'] === undefined ? base.jitter : reader.oneOf(obj['jitter'], ['none', 'full', 'equal'], join(path, 'jitter')),
  };
}

function parseReadTimeout(reader: FieldReader, value: unknown, path: string): number | 'auto' | null {
  if (value === 'auto') return 'auto';
  return reader.optionalDurationMs(value, path);
}

function parseClient(reader: FieldReader, value: unknown, path: string): ClientSpec {
  if (value === undefined) return { ...PLAIN_CLIENT };
  const presetNames = Object.keys(CLIENT_PRESETS);
  if (typeof value === 'string') return { ...(CLIENT_PRESETS[reader.oneOf(value, presetNames, path)] as ClientSpec) };
  const obj = reader.object(value, path);
  reader.knownKeys(obj, ['preset', 'readTimeoutMs', 'connectTimeoutMs', 'maxTries', 'retryOn', 'backoff'], path);
  const base = obj['preset'] === undefined ? PLAIN_CLIENT : (CLIENT_PRESETS[reader.oneOf(obj['preset'], presetNames, join(path, 'preset'))] as ClientSpec);
  return {
    readTimeoutMs: obj['readTimeoutMs'] === undefined ? base.readTimeoutMs : parseReadTimeout(reader, obj['readTimeoutMs'], join(path, 'readTimeoutMs')),
    connectTimeoutMs: obj['connectTimeoutMs'] === undefined ? (base.connectTimeoutMs ?? null) : reader.optionalDurationMs(obj['connectTimeoutMs'], join(path, 'connectTimeoutMs')),
    maxTries: obj['maxTries'] === undefined ? base.maxTries : reader.number(obj['maxTries'], join(path, 'maxTries'), { integer: true, positive: true }),
    retryOn: obj['retryOn'] === undefined ? [...base.retryOn] : parseSelectors(reader, obj['retryOn'], join(path, 'retryOn')),
    backoff: parseBackoff(reader, obj['backoff'], join(path, 'backoff'), base.backoff),
  };
}

function parseRetry(reader: FieldReader, value: unknown, path: string): Policy['retry'] {
  if (value === undefined) return { maxCalls: 1, on: [], backoff: { ...DEFAULT_BACKOFF }, respectRetryAfter: true };
  const obj = reader.object(value, path);
  reader.knownKeys(obj, ['maxCalls', 'on', 'backoff', 'respectRetryAfter'], path);
  return {
    maxCalls: obj['maxCalls'] === undefined ? 1 : reader.number(obj['maxCalls'], join(path, 'maxCalls'), { integer: true, positive: true }),
    on: obj['on'] === undefined ? [] : parseSelectors(reader, obj['on'], join(path, 'on')),
    backoff: parseBackoff(reader, obj['backoff'], join(path, 'backoff'), DEFAULT_BACKOFF),
    respectRetryAfter: obj['respectRetryAfter'] === undefined ? true : reader.boolean(obj['respectRetryAfter'], join(path, 'respectRetryAfter')),
  };
}

function parseBreaker(reader: FieldReader, value: unknown, path: string): Policy['circuitBreaker'] {
  if (value === undefined || value === null) return null;
  const obj = reader.object(value, path);
  reader.knownKeys(obj, ['consecutiveTimeouts'], path);
  return { consecutiveTimeouts: reader.number(obj['consecutiveTimeouts'], join(path, 'consecutiveTimeouts'), { integer: true, positive: true }) };
}

function parseOutageBreaker(reader: FieldReader, value: unknown, path: string): Policy['outageBreaker'] {
  if (value === undefined || value === null) return null;
  const obj = reader.object(value, path);
  reader.knownKeys(obj, ['consecutiveFailures'], path);
  return { consecutiveFailures: reader.number(obj['consecutiveFailures'], join(path, 'consecutiveFailures'), { integer: true, positive: true, max: 1_000_000 }) };
}

/** A tier of the default ladder, or the direct tier, by name. */
function findBaseTier(name: string): TierSpec {
  return name === DIRECT_TIER.name ? DIRECT_TIER : (DEFAULT_TIERS.find((t) => t.name === name) as TierSpec);
}

/** Keys a direct tier may set; the others are Scrapfly parameters a direct fetch does not send. */
const DIRECT_TIER_KEYS = ['base', 'name', 'readTimeoutMs'];

/** Reads `{base: "direct", name?, readTimeoutMs?}`. */
function parseDirectTier(reader: FieldReader, obj: JsonObject, tpath: string): TierSpec {
  for (const key of Object.keys(obj)) {
    if (!DIRECT_TIER_KEYS.includes(key)) reader.fail(join(tpath, key), `is a Scrapfly parameter; a direct tier fetches the page itself and takes only ${DIRECT_TIER_KEYS.join(', ')}`);
  }
  const tier: TierSpec = { ...DIRECT_TIER, name: obj['name'] === undefined ? DIRECT_TIER.name : reader.string(obj['name'], join(tpath, 'name')) };
  if (obj['readTimeoutMs'] !== undefined) tier.readTimeoutMs = parseReadTimeout(reader, obj['readTimeoutMs'], join(tpath, 'readTimeoutMs'));
  return tier;
}

const TIER_KEYS = ['base', 'name', 'renderJs', 'asp', 'proxyPool', 'country', 'retry', 'timeoutMs', 'costBudget', 'readTimeoutMs'];

function parseTiers(reader: FieldReader, value: unknown, path: string): TierSpec[] {
  const list = reader.array(value, path);
  if (list.length === 0) reader.fail(path, 'must hold at least one tier');
  const names = [...DEFAULT_TIERS.map((t) => t.name), DIRECT_TIER.name];
  return list.map((entry, i) => {
    const tpath = join(path, i);
    if (typeof entry === 'string') return { ...findBaseTier(reader.oneOf(entry, names, tpath)) };
    const obj = reader.object(entry, tpath);
    reader.knownKeys(obj, TIER_KEYS, tpath);
    const baseName = obj['base'] === undefined ? 'plain' : reader.oneOf(obj['base'], names, join(tpath, 'base'));
    if (baseName === DIRECT_TIER.name) return parseDirectTier(reader, obj, tpath);
    const base = DEFAULT_TIERS.find((t) => t.name === baseName) as TierSpec;
    const tier: TierSpec = {
      name: obj['name'] === undefined ? base.name : reader.string(obj['name'], join(tpath, 'name')),
      renderJs: obj['renderJs'] === undefined ? base.renderJs : reader.boolean(obj['renderJs'], join(tpath, 'renderJs')),
      asp: obj['asp'] === undefined ? base.asp : reader.boolean(obj['asp'], join(tpath, 'asp')),
      proxyPool:
        obj['proxyPool'] === undefined
          ? base.proxyPool
          : obj['proxyPool'] === null
            ? null
            : reader.oneOf(obj['proxyPool'], ['public_datacenter_pool', 'public_residential_pool'] as const, join(tpath, 'proxyPool')),
      country: obj['country'] === undefined || obj['country'] === null ? base.country : reader.string(obj['country'], join(tpath, 'country')),
      retry: obj['retry'] === undefined ? base.retry : reader.boolean(obj['retry'], join(tpath, 'retry')),
      timeoutMs: obj['timeoutMs'] === undefined ? base.timeoutMs : reader.optionalDurationMs(obj['timeoutMs'], join(tpath, 'timeoutMs')),
      costBudget: obj['costBudget'] === undefined || obj['costBudget'] === null ? base.costBudget : reader.number(obj['costBudget'], join(tpath, 'costBudget'), { integer: true, positive: true }),
    };
    if (obj['readTimeoutMs'] !== undefined) tier.readTimeoutMs = parseReadTimeout(reader, obj['readTimeoutMs'], join(tpath, 'readTimeoutMs'));
    return tier;
  });
}
