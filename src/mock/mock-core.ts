/**
 * The mock Scrapfly API's core: one stateful object per simulated account that every face (msw
 * handlers, the direct transport, the HTTP server) shares. It validates requests, enforces the
 * account's concurrency limit (a slot is held until the server-side scrape ends, whether or not
 * the client still waits), domain throttlers and credits, plans each scrape and renders the
 * responses. It touches the world only through the Clock, Random and EventSink ports.
 */
import type { Clock, EventSink, Random } from '../ports.js';
import { renderAccountBody } from './account-body.js';
import { createDomainThrottlers } from './domain-throttlers.js';
import { createBehaviourResolver, type RejectDraw } from './resolve-behaviour.js';
import { reasonPhrase, rejectHeaders, renderErrorObject, renderFlatError, renderScrapeEnvelope, type MockResponse } from './envelopes.js';
import { renderGatewayPage } from './gateway-page.js';
import { AcceptedScrape, type ScrapeLedger } from './accepted-scrape.js';
import { makeUlid } from './make-ulid.js';
import { parseScrapeRequest, type ScrapeRequest } from './parse-scrape-request.js';
import { planScrape, type ScrapePlan } from './plan-scrape.js';
import { renderServedContent } from './product-page.js';
import { readQueryParam } from './query-params.js';
import { splitRequestUrl } from './split-request-url.js';
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
  /** Responses sent (or due, for clients that left), by HTTP status. */
  responses: Record<string, number>;
}

export interface MockCore {
  /** Handles one request arriving now. `url` is absolute or a path with its query. */
  receive(request: { method: string; url: string }): MockReception;
  /** A snapshot of the counters. */
  stats(): MockStats;
  /** Resolves when no accepted scrape is still running server-side. */
  whenIdle(): Promise<void>;
}

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
const JSON_HEADERS = { 'content-type': JSON_CONTENT_TYPE } as const;
const SCRAPE_METHODS: readonly string[] = ['GET', 'POST', 'PUT', 'PATCH', 'HEAD', 'OPTIONS'];
const ACCOUNT_METHODS: readonly string[] = ['GET', 'HEAD'];

/** Creates the core for `world`. `originMs` is the batch start (waves are relative to it). */
export function createMockCore(options: { world: WorldSpec; clock: Clock; random: Random; events: EventSink; originMs?: number }): MockCore {
  const { world, clock, random, events } = options;
  const resolve = createBehaviourResolver({ world, originMs: options.originMs ?? clock.now() });
  const throttlers = createDomainThrottlers(world.throttlers);
  const requestsPerUrl = new Map<string, number>();
  const rejectDrawsPerUrl = new Map<string, number>();

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
    responses: {},
  };

  const nextId = (): string => makeUlid(clock.now(), ++sequence);
  const countResponse = (status: number) => {
    stats.responses[status] = (stats.responses[status] ?? 0) + 1;
  };

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

  const noteReject = (correlationId: string, status: number, code: string) => {
    stats.rejected[code] = (stats.rejected[code] ?? 0) + 1;
    if (status === 429) stats.throttled += 1;
    countResponse(status);
    events.emit({ type: 'mock.reject', atMs: clock.now(), correlationId, status, errorCode: code, concurrency: stats.inFlight });
  };

  /**
   * Refuses a request at once. Scrape-level refusals (422, and 429 unless the world says shape B)
   * come as a shape-A envelope when the request parsed; the rest as a flat shape-B error.
   */
  const reject = (options: { correlationId: string; status: number; code: string | null; message: string; request?: ScrapeRequest }): MockReception => {
    const id = nextId();
    const code = options.code ?? `HTTP_${options.status}`;
    noteReject(options.correlationId, options.status, code);
    const headers = accountingHeaders(0, id);
    if (options.code) Object.assign(headers, rejectHeaders(options.code, id));
    if (options.status === 429 && world.options.retryAfterSeconds !== null) headers['retry-after'] = String(world.options.retryAfterSeconds);
    const scrapeLevel = options.status === 422 || (options.status === 429 && world.options.rejectShape === 'A');
    const useEnvelope = options.request !== undefined && scrapeLevel && options.code !== null;
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
            echo: options.request,
            startedAtMs: clock.now(),
          })
        : renderFlatError({ code: options.code, status: options.status, message: options.message, errorId: id });
    return { kind: 'response', response: { status: options.status, headers, body } };
  };

  /** A request-level answer that is not a Scrapfly error (unknown route, wrong method). */
  const plain = (status: number, message: string): MockReception => {
    stats.rejected[`HTTP_${status}`] = (stats.rejected[`HTTP_${status}`] ?? 0) + 1;
    countResponse(status);
    return { kind: 'response', response: { status, headers: { ...JSON_HEADERS }, body: { http_code: status, reason: reasonPhrase(status), message } } };
  };

  const drawReject = (request: ScrapeRequest, draws: readonly RejectDraw[]): RejectDraw | null => {
    const url = request.params.url;
    const n = (rejectDrawsPerUrl.get(url) ?? 0) + 1;
    rejectDrawsPerUrl.set(url, n);
    const u = random.fork(`reject:${url}#${n}`).next();
    for (const d of draws) if (u < d.cumulative) return d;
    return null;
  };

  const receive = ({ method, url }: { method: string; url: string }): MockReception => {
    stats.requests += 1;
    const target = splitRequestUrl(url);
    if (!target) return reject({ correlationId: '', status: 400, code: 'ERR::SCRAPE::CONFIG_ERROR', message: 'Malformed request URL' });
    const { pathname, search } = target;
    if (pathname === '/account') return ACCOUNT_METHODS.includes(method) ? account(search) : plain(405, `Method ${method} is not allowed on /account`);
    if (pathname !== '/scrape') return plain(404, `No route ${method} ${pathname}`);
    if (!SCRAPE_METHODS.includes(method)) return plain(405, `Method ${method} is not allowed on /scrape`);
    const parsed = parseScrapeRequest({ search, apiKeys: world.account.apiKeys, options: world.options, method });
    if (!parsed.ok) return reject({ correlationId: parsed.correlationId, status: parsed.status, code: parsed.code, message: parsed.message });
    const request = parsed.request;
    const correlationId = request.params.correlationId ?? '';
    if (!world.options.overage && stats.creditsRemaining <= 0) {
      return reject({ correlationId, status: 429, code: 'ERR::SCRAPE::QUOTA_LIMIT_REACHED', message: 'Your monthly quota of credits is used up', request });
    }
    if (stats.inFlight >= limit) {
      return reject({ correlationId, status: 429, code: 'ERR::SCRAPE::TOO_MANY_CONCURRENT_REQUEST', message: `Concurrency limit of ${limit} reached`, request });
    }
    const nowMs = clock.now();
    const throttled = throttlers?.check(request.domain, nowMs) ?? null;
    if (throttled !== null) {
      return reject({ correlationId, status: 429, code: throttled, message: `Throttler of ${request.domain} refused the request`, request });
    }
    const behaviour = resolve({ domain: request.domain, level: request.level, atMs: nowMs });
    if (behaviour.rejects.length > 0) {
      const refused = drawReject(request, behaviour.rejects);
      if (refused?.html) {
        noteReject(correlationId, refused.status, refused.code);
        return { kind: 'response', response: renderGatewayPage(refused.status) };
      }
      if (refused) return reject({ correlationId, status: refused.status, code: refused.code, message: `Request refused: ${refused.code}`, request });
    }
    const nth = (requestsPerUrl.get(request.params.url) ?? 0) + 1;
    requestsPerUrl.set(request.params.url, nth);
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
    const releaseThrottle = throttlers?.admit(request.domain, startedAtMs) ?? null;
    events.emit({ type: 'mock.accept', atMs: startedAtMs, correlationId, concurrency: stats.inFlight });
    return new AcceptedScrape(ledger, request, plan, correlationId, startedAtMs, releaseThrottle);
  };

  const ledger: ScrapeLedger = {
    releasesOnDisconnect: world.options.releaseSlotOnDisconnect,
    release: () => {
      stats.inFlight -= 1;
    },
    finish: (scrape, clientGone) => {
      const { plan, request, correlationId, startedAtMs } = scrape;
      const id = nextId();
      stats.creditsUsed += plan.costCredits;
      stats.creditsRemaining -= plan.costCredits;
      if (clientGone) stats.zombiesEnded += 1;
      const headers = accountingHeaders(plan.costCredits, id);
      headers['x-scrapfly-response-time'] = (plan.serverMs / 1000).toFixed(6);
      scrape.release();
      running -= 1;
      if (running === 0 && idleWaiters.length > 0) {
        const waiters = idleWaiters;
        idleWaiters = [];
        for (const wake of waiters) wake();
      }
      const status = plan.errorCode === null ? 200 : (renderErrorObject(plan.errorCode, id)['http_code'] as number);
      countResponse(status);
      events.emit({ type: 'mock.end', atMs: clock.now(), correlationId, status, errorCode: plan.errorCode, costCredits: plan.costCredits, concurrency: stats.inFlight, clientGone });
      if (plan.errorCode !== null) Object.assign(headers, rejectHeaders(plan.errorCode, id));
      const body = renderScrapeEnvelope({
        params: request.params,
        uuid: id,
        budgetMs: request.budgetMs,
        // On a real clock a timer may fire a little early; the scrape still took its full server time.
        durationMs: Math.max(plan.serverMs, clock.now() - startedAtMs),
        costCredits: plan.costCredits,
        upstreamStatus: plan.upstreamStatus,
        content: renderServedContent({ url: request.params.url, products: world.products, errorCode: plan.errorCode, hasPrice: plan.hasPrice, upstreamStatus: plan.upstreamStatus }),
        internalRetries: plan.internalAttempts - 1,
        error: plan.errorCode === null ? null : renderErrorObject(plan.errorCode, id),
        echo: request,
        startedAtMs,
      });
      return { status, headers, body };
    },
  };

  const account = (search: string): MockReception => {
    const key = readQueryParam(search, 'key');
    if (!key || (world.account.apiKeys.length > 0 && !world.account.apiKeys.includes(key))) {
      return reject({ correlationId: '', status: 401, code: null, message: key ? 'Invalid API key' : 'Missing API key' });
    }
    countResponse(200);
    const body = renderAccountBody({
      concurrencyLimit: limit,
      inFlight: stats.inFlight,
      creditsLimit: world.account.credits,
      creditsUsed: stats.creditsUsed,
      creditsRemaining: stats.creditsRemaining,
    });
    return { kind: 'response', response: { status: 200, headers: { ...JSON_HEADERS }, body } };
  };

  return {
    receive,
    stats: () => ({ ...stats, rejected: { ...stats.rejected }, responses: { ...stats.responses } }),
    whenIdle: () => (running === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve))),
  };
}
