/**
 * logfmt (`time=… level=info msg="Processing machine …" flag`), as Go's logfmt and Python's
 * structlog write it: a whole line as an object of its pairs, or, on the parser's hot path, only
 * the values of the keys a reader wants, without cutting out the others. Pure.
 */

/**
 * Parses one logfmt line (`key=value key="quoted \" value" flag`), as Go's logfmt and Python's
 * structlog write it. Hand-written: the format is a dozen lines of grammar and the npm packages
 * for it are unmaintained.
 */
export function parseLogfmt(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  const n = line.length;
  while (i < n) {
    while (i < n && line.charCodeAt(i) <= 32) i++;
    const keyStart = i;
    while (i < n && line.charCodeAt(i) > 32 && line.charCodeAt(i) !== 61) i++;
    const key = line.slice(keyStart, i);
    if (key === '') {
      i++;
      continue;
    }
    if (line.charCodeAt(i) !== 61) {
      out[key] = 'true';
      continue;
    }
    i++;
    if (line.charCodeAt(i) === 34) {
      i++;
      let value = '';
      let from = i;
      while (i < n && line.charCodeAt(i) !== 34) {
        if (line.charCodeAt(i) === 92 && i + 1 < n) {
          value += line.slice(from, i);
          const e = line[i + 1];
          value += e === 'n' ? '\n' : e === 't' ? '\t' : (e as string);
          i += 2;
          from = i;
          continue;
        }
        i++;
      }
      value += line.slice(from, i);
      i++;
      out[key] = value;
    } else {
      const valueStart = i;
      while (i < n && line.charCodeAt(i) > 32) i++;
      out[key] = line.slice(valueStart, i);
    }
  }
  return out;
}

/**
 * Reads into `values[k]` the value of `keys[k]` in `line` (its last one, as `parseLogfmt` keeps),
 * or undefined when the line has no such key: the same reading as `parseLogfmt`, without building
 * the other keys and values.
 */
export function readLogfmtKeys(line: string, keys: readonly string[], values: Array<string | undefined>): void {
  values.length = keys.length;
  values.fill(undefined);
  let i = 0;
  let escape = line.indexOf('\\');
  const n = line.length;
  while (i < n) {
    while (i < n && line.charCodeAt(i) <= 32) i++;
    const keyStart = i;
    while (i < n && line.charCodeAt(i) > 32 && line.charCodeAt(i) !== 61) i++;
    if (i === keyStart) {
      i++;
      continue;
    }
    const wanted = indexOfKey(line, keyStart, i, keys);
    if (line.charCodeAt(i) !== 61) {
      if (wanted >= 0) values[wanted] = 'true';
      continue;
    }
    i++;
    if (line.charCodeAt(i) === 34) {
      i++;
      let value = '';
      let from = i;
      // The closing quote and the escapes found by indexOf (a native scan), not char by char.
      for (;;) {
        const quote = line.indexOf('"', i);
        const end = quote < 0 ? n : quote;
        // The next backslash of the line, searched again only once the reading has passed it.
        if (escape >= 0 && escape < i) escape = line.indexOf('\\', i);
        // A backslash that ends the line escapes nothing.
        if (escape < 0 || escape >= end || escape + 1 >= n) {
          i = end;
          break;
        }
        if (wanted >= 0) {
          const e = line[escape + 1];
          value += line.slice(from, escape) + (e === 'n' ? '\n' : e === 't' ? '\t' : (e as string));
        }
        i = escape + 2;
        from = i;
      }
      if (wanted >= 0) values[wanted] = value + line.slice(from, i);
      i++;
    } else {
      const valueStart = i;
      while (i < n && line.charCodeAt(i) > 32) i++;
      if (wanted >= 0) values[wanted] = line.slice(valueStart, i);
    }
  }
}

/** Which of `keys` the text `line[from, to)` is, or -1. */
function indexOfKey(line: string, from: number, to: number, keys: readonly string[]): number {
  const length = to - from;
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k] as string;
    if (key.length === length && line.startsWith(key, from)) return k;
  }
  return -1;
}
