/**
 * Price extraction on a parsed document (cheerio over htmlparser2), for pages the JSON-LD fast
 * path cannot read: JSON-LD that is not strict JSON, OpenGraph/product meta tags, microdata
 * (`itemprop="price"`) and per-domain CSS selectors. Each function returns the first usable price
 * (greater than zero) or null.
 */
import type { CheerioAPI } from 'cheerio/slim';
import { detectCurrency, normaliseCurrency } from './detect-currency.js';
import { findJsonLdProductPrice, type ExtractedPrice } from './extract-json-ld-price.js';
import { parsePriceNumber } from './parse-price-number.js';
import type { SelectorOverride } from './selector-overrides.js';

/** JSON-LD read leniently: HTML comments, CDATA wrappers, control characters and trailing `;` removed. */
export function extractLenientJsonLdPrice($: CheerioAPI): ExtractedPrice | null {
  for (const element of $('script[type*="ld+json" i]').toArray()) {
    const text = $(element).text();
    const cleaned = text
      .replace(/<!--|-->/g, '')
      .replace(/\/\*\s*<!\[CDATA\[\s*\*\/|\/\*\s*\]\]>\s*\*\//g, '')
      .replace(/<!\[CDATA\[|\]\]>/g, '')
      // Raw newlines and tabs inside strings are invalid JSON but common; outside strings they are whitespace.
      .replace(/[\u0000-\u001f]+/g, ' ')
      .trim()
      .replace(/;+$/, '');
    let data: unknown;
    try {
      data = JSON.parse(cleaned);
    } catch {
      continue;
    }
    const found = findJsonLdProductPrice(data);
    if (found) return found;
  }
  return null;
}

const META_PRICE = ['product:price:amount', 'og:price:amount', 'product:sale_price:amount'];
const META_CURRENCY = ['product:price:currency', 'og:price:currency', 'product:sale_price:currency'];

/** OpenGraph / Facebook product meta tags (`product:price:amount`, `og:price:amount`). */
export function extractMetaPrice($: CheerioAPI): ExtractedPrice | null {
  for (const [i, name] of META_PRICE.entries()) {
    const content = $(`meta[property="${name}"], meta[name="${name}"]`).first().attr('content');
    if (content === undefined) continue;
    const price = parsePriceNumber(content);
    if (price === null || price <= 0) continue;
    const currencyName = META_CURRENCY[i] as string;
    const currencyAttr = $(`meta[property="${currencyName}"], meta[name="${currencyName}"]`).first().attr('content');
    return { price, currency: normaliseCurrency(currencyAttr) ?? detectCurrency(content), source: 'meta' };
  }
  return null;
}

/**
 * Microdata: `itemprop="price"` (or `lowPrice`), preferring elements inside an Offer or Product
 * scope; the value is the `content` attribute, a `<data value>`, or the text. The currency comes
 * from the nearest scope's `itemprop="priceCurrency"`, else from the price text.
 */
export function extractMicrodataPrice($: CheerioAPI): ExtractedPrice | null {
  const candidates = $('[itemprop~="price"], [itemprop~="lowPrice"]').toArray();
  const scoped = candidates.filter((el) => $(el).closest('[itemtype*="schema.org/Offer" i], [itemtype*="schema.org/AggregateOffer" i], [itemtype*="schema.org/Product" i]').length > 0);
  for (const element of scoped.length > 0 ? scoped : candidates) {
    const node = $(element);
    const raw = node.attr('content') ?? node.attr('value') ?? node.text();
    const price = parsePriceNumber(raw.trim());
    if (price === null || price <= 0) continue;
    const scope = node.closest('[itemscope]');
    const currencyNode = (scope.length > 0 ? scope : $.root()).find('[itemprop~="priceCurrency"]').first();
    const currencyRaw = currencyNode.length > 0 ? (currencyNode.attr('content') ?? currencyNode.text()) : null;
    return { price, currency: normaliseCurrency(currencyRaw) ?? detectCurrency(raw), source: 'microdata' };
  }
  return null;
}

/** The price at a site's configured selector. An invalid selector finds nothing. */
export function extractSelectorPrice($: CheerioAPI, override: SelectorOverride): ExtractedPrice | null {
  let matches;
  try {
    matches = $(override.price).toArray();
  } catch {
    return null;
  }
  for (const element of matches) {
    const node = $(element);
    const raw = override.attribute === null ? node.text() : node.attr(override.attribute);
    if (raw === undefined) continue;
    const price = parsePriceNumber(raw.trim());
    if (price === null || price <= 0) continue;
    let currency: string | null = null;
    if (override.currencySelector !== null) {
      try {
        const c = $(override.currencySelector).first();
        currency = normaliseCurrency(c.attr('content') ?? c.text());
      } catch {
        currency = null;
      }
    }
    return { price, currency: currency ?? detectCurrency(raw) ?? override.currency, source: 'selector' };
  }
  return null;
}
