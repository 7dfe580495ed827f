/**
 * The direct fetch client: gets a product page itself over the Transport port, the way the
 * existing system's `use_scrapfly: false` does, with browser-like headers. Redirects are followed
 * (as a browser does); the answer becomes the same ScrapeOutcome the Scrapfly client gives, so the
 * engine's timeouts, retries, escalation and extraction apply unchanged. A direct fetch costs no
 * credits; its failures are the site's own: 403 (an anti-bot refusal), 429 (rate limited, with
 * Retry-After), other statuses, connection failures.
 *
 * With a base URL (the mock's HTTP face, or a forwarding proxy) the request for
 * `https://www.shop.example/p/1?x=2` goes to `<base>/www.shop.example/p/1?x=2` instead.
 */
import type { Transport, TransportResponse } from '../ports.js';
import { readRetryAfterMs } from '../scrapfly/parse-scrape-response.js';
import type { ScrapeOutcome } from '../scrapfly/scrape-outcome.js';
import type { ErrorClass } from '../events/batch-event.js';
import { TransportError } from '../errors.js';
import { detectChallengePage } from '../extract/detect-challenge-page.js';

/** The read timeout of a direct tier whose policy says `auto`, ms. */
export const DIRECT_READ_TIMEOUT_MS = 30_000;

/** Redirects followed before the fetch fails with `TOO_MANY_REDIRECTS`. */
export const MAX_REDIRECTS = 5;

/**
 * Headers of a desktop Chrome navigating to a page. They make a plain HTTP client look like a
 * browser to simple filters; TLS and HTTP/2 fingerprints still differ, which real anti-bot
 * services check (then the site answers 403 or a challenge page, and the ladder escalates).
 */
export const BROWSER_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/138.0.0.0 Safari/537.36',
  accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8',
  'accept-language': 'en-US,en;q=0.9',
  'accept-encoding': 'gzip, deflate, br',
  'sec-ch-ua': '"Not)A;Brand";v="8", "Chromium";v="138", "Google Chrome";v="138"',
  'sec-ch-ua-mobile': '?0',
  'sec-ch-ua-platform': '"Linux"',
  'sec-fetch-dest': 'document',
  'sec-fetch-mode': 'navigate',
  'sec-fetch-site': 'none',
  'sec-fetch-user': '?1',
  'upgrade-insecure-requests': '1',
});

export interface DirectFetchClient {
  /**
   * Fetches the page at `url`. Resolves with the outcome, also for error statuses and network
   * failures; rejects only when `signal` aborts (with `signal.reason`). The caller owns the signal.
   */
  fetchPage(url: string, options: { signal?: AbortSignal }): Promise<ScrapeOutcome>;
}

/** Creates the client. `baseUrl` (no trailing slash needed) reroutes every request; null fetches the page's own URL. */
export function createDirectFetchClient(options: { transport: Transport; baseUrl?: string | null }): DirectFetchClient {
  const { transport } = options;
  const base = options.baseUrl ? options.baseUrl.replace(/\/+$/, '') : null;

  const networkFailure = (error: unknown, signal: AbortSignal | undefined): ScrapeOutcome => {
    if (signal?.aborted) throw signal.reason;
    const message = error instanceof Error ? error.message : String(error);
    return failure({ code: new TransportError(message).code, errorClass: 'network', message, status: null, retryable: true, retryAfterMs: null });
  };

  const follow = (url: string, redirects: number, signal: AbortSignal | undefined): Promise<ScrapeOutcome> =>
    transport.send({ method: 'GET', url: rerouteUrl(url, base), headers: BROWSER_HEADERS }, { signal }).then(
      (response) =>
        response.text().then(
          (body) => {
            const location = response.headers.get('location');
            if (response.status >= 300 && response.status < 400 && location) {
              if (redirects >= MAX_REDIRECTS) {
                return failure({ code: 'TOO_MANY_REDIRECTS', errorClass: 'other', message: `More than ${MAX_REDIRECTS} redirects from ${url}`, status: response.status, retryable: false, retryAfterMs: null });
              }
              let next: string;
              try {
                next = new URL(location, url).href;
              } catch {
                return failure({ code: 'BAD_REDIRECT', errorClass: 'other', message: `Redirect to an invalid location ${JSON.stringify(location)}`, status: response.status, retryable: false, retryAfterMs: null });
              }
              return follow(next, redirects + 1, signal);
            }
            return judgeDirectResponse(response, body);
          },
          (error: unknown) => networkFailure(error, signal),
        ),
      (error: unknown) => networkFailure(error, signal),
    );

  return { fetchPage: (url, { signal }) => follow(url, 0, signal) };
}

/** The URL a request for `url` is sent to: itself, or `<base>/<host[:port]><path><query>`. */
export function rerouteUrl(url: string, base: string | null): string {
  if (base === null) return url;
  const scheme = url.indexOf('://');
  const rest = scheme < 0 ? url : url.slice(scheme + 3);
  const hash = rest.indexOf('#');
  const target = hash < 0 ? rest : rest.slice(0, hash);
  const slash = target.indexOf('/');
  const host = (slash < 0 ? target : target.slice(0, slash)).toLowerCase();
  const path = slash < 0 ? '/' : target.slice(slash);
  return `${base}/${host}${path}`;
}

/** The outcome of a page's answer, redirects aside. */
function judgeDirectResponse(response: TransportResponse, body: string): ScrapeOutcome {
  const { status } = response;
  if (status >= 200 && status < 300) {
    return { ok: true, httpStatus: status, content: body, upstreamStatus: status, costCredits: 0, remainingCredits: null, accountConcurrency: null };
  }
  const code = `HTTP_${status}`;
  const retryAfterMs = readRetryAfterMs(response.headers);
  if (status !== 403 && status !== 429 && detectChallengePage(body) !== null) {
    return failure({ code, errorClass: 'blocked', message: `The site answered ${status} with an anti-bot challenge page`, status, retryable: false, retryAfterMs: null });
  }
  if (status === 403) return failure({ code, errorClass: 'blocked', message: 'The site refused the request (403, usually its anti-bot protection)', status, retryable: false, retryAfterMs: null });
  if (status === 429) return failure({ code, errorClass: 'throttled', message: 'The site rate-limited the request (429)', status, retryable: true, retryAfterMs });
  if (status >= 500) return failure({ code, errorClass: 'upstream-5xx', message: `The site answered ${status}`, status, retryable: true, retryAfterMs });
  return failure({ code, errorClass: 'upstream-4xx', message: `The site answered ${status}`, status, retryable: false, retryAfterMs: null });
}

function failure(options: { code: string; errorClass: ErrorClass; message: string; status: number | null; retryable: boolean; retryAfterMs: number | null }): ScrapeOutcome {
  return {
    ok: false,
    code: options.code,
    errorClass: options.errorClass,
    message: options.message,
    httpStatus: options.status,
    retryable: options.retryable,
    upstreamStatus: options.status,
    retryAfterMs: options.retryAfterMs,
    costCredits: 0,
    remainingCredits: null,
    accountConcurrency: null,
  };
}
