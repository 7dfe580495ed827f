/**
 * The shops' own websites as a direct fetch meets them: one stateful object per simulated world,
 * shared by the in-process faces and the HTTP face (under `/sites/<host>/<path>`). Per domain it
 * draws the latency and the answer (the product page, an anti-bot 403, a 429, a CAPTCHA page
 * without a price, another error status, a connection reset, a stall) from the world's `sites`
 * section and enforces the site's rate limit. Draws are per URL and per request to it, like the
 * Scrapfly mock's, so a live run against the HTTP face meets the same answers as the simulation.
 * It touches the world only through the Clock and Random ports and emits no events: a direct
 * fetch holds no Scrapfly slot and costs no credits.
 */
import { createLatencyModel, type LatencyModel } from '../latency/latency-model.js';
import type { Clock, Random } from '../ports.js';
import type { MockResponse } from './envelopes.js';
import type { MockReception } from './mock-core.js';
import { deriveProduct, renderProductPage, renderShellPage } from './product-page.js';
import { renderCaptchaPage, renderSiteAnswer, renderSiteErrorPage } from './site-pages.js';
import type { SiteBehaviourSpec } from './site-world-spec.js';
import type { ProductSpec, WorldSpec } from './world-spec.js';

/** Counters of the sites, for the HTTP face's `/__admin/stats`. */
export interface SiteStats {
  requests: number;
  /** Answers by HTTP status (resets not included). */
  responses: Record<string, number>;
  resets: number;
  captchas: number;
  /** Requests refused at once by a site's rate limit. */
  rateLimited: number;
}

export interface SiteCore {
  /** Handles one direct fetch arriving now; `url` is the page's absolute URL. */
  receive(request: { method: string; url: string }): MockReception;
  stats(): SiteStats;
}

/** The sliding window of a site's `rateLimit`, ms. */
export const SITE_RATE_WINDOW_MS = 60_000;

interface CompiledSite {
  latency: LatencyModel;
  answers: Array<{ kind: 'status' | 'captcha' | 'reset'; status: number; cumulative: number }>;
  noPrice: number;
  hang: { p: number; latency: LatencyModel } | null;
  rateLimit: { requestsPerMinute: number; status: 403 | 429 } | null;
  retryAfterSeconds: number | null;
  /** Arrival times in the rate window, oldest first from `head`. */
  arrivals: number[];
  head: number;
}

/** Creates the sites of `world`. `random` should be the world's own stream for sites (the mock's forks `sites`). */
export function createSiteCore(options: { world: WorldSpec; clock: Clock; random: Random }): SiteCore {
  const { world, clock, random } = options;
  const sites = world.sites;
  const compiled = new Map<string, CompiledSite>();
  const requestsPerUrl = new Map<string, number>();
  // Products by URL without its scheme: the HTTP face sees `/sites/<host>/<path>` only.
  let products: Map<string, ProductSpec> | null = null;
  const stats: SiteStats = { requests: 0, responses: {}, resets: 0, captchas: 0, rateLimited: 0 };

  const siteOf = (domain: string): CompiledSite => {
    let site = compiled.get(domain);
    if (!site) {
      site = compileSite({ ...sites!.default, ...sites!.domains[domain] });
      compiled.set(domain, site);
    }
    return site;
  };

  const answer = (response: MockResponse): MockResponse => {
    if (response.reset) stats.resets += 1;
    else stats.responses[response.status] = (stats.responses[response.status] ?? 0) + 1;
    return response;
  };
  const now = (response: MockResponse): MockReception => ({ kind: 'response', response: answer(response) });
  const later = (serverMs: number, response: MockResponse): MockReception => ({
    kind: 'scrape',
    serverMs,
    finish: () => answer(response),
    releasesOnDisconnect: false,
    disconnect: () => {},
  });

  const productOf = (key: string): ProductSpec => {
    if (products === null) {
      products = new Map();
      for (const [url, product] of world.products) products.set(schemelessKey(url), product);
    }
    return products.get(key) ?? deriveProduct(`https://${key}`);
  };

  return {
    receive({ method, url }) {
      stats.requests += 1;
      const key = schemelessKey(url);
      if (!sites) return now(renderSiteAnswer({ status: 404, page: 'This scenario has no world.sites: it does not model direct fetches.' }));
      if (method !== 'GET' && method !== 'HEAD') return now(renderSiteAnswer({ status: 405, page: renderSiteErrorPage(405) }));
      const slash = key.indexOf('/');
      const host = (slash < 0 ? key : key.slice(0, slash)).replace(/:\d+$/, '');
      const site = siteOf(host.startsWith('www.') ? host.slice(4) : host);
      const atMs = clock.now();
      if (site.rateLimit !== null && overRateLimit(site, site.rateLimit.requestsPerMinute, atMs)) {
        stats.rateLimited += 1;
        return now(renderSiteAnswer({ status: site.rateLimit.status, page: renderSiteErrorPage(site.rateLimit.status), retryAfterSeconds: site.rateLimit.status === 429 ? site.retryAfterSeconds : null }));
      }
      const nth = (requestsPerUrl.get(key) ?? 0) + 1;
      requestsPerUrl.set(key, nth);
      const r = random.fork(`${key}#${nth}`);
      const page = () => {
        const product = productOf(key);
        return renderSiteAnswer({ status: 200, page: site.noPrice > 0 && r.next() < site.noPrice ? renderShellPage(product) : renderProductPage(product) });
      };
      if (site.hang && r.next() < site.hang.p) return later(site.hang.latency.sample(r), page());
      const serverMs = site.latency.sample(r);
      const u = r.next();
      const drawn = site.answers.find((a) => u < a.cumulative);
      if (!drawn) return later(serverMs, page());
      if (drawn.kind === 'reset') return later(serverMs, { status: 0, headers: {}, body: '', reset: true });
      if (drawn.kind === 'captcha') {
        stats.captchas += 1;
        return later(serverMs, renderSiteAnswer({ status: 200, page: renderCaptchaPage() }));
      }
      return later(serverMs, renderSiteAnswer({ status: drawn.status, page: renderSiteErrorPage(drawn.status), retryAfterSeconds: drawn.status === 429 ? site.retryAfterSeconds : null }));
    },
    stats: () => ({ ...stats, responses: { ...stats.responses } }),
  };
}

/** `host[:port]/path?query` of a URL, host in lower case, without scheme or fragment. */
export function schemelessKey(url: string): string {
  const scheme = url.indexOf('://');
  let rest = scheme < 0 ? url : url.slice(scheme + 3);
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const slash = rest.indexOf('/');
  const host = slash < 0 ? rest : rest.slice(0, slash);
  return `${host.toLowerCase()}${slash < 0 ? '/' : rest.slice(slash)}`;
}

/** Counts this arrival and says whether the window already held the limit before it. */
function overRateLimit(site: CompiledSite, limit: number, atMs: number): boolean {
  while (site.head < site.arrivals.length && (site.arrivals[site.head] as number) <= atMs - SITE_RATE_WINDOW_MS) site.head++;
  if (site.head > 1024 && site.head * 2 > site.arrivals.length) {
    site.arrivals.splice(0, site.head);
    site.head = 0;
  }
  const over = site.arrivals.length - site.head >= limit;
  site.arrivals.push(atMs);
  return over;
}

function compileSite(spec: SiteBehaviourSpec): CompiledSite {
  if (!spec.latency) throw new Error('site behaviour has no latency model (the scenario loader should have caught this)');
  const answers: CompiledSite['answers'] = [];
  let cumulative = 0;
  for (const [name, p] of Object.entries(spec.errors ?? {})) {
    if (!(p > 0)) continue;
    cumulative += p;
    const status = /^http-(\d{3})$/.exec(name);
    answers.push({ kind: status ? 'status' : name === 'captcha' ? 'captcha' : 'reset', status: status ? Number(status[1]) : 200, cumulative });
  }
  return {
    latency: createLatencyModel(spec.latency),
    answers,
    noPrice: spec.noPrice ?? 0,
    hang: spec.hang && spec.hang.p > 0 ? { p: spec.hang.p, latency: createLatencyModel(spec.hang.latency) } : null,
    rateLimit: spec.rateLimit ?? null,
    retryAfterSeconds: spec.retryAfterSeconds ?? null,
    arrivals: [],
    head: 0,
  };
}
