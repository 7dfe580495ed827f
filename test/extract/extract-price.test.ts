import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectCurrency } from '../../src/extract/detect-currency.js';
import { extractJsonLdPrice } from '../../src/extract/extract-json-ld-price.js';
import { createPriceExtractor, extractPrice } from '../../src/extract/extract-price.js';
import { parsePriceNumber } from '../../src/extract/parse-price-number.js';
import type { SelectorOverrides } from '../../src/extract/selector-overrides.js';
import { renderProductPage } from '../../src/mock/product-page.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('extractPrice on product pages', () => {
  it('Shopify-like: the first variant offer of the JSON-LD Product, not the crossed-out price', () => {
    expect(extractPrice(fixture('shopify-like.html'))).toEqual({ price: 1299, currency: 'USD', source: 'json-ld' });
  });

  it('WooCommerce-like: the Product in a second @graph, the sale price specification rather than the list price', () => {
    expect(extractPrice(fixture('woocommerce-like.html'))).toEqual({ price: 11499, currency: 'EUR', source: 'json-ld' });
  });

  it('JSON-LD @graph with an array @type and an AggregateOffer: the low price, currency upper-cased', () => {
    expect(extractPrice(fixture('json-ld-graph.html'))).toEqual({ price: 6995, currency: 'USD', source: 'json-ld' });
  });

  it('microdata: the main product offer (content attribute) and its priceCurrency, not the related product', () => {
    expect(extractPrice(fixture('microdata.html'))).toEqual({ price: 1899, currency: 'EUR', source: 'microdata' });
  });

  it('OpenGraph product meta tags when the JSON-LD holds no Product', () => {
    expect(extractPrice(fixture('opengraph.html'))).toEqual({ price: 1849, currency: 'GBP', source: 'meta' });
  });

  it('JSON-LD that is not strict JSON (comment wrapper, raw newline, trailing semicolon) through the parser', () => {
    const html = fixture('broken-json-ld.html');
    expect(extractJsonLdPrice(html)).toBeNull();
    expect(extractPrice(html)).toEqual({ price: 13980, currency: 'USD', source: 'json-ld' });
  });

  it('a page without a price (a zero placeholder offer, "call for price") gives null', () => {
    expect(extractPrice(fixture('no-price.html'))).toBeNull();
  });

  it('a per-domain selector override wins over wrong structured data, also for subdomains', () => {
    const html = fixture('selector-override.html');
    const selectors: SelectorOverrides = {
      'omtech.example': { price: '.product-price__current', attribute: null, currencySelector: null, currency: null },
    };
    expect(extractPrice(html)).toEqual({ price: 1, currency: 'CAD', source: 'json-ld' });
    expect(extractPrice(html, { domain: 'ca.omtech.example', selectors })).toEqual({ price: 2499, currency: 'CAD', source: 'selector' });
    expect(extractPrice(html, { domain: 'other.example', selectors })?.source).toBe('json-ld');
    const byAttribute: SelectorOverrides = { 'omtech.example': { price: '.product-price__current', attribute: 'data-amount', currencySelector: null, currency: 'CAD' } };
    expect(extractPrice(html, { domain: 'omtech.example', selectors: byAttribute })).toEqual({ price: 249900, currency: 'CAD', source: 'selector' });
  });

  it('an override whose selector matches nothing (or is invalid) falls back to the other methods', () => {
    const selectors: SelectorOverrides = { 'x.example': { price: '.nope', attribute: null, currencySelector: null, currency: null } };
    expect(extractPrice(fixture('microdata.html'), { domain: 'x.example', selectors })?.source).toBe('microdata');
    const invalid: SelectorOverrides = { 'x.example': { price: '[[[', attribute: null, currencySelector: null, currency: null } };
    expect(extractPrice(fixture('shopify-like.html'), { domain: 'x.example', selectors: invalid })?.price).toBe(1299);
  });

  it('createPriceExtractor reads the mock product pages the simulator serves', () => {
    const extract = createPriceExtractor();
    const html = renderProductPage({ name: 'A "quoted" <name>', price: 1234.5, currency: 'EUR' });
    expect(extract(html, { url: 'https://a.example/p', domain: 'a.example' })).toEqual({ price: 1234.5, currency: 'EUR', source: 'json-ld' });
  });
});

describe('parsePriceNumber', () => {
  it.each([
    ['$1,299.00', 1299],
    ['1.299,00 €', 1299],
    ['1 299,00', 1299],
    ['1\u00a0299,00\u00a0€', 1299],
    ["CHF 1'299.50", 1299.5],
    ['USD 49.90', 49.9],
    ['€ 1.299', 1299],
    ['1,299', 1299],
    ['12,50', 12.5],
    ['0,99', 0.99],
    ['1.299.000', 1_299_000],
    ['1,299,000.50', 1_299_000.5],
    ['1299', 1299],
    ['1299.5', 1299.5],
    ['From $6,995', 6995],
    ['Call for price', null],
  ])('%s → %s', (text, expected) => {
    expect(parsePriceNumber(text)).toBe(expected);
  });

  it('reads back any price written in US or European format', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 99_999_999 }), fc.boolean(), (cents, european) => {
        const value = cents / 100;
        const [whole, frac] = value.toFixed(2).split('.') as [string, string];
        const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, european ? '.' : ',');
        const text = european ? `${grouped},${frac} €` : `$${grouped}.${frac}`;
        expect(parsePriceNumber(text)).toBeCloseTo(value, 2);
      }),
    );
  });
});

describe('detectCurrency', () => {
  it.each([
    ['$1,299.00', 'USD'],
    ['1.299,00 €', 'EUR'],
    ['CA$ 2,499.00', 'CAD'],
    ['£899', 'GBP'],
    ['USD 49.90', 'USD'],
    ['1299', null],
    ['THE 1299', null],
  ])('%s → %s', (text, expected) => {
    expect(detectCurrency(text)).toBe(expected);
  });
});
