/** The set shape split into sticky shards past the budget (flink-sql/shards.ts), as the lock records them. */

import { loadFilters, parseFiltersYaml } from "../../filters/load";
import { generateSql } from "../../flink-sql/generate";
import { DEFAULT_SHARD_BUDGET, STATEMENT_TEXT_MAX, textBytes } from "../../flink-sql/limits";
import { assignShards } from "../../flink-sql/shards";
import { lockProblems } from "../../lock/evolution";
import { readLock, type StageLock } from "../../lock/lock-file";
import { stagePartitions, stageStatements } from "../../lock/stage-lock";
import { stageConfig } from "../../stages/stages";
import { edit, generatedFilters, lockFor, without } from "../support/statement-locks";

const dev = stageConfig("dev");
const names = (lock: StageLock) => lock.running.map((s) => s.name);

describe("the set shape split into sticky shards (400 filters)", () => {
  const f400 = generatedFilters(400);
  const v1 = lockFor(f400, dev);
  const holding = (lock: StageLock, filter: string) => lock.running.find((s) => s.filters.includes(filter))!;

  test("400 filters: 4 shards of 100 in file order, each within the text limit, every filter in exactly one", () => {
    expect(v1.running.map((s) => s.filters.length)).toEqual([100, 100, 100, 100]);
    expect(v1.running.flatMap((s) => s.filters)).toEqual(f400.filters.map((f) => f.name));
    for (const s of v1.running) {
      expect(s.name).toMatch(/^dev-routing-set-[0-9a-f]{8}$/);
      expect(s.sql.startsWith("EXECUTE STATEMENT SET\nBEGIN\n\n-- filter ")).toBe(true);
      expect(textBytes(s.sql)).toBeLessThanOrEqual(STATEMENT_TEXT_MAX);
      expect(s.carriedOverFrom).toBeUndefined();
    }
    // One unsharded set would be over the limit: the split is needed, not decorative.
    const whole = generateSql(f400, "dev", {
      dialect: "confluent",
      shape: "set",
      shardBudget: { maxSinks: 1000, maxBytes: 10 * STATEMENT_TEXT_MAX },
    });
    expect(whole.statements).toHaveLength(1);
    expect(textBytes(whole.statements[0].dml)).toBeGreaterThan(STATEMENT_TEXT_MAX);
    expect(lockProblems(v1, stageStatements(f400, dev, v1), stagePartitions(f400, dev), "dev")).toEqual([]);
  });

  test("changing one filter replaces exactly its shard, which carries that shard's offsets over; the other three stay", () => {
    const changed = edit(f400, "filter-250", () => ({ version: 2, operations: ["create"] }));
    const v2 = lockFor(changed, dev, v1);
    const before = holding(v1, "filter-250");
    const after = holding(v2, "filter-250");
    expect(names(v2).filter((n) => !names(v1).includes(n))).toEqual([after.name]);
    expect(after).toMatchObject({ carriedOverFrom: before.name, filters: before.filters });
    expect(v2.stopped.map((s) => [s.name, s.stoppedOn])).toEqual([[before.name, "2026-11-01"]]);
    expect(v2.running.filter((s) => s !== after)).toEqual(v1.running.filter((s) => s !== before));
    expect(lockProblems(v2, stageStatements(changed, dev, v2), stagePartitions(changed, dev), "dev")).toEqual([]);
  });

  test("removing one filter replaces exactly its shard; adding one then fills that gap (one shard again)", () => {
    const removed = without(f400, "filter-120");
    const v2 = lockFor(removed, dev, v1);
    const gap = holding(v2, "filter-121");
    expect(names(v2).filter((n) => !names(v1).includes(n))).toEqual([gap.name]);
    expect(gap).toMatchObject({ carriedOverFrom: holding(v1, "filter-120").name });
    expect(gap.filters).toHaveLength(99);

    const added = generatedFilters(401).filters.find((f) => f.name === "filter-400")!;
    const withNew = { ...removed, filters: [...removed.filters, added] };
    const v3 = lockFor(withNew, dev, v2);
    expect(names(v3).filter((n) => !names(v2).includes(n))).toEqual([holding(v3, "filter-400").name]);
    expect(holding(v3, "filter-400")).toMatchObject({ carriedOverFrom: gap.name });
    expect(holding(v3, "filter-400").filters.slice(-2)).toEqual(["filter-199", "filter-400"]); // file order within the shard
  });

  test("adding one to full shards opens a fifth shard and replaces none (the new filter starts at the earliest offset)", () => {
    const v2 = lockFor(generatedFilters(401), dev, v1);
    expect(v2.running.slice(0, 4)).toEqual(v1.running);
    expect(v2.running[4]).toMatchObject({ filters: ["filter-400"] });
    expect(v2.running[4].carriedOverFrom).toBeUndefined();
    expect(v2.stopped).toEqual([]);
  });

  test("a shard that grows past the text limit splits into consecutive parts that fit, all carrying its offsets over; no other shard changes", () => {
    const values = Array.from({ length: 2400 }, (_, i) => `"v${String(i).padStart(4, "0")}-${"x".repeat(40)}"`).join(
      ", ",
    );
    const grown = edit(f400, "filter-150", () => ({
      version: 2,
      condition: parseFiltersYaml(
        `source: { topic: raw-business-events }
filters:
  - { name: filter-150, description: d, outputTopic: t, version: 2, operations: [create], conditions: { all: [{ field: event_type, op: in, values: [${values}] }] } }
`,
        "g.yaml",
      ).filters[0].condition,
    }));
    const v2 = lockFor(grown, dev, v1);
    const old = holding(v1, "filter-150");
    const parts = v2.running.filter((s) => !names(v1).includes(s.name));
    // Packed in file order: filter-100..149, then filter-150 (about 120 KB now) with the next 20, then the rest.
    expect(parts.map((s) => [s.filters[0], s.filters.length])).toEqual([
      ["filter-100", 50],
      ["filter-150", 21],
      ["filter-171", 29],
    ]);
    expect(parts.flatMap((s) => s.filters)).toEqual(old.filters);
    for (const p of parts) {
      expect(p.carriedOverFrom).toBe(old.name);
      expect(textBytes(p.sql)).toBeLessThanOrEqual(STATEMENT_TEXT_MAX);
    }
    expect(v2.stopped.map((s) => s.name)).toEqual([old.name]);
    expect(v2.running.filter((s) => !parts.includes(s))).toEqual(v1.running.filter((s) => s !== old));
  });

  test("assignment is deterministic and idempotent: the same inputs give the same lock, and a current lock assigns itself", () => {
    expect(lockFor(generatedFilters(400), dev)).toEqual(v1);
    expect(lockFor(f400, dev, v1)).toEqual(v1);
    const sizing = { insertBytes: new Map(f400.filters.map((f) => [f.name, 300])), budget: DEFAULT_SHARD_BUDGET };
    const shards = assignShards(
      f400.filters.map((f) => f.name),
      [["filter-005", "filter-001"], ["filter-999"]],
      sizing,
    );
    // The kept pair first joined by the new filters that fit, all in file order; an unknown name is dropped.
    expect(shards).toEqual([0, 1, 2, 3].map((k) => f400.filters.slice(k * 100, k * 100 + 100).map((f) => f.name)));
    expect(
      assignShards(
        f400.filters.map((f) => f.name),
        shards,
        sizing,
      ),
    ).toEqual(shards);
  });

  test("the deployed 4-filter stages stay one set with the committed names and SQL (no lock churn)", () => {
    const filters = loadFilters("filters/filters.yaml");
    const lock = readLock();
    for (const name of ["dev", "staging", "prod"] as const) {
      const stage = stageConfig(name);
      const generated = stageStatements(filters, stage, lock[name]);
      expect(generated.map((g) => [g.name, g.dml])).toEqual(lock[name].running.map((s) => [s.name, s.sql]));
      expect(stageStatements(filters, stage).map((g) => g.name)).toEqual([`${name}-routing-set-697589fe`]); // without a lock too
    }
  });
});
