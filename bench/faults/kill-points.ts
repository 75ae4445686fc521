/**
 * Where a killed-apply trial kills terraform: at the Nth call the Confluent API double answers that changes
 * something (POST, PUT, PATCH, DELETE), N drawn from a seeded PRNG over the change calls an uninterrupted apply of
 * the same change makes (their number is fixed; the provider's polls vary with the engines' pace). The double kills
 * terraform while it handles that call, so the object is created and its answer lost: the case a CI runner dying
 * mid-apply leaves. One seed replays the same choices (the calls' order varies a little with terraform's
 * parallelism).
 */

/** A call number in 1..calls (calls: an uninterrupted apply's count, at least 1). */
export function killPoint(random: () => number, calls: number): number {
  if (!Number.isInteger(calls) || calls < 1) throw new Error(`no kill point among ${calls} calls`);
  return 1 + Math.floor(random() * calls);
}

/** The seed of trial `index` of a run seeded `seed`: each trial replays alone with its own seed. */
export function trialSeed(seed: number, index: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 2654435761) + index * 0x85ebca6b) >>> 0;
}
