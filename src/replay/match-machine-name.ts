/**
 * Finds which started machine a line names. Names can be prefixes of one another ("xTool S1" and
 * "xTool S1 Pro", "OMTech S1 1" and "OMTech S1 19") and can hold any characters, so a name counts
 * only where it stands at word boundaries, and the longest name that fits wins. Names are indexed
 * by their first word (the leading run of letters and digits), so a lookup costs one probe per
 * word of the line, not one per known name.
 */

/** The names a run has started, for lookups in later lines. */
export interface MachineNameIndex {
  add(name: string): void;
  /** Number of distinct names. */
  readonly size: number;
  /**
   * The longest known name in `text` at word boundaries, or null. `hint` (what a pattern's
   * `machine` group caught) is tried first: exactly, then as the text to search in.
   */
  find(text: string, hint?: string | null): string | null;
}

/** Creates an empty index. */
export function createMachineNameIndex(): MachineNameIndex {
  const byKey = new Map<string, string[]>();
  const all = new Set<string>();
  const add = (name: string) => {
    if (name === '' || all.has(name)) return;
    all.add(name);
    const key = keyOf(name, 0);
    const list = byKey.get(key);
    if (!list) byKey.set(key, [name]);
    else {
      list.push(name);
      list.sort((a, b) => b.length - a.length);
    }
  };
  const search = (text: string): string | null => {
    let best: string | null = null;
    for (let i = 0; i < text.length; i++) {
      if (i > 0 && isWordChar(text.charCodeAt(i - 1)) && isWordChar(text.charCodeAt(i))) continue;
      const list = byKey.get(keyOf(text, i));
      if (!list) continue;
      for (const name of list) {
        if (best !== null && name.length <= best.length) break;
        if (text.startsWith(name, i) && boundaryAfter(text, i + name.length, name)) {
          best = name;
          break;
        }
      }
      // Skip the rest of this word: names start at word starts.
      if (isWordChar(text.charCodeAt(i))) while (i + 1 < text.length && isWordChar(text.charCodeAt(i + 1))) i++;
    }
    return best;
  };
  return {
    add,
    get size() {
      return all.size;
    },
    find(text, hint) {
      if (hint) {
        const trimmed = hint.trim();
        if (all.has(trimmed)) return trimmed;
        const inside = search(trimmed);
        if (inside !== null) return inside;
      }
      return all.size === 0 ? null : search(text);
    },
  };
}

/** The key of a name or of the text at `at`: its leading run of word characters, or its first character. */
function keyOf(text: string, at: number): string {
  let end = at;
  while (end < text.length && isWordChar(text.charCodeAt(end))) end++;
  return end === at ? text.charAt(at) : text.slice(at, end);
}

/** A name ending in a word character must not run on into another word character. */
function boundaryAfter(text: string, end: number, name: string): boolean {
  if (end >= text.length) return true;
  if (!isWordChar(name.charCodeAt(name.length - 1))) return true;
  return !isWordChar(text.charCodeAt(end));
}

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c > 127;
}
