/** The pages a shop's own website answers direct fetches with, besides its product pages. */
import type { MockResponse } from './envelopes.js';
import { renderUpstreamErrorPage } from './product-page.js';

const HTML = 'text/html; charset=utf-8';

/** An anti-bot refusal (403), as CDN-fronted shops serve it. */
export function renderBlockedPage(): string {
  return '<!doctype html><html><head><meta charset="utf-8"><title>Access Denied</title></head><body><h1>Access Denied</h1><p>You don\'t have permission to access this page on this server.</p><p>Reference #18.4f2a3b17.1754449223.9c1e55</p></body></html>';
}

/** A rate limit answer (429). */
export function renderRateLimitedPage(): string {
  return '<!doctype html><html><head><meta charset="utf-8"><title>429 Too Many Requests</title></head><body><h1>Too Many Requests</h1><p>Please slow down.</p></body></html>';
}

/** A CAPTCHA challenge served with 200 instead of the product page: no price. */
export function renderCaptchaPage(): string {
  return (
    '<!doctype html><html><head><meta charset="utf-8"><title>Verify you are human</title></head>' +
    '<body><h1>Please verify you are a human</h1><form method="post"><div class="g-recaptcha" data-sitekey="6Lc-mock-site-key"></div><button>Continue</button></form></body></html>'
  );
}

/** A site's answer with `status` and a page; `retryAfterSeconds` adds Retry-After. */
export function renderSiteAnswer(options: { status: number; page: string; retryAfterSeconds?: number | null }): MockResponse {
  const headers: Record<string, string> = { 'content-type': HTML, 'cache-control': 'no-store' };
  if (options.retryAfterSeconds !== undefined && options.retryAfterSeconds !== null) headers['retry-after'] = String(options.retryAfterSeconds);
  return { status: options.status, headers, body: options.page };
}

/** The page of an error status: the refusal page for 403 and 429, the generic error page otherwise. */
export function renderSiteErrorPage(status: number): string {
  if (status === 403) return renderBlockedPage();
  if (status === 429) return renderRateLimitedPage();
  return renderUpstreamErrorPage(status);
}
