/**
 * The live config file (JSON), validated on load with errors naming the file, the field and the
 * value:
 *
 * ```jsonc
 * {
 *   "policy": { "name": "nightly", "workers": 4, "tiers": [...] },   // as in a scenario; default: live-default
 *   "extract": { "selectors": { "omtechlaser.com": { "price": ".price--sale", "attribute": null, "currency": "USD" } } },
 *   "review": { "maxChangeRatio": 0.5 }                                // flag changes above ±50 % (null: never)
 * }
 * ```
 */
import { readFileSync } from 'node:fs';
import { describeFileError } from '../node/describe-file-error.js';
import { relative, resolve } from 'node:path';
import { load } from 'cheerio/slim';
import type { Policy } from '../engine/policy.js';
import { ScenarioError } from '../errors.js';
import type { SelectorOverride, SelectorOverrides } from '../extract/selector-overrides.js';
import { FieldReader, join } from '../scenario/field-reader.js';
import { findRefusedTimeouts, parsePolicy } from '../scenario/parse-policy.js';
import { parseJsonc } from '../scenario/parse-jsonc.js';
import { createDefaultLivePolicy } from './default-live-policy.js';
import { LiveInputError } from './live-errors.js';

export interface LiveConfig {
  policy: Policy;
  selectors: SelectorOverrides;
  /** Largest relative price change applied without review; null applies every change. */
  maxChangeRatio: number | null;
}

/** Flag changes of more than ±50 % by default. */
export const DEFAULT_MAX_CHANGE_RATIO = 0.5;

/** The config used without a file. */
export function createDefaultLiveConfig(): LiveConfig {
  return { policy: createDefaultLivePolicy(), selectors: {}, maxChangeRatio: DEFAULT_MAX_CHANGE_RATIO };
}

/** Reads and validates the config file at `path` (relative to `cwd`). */
export function loadLiveConfig(options: { path: string; cwd: string }): LiveConfig {
  const absolute = resolve(options.cwd, options.path);
  const shown = relative(options.cwd, absolute) || options.path;
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    throw new LiveInputError(`Failed to load config ${shown}: cannot read the file: ${describeFileError(error)}`, '--config');
  }
  let json: unknown;
  try {
    json = parseJsonc(text);
  } catch (error) {
    throw new LiveInputError(`Failed to load config ${shown}: not valid JSON (${error instanceof Error ? error.message : String(error)})`, '--config');
  }
  return parseLiveConfig({ json, source: shown });
}

/** Validates a decoded config object. */
export function parseLiveConfig(options: { json: unknown; source: string }): LiveConfig {
  const reader = new FieldReader(options.source);
  try {
    const obj = reader.object(options.json, '(root)');
    reader.knownKeys(obj, ['$schema', 'policy', 'extract', 'review'], '');
    let policy = createDefaultLivePolicy();
    if (obj['policy'] !== undefined) {
      const raw = reader.object(obj['policy'], 'policy');
      policy = parsePolicy(reader, { name: 'live', ...raw }, 'policy');
      // A real batch must not send what the API refuses: every request of the tier would fail.
      const refused = findRefusedTimeouts(policy)[0];
      if (refused) reader.fail(`policy.tiers[${refused.index}].timeoutMs`, `is rejected by Scrapfly: ${refused.message}`);
    }
    const selectors: SelectorOverrides = {};
    if (obj['extract'] !== undefined) {
      const extract = reader.object(obj['extract'], 'extract');
      reader.knownKeys(extract, ['selectors'], 'extract');
      if (extract['selectors'] !== undefined) {
        const path = 'extract.selectors';
        for (const [domain, value] of Object.entries(reader.object(extract['selectors'], path))) {
          selectors[domain.toLowerCase().replace(/^www\./, '')] = parseOverride(reader, value, join(path, domain));
        }
      }
    }
    let maxChangeRatio: number | null = DEFAULT_MAX_CHANGE_RATIO;
    if (obj['review'] !== undefined) {
      const review = reader.object(obj['review'], 'review');
      reader.knownKeys(review, ['maxChangeRatio'], 'review');
      if (review['maxChangeRatio'] !== undefined) {
        maxChangeRatio = review['maxChangeRatio'] === null ? null : reader.number(review['maxChangeRatio'], 'review.maxChangeRatio', { min: 0 });
      }
    }
    return { policy, selectors, maxChangeRatio };
  } catch (error) {
    // The field reader speaks of scenarios; this is a config file.
    if (error instanceof ScenarioError) throw new LiveInputError(error.message.replace(/^Failed to load scenario /, 'Failed to load config '), '--config');
    throw error;
  }
}

function parseOverride(reader: FieldReader, value: unknown, path: string): SelectorOverride {
  const obj = typeof value === 'string' ? { price: value } : reader.object(value, path);
  reader.knownKeys(obj, ['price', 'attribute', 'currency', 'currencySelector'], path);
  const price = checkSelector(reader, reader.string(obj['price'], join(path, 'price')), join(path, 'price'));
  const attribute = obj['attribute'] === undefined || obj['attribute'] === null ? null : reader.string(obj['attribute'], join(path, 'attribute'));
  let currency: string | null = null;
  if (obj['currency'] !== undefined && obj['currency'] !== null) {
    currency = reader.string(obj['currency'], join(path, 'currency'));
    if (!/^[A-Za-z]{3}$/.test(currency)) reader.fail(join(path, 'currency'), `must be an ISO 4217 code such as "USD", got "${currency}"`);
    currency = currency.toUpperCase();
  }
  const currencySelector =
    obj['currencySelector'] === undefined || obj['currencySelector'] === null ? null : checkSelector(reader, reader.string(obj['currencySelector'], join(path, 'currencySelector')), join(path, 'currencySelector'));
  return { price, attribute, currency, currencySelector };
}

/** Rejects a CSS selector the parser cannot read, at load time rather than on every page. */
function checkSelector(reader: FieldReader, selector: string, path: string): string {
  try {
    load('<p></p>')(selector);
  } catch (error) {
    reader.fail(path, `is not a valid CSS selector (${error instanceof Error ? error.message : String(error)}), got "${selector}"`);
  }
  return selector;
}
