/**
 * The mock Scrapfly API's core: one stateful object per simulated account that every face (msw
 * handlers, the direct transport, the HTTP server) shares. It validates requests, enforces the
 * account's concurrency limit (a slot is held until the server-side scrape ends, whether or not
 * the client still waits), counts credits, plans each scrape and renders the responses. It touches
 * the world only through the Clock, Random and EventSink ports.
 */
import type { Clock, EventSink, Random } from '../ports.js';
import { createBehaviourResolver } from './resolve-behaviour.js';
import { rejectHeaders, renderErrorObject, renderFlatError, renderScrapeEnvelope, type MockResponse } from './envelopes.js';
import { parseScrapeRequest, type ScrapeRequest } from './parse-scrape-request.js';
import { planScrape, type ScrapePlan } from './plan-scrape.js';
import { productForUrl, renderProductPage, renderShellPage } from './product-page.js';
import type { WorldSpec } from './world-spec.js';

/** What the core does with a request: answer at once, or work on it for `serverMs` first. */
export type MockReception =
  | { kind: 'response'; response: MockResponse }
  | {
      kind: 'scrape';
      /** Server time before the answer, ms. */
      serverMs: number;
      /**
       * Called once when `serverMs` has passed: releases the slot, charges credits, returns the
       * answer. `clientGone` tells whether the client disconnected before it.
       */
      finish(clientGone: boolean): MockResponse;
      /** Whether a disconnect frees the slot at once (then call `disconnect` when it happens). */
      releasesOnDisconnect: boolean;
      /** Called when the client disconnects before the answer. */
      disconnect(): void;
    };

/** Counters of one mock account, for reports and the admin path. */
export interface MockStats {
  requests: number;
  accepted: number;
  /** Requests answered at once with an error, by code (`HTTP_401` for a refused key). */
  rejected: Record<string, number>;
  /** 429 responses of any code. */
  throttled: number;
  inFlight: number;
  peakConcurrency: number;
  creditsUsed: number;
  creditsRemaining: number;
  /** Accepted scrapes whose client had gone when they ended. */
  zombiesEnded: number;
  hung: number;
}

export interface MockCore {
  /** Handles one request arriving now. */
  receive(request: { method: string; url: string }): MockReception;
  /** A snapshot of the counters. */
  stats(): MockStats;
  /** Resolves when no accepted scrape is still running server-side. */
  whenIdle(): Promise<void>;
}

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
const JSON_HEADERS = { 'content-type': JSON_CONTENT_TYPE } as const;

/** Creates the core for `world`. `originMs` is the batch start (waves are relative to it). */
export function createMockCore(options: { world: WorldSpec; clock: Clock; random: Random; events: EventSink; originMs?: number }): MockCore {
  const { world, clock, random, events } = options;
  const resolve = createBehaviourResolver({ world, originMs: options.originMs ?? clock.now() });
  const requestsPerUrl = new Map<string, number>();

  const limit = world.account.concurrency;
  let sequence = 0;
  let running = 0;
  let idleWaiters: Array<() => void> = [];
  const stats: MockStats = {
    requests: 0,
    accepted: 0,
    rejected: {},
    throttled: 0,
    inFlight: 0,
    peakConcurrency: 0,
    creditsUsed: 0,
    creditsRemaining: world.account.credits,
    zombiesEnded: 0,
    hung: 0,
  };

  const nextId = (): string => makeUlid(clock.now(), ++sequence);

  const accountingHeaders = (cost: number, id: string): Record<string, string> => {
    const usage = String(stats.inFlight);
    const remaining = String(Math.max(0, limit - stats.inFlight));
    return {
      'content-type': JSON_CONTENT_TYPE,
      'x-scrapfly-api-cost': String(cost),
      'x-scrapfly-remaining-api-credit': String(Math.max(0, stats.creditsRemaining)),
      'x-scrapfly-account-concurrent-usage': usage,
      'x-scrapfly-account-remaining-concurrent-usage': remaining,
      'x-scrapfly-project-concurrent-usage': usage,
      'x-scrapfly-project-remaining-concurrent-usage': remaining,
      'x-request-id': id,
    };
  };

  const reject = (options: { correlationId: string; status: number; code: string | null; message: string; request?: ScrapeRequest }): MockReception => {
    const id = nextId();
    const code = options.code ?? `HTTP_${options.status}`;
    stats.rejected[code] = (stats.rejected[code] ?? 0) + 1;
    if (options.status === 429) stats.throttled += 1;
    events.emit({ type: 'mock.reject', atMs: clock.now(), correlationId: options.correlationId, status: options.status, errorCode: code, concurrency: stats.inFlight });
    const headers = accountingHeaders(0, id);
    if (options.code) Object.assign(headers, rejectHeaders(options.code, id));
    if (options.status === 429 && world.options.retryAfterSeconds !== null) headers['retry-after'] = String(world.options.retryAfterSeconds);
    const useEnvelope = options.request !== undefined && (options.status !== 429 || world.options.rejectShape === 'A') && options.code !== null;
    const body =
      useEnvelope && options.request
        ? renderScrapeEnvelope({
            params: options.request.params,
            uuid: id,
            budgetMs: options.request.budgetMs,
            durationMs: 0,
            costCredits: 0,
            upstreamStatus: 0,
            content: '',
            internalRetries: 0,
            error: renderErrorObject(options.code as string, id, options.message),
          })
        : renderFlatError({ code: options.code, status: options.status, message: options.message, errorId: id });
    return { kind: 'response', response: { status: options.status, headers, body } };
  };

  const receive = ({ method, url }: { method: string; url: string }): MockReception => {
    stats.requests += 1;
    const target = splitRequestUrl(url);
    if (!target) return reject({ correlationId: '', status: 400, code: 'ERR::SCRAPE::CONFIG_ERROR', message: 'Malformed request URL' });
    const { pathname, query } = target;
    const correlationId = query.get('correlation_id') ?? '';
    if (pathname === '/account') return account(query);
    if (pathname !== '/scrape') {
      return { kind: 'response', response: { status: 404, headers: { ...JSON_HEADERS }, body: { http_code: 404, reason: 'Not Found', message: `No route ${method} ${pathname}` } } };
    }
    const parsed = parseScrapeRequest({ query, apiKeys: world.account.apiKeys, options: world.options });
    if (!parsed.ok) return reject({ correlationId, status: parsed.status, code: parsed.code, message: parsed.message });
    const request = parsed.request;
    if (!world.options.overage && stats.creditsRemaining <= 0) {
      return reject({ correlationId, status: 429, code: 'ERR::SCRAPE::QUOTA_LIMIT_REACHED', message: 'Your monthly quota of credits is used up', request });
    }
    if (stats.inFlight >= limit) {
      return reject({ correlationId, status: 429, code: 'ERR::SCRAPE::TOO_MANY_CONCURRENT_REQUEST', message: `Concurrency limit of ${limit} reached`, request });
    }
    const nth = (requestsPerUrl.get(request.params.url) ?? 0) + 1;
    requestsPerUrl.set(request.params.url, nth);
    const behaviour = resolve({ domain: request.domain, level: request.level, atMs: clock.now() });
    const plan = planScrape({ request, behaviour, random: random.fork(`${request.params.url}#${nth}`), options: world.options });
    if (request.params.costBudget !== null && plan.costCredits > request.params.costBudget) {
      return reject({ correlationId, status: 422, code: 'ERR::SCRAPE::COST_BUDGET_LIMIT', message: `cost_budget ${request.params.costBudget} is below the ${plan.costCredits} credits this scrape needs`, request });
    }
    return acceptScrape(request, plan, correlationId);
  };

  const acceptScrape = (request: ScrapeRequest, plan: ScrapePlan, correlationId: string): MockReception => {
    stats.accepted += 1;
    stats.inFlight += 1;
    running += 1;
    if (plan.hung) stats.hung += 1;
    if (stats.inFlight > stats.peakConcurrency) stats.peakConcurrency = stats.inFlight;
    const startedAtMs = clock.now();
    events.emit({ type: 'mock.accept', atMs: startedAtMs, correlationId, concurrency: stats.inFlight });
    let holding = true;
    const release = () => {
      if (!holding) return;
      holding = false;
      stats.inFlight -= 1;
    };
    return {
      kind: 'scrape',
      serverMs: plan.serverMs,
      releasesOnDisconnect: world.options.releaseSlotOnDisconnect,
      disconnect: () => {
        if (world.options.releaseSlotOnDisconnect) release();
      },
      finish: (clientGone) => {
        const id = nextId();
        stats.creditsUsed += plan.costCredits;
        stats.creditsRemaining -= plan.costCredits;
        if (clientGone) stats.zombiesEnded += 1;
        const headers = accountingHeaders(plan.costCredits, id);
        headers['x-scrapfly-response-time'] = (plan.serverMs / 1000).toFixed(6);
        release();
        running -= 1;
        if (running === 0 && idleWaiters.length > 0) {
          const waiters = idleWaiters;
          idleWaiters = [];
          for (const wake of waiters) wake();
        }
        const status = plan.errorCode === null ? 200 : (renderErrorObject(plan.errorCode, id)['http_code'] as number);
        events.emit({ type: 'mock.end', atMs: clock.now(), correlationId, status, errorCode: plan.errorCode, costCredits: plan.costCredits, concurrency: stats.inFlight, clientGone });
        if (plan.errorCode !== null) Object.assign(headers, rejectHeaders(plan.errorCode, id));
        const product = productForUrl(request.params.url, world.products);
        const body = renderScrapeEnvelope({
          params: request.params,
          uuid: id,
          budgetMs: request.budgetMs,
          durationMs: clock.now() - startedAtMs,
          costCredits: plan.costCredits,
          upstreamStatus: plan.upstreamStatus,
          content: plan.errorCode === null ? (plan.hasPrice ? renderProductPage(product) : renderShellPage(product)) : '',
          internalRetries: plan.internalAttempts - 1,
          error: plan.errorCode === null ? null : renderErrorObject(plan.errorCode, id),
        });
        return { status, headers, body };
      },
    };
  };

  const account = (query: URLSearchParams): MockReception => {
    const key = query.get('key');
    if (!key || (world.account.apiKeys.length > 0 && !world.account.apiKeys.includes(key))) {
      return reject({ correlationId: '', status: 401, code: null, message: key ? 'Invalid API key' : 'Missing API key' });
    }
    const body = {
      account: { account_id: 'mock-account', currency: 'USD', timezone: 'UTC' },
      project: { name: 'default', budget_limit: null, budget_spent: null },
      subscription: {
        plan_name: 'MOCK',
        max_concurrency: limit,
        usage: {
          scrape: {
            concurrent_limit: limit,
            concurrent_usage: stats.inFlight,
            concurrent_remaining: Math.max(0, limit - stats.inFlight),
            current: stats.creditsUsed,
            limit: world.account.credits,
            remaining: Math.max(0, stats.creditsRemaining),
            extra: Math.max(0, -stats.creditsRemaining),
          },
        },
      },
    };
    return { kind: 'response', response: { status: 200, headers: { ...JSON_HEADERS }, body } };
  };

  return {
    receive,
    stats: () => ({ ...stats, rejected: { ...stats.rejected } }),
    whenIdle: () => (running === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve))),
  };
}

/**
 * A ULID-shaped id (26 characters, Crockford base32) from the clock and a sequence number:
 * deterministic and unique within a mock.
 */
function makeUlid(atMs: number, sequence: number): string {
  return encodeCrockford(Math.max(0, Math.floor(atMs)), 10) + encodeCrockford(sequence, 16);
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * The path and query of a request URL (absolute, or a path starting with `/`). URLSearchParams
 * over the raw query is all the mock needs; a full `new URL()` per request is too slow for large
 * simulated runs. Returns null for a malformed percent-encoding.
 */
function splitRequestUrl(url: string): { pathname: string; query: URLSearchParams } | null {
  let rest = url;
  const scheme = url.indexOf('://');
  if (scheme > 0) {
    const slash = url.indexOf('/', scheme + 3);
    rest = slash < 0 ? '/' : url.slice(slash);
  }
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const q = rest.indexOf('?');
  const pathname = q < 0 ? rest : rest.slice(0, q);
  const search = q < 0 ? '' : rest.slice(q + 1);
  try {
    return { pathname: decodeURIComponent(pathname), query: new URLSearchParams(search) };
  } catch {
    return null;
  }
}

function encodeCrockford(value: number, width: number): string {
  let out = '';
  let v = value;
  while (v > 0) {
    out = CROCKFORD[v % 32] + out;
    v = Math.floor(v / 32);
  }
  return out.padStart(width, '0');
}
