/** Deterministic ULID-shaped ids for the mock's responses. */

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** Every two-digit Crockford string, by value (0..1023): an id takes 13 concatenations, not 26. */
const PAIRS: readonly string[] = Array.from({ length: 1024 }, (_, v) => `${CROCKFORD[v >> 5]}${CROCKFORD[v & 31]}`);

/**
 * A ULID-shaped id (26 characters, Crockford base32) from a clock time in ms and a sequence
 * number: deterministic, and unique within one mock.
 */
export function makeUlid(atMs: number, sequence: number): string {
  return encodeCrockford(Math.max(0, Math.floor(atMs)), 10) + encodeCrockford(sequence, 16);
}

/** `value` in base32, zero-padded to `width` digits (an even number); a wider value keeps all its digits. */
function encodeCrockford(value: number, width: number): string {
  let out = '';
  let v = value;
  if (v >= 32 ** width) {
    for (; v > 0; v = Math.floor(v / 32)) out = CROCKFORD[v % 32] + out;
    return out;
  }
  for (let digits = 0; digits < width; digits += 2) {
    out = (PAIRS[v % 1024] as string) + out;
    v = Math.floor(v / 1024);
  }
  return out;
}
