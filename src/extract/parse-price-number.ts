/**
 * Robust parsing of prices as they appear on pages: "$1,299.00", "1.299,00 €", "1 299,00",
 * "1299", "USD 49.90", "€ 1.299". Returns the number, or null when there is none.
 */
// "1299" or "1299.00": no thousands separator possible, so no ambiguity.
const PLAIN_DECIMAL = /^\d{1,9}(\.\d{1,2})?$/;

export function parsePriceNumber(text: string | number): number | null {
  if (typeof text === 'number') return Number.isFinite(text) && text >= 0 ? text : null;
  if (PLAIN_DECIMAL.test(text)) return Number(text);
  const match = /\d[\d\s.,'\u00a0\u202f]*/.exec(text);
  if (!match) return null;
  let digits = match[0].replace(/[\s'\u00a0\u202f]/g, '').replace(/[.,]+$/, '');
  const lastDot = digits.lastIndexOf('.');
  const lastComma = digits.lastIndexOf(',');
  if (lastDot >= 0 && lastComma >= 0) {
    // Both present: the later one is the decimal separator.
    const decimal = lastDot > lastComma ? '.' : ',';
    const thousands = decimal === '.' ? ',' : '.';
    digits = digits.split(thousands).join('').replace(decimal, '.');
  } else if (lastComma >= 0 || lastDot >= 0) {
    const sep = lastComma >= 0 ? ',' : '.';
    const parts = digits.split(sep);
    const tail = parts[parts.length - 1] ?? '';
    // One separator followed by exactly three digits is a thousands separator ("1.299", "1,299");
    // several separators are thousands separators ("1,299,000"); otherwise it is the decimal point.
    if (parts.length > 2 || (tail.length === 3 && (parts[0] ?? '').length <= 3 && parts[0] !== '0')) {
      digits = parts.join('');
    } else {
      digits = parts.join('.');
    }
  }
  const value = Number(digits);
  return Number.isFinite(value) ? value : null;
}
