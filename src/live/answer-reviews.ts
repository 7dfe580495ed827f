/**
 * `GET /api/v1/reviews`: the flagged price changes, oldest first. `POST /api/v1/reviews` with
 * `{"approve": [ids], "reject": [ids]}` settles them together: every id is checked first and
 * either all are settled or none is (400 naming every problem).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendError, sendJson } from './http-helpers.js';
import { readJsonBody } from './read-api-request.js';
import { MAX_MACHINE_ID } from './parse-batch-request.js';
import type { LiveFeed } from './live-feed.js';
import { LiveInputError } from './live-errors.js';
import type { FlaggedPrice } from './machine-store.js';
import type { Store } from './open-store.js';

/** One flagged change as the API shows it (snake_case, ISO 8601). */
export function renderFlaggedPrice(f: FlaggedPrice) {
  return {
    id: f.historyId,
    machine_id: f.machineId,
    name: f.name,
    batch_id: f.batchId,
    previous_price: f.previousPrice,
    previous_currency: f.previousCurrency,
    price: f.price,
    currency: f.currency,
    change_ratio: f.changeRatio,
    checked_at: new Date(f.checkedMs).toISOString(),
  };
}

/** Answers GET and POST on the reviews route; `feed` hears that the queue changed. */
export async function answerReviews(options: { request: IncomingMessage; response: ServerResponse; store: Store; feed: LiveFeed }): Promise<void> {
  const { request, response, store } = options;
  const method = request.method ?? 'GET';
  if (method === 'GET') return sendJson(response, 200, { reviews: store.machines.listFlagged().map(renderFlaggedPrice) });
  if (method !== 'POST') return sendError(response, 405, 'METHOD_NOT_ALLOWED', `Use GET or POST for /api/v1/reviews, not ${method}`, {}, { allow: 'GET, POST' });
  const { approve, reject } = parseReviewRequest(await readJsonBody(request));
  try {
    const settled = store.machines.resolveFlaggedMany({ approve, reject, nowMs: Date.now() });
    options.feed.publish('reviews', { reason: 'review' });
    return sendJson(response, 200, { ...settled, waiting: store.machines.listFlagged().length });
  } catch (error) {
    if (error instanceof LiveInputError) return sendError(response, 400, 'INVALID_REVIEW', error.message, { field: error.field });
    throw error;
  }
}

/** Most change ids settled by one request. */
const MAX_REVIEW_IDS = 1000;

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function parseReviewRequest(body: unknown): { approve: number[]; reject: number[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new LiveInputError('The body must be a JSON object such as {"approve": [3], "reject": [4]}', '(body)');
  const obj = body as Record<string, unknown>;
  for (const key of Object.keys(obj)) if (key !== 'approve' && key !== 'reject') throw new LiveInputError(`${key} is not a known field (expected approve, reject)`, key);
  const ids = (field: 'approve' | 'reject'): number[] => {
    const value = obj[field];
    if (value === undefined) return [];
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_MACHINE_ID)) {
      throw new LiveInputError(`${field} must be an array of change ids (integers from 1 to ${MAX_MACHINE_ID}), got ${show(value)}`, field);
    }
    if (value.length > MAX_REVIEW_IDS) throw new LiveInputError(`${field} names ${value.length} changes; settle at most ${MAX_REVIEW_IDS} in one request`, field);
    return value as number[];
  };
  const approve = ids('approve');
  const reject = ids('reject');
  if (approve.length + reject.length === 0) throw new LiveInputError('Name at least one change id in approve or reject', '(body)');
  return { approve, reject };
}
