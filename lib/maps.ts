/**
 * The value at `key` of a map built to hold every key the code asks for (one entry per consumer, per topic, per
 * stage). A missing key is a bug in the code that built the map, and is said to be one instead of read as undefined.
 */
export function getOrThrow<K, V>(map: ReadonlyMap<K, V>, key: K): V {
  const value = map.get(key);
  if (value === undefined)
    throw new Error(`no entry for ${String(key)} (keys: ${[...map.keys()].map(String).join(", ")})`);
  return value;
}

/** The value at `key`, made and stored by `make` the first time (a Map or a WeakMap). */
export function getOrInsert<K, V>(
  map: { get(key: K): V | undefined; set(key: K, value: V): unknown },
  key: K,
  make: () => V,
): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}
