/**
 * Reads the `items` section: an explicit list, a count with a domain mix, or both (the list comes
 * first and generated items fill up to the count). Generated items interleave the domains by
 * smooth weighted round-robin, so the mix is even along the batch and needs no randomness.
 */
import type { BatchItem } from '../engine/batch-types.js';
import { deriveProduct } from '../mock/product-page.js';
import type { ProductSpec } from '../mock/world-spec.js';
import { LIMITS, join, type FieldReader } from './field-reader.js';

/** A DNS host name: labels of letters, digits and inner hyphens, dot-separated, 253 characters at most. */
const HOSTNAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

export interface ParsedItems {
  items: BatchItem[];
  /** The product behind every item, by URL: the listed price, or one derived from the URL. */
  products: Map<string, ProductSpec>;
}

export function parseItems(reader: FieldReader, value: unknown, path: string): ParsedItems {
  const obj = reader.object(value, path);
  reader.knownKeys(obj, ['list', 'count', 'domains'], path);
  const items: BatchItem[] = [];
  // A Map, not an object: the mock looks a product up per response, and a dictionary-mode object
  // would internalise every request's URL string to do it.
  const products = new Map<string, ProductSpec>();
  const seenUrls = new Map<string, number>();
  if (obj['list'] !== undefined) {
    reader.array(obj['list'], join(path, 'list')).forEach((entry, i) => {
      const ipath = join(join(path, 'list'), i);
      const e = reader.object(entry, ipath);
      reader.knownKeys(e, ['name', 'url', 'price', 'currency'], ipath);
      const name = reader.string(e['name'], join(ipath, 'name'));
      const url = reader.string(e['url'], join(ipath, 'url'));
      let host: string;
      try {
        const parsed = new URL(url);
        if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('protocol');
        host = parsed.hostname;
      } catch {
        return reader.fail(join(ipath, 'url'), `must be an http(s) URL, got "${url}"`);
      }
      if (seenUrls.has(url)) reader.fail(join(ipath, 'url'), `repeats the url of ${join(join(path, 'list'), seenUrls.get(url) as number)} ("${url}")`);
      seenUrls.set(url, i);
      items.push({ name, url, domain: host.replace(/^www\./, '') });
      if (e['price'] !== undefined) {
        products.set(url, {
          name,
          price: reader.number(e['price'], join(ipath, 'price'), { min: 0 }),
          currency: e['currency'] === undefined ? 'USD' : reader.string(e['currency'], join(ipath, 'currency')),
        });
      }
    });
  }
  const count = obj['count'] === undefined ? items.length : reader.number(obj['count'], join(path, 'count'), { integer: true, positive: true, max: LIMITS.items });
  if (count < items.length) reader.fail(join(path, 'count'), `must be at least the ${items.length} listed items, got ${count}`);
  if (count > items.length) {
    if (obj['domains'] === undefined) reader.fail(join(path, 'domains'), `is required to generate ${count - items.length} items beyond the list`);
    const dobj = reader.object(obj['domains'], join(path, 'domains'));
    const weights = Object.entries(dobj).map(([domain, w]) => {
      const dpath = join(join(path, 'domains'), domain);
      if (!HOSTNAME.test(domain)) reader.fail(dpath, `is not a host name (letters, digits, hyphens and dots, like "shop.example"), got ${JSON.stringify(domain)}`);
      return { domain, weight: reader.number(w, dpath, { positive: true, max: 1e9 }), credit: 0, n: 0 };
    });
    if (weights.length === 0) reader.fail(join(path, 'domains'), 'must name at least one domain');
    const total = weights.reduce((s, w) => s + w.weight, 0);
    for (let k = items.length; k < count; k++) {
      let best = weights[0]!;
      for (const w of weights) {
        w.credit += w.weight;
        if (w.credit > best.credit) best = w;
      }
      best.credit -= total;
      best.n += 1;
      const label = `${String(best.n).padStart(3, '0')}`;
      items.push({ name: `${brand(best.domain)} product ${label}`, url: `https://www.${best.domain}/products/item-${label}`, domain: best.domain });
    }
  }
  if (items.length === 0) reader.fail(path, 'must hold at least one item (a list or a count)');
  for (const item of items) if (!products.has(item.url)) products.set(item.url, { ...deriveProduct(item.url), name: item.name });
  return { items, products };
}

function brand(domain: string): string {
  const base = domain.split('.')[0] ?? domain;
  return base.charAt(0).toUpperCase() + base.slice(1);
}
