/**
 * Per-domain CSS selector overrides: for a site whose structured data is missing or wrong, the
 * element that holds the price. Configured in the live config file under `extract.selectors`.
 */

/** Where the price is on one site's pages. */
export interface SelectorOverride {
  /** CSS selector of the element holding the price; the first match that parses wins. */
  price: string;
  /** Read this attribute (`content`, `data-price`) instead of the element's text. */
  attribute: string | null;
  /** CSS selector of an element naming the currency, or null. */
  currencySelector: string | null;
  /** ISO 4217 code to use when the page names none, or null. */
  currency: string | null;
}

/** Overrides by domain (`omtechlaser.com`); a key also covers its subdomains. */
export type SelectorOverrides = Record<string, SelectorOverride>;

/**
 * The override for `domain`: an exact key first, then the closest parent domain
 * (`shop.example.com` uses `example.com`), ignoring a leading `www.`. Null when none applies.
 */
export function findSelectorOverride(overrides: SelectorOverrides, domain: string): SelectorOverride | null {
  let host = domain.toLowerCase().replace(/^www\./, '');
  for (;;) {
    const found = overrides[host] ?? overrides[`www.${host}`];
    if (found) return found;
    const dot = host.indexOf('.');
    if (dot < 0 || host.indexOf('.', dot + 1) < 0) return null;
    host = host.slice(dot + 1);
  }
}
