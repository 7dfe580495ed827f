/**
 * Validates a scenario from its JSON text. Every error names the source, the field path and the
 * bad value. Pure: reading the file is the caller's business.
 */
import { parseJsonc } from './parse-jsonc.js';
import { ScenarioError } from '../errors.js';
import { parseBudgetEntries } from './budget-entries.js';
import { isDirectTier } from '../engine/policy.js';
import { join, show, type FieldReader as Reader, FieldReader } from './field-reader.js';
import { parseItems } from './parse-items.js';
import { parsePolicies } from './parse-policy.js';
import { parseWorld } from './parse-world.js';
import type { Scenario } from './scenario-types.js';

/** The latest start a scenario may name (the year 2999): later dates leave no room for a batch's timers. */
const MAX_START_MS = Date.UTC(2999, 11, 31);

function isCalendarDate(year: number, month: number, day: number): boolean {
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

const KEYS = ['$schema', 'name', 'description', 'startAt', 'seed', 'items', 'world', 'policies', 'budget', 'budgets'];

/** Parses and validates scenario JSON text; `source` names it in errors (usually the file path). */
export function parseScenarioText(options: { text: string; source: string }): Scenario {
  let json: unknown;
  try {
    json = parseJsonc(options.text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new ScenarioError(`Failed to load scenario ${options.source}: not valid JSON (${detail})`);
  }
  return parseScenario({ json, source: options.source });
}

/** Validates an already-decoded scenario object. */
export function parseScenario(options: { json: unknown; source: string }): Scenario {
  const reader: Reader = new FieldReader(options.source);
  const obj = reader.object(options.json, '(root)');
  reader.knownKeys(obj, KEYS, '');
  const notes: Scenario['notes'] = [];
  const { items, products } = parseItems(reader, obj['items'], 'items');
  const world = parseWorld(reader, obj['world'], 'world');
  const policies = parsePolicies(reader, obj['policies'], 'policies', notes);
  const direct = policies.find((p) => p.tiers.some(isDirectTier));
  if (direct && !world.sites) reader.fail('world.sites', `is required: policy ${show(direct.name)} has a direct tier, which fetches the shops' own pages`);
  let startMs = Date.UTC(2025, 0, 1);
  if (obj['startAt'] !== undefined) {
    const text = reader.string(obj['startAt'], 'startAt');
    const parsed = Date.parse(text);
    if (!Number.isFinite(parsed) || !/Z|[+-]\d\d:?\d\d$/.test(text)) reader.fail('startAt', `must be an ISO 8601 time with a zone, like "2025-08-06T03:00:23Z", got "${text}"`);
    // Date.parse rolls 2025-02-30 over to March 2: the date written must be the date read.
    const written = /^(\d{4})-(\d\d)-(\d\d)/.exec(text);
    if (written && !isCalendarDate(Number(written[1]), Number(written[2]), Number(written[3]))) reader.fail('startAt', `is not a date of the calendar, got "${text}"`);
    if (parsed < 0 || parsed > MAX_START_MS) reader.fail('startAt', `must be between 1970 and 2999, got "${text}"`);
    startMs = parsed;
  }
  return {
    name: reader.string(obj['name'], 'name'),
    description: obj['description'] === undefined ? '' : readDescription(reader, obj['description']),
    source: options.source,
    startMs,
    seed: obj['seed'] === undefined ? 1 : reader.number(obj['seed'], 'seed', { integer: true, min: 0 }),
    items,
    world: { ...world, products },
    policies,
    budgetMs: obj['budget'] === undefined ? null : reader.durationMs(obj['budget'], 'budget'),
    budgets: readBudgets(reader, obj['budgets'], policies, obj['budget'] === undefined ? null : reader.durationMs(obj['budget'], 'budget')),
    notes,
  };
}

/** Validates the budget entries now (so a bad expression fails the load) and keeps them as written. */
function readBudgets(reader: Reader, value: unknown, policies: Scenario['policies'], budgetMs: number | null): unknown[] {
  if (value === undefined) return [];
  parseBudgetEntries({ reader, value, path: 'budgets', policies, budgetMs });
  return reader.array(value, 'budgets');
}

/** A description may be one string or an array of lines (easier to write in JSON). */
function readDescription(reader: Reader, value: unknown): string {
  if (Array.isArray(value)) return value.map((line, i) => (typeof line === 'string' ? line : reader.fail(join('description', i), 'must be a string'))).join('\n');
  return reader.string(value, 'description');
}
