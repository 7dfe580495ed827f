/**
 * Finds which started machine a line names. Names can be prefixes of one another ("xTool S1" and
 * "xTool S1 Pro", "OMTech S1 1" and "OMTech S1 19") and can hold any characters, so a name counts
 * only where it stands at word boundaries, and the longest name that fits wins. A lookup tries
 * only the places where a known name's first word stands, and there only the lengths some name
 * has, each a probe of a hash set: its cost follows the line, not the number of names.
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
  const all = new Set<string>();
  const firstWords = new Set<string>();
  const lengths = new Set<number>();
  let maxLength = 0;
  const add = (name: string) => {
    if (name === '' || all.has(name)) return;
    all.add(name);
    firstWords.add(keyOf(name, 0));
    lengths.add(name.length);
    if (name.length > maxLength) maxLength = name.length;
  };
  const search = (text: string): string | null => {
    let best: string | null = null;
    for (let i = 0; i < text.length; i++) {
      if (i > 0 && isWordChar(text.charCodeAt(i - 1)) && isWordChar(text.charCodeAt(i))) continue;
      const key = keyOf(text, i);
      if (firstWords.has(key)) {
        // Longest first: the first name found here is the longest one starting here.
        const top = Math.min(text.length, i + maxLength);
        for (let end = top; end >= i + key.length && (best === null || end - i > best.length); end--) {
          if (!lengths.has(end - i)) continue;
          const candidate = text.slice(i, end);
          if (all.has(candidate) && boundaryAfter(text, end, candidate)) {
            best = candidate;
            break;
          }
        }
      }
      // Names start at word starts: skip the rest of this word.
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
