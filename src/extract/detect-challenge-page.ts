/**
 * Recognises an anti-bot challenge page (a CAPTCHA or a "checking your browser" interstitial)
 * among pages that hold no price, so that a block is not mistaken for a product without a price.
 * Markers are the ones the common vendors put in their challenge pages; a product page that only
 * mentions a CAPTCHA somewhere (a newsletter form) still holds its price and never gets here.
 * Pure.
 */

/** Markers of challenge pages, with the vendor or widget they belong to. */
const CHALLENGE_MARKERS: ReadonlyArray<readonly [RegExp, string]> = [
  [/<title>\s*just a moment\.\.\.\s*<\/title>/i, 'cloudflare'],
  [/\/cdn-cgi\/challenge-platform\/|\bcf[-_]chl[-_]/i, 'cloudflare'],
  [/<title>[^<]*attention required[^<]*cloudflare/i, 'cloudflare'],
  [/captcha-delivery\.com/i, 'datadome'],
  [/\bpx-captcha\b|_pxCaptcha/i, 'perimeterx'],
  [/class=["'][^"']*\bg-recaptcha\b|google\.com\/recaptcha\//i, 'recaptcha'],
  [/class=["'][^"']*\bh-captcha\b|hcaptcha\.com\/1\/api\.js/i, 'hcaptcha'],
  [/<title>[^<]*\bcaptcha\b[^<]*<\/title>/i, 'captcha'],
];

/** The vendor or widget of the challenge `html` is, or null for any other page. */
export function detectChallengePage(html: string): string | null {
  // Challenge pages are small; a full product page is not scanned end to end for nothing.
  const head = html.length > 200_000 ? html.slice(0, 200_000) : html;
  for (const [pattern, vendor] of CHALLENGE_MARKERS) if (pattern.test(head)) return vendor;
  return null;
}
