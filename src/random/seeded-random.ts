/**
 * A seeded, splittable pseudo-random source (sfc32 seeded by a 128-bit string hash). Pure: no
 * global state, no Math.random. `fork(key)` derives a stream from the seed and the key only, so a
 * stream's values never depend on how much of another stream was consumed; the mock forks one
 * stream per request, which keeps a scenario's world identical across the policies compared on it.
 */
import type { Random } from '../ports.js';

/** Creates a Random from a seed (any string or number); the same seed gives the same stream. */
export function createSeededRandom(seed: string | number): Random {
  return createFromPath(String(seed));
}

function createFromPath(path: string): Random {
  return new Sfc32Random(path);
}

/**
 * sfc32 over a state hashed from the stream's path. A class rather than a closure: the mock forks
 * a stream per request, and an instance is one small object where closures would be three.
 */
class Sfc32Random implements Random {
  readonly #path: string;
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(path: string) {
    this.#path = path;
    const state = hashString(path);
    this.#a = state[0];
    this.#b = state[1];
    this.#c = state[2];
    this.#d = state[3];
    // sfc32 needs a few rounds to mix a fresh state.
    for (let i = 0; i < 12; i++) this.next();
  }

  next(): number {
    const a = this.#a | 0;
    const b = this.#b | 0;
    const c = this.#c | 0;
    const d = this.#d | 0;
    const t = (((a + b) | 0) + d) | 0;
    this.#d = (d + 1) | 0;
    this.#a = b ^ (b >>> 9);
    const c2 = (c << 21) | (c >>> 11);
    this.#b = (c + (c << 3)) | 0;
    this.#c = (c2 + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  fork(key: string | number): Random {
    return new Sfc32Random(`${this.#path}/${key}`);
  }
}

/** cyrb128: a fast 128-bit non-cryptographic string hash, as four 32-bit words. */
function hashString(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** A standard normal variate from two uniforms (Box–Muller). */
export function sampleStandardNormal(random: Random): number {
  let u = random.next();
  while (u <= Number.EPSILON) u = random.next();
  const v = random.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** A uniform float in [min, max). */
export function sampleUniform(random: Random, min: number, max: number): number {
  return min + (max - min) * random.next();
}
