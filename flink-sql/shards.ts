/**
 * Which filters share one EXECUTE STATEMENT SET (a shard), when a stage's set would exceed the budget in
 * flink-sql/limits.ts. Pure and deterministic.
 *
 * Assignment is sticky, recorded in the lock file: each running set statement lists its filters, and the next
 * assignment starts from those lists. So a filter never moves between shards on its own, and a change touches
 * only the shard that holds it:
 * - a changed filter stays in its shard (that one shard is replaced, carrying its offsets over);
 * - a removed filter leaves its shard (that shard is replaced; an emptied shard is stopped);
 * - a new filter joins the first shard it fits in (that shard is replaced), else opens a new shard;
 * - a shard that no longer fits (a filter grew) is split in file order; every part carries the old shard's
 *   offsets over, because every filter in it was routed by that shard.
 * Shards are never merged: a merged shard would need the offsets of two predecessors, and a statement can carry
 * over from one (`sql.tables.initial-offset-from` names one statement).
 *
 * A hash bucket per filter with a fixed shard count was the alternative: also one shard per change, but its
 * count must be chosen up front, buckets fill unevenly, and changing the count moves every filter at once.
 * Within a shard, filters keep their order in filters.yaml, so a stage of one shard is exactly the former set.
 */

import { getOrThrow } from "../lib/maps";
import type { ShardBudget } from "./limits";

/** Filter names per shard, in shard order. */
export type ShardAssignment = string[][];

/** Bytes of `EXECUTE STATEMENT SET ... END;` around the inserts, and between two inserts. */
export const SET_PREFIX = "EXECUTE STATEMENT SET\nBEGIN\n\n";
export const SET_SUFFIX = "\n\nEND;";
export const INSERT_SEPARATOR = "\n\n";

export function setText(inserts: readonly string[]): string {
  return SET_PREFIX + inserts.join(INSERT_SEPARATOR) + SET_SUFFIX;
}

interface Sizing {
  /** UTF-8 bytes of each filter's INSERT (with its semicolon), by filter name. */
  insertBytes: ReadonlyMap<string, number>;
  budget: ShardBudget;
}

const OVERHEAD = Buffer.byteLength(SET_PREFIX + SET_SUFFIX, "utf8");

function shardBytes(names: readonly string[], sizing: Sizing): number {
  return (
    OVERHEAD +
    names.reduce((sum, n) => sum + (sizing.insertBytes.get(n) ?? 0), 0) +
    INSERT_SEPARATOR.length * Math.max(0, names.length - 1)
  );
}

function fits(names: readonly string[], sizing: Sizing): boolean {
  return names.length <= sizing.budget.maxSinks && shardBytes(names, sizing) <= sizing.budget.maxBytes;
}

/** Consecutive runs that each fit; a filter too large on its own still gets a shard (the limit check names it). */
function pack(names: readonly string[], sizing: Sizing): ShardAssignment {
  const shards: ShardAssignment = [];
  for (const name of names) {
    const last = shards[shards.length - 1];
    if (last && fits([...last, name], sizing)) last.push(name);
    else shards.push([name]);
  }
  return shards;
}

/**
 * The shards for `filters` (names in filters.yaml order) given the previous assignment (from the lock; empty for
 * a first lock). Idempotent: the result given as `previous` yields itself.
 */
export function assignShards(
  filters: readonly string[],
  previous: readonly (readonly string[])[],
  sizing: Sizing,
): ShardAssignment {
  const position = new Map(filters.map((name, i) => [name, i]));
  const inFileOrder = (names: readonly string[]): string[] =>
    names.filter((n) => position.has(n)).sort((a, b) => getOrThrow(position, a) - getOrThrow(position, b));
  // A filter listed twice (a hand-edited lock) stays in its first shard.
  const seen = new Set<string>();
  const kept = previous
    .map((s) => inFileOrder(s).filter((n) => !seen.has(n) && seen.add(n)))
    .filter((s) => s.length > 0);
  const shards = kept.flatMap((s) => (fits(s, sizing) ? [s] : pack(s, sizing)));
  const placed = new Set(shards.flat());
  for (const name of filters) {
    if (placed.has(name)) continue;
    const index = shards.findIndex((s) => fits([...s, name], sizing));
    if (index >= 0) shards[index] = inFileOrder([...shards[index], name]);
    else shards.push([name]);
  }
  return shards;
}
