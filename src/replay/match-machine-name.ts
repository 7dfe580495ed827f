/**
 * Finds which started machine a line names. Names can be prefixes of one another ("xTool S1" and
 * "xTool S1 Pro", "OMTech S1 1" and "OMTech S1 19") and can hold any characters, so a name counts
 * only where it stands at word boundaries, and the longest name that fits wins. A lookup tries
 * only the places where a known name's first word stands, and there only the lengths some name
 * has that end at a word boundary, each a probe of a hash table with a hash rolled along the line
 * (no substring is cut until a name is found): its cost follows the line, not the number of names.
 */

/** The names a run has started, for lookups in later lines. */
export interface MachineNameIndex {
  /** Adds `name` (a no-op for an empty or known name); returns the index's own copy of it. */
  add(name: string): string;
  /** Number of distinct names. */
  readonly size: number;
  /**
   * The longest known name in `text` at word boundaries, or null. `hint` (what a pattern's
   * `machine` group caught) is tried first: exactly, then as the text to search in. The name
   * returned is the index's own copy (it does not keep `text` alive).
   */
  find(text: string, hint?: string | null): string | null;
}

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;
/** 30 bits: hash keys stay small integers in V8's maps. */
const HASH_MASK = 0x3fffffff;
/** The filter's largest size: 2^23 bits (1 MiB), about 8 bits a name up to a million names. */
const MAX_FILTER_MASK = (1 << 23) - 1;

/**
 * Creates an empty index. `hashMask` narrows the hash (tests set 0 so that every name collides);
 * the answers do not depend on it, only the speed does.
 */
export function createMachineNameIndex(options: { hashMask?: number } = {}): MachineNameIndex {
  const mask = options.hashMask ?? HASH_MASK;
  const names: string[] = [];
  // Open addressing in one typed array (a hash, then the name's position + 1, per slot), half
  // full at most: a probe costs one memory access where a Map of a million names costs several.
  let table = new Int32Array(2 * 1024);
  let slots = 1024;
  // A bit per hash: most probes of a line are for no name, and a bit is cheaper still.
  let filter = new Uint32Array(1 << 11);
  let filterMask = (1 << 16) - 1;
  // The hashes of the names' keys (their first word, or first character), a bit each: a false
  // hit only costs a look along the line. Grown to keep about 8 bits per key set.
  let keys = new Uint32Array(1 << 6);
  let keysMask = (1 << 11) - 1;
  let keysSet = 0;
  let lengths = new Uint8Array(64);
  /** Which characters (below 128) end some name; `endsHigh`: some name ends above 127. */
  const endsWith = new Uint8Array(128);
  let endsHigh = false;
  let maxLength = 0;
  /** Candidate lengths and hashes at one place of a line, shortest first. */
  let candidates = new Int32Array(128);

  const setBit = (hash: number) => {
    const bit = hash & filterMask;
    filter[bit >>> 5] = (filter[bit >>> 5] as number) | (1 << (bit & 31));
  };
  const place = (hash: number, position: number) => {
    let slot = hash & (slots - 1);
    while (table[2 * slot + 1] !== 0) slot = (slot + 1) & (slots - 1);
    table[2 * slot] = hash;
    table[2 * slot + 1] = position + 1;
  };
  const lookup = (hash: number, text: string, at: number, length: number): string | null => {
    const bit = hash & filterMask;
    if (((filter[bit >>> 5] as number) & (1 << (bit & 31))) === 0) return null;
    for (let slot = hash & (slots - 1); ; slot = (slot + 1) & (slots - 1)) {
      const position = table[2 * slot + 1] as number;
      if (position === 0) return null;
      if (table[2 * slot] !== hash) continue;
      const name = names[position - 1] as string;
      if (name.length === length && text.startsWith(name, at)) return name;
    }
  };
  const hashOf = (text: string): number => {
    let hash = FNV_OFFSET;
    for (let k = 0; k < text.length; k++) hash = step(hash, text.charCodeAt(k));
    return hash & mask;
  };
  /** Sets the key bit of `hash`; whether it was clear. */
  const setKeyBit = (hash: number): boolean => {
    const bit = hash & keysMask;
    const word = keys[bit >>> 5] as number;
    if ((word & (1 << (bit & 31))) !== 0) return false;
    keys[bit >>> 5] = word | (1 << (bit & 31));
    return true;
  };
  const hasKey = (hash: number): boolean => {
    const bit = hash & keysMask;
    return ((keys[bit >>> 5] as number) & (1 << (bit & 31))) !== 0;
  };
  /** The hash of a name's key: its leading run of word characters, or its first character when there is none. */
  const keyHashOf = (name: string): number => {
    let hash = FNV_OFFSET;
    let k = 0;
    while (k < name.length && isWordChar(name.charCodeAt(k))) hash = step(hash, name.charCodeAt(k++));
    if (k === 0) hash = step(hash, name.charCodeAt(0));
    return hash & mask;
  };
  const add = (raw: string): string => {
    if (raw === '') return raw;
    let hash = FNV_OFFSET;
    let keyHash = -1;
    for (let k = 0; k < raw.length; k++) {
      const c = raw.charCodeAt(k);
      // The key is the leading run of word characters, or the first character when there is none.
      if (keyHash === -1 && !isWordChar(c)) keyHash = (k === 0 ? step(hash, c) : hash) & mask;
      hash = step(hash, c);
    }
    hash &= mask;
    if (keyHash === -1) keyHash = hash;
    const known = lookup(hash, raw, 0, raw.length);
    if (known !== null) return known;
    const name = detach(raw);
    names.push(name);
    if (2 * names.length > slots) {
      slots *= 2;
      const old = table;
      table = new Int32Array(2 * slots);
      for (let k = 1; k < old.length; k += 2) if (old[k] !== 0) place(old[k - 1] as number, (old[k] as number) - 1);
    }
    place(hash, names.length - 1);
    if (names.length * 8 > filterMask + 1 && filterMask < MAX_FILTER_MASK) {
      filterMask = filterMask * 2 + 1;
      filter = new Uint32Array((filterMask + 1) >>> 5);
      for (let k = 0; k < table.length; k += 2) if (table[k + 1] !== 0) setBit(table[k] as number);
    }
    setBit(hash);
    if (setKeyBit(keyHash) && ++keysSet * 8 > keysMask + 1 && keysMask < MAX_FILTER_MASK) {
      keysMask = keysMask * 2 + 1;
      keys = new Uint32Array((keysMask + 1) >>> 5);
      keysSet = 0;
      for (const known of names) if (setKeyBit(keyHashOf(known))) keysSet++;
    }
    if (name.length >= lengths.length) {
      const grown = new Uint8Array(Math.max(lengths.length * 2, name.length + 1));
      grown.set(lengths);
      lengths = grown;
    }
    lengths[name.length] = 1;
    const last = name.charCodeAt(name.length - 1);
    if (last < 128) endsWith[last] = 1;
    else endsHigh = true;
    if (name.length > maxLength) maxLength = name.length;
    if (2 * maxLength > candidates.length) candidates = new Int32Array(4 * maxLength);
    return name;
  };
  /** The longest name that starts at `i` of `text`, whose key hashes to `keyHash` and ends at `keyEnd`, longer than `longerThan`. */
  const longestAt = (text: string, i: number, keyEnd: number, keyHash: number, longerThan: number): string | null => {
    const top = Math.min(text.length, i + maxLength);
    let count = 0;
    let hash = keyHash;
    for (let end = keyEnd; ; end++) {
      const length = end - i;
      if (lengths[length] === 1 && length > longerThan) {
        const last = text.charCodeAt(end - 1);
        if ((last < 128 ? endsWith[last] === 1 : endsHigh) && boundaryAfter(text, end)) {
          candidates[2 * count] = length;
          candidates[2 * count + 1] = hash & mask;
          count++;
        }
      }
      if (end >= top) break;
      hash = step(hash, text.charCodeAt(end));
    }
    for (let k = count - 1; k >= 0; k--) {
      const found = lookup(candidates[2 * k + 1] as number, text, i, candidates[2 * k] as number);
      if (found !== null) return found;
    }
    return null;
  };
  const search = (text: string): string | null => {
    let best: string | null = null;
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const word = isWordChar(text.charCodeAt(i));
      if (i > 0 && word && isWordChar(text.charCodeAt(i - 1))) continue;
      let hash = FNV_OFFSET;
      let end = i;
      while (end < n && isWordChar(text.charCodeAt(end))) hash = step(hash, text.charCodeAt(end++));
      if (end === i) hash = step(hash, text.charCodeAt(end++));
      if (hasKey(hash & mask)) {
        // Every name starting here is at least as long as its key; the longest that fits wins.
        const found = longestAt(text, i, end, hash, best === null ? 0 : best.length);
        if (found !== null) best = found;
      }
      // Names start at word starts: skip the rest of this word (the key's run of word characters).
      if (word) i = end - 1;
    }
    return best;
  };
  return {
    add,
    get size() {
      return names.length;
    },
    find(text, hint) {
      if (names.length === 0) return null;
      if (hint) {
        const trimmed = hint.trim();
        if (trimmed !== '') {
          const exact = lookup(hashOf(trimmed), trimmed, 0, trimmed.length);
          if (exact !== null) return exact;
        }
        const inside = search(trimmed);
        if (inside !== null) return inside;
      }
      return search(text);
    },
  };
}

/** One step of 32-bit FNV-1a over a UTF-16 code unit. */
function step(hash: number, c: number): number {
  return Math.imul(hash ^ c, FNV_PRIME);
}

/** A candidate ending in a word character must not run on into another word character. */
function boundaryAfter(text: string, end: number): boolean {
  if (end >= text.length) return true;
  if (!isWordChar(text.charCodeAt(end - 1))) return true;
  return !isWordChar(text.charCodeAt(end));
}

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c > 127;
}

/**
 * A copy of `s` that does not share the memory of the string it was cut from: V8 keeps a
 * substring as a view into its parent (here a line, itself a view into a megabyte of the file),
 * so a name kept for the whole run would keep every chunk of the file alive.
 */
export function detach(s: string): string {
  return s.length < 13 ? s : (` ${s}`).slice(1);
}
