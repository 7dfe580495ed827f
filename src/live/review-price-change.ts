/**
 * Decides whether a newly read price may replace the stored one. A change larger than the
 * threshold, or a change of currency, is flagged for review instead of applied: a misread price
 * ("1.299" read as 1.299 instead of 1,299) should not silently become the machine's price.
 */

/** What to do with a new price. `changeRatio` is |new − old| / old, null without an old price. */
export interface PriceReview {
  status: 'applied' | 'flagged';
  changeRatio: number | null;
  /** Why it was flagged, for people; null when applied. */
  why: string | null;
}

/**
 * Reviews `price` against `previousPrice`. `maxChangeRatio` is the largest relative change applied
 * without review (0.5 = ±50 %); null applies every change.
 */
export function reviewPriceChange(options: {
  previousPrice: number | null;
  previousCurrency: string | null;
  price: number;
  currency: string | null;
  maxChangeRatio: number | null;
}): PriceReview {
  const { previousPrice, previousCurrency, price, currency, maxChangeRatio } = options;
  if (previousPrice === null || previousPrice <= 0) return { status: 'applied', changeRatio: null, why: null };
  const changeRatio = Math.abs(price - previousPrice) / previousPrice;
  if (previousCurrency !== null && currency !== null && previousCurrency !== currency) {
    return { status: 'flagged', changeRatio, why: `currency changed from ${previousCurrency} to ${currency}` };
  }
  if (maxChangeRatio !== null && changeRatio > maxChangeRatio) {
    const percent = (changeRatio * 100).toFixed(1);
    return { status: 'flagged', changeRatio, why: `price changed by ${percent}% (${previousPrice} → ${price}), above the ${Math.round(maxChangeRatio * 100)}% review threshold` };
  }
  return { status: 'applied', changeRatio, why: null };
}
