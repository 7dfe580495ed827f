/**
 * Finds a product price in the JSON-LD blocks of an HTML page: Product offers (Offer,
 * AggregateOffer with lowPrice, lists of offers), including Products nested in `@graph`.
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
    const found = findProductPrice(data, 0);
    if (found) return found;
  }
  return null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasType(node: Record<string, unknown>, type: string): boolean {
  const t = node['@type'];
  return t === type || (Array.isArray(t) && t.includes(type));
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
  if (hasType(node, 'Product') || hasType(node, 'ProductGroup')) {
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

function priceFromOffers(offers: unknown): ExtractedPrice | null {
  const list = Array.isArray(offers) ? offers : [offers];
  for (const offer of list) {
    if (!isRecord(offer)) continue;
    const raw = offer['price'] ?? offer['lowPrice'] ?? (isRecord(offer['priceSpecification']) ? offer['priceSpecification']['price'] : undefined);
    if (raw === undefined || raw === null) continue;
    const price = parsePriceNumber(typeof raw === 'number' ? raw : String(raw));
    if (price === null) continue;
    const currencyRaw = offer['priceCurrency'] ?? (isRecord(offer['priceSpecification']) ? offer['priceSpecification']['priceCurrency'] : undefined);
    return { price, currency: typeof currencyRaw === 'string' ? currencyRaw.toUpperCase() : null, source: 'json-ld' };
  }
  return null;
}
