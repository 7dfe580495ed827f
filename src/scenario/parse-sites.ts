/**
 * Reads `world.sites`: how the shops' own websites answer direct fetches.
 *
 * ```jsonc
 * "sites": {
 *   "default": { "latency": { "type": "lognormal", "medianMs": "1.2s", "sigma": 0.4 }, "errors": { "reset": 0.005, "http-503": 0.005 } },
 *   "domains": {
 *     "bastion-lasers.example": { "errors": { "http-403": 0.6, "captcha": 0.3 } },
 *     "laserhub.example": { "rateLimit": { "requestsPerMinute": 20, "status": 429 }, "retryAfterSeconds": 30 }
 *   }
 * }
 * ```
 */
import type { SiteBehaviourSpec, SiteWorldSpec } from '../mock/site-world-spec.js';
import { join, show, type FieldReader } from './field-reader.js';
import { parseLatency } from './parse-latency.js';

const BEHAVIOUR_KEYS = ['latency', 'errors', 'noPrice', 'hang', 'rateLimit', 'retryAfterSeconds'];

/** Reads `sites`; its `default` needs a latency model. */
export function parseSites(reader: FieldReader, value: unknown, path: string): SiteWorldSpec {
  const obj = reader.object(value, path);
  reader.knownKeys(obj, ['default', 'domains'], path);
  const spec: SiteWorldSpec = { default: parseSiteBehaviour(reader, obj['default'] ?? {}, join(path, 'default')), domains: {} };
  if (!spec.default.latency) reader.fail(join(join(path, 'default'), 'latency'), 'is required: every direct fetch needs a latency model');
  if (obj['domains'] !== undefined) {
    for (const [domain, raw] of Object.entries(reader.object(obj['domains'], join(path, 'domains')))) {
      const host = domain.toLowerCase();
      spec.domains[host.startsWith('www.') ? host.slice(4) : host] = parseSiteBehaviour(reader, raw, join(join(path, 'domains'), domain));
    }
  }
  return spec;
}

function parseSiteBehaviour(reader: FieldReader, value: unknown, path: string): SiteBehaviourSpec {
  const obj = reader.object(value, path);
  reader.knownKeys(obj, BEHAVIOUR_KEYS, path);
  const spec: SiteBehaviourSpec = {};
  if (obj['latency'] !== undefined) spec.latency = parseLatency(reader, obj['latency'], join(path, 'latency'));
  if (obj['errors'] !== undefined) {
    const epath = join(path, 'errors');
    const errors: Record<string, number> = {};
    let total = 0;
    for (const [name, p] of Object.entries(reader.object(obj['errors'], epath))) {
      if (!/^(http-[45]\d\d|captcha|reset)$/.test(name)) reader.fail(join(epath, name), `is not "http-<4xx|5xx>", "captcha" or "reset" (got ${show(name)})`);
      errors[name] = reader.probability(p, join(epath, name));
      total += errors[name];
    }
    if (total > 1 + 1e-9) reader.fail(epath, `probabilities must sum to at most 1, got ${total}`);
    spec.errors = errors;
  }
  if (obj['noPrice'] !== undefined) spec.noPrice = reader.probability(obj['noPrice'], join(path, 'noPrice'));
  if (obj['hang'] !== undefined) {
    const hpath = join(path, 'hang');
    const hobj = reader.object(obj['hang'], hpath);
    reader.knownKeys(hobj, ['p', 'latency'], hpath);
    spec.hang = { p: reader.probability(hobj['p'], join(hpath, 'p')), latency: parseLatency(reader, hobj['latency'], join(hpath, 'latency')) };
  }
  if (obj['rateLimit'] !== undefined) {
    const rpath = join(path, 'rateLimit');
    if (obj['rateLimit'] === null) spec.rateLimit = null;
    else {
      const robj = reader.object(obj['rateLimit'], rpath);
      reader.knownKeys(robj, ['requestsPerMinute', 'status'], rpath);
      spec.rateLimit = {
        requestsPerMinute: reader.number(robj['requestsPerMinute'], join(rpath, 'requestsPerMinute'), { integer: true, positive: true }),
        status: robj['status'] === undefined ? 429 : readRefusalStatus(reader, robj['status'], join(rpath, 'status')),
      };
    }
  }
  if (obj['retryAfterSeconds'] !== undefined) {
    spec.retryAfterSeconds = obj['retryAfterSeconds'] === null ? null : reader.number(obj['retryAfterSeconds'], join(path, 'retryAfterSeconds'), { integer: true, min: 0 });
  }
  return spec;
}

function readRefusalStatus(reader: FieldReader, value: unknown, path: string): 403 | 429 {
  if (value !== 403 && value !== 429) reader.fail(path, `must be 403 or 429, got ${show(value)}`);
  return value;
}
