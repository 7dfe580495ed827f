/** Deterministic ULID-shaped ids for the mock's responses. */

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A ULID-shaped id (26 characters, Crockford base32) from a clock time in ms and a sequence
 * number: deterministic, and unique within one mock.
 */
export function makeUlid(atMs: number, sequence: number): string {
  return encodeCrockford(Math.max(0, Math.floor(atMs)), 10) + encodeCrockford(sequence, 16);
}

function encodeCrockford(value: number, width: number): string {
  let out = '';
  let v = value;
  while (v > 0) {
    out = CROCKFORD[v % 32] + out;
    v = Math.floor(v / 32);
  }
  return out.padStart(width, '0');
}
