/**
 * The key machines are matched by on import: two spellings of one product page give the same key,
 * while the machine keeps the URL it was first imported with (the one fetched). Normalization:
 * - scheme and host in lower case, a trailing dot of the host and the scheme's default port
 *   dropped, IDN hosts in punycode, `.` and `..` path segments resolved (the WHATWG URL parser);
 * - the fragment dropped (it never reaches the server);
 * - well-known tracking parameters removed (`TRACKING_PARAMS`, a bare `utm`, and every `utm_*`);
 * - the remaining query parameters sorted by name (values of a repeated name keep their order),
 *   an empty query dropped;
 * - a trailing slash of the path dropped (`/p/6/` is `/p/6`; the root stays `/`).
 * Not merged: `http` and `https`, `www.` and the bare host, letter case in the path: each can be a
 * different page on some server. Pure.
 */

/** Query parameters that only track a visit (ads, newsletters, analytics), by exact name. */
export const TRACKING_PARAMS: ReadonlySet<string> = new Set([
  'utm',
  'gclid',
  'gclsrc',
  'dclid',
  'gbraid',
  'wbraid',
  'fbclid',
  'msclkid',
  'yclid',
  'twclid',
  'ttclid',
  'igshid',
  'li_fat_id',
  'mc_cid',
  'mc_eid',
  '_ga',
  '_gl',
  '_hsenc',
  '_hsmi',
  'mkt_tok',
  'srsltid',
]);

/** True for a tracking parameter: one of TRACKING_PARAMS or any `utm_*` (names compared in lower case). */
export function isTrackingParam(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.startsWith('utm_') || TRACKING_PARAMS.has(lower);
}

/** The match key of an http(s) URL. Throws a TypeError for a URL the WHATWG parser refuses. */
export function normalizeProductUrl(url: string): string {
  const parsed = new URL(url.trim());
  parsed.hash = '';
  if (parsed.hostname.endsWith('.')) parsed.hostname = parsed.hostname.slice(0, -1);
  const kept = [...parsed.searchParams].filter(([name]) => !isTrackingParam(name));
  // A stable sort: the values of a repeated name keep their order.
  kept.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  parsed.search = kept.length === 0 ? '' : new URLSearchParams(kept).toString();
  if (parsed.pathname.length > 1 && parsed.pathname.endsWith('/')) parsed.pathname = parsed.pathname.replace(/\/+$/, '') || '/';
  return parsed.href;
}
