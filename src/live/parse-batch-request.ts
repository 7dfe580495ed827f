/**
 * Validates the body of `POST /api/v1/batch-update`, the existing system's endpoint:
 * `{days_threshold, limit, max_workers, use_scrapfly, wait, machine_ids}`. Every error names the
 * field and the value, so the caller (admin UI, cron job) sees what to fix.
 */
import { LiveInputError } from './live-errors.js';
import type { MachineSelection } from './machine-store.js';

/** A valid batch-update request. */
export interface BatchUpdateRequest {
  selection: MachineSelection;
  /** Workers for this batch, or null for the policy's. */
  maxWorkers: number | null;
  /** Respond when the batch is done (the cron job) instead of at once with 202 (the admin UI). */
  wait: boolean;
  /** False: fetch the pages directly instead of through Scrapfly (the policy's ladder becomes one direct tier). */
  useScrapfly: boolean;
}

/** The largest `days_threshold` (a century) and machine id or `limit` (what SQLite's integers and the store's ids hold without surprise). */
export const MAX_DAYS_THRESHOLD = 36_500;
export const MAX_MACHINE_ID = 2_147_483_647;

const FIELDS = ['days_threshold', 'limit', 'max_workers', 'use_scrapfly', 'wait', 'machine_ids'];

/**
 * Parses a decoded JSON body. `maxWorkersLimit` is the most workers a batch may ask for (the
 * connection pool's size). Throws LiveInputError whose `field` names the bad field.
 */
export function parseBatchRequest(options: { body: unknown; maxWorkersLimit: number }): BatchUpdateRequest {
  const { body } = options;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new LiveInputError(`The body must be a JSON object such as {"days_threshold": 7, "limit": null, "max_workers": 4, "use_scrapfly": true}, got ${show(body)}`, '(body)');
  }
  const obj = body as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!FIELDS.includes(key)) throw new LiveInputError(`${key} is not a known field (expected one of: ${FIELDS.join(', ')})`, key);
  }
  const daysThreshold = obj['days_threshold'];
  if (daysThreshold !== undefined && daysThreshold !== null && (typeof daysThreshold !== 'number' || !Number.isFinite(daysThreshold) || daysThreshold < 0 || daysThreshold > MAX_DAYS_THRESHOLD)) {
    throw new LiveInputError(`days_threshold must be a number of days from 0 to ${MAX_DAYS_THRESHOLD}, or null, got ${show(daysThreshold)}`, 'days_threshold');
  }
  const limit = obj['limit'];
  if (limit !== undefined && limit !== null && !isPositiveInteger(limit)) throw new LiveInputError(`limit must be an integer from 1 to ${MAX_COUNT}, or null, got ${show(limit)}`, 'limit');
  const maxWorkers = obj['max_workers'];
  if (maxWorkers !== undefined && maxWorkers !== null && (!isPositiveInteger(maxWorkers) || maxWorkers > options.maxWorkersLimit)) {
    throw new LiveInputError(`max_workers must be an integer from 1 to ${options.maxWorkersLimit}, or null, got ${show(maxWorkers)}`, 'max_workers');
  }
  const useScrapfly = obj['use_scrapfly'];
  if (useScrapfly !== undefined && typeof useScrapfly !== 'boolean') throw new LiveInputError(`use_scrapfly must be true or false, got ${show(useScrapfly)}`, 'use_scrapfly');
  const wait = obj['wait'];
  if (wait !== undefined && typeof wait !== 'boolean') throw new LiveInputError(`wait must be true or false, got ${show(wait)}`, 'wait');
  let ids: number[] | null = null;
  const machineIds = obj['machine_ids'];
  if (machineIds !== undefined && machineIds !== null) {
    if (!Array.isArray(machineIds) || machineIds.length === 0 || !machineIds.every(isPositiveInteger)) {
      throw new LiveInputError(`machine_ids must be a non-empty array of machine ids (positive integers), got ${show(machineIds)}`, 'machine_ids');
    }
    const unique = new Set(machineIds);
    if (unique.size !== machineIds.length) throw new LiveInputError(`machine_ids names a machine twice: ${show(machineIds)}`, 'machine_ids');
    ids = machineIds;
  }
  return {
    selection: { daysThreshold: typeof daysThreshold === 'number' ? daysThreshold : ids === null ? 0 : null, limit: typeof limit === 'number' ? limit : null, ids },
    maxWorkers: typeof maxWorkers === 'number' ? maxWorkers : null,
    wait: wait === true,
    useScrapfly: useScrapfly !== false,
  };
}

/** A whole number from 1 to 2^31 − 1: what SQLite's integers and the store's ids hold without surprise. */
function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_COUNT;
}

const MAX_COUNT = MAX_MACHINE_ID;

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
