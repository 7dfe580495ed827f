/**
 * Reads the currency of a price as pages write it: an ISO 4217 code ("USD 49.90", "1.299,00 EUR")
 * or a symbol ("$1,299.00", "1.299,00 €", "CA$ 899"). A bare `$` is read as USD.
 */

/** Symbols and prefixed symbols, longest first so that `CA$` wins over `$`. */
const SYMBOLS: Array<[string, string]> = [
  ['CA$', 'CAD'],
  ['C$', 'CAD'],
  ['AU$', 'AUD'],
  ['A$', 'AUD'],
  ['NZ$', 'NZD'],
  ['HK$', 'HKD'],
  ['S$', 'SGD'],
  ['US$', 'USD'],
  ['R$', 'BRL'],
  ['€', 'EUR'],
  ['£', 'GBP'],
  ['¥', 'JPY'],
  ['₹', 'INR'],
  ['₩', 'KRW'],
  ['zł', 'PLN'],
  ['kr', 'SEK'],
  ['$', 'USD'],
];

/** Codes accepted when written out; a three-letter word that is not a currency is ignored. */
const CODES = new Set(['USD', 'EUR', 'GBP', 'CAD', 'AUD', 'NZD', 'CHF', 'JPY', 'CNY', 'SEK', 'NOK', 'DKK', 'PLN', 'CZK', 'HUF', 'INR', 'KRW', 'SGD', 'HKD', 'BRL', 'MXN', 'ZAR', 'TRY', 'ILS', 'AED']);

/** The ISO 4217 code a price text names, or null when it names none. */
export function detectCurrency(text: string): string | null {
  const codes = text.toUpperCase().match(/\b[A-Z]{3}\b/g);
  if (codes) for (const code of codes) if (CODES.has(code)) return code;
  for (const [symbol, code] of SYMBOLS) if (text.includes(symbol)) return code;
  return null;
}

/** Normalises a currency attribute (`usd`, ` EUR `, `$`) to an ISO code, or null. */
export function normaliseCurrency(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  if (/^[A-Za-z]{3}$/.test(trimmed)) return trimmed.toUpperCase();
  return trimmed === '' ? null : detectCurrency(trimmed);
}
