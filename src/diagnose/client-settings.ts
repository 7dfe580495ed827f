/**
 * A recommended policy told two ways besides its JSON: as a diff against the stack the log was
 * inferred to run (setting, as deployed, recommended), and as the settings of the original client
 * — the Python SDK's constructor arguments and `ScrapeConfig` fields, with their units (the
 * constructor's timeouts are seconds, `ScrapeConfig.timeout` is milliseconds), and the
 * application code around the call. Pure.
 */
import type { ClientSpec } from '../engine/policy.js';
import { RETRY_BUDGET_MS } from '../scrapfly/timeout-rules.js';
import { formatDurationMs } from '../units/duration.js';
import { throttleRetryOf, type FixSettings } from './fix-candidates.js';

/** The deployed stack as the diagnosis infers it (what each value rests on is in `source`). */
export interface DeployedSettings {
  workers: number;
  execution: 'concurrent' | 'blocking';
  /** The client preset's name, or null when unknown. */
  client: string | null;
  clientSpec: ClientSpec | null;
  tiers: string[];
  /** Where each inferred value comes from: `log`, `option`, `scenario` or `assumed`. */
  source: { workers: string; execution: string; client: string; tiers: string };
  /** The rest of the deployed policy when --scenario or a run log's header gives it, else null (then the defaults are assumed). */
  policy: { callTimeoutMs: number | null; timeoutSemantics: 'abort' | 'abandon'; itemDeadlineMs: number | null; escalateOn: string[]; retryOn: string[]; retryCalls: number; tierRetry: boolean[]; tierTimeoutsMs: Array<number | null> } | null;
}

/** One row of the diff. */
export interface SettingChange {
  setting: string;
  deployed: string;
  recommended: string;
  changed: boolean;
}

/** The recommended settings against the deployed ones, row by row. */
export function diffSettings(options: { deployed: DeployedSettings; fix: FixSettings }): SettingChange[] {
  const { deployed: d, fix: f } = options;
  const readTimeout = (spec: ClientSpec | null) => (spec === null ? 'unknown' : spec.readTimeoutMs === null ? 'none' : spec.readTimeoutMs === 'auto' ? '155s (Scrapfly\'s advice with retry=true)' : formatDurationMs(spec.readTimeoutMs));
  const tries = d.clientSpec === null ? 'unknown' : `${d.clientSpec.maxTries}${d.clientSpec.maxTries > 1 ? ` (on ${d.clientSpec.retryOn.join(', ')})` : ''}`;
  const p = d.policy;
  const src = d.source.tiers;
  const from = p === null ? ' (assumed)' : ` (${src})`;
  const managed = `none: Scrapfly's ~${formatDurationMs(RETRY_BUDGET_MS)}`;
  const deployedRetry = p === null ? 'true (the default)' : p.tierRetry.every((r) => r) ? `true (${src})` : `${p.tierRetry.join('/')} (${src})`;
  const deployedTimeouts = p === null || p.tierTimeoutsMs.every((t) => t === null) ? managed : `${p.tierTimeoutsMs.map((t, i) => `${d.tiers[i]} ${t === null ? 'none' : formatDurationMs(t)}`).join(', ')} (${src})`;
  const escalatesOn = (cls: string) => (p === null ? true : p.escalateOn.includes('any') || p.escalateOn.includes(cls));
  const deployedTimeoutRule = p === null ? 'escalates like any failure (assumed)' : escalatesOn('client-timeout') || escalatesOn('server-timeout') ? `escalates (${src})` : `fails the item (${src})`;
  const deployed429 = p === null ? 'escalates like any failure (assumed)' : p.retryOn.includes('throttled') ? `retried, ${p.retryCalls} calls (${src})` : escalatesOn('throttled') ? `escalates (${src})` : `fails the item (${src})`;
  const rows: Array<[string, string, string]> = [
    ['workers', `${d.workers} (${d.source.workers})`, String(f.workers)],
    ['execution', `${d.execution} (${d.source.execution})`, 'concurrent'],
    ['Scrapfly retry', deployedRetry, f.cut === 'scrapfly-timeout' ? 'false' : 'true'],
    ['Scrapfly timeout per tier', deployedTimeouts, f.tierTimeoutsMs ? f.tierTimeoutsMs.map((ms, i) => `${f.ladder[i]} ${formatDurationMs(ms)}`).join(', ') : managed],
    ['client read timeout', `${readTimeout(d.clientSpec)} (${d.source.client})`, f.readTimeoutMs === 'auto' ? (f.cut === 'scrapfly-timeout' ? 'timeout + 5s per tier' : "155s (Scrapfly's advice with retry=true)") : formatDurationMs(f.readTimeoutMs)],
    ['client tries per call', `${tries}`, d.clientSpec === null ? 'unchanged' : String(d.clientSpec.maxTries)],
    ['call timeout', p === null || p.callTimeoutMs === null ? `none${from}` : `${formatDurationMs(p.callTimeoutMs)}, ${p.timeoutSemantics === 'abort' ? 'cancels the request' : 'stops waiting'}${from}`, f.callTimeoutMs === null ? 'none' : `${formatDurationMs(f.callTimeoutMs)}, ${f.timeoutSemantics === 'abort' ? 'cancels the request' : 'stops waiting'}`],
    ['a timed-out request', deployedTimeoutRule, f.onTimeout === 'escalate' ? 'escalates to the next tier' : 'fails the item'],
    ['a 429', deployed429, `retried on the same tier, ${throttleRetryOf(f.onThrottle).maxCalls} calls, backoff from 2s doubling to ${throttleRetryOf(f.onThrottle).maxMs / 1000}s, at least Retry-After`],
    ['item deadline', p === null || p.itemDeadlineMs === null ? `none${from}` : `${formatDurationMs(p.itemDeadlineMs)}${from}`, f.itemDeadlineMs === null ? 'none' : formatDurationMs(f.itemDeadlineMs)],
    ['tier ladder', `${d.tiers.join(' → ')} (${d.source.tiers})`, f.ladder.join(' → ')],
  ];
  return rows.map(([setting, deployed, recommended]) => ({ setting, deployed, recommended, changed: !deployed.startsWith(recommended) }));
}

/** The settings for the original client, as code lines with their units. */
export function clientSettingsFor(options: { fix: FixSettings; client: string }): { language: string; lines: string[] } {
  const f = options.fix;
  if (options.client === 'python-sdk') {
    const lines: string[] = [];
    const read = f.readTimeoutMs === 'auto' ? 155 : Math.round(f.readTimeoutMs / 1000);
    lines.push(`client = ScrapflyClient(key=API_KEY, web_scraping_api_read_timeout=${read})  # seconds; there is no timeout= argument (it is ignored)`);
    f.ladder.forEach((tier, i) => {
      const fields = ['url'];
      if (tier !== 'plain') fields.push('render_js=True');
      if (tier === 'asp') fields.push('asp=True');
      if (f.cut === 'scrapfly-timeout' && f.tierTimeoutsMs) fields.push('retry=False', `timeout=${f.tierTimeoutsMs[i]}`);
      lines.push(`tier ${i + 1}: ScrapeConfig(${fields.join(', ')})${f.cut === 'scrapfly-timeout' ? '  # timeout in milliseconds, honoured only with retry=False' : ''}`);
    });
    lines.push(`workers: ${f.workers} coroutines, each awaiting asyncio.to_thread(client.scrape, config)  # never client.scrape() on the event loop`);
    if (f.callTimeoutMs !== null) lines.push(`async with asyncio.timeout(${f.callTimeoutMs / 1000}):  # seconds, around to_thread: it stops waiting, the thread runs on`);
    if (f.itemDeadlineMs !== null) lines.push(`async with asyncio.timeout(${f.itemDeadlineMs / 1000}):  # seconds, around one machine's whole ladder`);
    // What the SDK raises (errors.py ErrorFactory): ApiHttpServerError for the 504, ScrapflyScrapeError for
    // the account's 429 and TooManyRequest for a throttler's, all ScrapflyError: match on the fields.
    lines.push(`except ScrapflyError as e if e.code == 'ERR::SCRAPE::OPERATION_TIMEOUT' (the SDK raises ApiHttpServerError for this 504), or requests.exceptions.ReadTimeout: ${f.onTimeout === 'escalate' ? 'next tier' : 'fail the machine (no next tier)'}`);
    lines.push(`except ScrapflyError as e if e.http_status_code == 429 (ScrapflyScrapeError for the plan's concurrency, TooManyRequest for a throttler): sleep random(0, min(${throttleRetryOf(f.onThrottle).maxMs / 1000}, 2 * 2**n)) s, at least Retry-After, up to ${throttleRetryOf(f.onThrottle).maxCalls} calls, same tier`);
    return { language: 'python', lines };
  }
  const lines: string[] = [];
  f.ladder.forEach((tier, i) => {
    const params = ['url=…'];
    if (tier !== 'plain') params.push('render_js=true');
    if (tier === 'asp') params.push('asp=true');
    if (f.cut === 'scrapfly-timeout' && f.tierTimeoutsMs) params.push('retry=false', `timeout=${f.tierTimeoutsMs[i]}`);
    const read = f.readTimeoutMs === 'auto' ? (f.tierTimeoutsMs ? (f.tierTimeoutsMs[i] as number) + 5000 : 155_000) : f.readTimeoutMs;
    lines.push(`tier ${i + 1}: GET /scrape?${params.join('&')}  read timeout ${read / 1000} s`);
  });
  lines.push(`${f.workers} concurrent workers`);
  if (f.callTimeoutMs !== null) lines.push(`call timeout ${f.callTimeoutMs / 1000} s that ${f.timeoutSemantics === 'abort' ? 'aborts the request' : 'stops waiting'}`);
  if (f.itemDeadlineMs !== null) lines.push(`item deadline ${f.itemDeadlineMs / 1000} s`);
  lines.push(`a timeout ${f.onTimeout === 'escalate' ? 'moves to the next tier' : 'fails the machine'}; a 429 is retried on the same tier after random(0, min(${throttleRetryOf(f.onThrottle).maxMs / 1000}, 2 × 2^n)) s (at least Retry-After), up to ${throttleRetryOf(f.onThrottle).maxCalls} calls`);
  return { language: 'text', lines };
}
