/**
 * The mock Scrapfly API as msw request handlers for `https://api.scrapfly.io` (or another base
 * URL). Latency goes through the Clock port, never msw's `delay()` (which uses real timers).
 */
import { http, HttpResponse, type HttpHandler } from 'msw';
import type { Clock } from '../ports.js';
import type { MockCore } from '../mock/mock-core.js';
import { serveMockRequest } from '../mock/serve-request.js';

/** Handlers for /scrape (GET, POST, PUT, PATCH) and GET /account served by `core` on `clock`. */
export function createMswHandlers(options: { core: MockCore; clock: Clock; baseUrl?: string }): HttpHandler[] {
  const base = (options.baseUrl ?? 'https://api.scrapfly.io').replace(/\/+$/, '');
  const resolver = async ({ request }: { request: Request }) => {
    const response = await serveMockRequest({ core: options.core, clock: options.clock, method: request.method, url: request.url, signal: request.signal });
    if (typeof response.body === 'string') return new HttpResponse(response.body, { status: response.status, headers: response.headers });
    return HttpResponse.json(response.body as Record<string, unknown>, { status: response.status, headers: response.headers });
  };
  return [
    http.get(`${base}/scrape`, resolver),
    http.post(`${base}/scrape`, resolver),
    http.put(`${base}/scrape`, resolver),
    http.patch(`${base}/scrape`, resolver),
    http.get(`${base}/account`, resolver),
  ];
}

/**
 * A catch-all handler for direct fetches of the shops' pages, served by the sites' core. A
 * connection reset becomes a network error (`HttpResponse.error()`). Put it after the Scrapfly
 * handlers.
 */
export function createMswSiteHandlers(options: { core: Pick<MockCore, 'receive'>; clock: Clock }): HttpHandler[] {
  const resolver = async ({ request }: { request: Request }) => {
    const response = await serveMockRequest({ core: options.core, clock: options.clock, method: request.method, url: request.url, signal: request.signal });
    if (response.reset) return HttpResponse.error();
    return new HttpResponse(typeof response.body === 'string' ? response.body : JSON.stringify(response.body), { status: response.status, headers: response.headers });
  };
  return [http.all(/^https?:\/\//, resolver)];
}
