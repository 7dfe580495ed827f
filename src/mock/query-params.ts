/**
 * Reading `application/x-www-form-urlencoded` query strings the way URLSearchParams does, without
 * building one: the mock reads every request's query on the simulator's hot path.
 */

/**
 * Decodes one name or value: `+` is a space, `%XX` a byte, bytes are UTF-8. Like URLSearchParams,
 * it never fails: a `%` not followed by two hex digits stays as is, invalid UTF-8 becomes U+FFFD.
 */
export function decodeQueryComponent(raw: string): string {
  if (raw.indexOf('%') < 0 && raw.indexOf('+') < 0) return raw;
  const text = raw.indexOf('+') < 0 ? raw : raw.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(text);
  } catch {
    return decodeLeniently(text);
  }
}

const UTF8 = new TextDecoder('utf-8');
const ENCODER = new TextEncoder();

function decodeLeniently(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text.charCodeAt(i) === 37 /* % */ ? text.slice(i + 1, i + 3) : '';
    if (hex.length === 2 && /^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      const code = text.codePointAt(i) as number;
      for (const b of ENCODER.encode(String.fromCodePoint(code))) bytes.push(b);
      if (code > 0xffff) i++;
    }
  }
  return UTF8.decode(new Uint8Array(bytes));
}

/** The first value of parameter `name` in a raw query string (without `?`), or null. */
export function readQueryParam(search: string, name: string): string | null {
  let start = 0;
  while (start <= search.length) {
    let end = search.indexOf('&', start);
    if (end < 0) end = search.length;
    if (end > start) {
      const eq = search.indexOf('=', start);
      const split = eq >= 0 && eq < end ? eq : end;
      if (decodeQueryComponent(search.slice(start, split)) === name) return split === end ? '' : decodeQueryComponent(search.slice(split + 1, end));
    }
    start = end + 1;
  }
  return null;
}
