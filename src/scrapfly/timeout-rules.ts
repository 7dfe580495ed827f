/**
 * How Scrapfly honours `retry` and `timeout` (docs: scrape-api/understand-timeout):
 * - with `retry=true` (the default) Scrapfly manages the time itself: about 150 s for the whole
 *   run including up to 3 internal attempts, and any `timeout` sent is not honoured;
 * - with `retry=false` a custom `timeout` is honoured within a range that depends on the features.
 * All values are milliseconds.
 */

/** The server-side budget with `retry=true`, ms. */
export const RETRY_BUDGET_MS = 150_000;
/** The read timeout Scrapfly recommends to clients with `retry=true`, ms. */
export const RETRY_CLIENT_TIMEOUT_MS = 155_000;
/** Overhead to add to a custom timeout for the client's read timeout, ms. */
export const CLIENT_TIMEOUT_OVERHEAD_MS = 5_000;

/** The features that decide the timeout range. */
export interface TimeoutFeatures {
  asp: boolean;
  renderJs: boolean;
  jsScenario?: boolean;
}

/** Default, minimum and maximum of the `timeout` parameter with `retry=false`, ms. */
export interface TimeoutRange {
  defaultMs: number;
  minMs: number;
  maxMs: number;
  /** A name for messages, e.g. "asp=true". */
  label: string;
}

/** The documented range of `timeout` for a configuration with `retry=false`. */
export function timeoutRangeFor(features: TimeoutFeatures): TimeoutRange {
  if (features.asp) return { defaultMs: 30_000, minMs: 30_000, maxMs: 150_000, label: 'asp=true' };
  if (features.renderJs && features.jsScenario) {
    return { defaultMs: 30_000, minMs: 30_000, maxMs: 90_000, label: 'render_js=true with js_scenario' };
  }
  if (features.renderJs) return { defaultMs: 30_000, minMs: 30_000, maxMs: 60_000, label: 'render_js=true' };
  return { defaultMs: 15_000, minMs: 15_000, maxMs: 30_000, label: 'asp=false, render_js=false' };
}

/** What the server will do with a request's `retry` and `timeout`. */
export type ServerBudget =
  | { ok: true; budgetMs: number; retry: boolean; timeoutHonoured: boolean }
  | { ok: false; message: string };

/**
 * The server-side time budget for a request, ms. With `retry=true` a sent timeout is not honoured
 * (`timeoutHonoured` false); with `retry=false` an out-of-range timeout is a config error.
 */
export function resolveServerBudget(options: TimeoutFeatures & { retry: boolean; timeoutMs: number | null }): ServerBudget {
  if (options.retry) return { ok: true, budgetMs: RETRY_BUDGET_MS, retry: true, timeoutHonoured: false };
  const range = timeoutRangeFor(options);
  const timeoutMs = options.timeoutMs ?? range.defaultMs;
  if (!Number.isInteger(timeoutMs) || timeoutMs < range.minMs || timeoutMs > range.maxMs) {
    return {
      ok: false,
      message: `timeout must be between ${range.minMs} and ${range.maxMs} ms for ${range.label} with retry=false, got ${options.timeoutMs}`,
    };
  }
  return { ok: true, budgetMs: timeoutMs, retry: false, timeoutHonoured: options.timeoutMs !== null };
}

/**
 * The read timeout a client should use for a request, ms: 155 s with `retry=true`, otherwise the
 * custom (or default) timeout plus 5 s of overhead.
 */
export function recommendedReadTimeoutMs(options: TimeoutFeatures & { retry: boolean; timeoutMs: number | null }): number {
  if (options.retry) return RETRY_CLIENT_TIMEOUT_MS;
  return (options.timeoutMs ?? timeoutRangeFor(options).defaultMs) + CLIENT_TIMEOUT_OVERHEAD_MS;
}
