/**
 * The fields Python's logging and its kin print between a line's time and its message. Lines of
 * one logger print the same fields line after line, so the reader the parser uses remembers the
 * fields it skipped on the last line and, when the next line starts with the same text, takes up
 * where they ended instead of reading them again. Pure.
 */
import { skipFieldSeparators } from './read-text-stamp.js';

const LEVELS = new Set(['TRACE', 'DEBUG', 'INFO', 'NOTICE', 'WARN', 'WARNING', 'ERROR', 'CRITICAL', 'FATAL', 'EXCEPTION']);

/** Where the message starts, and the level the skipped fields named. */
export interface PrefixFields {
  messageStart: number;
  level: string | null;
}

/**
 * Skips the fields Python's logging and its kin put between the time and the message: the logger
 * name (`app.batch`), the level (`INFO`, `[info]`), process and thread fields (`12345`,
 * `MainThread`, `[Thread-1]`), each followed by ` - `, ` | `, `: ` or blanks. A field is skipped
 * only when it cannot be the start of a sentence: a bare word must be an upper-case level, a
 * dotted or numeric name, or be followed by a field separator.
 */
export function stripPrefixFields(line: string, from: number): { messageStart: number; level: string | null } {
  const state = { at: from, level: null as string | null, fields: 0 };
  skipFields(line, state);
  return { messageStart: state.at, level: state.level };
}

/** Skips fields from `state.at` on, `state` holding the level found so far and the fields skipped. */
function skipFields(line: string, state: { at: number; level: string | null; fields: number }): void {
  let at = state.at;
  let level = state.level;
  let fields = state.fields;
  // On the parser's hot path: a word is cut out of the line and matched only when its first
  // characters allow one of the rules below, so a message's first word costs a few comparisons.
  for (; fields < 6 && at < line.length; fields++) {
    const c = line.charCodeAt(at);
    if (c === 91 || c === 40 || c === 60) {
      const close = line.indexOf(c === 91 ? ']' : c === 40 ? ')' : '>', at + 1);
      if (close < 0 || close - at > 64) break;
      const inside = line.slice(at + 1, close).trim();
      if (level === null && LEVELS.has(inside.toUpperCase())) level = inside.toUpperCase();
      at = skipFieldSeparators(line, close + 1);
      continue;
    }
    let end = at;
    while (end < line.length && line.charCodeAt(end) !== 32 && line.charCodeAt(end) !== 9) end++;
    const colon = end > at && line.charCodeAt(end - 1) === 58;
    const wordEnd = colon ? end - 1 : end;
    const next = skipFieldSeparators(line, end);
    // Followed by " - ", " | " (a field of a formatter), or a lower-case name followed by ":".
    let dashed = false;
    if (!colon) for (let k = end; k < next && !dashed; k++) dashed = line.charCodeAt(k) === 45 || line.charCodeAt(k) === 124;
    const first = line.charCodeAt(at);
    const upper = first >= 65 && first <= 90;
    const lowerName = (first >= 97 && first <= 122) || first === 95;
    const digit = first >= 48 && first <= 57;
    if (!dashed && !(upper && wordEnd - at >= 4 && wordEnd - at <= 9) && !(digit && next > end) && !lowerName) break;
    const word = line.slice(at, wordEnd);
    if (upper && LEVELS.has(word)) {
      level ??= word;
      at = next;
      continue;
    }
    if (digit && next > end && /^\d+$/.test(word)) {
      at = next;
      continue;
    }
    if ((dashed && /^[\w.:<>-]+$/.test(word)) || (colon && lowerName && /^[a-z_][\w.]*$/.test(word)) || (!colon && lowerName && level === null && /^[a-z_]\w*(?:\.\w+)+$/.test(word))) {
      at = next;
      continue;
    }
    break;
  }
  state.at = at;
  state.level = level;
  state.fields = fields;
}

/**
 * A `stripPrefixFields` that remembers the fields of the last line. The state after the skipped
 * fields depends only on their text and on the first character after them (read to end the blanks
 * and to tell a separator), so when a line holds the same text at `from` and neither its nor the
 * remembered line's next character is a separator, reading goes on from there with the same level
 * and count: the answer is the one `stripPrefixFields` gives.
 */
export function createPrefixFieldReader(): (line: string, from: number) => PrefixFields {
  let prefix = '';
  let level: string | null = null;
  let fields = 0;
  const state = { at: 0, level: null as string | null, fields: 0 };
  return (line, from) => {
    const hit = prefix !== '' && line.startsWith(prefix, from) && !isSeparatorOrBlank(line.charCodeAt(from + prefix.length));
    state.at = hit ? from + prefix.length : from;
    state.level = hit ? level : null;
    state.fields = hit ? fields : 0;
    const resumedAt = state.at;
    skipFields(line, state);
    // Remember the fields when they end before the line does, at a character that is no separator.
    if (state.at !== resumedAt || !hit) {
      const usable = state.at > from && state.at < line.length && !isSeparatorOrBlank(line.charCodeAt(state.at));
      prefix = usable ? line.slice(from, state.at) : '';
      level = state.level;
      fields = state.fields;
    }
    return { messageStart: state.at, level: state.level };
  };
}

/** A blank, or a character `skipFieldSeparators` may take as a separator. */
function isSeparatorOrBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 45 || c === 124 || c === 58 || c === 44;
}
