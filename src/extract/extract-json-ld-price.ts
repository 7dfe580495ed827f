/**
 * Finds a product price in the JSON-LD blocks of an HTML page: Product offers (Offer,
 * AggregateOffer with lowPrice, lists of offers, price specifications), including Products nested
 * in `@graph`. This is the fast path every extractor tries first: a string scan and JSON.parse,
 * no DOM. A price of zero is a placeholder ("call for price"), not a price.
 */
import { parsePriceNumber } from './parse-price-number.js';

/** A price found on a page. */
export interface ExtractedPrice {
  price: number;
  /** ISO 4217 code, or null when the page does not say. */
  currency: string | null;
  /** Where it came from, e.g. `json-ld`, `meta`, `microdata`, `selector`. */
  source: string;
}

const LD_JSON_TYPE = /application\/ld\+json/i;

/** The bodies of the page's `<script type="application/ld+json">` elements, in order. */
export function findJsonLdBlocks(html: string): string[] {
  // A plain indexOf scan: a regex over whole pages is far slower on the simulator's hot path.
  const blocks: string[] = [];
  // Markup is almost always lower case: scan as is, and lower-case a copy only when that finds nothing.
  const lower = html.includes('ld+json') ? html : html.toLowerCase();
  let from = 0;
  for (;;) {
    const open = lower.indexOf('<script', from);
    if (open < 0) return blocks;
    const tagEnd = lower.indexOf('>', open);
    if (tagEnd < 0) return blocks;
    const close = lower.indexOf('</script', tagEnd);
    if (close < 0) return blocks;
    if (LD_JSON_TYPE.test(lower.slice(open, tagEnd))) blocks.push(html.slice(tagEnd + 1, close));
    from = close + 8;
  }
}

/** The first Product price in the page's JSON-LD, or null. */
export function extractJsonLdPrice(html: string): ExtractedPrice | null {
  for (const block of findJsonLdBlocks(html)) {
    let data: unknown;
    try {
      data = JSON.parse(block);
    } catch {
      continue;
    }
    const found = findJsonLdProductPrice(data);
    if (found) return found;
  }
  return null;
}

/** The first Product price in decoded JSON-LD (an object, a list, or a `@graph`), or null. */
export function findJsonLdProductPrice(data: unknown): ExtractedPrice | null {
  return findProductPrice(data, 0);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when `@type` names `type`, also as a schema.org URL (`http://schema.org/Product`) or `schema:Product`. */
export function hasJsonLdType(node: Record<string, unknown>, type: string): boolean {
  const t = node['@type'];
  if (t === type) return true;
  const matches = (value: unknown) => typeof value === 'string' && (value === type || value.endsWith(`/${type}`) || value.endsWith(`:${type}`));
  return Array.isArray(t) ? t.some(matches) : matches(t);
}

function findProductPrice(node: unknown, depth: number): ExtractedPrice | null {
  if (depth > 8) return null;
  if (Array.isArray(node)) {
    for (const child of node) {
      const found = findProductPrice(child, depth + 1);
      if (found) return found;
    }
    return null;
  }
  if (!isRecord(node)) return null;
  if (hasJsonLdType(node, 'Product') || hasJsonLdType(node, 'ProductGroup')) {
    const fromOffers = priceFromOffers(node['offers']);
    if (fromOffers) return fromOffers;
  }
  for (const key of ['@graph', 'mainEntity', 'itemListElement', 'hasVariant']) {
    if (key in node) {
      const found = findProductPrice(node[key], depth + 1);
      if (found) return found;
    }
  }
  return null;
}

/** The first usable price among `offers` (an Offer, an AggregateOffer, or a list of them). */
export function priceFromOffers(offers: unknown, depth = 0): ExtractedPrice | null {
  if (depth > 3) return null;
  const list = Array.isArray(offers) ? offers : [offers];
  for (const offer of list) {
    if (!isRecord(offer)) continue;
    const spec = pickPriceSpecification(offer['priceSpecification']);
    const raw = offer['price'] ?? offer['lowPrice'] ?? spec?.['price'] ?? spec?.['minPrice'];
    const price = raw === undefined || raw === null ? null : parsePriceNumber(typeof raw === 'number' ? raw : String(raw));
    if (price === null || price <= 0) {
      // An AggregateOffer may carry its offers instead of lowPrice.
      const nested = offer['offers'] === undefined ? null : priceFromOffers(offer['offers'], depth + 1);
      if (nested) return nested;
      continue;
    }
    const currencyRaw = offer['priceCurrency'] ?? spec?.['priceCurrency'];
    return { price, currency: typeof currencyRaw === 'string' && currencyRaw.trim() !== '' ? currencyRaw.trim().toUpperCase() : null, source: 'json-ld' };
  }
  return null;
}

const LIST_PRICE_TYPES = /(ListPrice|StrikethroughPrice|MSRP|SRP)$/i;

/** The price specification to read: the selling price rather than a list ("was") price. */
function pickPriceSpecification(value: unknown): Record<string, unknown> | null {
  if (isRecord(value)) return value;
  if (!Array.isArray(value)) return null;
  const specs = value.filter(isRecord);
  return specs.find((s) => !(typeof s['priceType'] === 'string' && LIST_PRICE_TYPES.test(s['priceType']))) ?? specs[0] ?? null;
}
