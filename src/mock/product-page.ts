/**
 * The product pages the mock serves: small HTML documents with the price in JSON-LD (and the
 * same price in visible text), or a JavaScript shell without a price.
 */
import { createSeededRandom } from '../random/seeded-random.js';
import type { ProductSpec } from './world-spec.js';

/** The product behind a URL: the listed one, or a name and price derived from the URL itself. */
export function productForUrl(url: string, products: ReadonlyMap<string, ProductSpec>): ProductSpec {
  return products.get(url) ?? deriveProduct(url);
}

/** A name and price derived from the URL alone (the same URL always gives the same product). */
export function deriveProduct(url: string): ProductSpec {
  const random = createSeededRandom(`price:${url}`);
  const dollars = 199 + Math.floor(random.next() * 9800);
  const price = random.next() < 0.5 ? dollars : dollars + 0.99;
  const slug = url.replace(/[?#].*$/, '').split('/').filter(Boolean).pop() ?? 'product';
  const name = slug.replace(/[-_]+/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase());
  return { name, price, currency: 'USD' };
}

/** Renders a product page carrying the price in a JSON-LD Product offer. */
export function renderProductPage(product: ProductSpec): string {
  const name = escapeHtml(product.name);
  const price = product.price.toFixed(2);
  const jsonLd =
    `{"@context":"https://schema.org","@type":"Product","name":${JSON.stringify(product.name).replace(/</g, '\\u003c')},` +
    `"offers":{"@type":"Offer","price":"${price}","priceCurrency":${JSON.stringify(product.currency)},"availability":"https://schema.org/InStock"}}`;
  return (
    `<!doctype html><html><head><meta charset="utf-8"><title>${name}</title>` +
    `<meta property="og:title" content="${name}">` +
    `<script type="application/ld+json">${jsonLd}</script></head>` +
    `<body><h1>${name}</h1><p class="price">${product.currency} ${price}</p></body></html>`
  );
}

/** A page whose content is rendered by JavaScript: no price in the HTML. */
export function renderShellPage(product: ProductSpec): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(product.name)}</title></head><body><div id="app"></div><script src="/static/app.js"></script></body></html>`;
}

function escapeHtml(text: string): string {
  if (!/[&<>"]/.test(text)) return text;
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The error page a target answers with when it fails with `status` (served with BAD_UPSTREAM_RESPONSE). */
export function renderUpstreamErrorPage(status: number): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Error ${status}</title></head><body><h1>Error ${status}</h1><p>The page could not be served.</p></body></html>`;
}

/**
 * The `result.content` of a finished scrape: the product page (with or without its price), the
 * target's error page for an upstream error, or nothing for a Scrapfly error.
 */
export function renderServedContent(options: { url: string; products: ReadonlyMap<string, ProductSpec>; errorCode: string | null; hasPrice: boolean; upstreamStatus: number }): string {
  if (options.errorCode === null) {
    const product = productForUrl(options.url, options.products);
    return options.hasPrice ? renderProductPage(product) : renderShellPage(product);
  }
  return options.upstreamStatus >= 400 ? renderUpstreamErrorPage(options.upstreamStatus) : '';
}
