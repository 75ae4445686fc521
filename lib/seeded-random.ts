/**
 * Seeded randomness for fault injection and trials: the same seed draws the same numbers, so a failing run
 * replays. mulberry32: small, fast and uniform enough for picking fault and kill points (not for secrets).
 */

/** One step of mulberry32 from a 32-bit state: a uniform number in [0, 1). */
export function mulberry32(state: number): number {
  let t = (state + 0x6d2b79f5) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** A generator of uniform numbers in [0, 1) from a seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    const value = mulberry32(state);
    state = (state + 0x6d2b79f5) >>> 0;
    return value;
  };
}
