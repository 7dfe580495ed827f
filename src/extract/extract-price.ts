/**
 * The full price extractor for product pages. Order:
 * 1. a per-domain CSS selector override, when the site has one (configured because its structured
 *    data is missing or wrong);
 * 2. the JSON-LD fast path (a string scan and JSON.parse, no DOM): most pages end here, and the
 *    simulator calls the extractor once per priced item;
 * 3. only then the page is parsed (cheerio over htmlparser2): JSON-LD that is not strict JSON,
 *    OpenGraph/product meta tags, microdata `itemprop="price"`.
 * Pure and synchronous.
 */
import { load, type CheerioAPI } from 'cheerio/slim';
import type { PriceExtractor } from '../engine/batch-types.js';
import { extractLenientJsonLdPrice, extractMetaPrice, extractMicrodataPrice, extractSelectorPrice } from './extract-dom-price.js';
import { extractJsonLdPrice, type ExtractedPrice } from './extract-json-ld-price.js';
import { findSelectorOverride, type SelectorOverrides } from './selector-overrides.js';

export interface PriceExtractionOptions {
  /** The page's domain, to find its selector override. */
  domain?: string;
  /** Per-domain selector overrides (none by default). */
  selectors?: SelectorOverrides;
}

/** Finds the price of the product on `html`, or returns null when the page holds none. */
export function extractPrice(html: string, options: PriceExtractionOptions = {}): ExtractedPrice | null {
  const override = options.selectors && options.domain !== undefined ? findSelectorOverride(options.selectors, options.domain) : null;
  let $: CheerioAPI | null = null;
  if (override) {
    $ = load(html);
    const found = extractSelectorPrice($, override);
    if (found) return found;
  }
  const fast = extractJsonLdPrice(html);
  if (fast) return fast;
  $ ??= load(html);
  return extractLenientJsonLdPrice($) ?? extractMetaPrice($) ?? extractMicrodataPrice($);
}

/** A PriceExtractor for the engine (`runBatch({extractPrice})`) with the given selector overrides. */
export function createPriceExtractor(options: { selectors?: SelectorOverrides } = {}): PriceExtractor {
  const selectors = options.selectors;
  // Without overrides (every simulation) skip the per-page domain lookup: this runs once per item.
  if (!selectors || Object.keys(selectors).length === 0) return (html) => extractPrice(html);
  return (html, context) => extractPrice(html, { domain: context.domain, selectors });
}
