/** Splits a request URL into path and raw query without a full URL parse. */

/**
 * The decoded path and the raw query (without `?`) of a request URL: absolute, or a path starting
 * with `/` (what an HTTP server sees). A full `new URL()` per request is too slow for large
 * simulated runs. Returns null for a malformed percent-encoding in the path.
 */
export function splitRequestUrl(url: string): { pathname: string; search: string } | null {
  let rest = url;
  // A path may carry "://" in an unencoded query value.
  const scheme = url.charCodeAt(0) === 47 /* / */ ? -1 : url.indexOf('://');
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
    return { pathname: pathname.indexOf('%') < 0 ? pathname : decodeURIComponent(pathname), search };
  } catch {
    return null;
  }
}
