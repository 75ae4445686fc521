/**
 * Confluent's statement limits at synth, the set shape split into sticky shards past the budget, and kept
 * statements left out once Confluent's retention of stopped statements runs out (fixed clock).
 */
import { RoutingStageStack } from "../../constructs/routing-stage-stack";
import { evolveConnector } from "../../lock/connector-lock";
import { stageConnectorName } from "../../connectors/postgres-cdc";
import { ClockError, today } from "../../lock/clock";
import { evolveLock, lockProblems, retiredTopics } from "../../lock/evolution";
import { keptStopped, retentionEnds } from "../../lock/retention";
import { type StageLock } from "../../lock/lock-file";
import { generateSql } from "../../flink-sql/generate";
import { DEFAULT_SHARD_BUDGET, STATEMENT_NAME_MAX, STATEMENT_TEXT_MAX, statementLimitProblems, textBytes } from "../../flink-sql/limits";
import { evolveStage, stagePartitions, stageStatements } from "../../lock/stage-lock";
import { readLock } from "../../lock/lock-file";
import { assignShards } from "../../flink-sql/shards";
import { loadFilters, parseFiltersYaml } from "../../filters/load";
import type { FilterSet } from "../../filters/model";
import { parseStageConfig, type StageConfig } from "../../stages/config";
import { stageConfig } from "../../stages/stages";
import { synthStack } from "../support/stack-helpers";

/** n filters of two conditions, each with its own topic (the shape issue 17 measured). */
function generatedFilters(n: number, extra = ""): FilterSet {
  const filters = Array.from({ length: n }, (_, i) => {
    const id = String(i).padStart(3, "0");
    return `  - name: filter-${id}
    description: Generated filter ${id} for the scale test.
    consumer: consumer-${i % 20}
    outputTopic: consumer-${i % 20}.generated-${id}
    version: 1
    operations: [create, snapshot]
    conditions:
      all:
        - { field: event_type, op: equals, value: Type${id} }
        - { field: "event_data.eventBody.entities[0].entityType", op: equals, value: Entity${id} }
`;
  });
  return parseFiltersYaml(`source:\n  topic: raw-business-events\nfilters:\n${filters.join("")}${extra}`, "generated.yaml");
}

const dev = stageConfig("dev");
/** evolveStage without its CFU check: some of these stages run more shards than dev's pool may. */
const lockFor = (set: FilterSet, stage: StageConfig, previous?: StageLock, date = "2026-11-01"): StageLock => ({
  ...evolveLock(previous, stageStatements(set, stage, previous), stagePartitions(set, stage), stage.name, { today: date }),
  connector: evolveConnector(previous?.connector, stageConnectorName(stage)),
});
const edit = (set: FilterSet, name: string, patch: (f: FilterSet["filters"][number]) => Partial<FilterSet["filters"][number]>): FilterSet => ({
  ...set,
  filters: set.filters.map((f) => (f.name === name ? { ...f, ...patch(f) } : f)),
});
const without = (set: FilterSet, name: string): FilterSet => ({ ...set, filters: set.filters.filter((f) => f.name !== name) });
const names = (lock: StageLock) => lock.running.map((s) => s.name);

describe("Confluent's limits on statement names and text, checked at synth", () => {
  const statement = (name: string, dml = "INSERT INTO t SELECT 1;", filters = ["f"]) => ({ name, dml, filters: filters.map((n) => ({ name: n })) });

  test("a name over 72 characters, or not a lowercase DNS name, names the statement, its filters and the fix", () => {
    const long = `dev-route-${"a".repeat(60)}-v1`;
    expect(long.length).toBeGreaterThan(STATEMENT_NAME_MAX);
    expect(statementLimitProblems([statement(long)], "dev")).toEqual([
      `dev: statement name ${long} (filter f) has ${long.length} characters; Confluent Cloud allows at most 72: shorten the filter name in filters.yaml`,
    ]);
    expect(statementLimitProblems([statement("dev-Route-x-v1"), statement("dev-route-x-")], "dev")).toEqual([
      "dev: statement name dev-Route-x-v1 (filter f) is not lowercase letters, digits and hyphens (a DNS subdomain name); rename the filter or stage",
      "dev: statement name dev-route-x- (filter f) is not lowercase letters, digits and hyphens (a DNS subdomain name); rename the filter or stage",
    ]);
    expect(statementLimitProblems([statement(`dev-route-${"a".repeat(56)}-v1`)], "dev")).toEqual([]); // exactly 72
  });

  test("the text limit counts UTF-8 bytes: 131,072 ASCII characters pass, one more byte (or one 2-byte character) fails", () => {
    const fill = (n: number) => `-- ${"x".repeat(n - 3)}`;
    expect(statementLimitProblems([statement("s", fill(STATEMENT_TEXT_MAX))], "dev")).toEqual([]);
    expect(statementLimitProblems([statement("s", fill(STATEMENT_TEXT_MAX + 1))], "dev")).toEqual([
      "dev: statement s (filter f) is 131073 bytes of SQL; Confluent Cloud allows at most 131072: split filter f into smaller filters (fewer values, shorter conditions)",
    ]);
    expect(statementLimitProblems([statement("s", fill(STATEMENT_TEXT_MAX - 1) + "é")], "dev")).toHaveLength(1);
  });

  test("a filter whose own INSERT is over the limit fails the lock tool and synth, naming the filter; nothing is truncated", () => {
    const values = Array.from({ length: 2500 }, (_, i) => `"value-${String(i).padStart(4, "0")}-${"v".repeat(40)}"`).join(", ");
    const huge = parseFiltersYaml(`source: { topic: raw-business-events }
filters:
  - name: huge
    description: Too many values for one statement.
    outputTopic: filtered-huge-events
    version: 1
    operations: [create]
    conditions:
      all:
        - { field: event_type, op: in, values: [${values}] }
`, "huge.yaml");
    const [s] = stageStatements(huge, dev);
    expect(textBytes(s.dml)).toBeGreaterThan(STATEMENT_TEXT_MAX);
    const message = new RegExp(`^dev: statement dev-routing-set-[0-9a-f]{8} \\(filter huge\\) is ${textBytes(s.dml)} bytes of SQL; Confluent Cloud allows at most 131072: split filter huge into smaller filters`);
    expect(() => lockFor(huge, dev)).toThrow(message);
    const lockedAnyway: StageLock = { running: [{ name: s.name, sql: s.dml, filters: ["huge"], topics: { huge: "filtered-huge-events" } }], stopped: [], partitions: stagePartitions(huge, dev) };
    expect(() => synthStack((app) => new RoutingStageStack(app, { stage: dev, filters: huge, lock: lockedAnyway, today: "2026-11-01" }))).toThrow(message);
  });

  test("more running statements than the compute pool's CFUs fails synth with the setting to raise", () => {
    const perFilter = parseStageConfig({ ...dev, flink: { ...dev.flink, shape: "per-filter" } });
    const six = generatedFilters(6);
    expect(() => evolveStage({}, six, perFilter, { today: "2026-11-01" })).toThrow("dev: 6 statements would run, each taking at least 1 CFU, but the compute pool has at most 5: raise flink.maxCfu in stages/stages.ts (or route fewer filters)");
    const locked = evolveLock(undefined, stageStatements(six, perFilter), stagePartitions(six, perFilter), "dev", { today: "2026-11-01" });
    expect(() => synthStack((app) => new RoutingStageStack(app, { stage: perFilter, filters: six, lock: locked, today: "2026-11-01" }))).toThrow("raise flink.maxCfu");
  });
});

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
    const whole = generateSql(f400, "dev", { dialect: "confluent", shape: "set", shardBudget: { maxSinks: 1000, maxBytes: 10 * STATEMENT_TEXT_MAX } });
    expect(whole.statements).toHaveLength(1);
    expect(textBytes(whole.statements[0].dml)).toBeGreaterThan(STATEMENT_TEXT_MAX);
    expect(lockProblems(v1, stageStatements(f400, dev, v1), stagePartitions(f400, dev), "dev")).toEqual([]);
  });

  test("changing one filter replaces exactly its shard, which carries that shard's offsets over; the other three stay", () => {
    const changed = edit(f400, "filter-250", (f) => ({ version: 2, operations: ["create"] }));
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
    const values = Array.from({ length: 2400 }, (_, i) => `"v${String(i).padStart(4, "0")}-${"x".repeat(40)}"`).join(", ");
    const grown = edit(f400, "filter-150", (f) => ({ version: 2, condition: parseFiltersYaml(`source: { topic: raw-business-events }
filters:
  - { name: filter-150, description: d, outputTopic: t, version: 2, operations: [create], conditions: { all: [{ field: event_type, op: in, values: [${values}] }] } }
`, "g.yaml").filters[0].condition }));
    const v2 = lockFor(grown, dev, v1);
    const old = holding(v1, "filter-150");
    const parts = v2.running.filter((s) => !names(v1).includes(s.name));
    // Packed in file order: filter-100..149, then filter-150 (about 120 KB now) with the next 20, then the rest.
    expect(parts.map((s) => [s.filters[0], s.filters.length])).toEqual([["filter-100", 50], ["filter-150", 21], ["filter-171", 29]]);
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
    const shards = assignShards(f400.filters.map((f) => f.name), [["filter-005", "filter-001"], ["filter-999"]], sizing);
    // The kept pair first joined by the new filters that fit, all in file order; an unknown name is dropped.
    expect(shards).toEqual([0, 1, 2, 3].map((k) => f400.filters.slice(k * 100, k * 100 + 100).map((f) => f.name)));
    expect(assignShards(f400.filters.map((f) => f.name), shards, sizing)).toEqual(shards);
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

describe("stopped statements past Confluent's 30-day retention (fixed clock)", () => {
  const filters = loadFilters("filters/filters.yaml");
  const bumped = edit(filters, "car-created", (f) => ({ version: 2, operations: ["create"] }));
  const v1 = lockFor(filters, dev, undefined, "2026-10-01");
  const v2 = lockFor(bumped, dev, v1, "2026-11-01"); // the lock tool stops v1's set on 2026-11-01
  const stoppedName = v1.running[0].name;
  const synth = (date: string, stage = dev, set = bumped, lock = v2) => {
    let stack: RoutingStageStack | undefined;
    const out = synthStack((app) => (stack = new RoutingStageStack(app, { stage, filters: set, lock, today: date })));
    return { out, notices: stack!.notices };
  };
  const statementNames = (out: Record<string, any>) => Object.values(out.resource.confluent_flink_statement as Record<string, any>).map((s) => s.statement_name).sort();

  test("the lock records the day each statement was stopped; retention ends 29 days later (a day before Confluent's 30)", () => {
    expect(v2.stopped.map((s) => [s.name, s.stoppedOn])).toEqual([[stoppedName, "2026-11-01"]]);
    expect(v2.running[0].stoppedOn).toBeUndefined();
    expect(retentionEnds("2026-11-01")).toBe("2026-11-30");
    expect(retentionEnds("2026-02-20")).toBe("2026-03-21");
    expect(keptStopped(v2, "2026-11-29").kept.map((s) => s.name)).toEqual([stoppedName]);
    expect(keptStopped(v2, "2026-11-30").expired.map((s) => s.name)).toEqual([stoppedName]);
  });

  test("within retention synth keeps it stopped with its import block; once it runs out, it is left out, import block too, and synth says so", () => {
    const within = synth("2026-11-29");
    expect(statementNames(within.out)).toContain(stoppedName);
    expect(within.out.import.map((i: { id: string }) => i.id)).toEqual([stoppedName]);
    expect(within.notices).toEqual([]);

    const past = synth("2026-11-30");
    expect(statementNames(past.out)).toEqual([v2.running[0].name]);
    expect(past.out.import).toBeUndefined();
    expect(past.notices).toEqual([
      `dev: stopped statement ${stoppedName} (stopped 2026-11-01) is left out: Confluent deletes stopped statements 30 days after they stop, so it is dropped from 2026-11-30 on instead of being imported or re-created`,
    ]);
    // The date is the only input that changed: same date, same bytes.
    expect(JSON.stringify(synth("2026-12-15").out)).toBe(JSON.stringify(past.out));
  });

  test("prod keeps a removed filter's topic declared even after its stopped statement has been left out", () => {
    const prod = stageConfig("prod");
    const removed = without(filters, "car-created");
    const lock = lockFor(removed, prod, lockFor(filters, prod, undefined, "2026-10-01"), "2026-11-01");
    const { out, notices } = synth("2027-01-01", prod, removed, lock);
    expect(notices).toHaveLength(1);
    expect(Object.values(out.resource.confluent_kafka_topic as Record<string, any>).map((t) => t.topic_name)).toContain("filtered-car-created-events");
    expect([...retiredTopics(lock)]).toEqual([["car-created", "filtered-car-created-events"]]);
  });

  test("the lock tool drops a stopped statement past retention, and dates one recorded without a date", () => {
    expect(lockFor(bumped, dev, v2, "2026-11-29").stopped.map((s) => s.name)).toEqual([stoppedName]);
    expect(lockFor(bumped, dev, v2, "2026-11-30").stopped).toEqual([]);
    const undated: StageLock = { ...v2, stopped: v2.stopped.map(({ stoppedOn: _d, ...s }) => s) };
    expect(lockProblems(undated, stageStatements(bumped, dev, undated), stagePartitions(bumped, dev), "dev")).toEqual([
      `dev: lock/statements.lock.json does not record when ${stoppedName} stopped; run \`npm run statements:lock\` and commit the result`,
    ]);
    expect(lockFor(bumped, dev, undated, "2026-11-20").stopped.map((s) => s.stoppedOn)).toEqual(["2026-11-20"]);
  });

  test("a change applied long after it was locked: --restart-retention dates its stopped statements the day of the apply", () => {
    const restarted = evolveLock(v2, stageStatements(bumped, dev, v2), stagePartitions(bumped, dev), "dev", { today: "2026-12-20", restartRetention: true });
    expect(restarted.stopped.map((s) => [s.name, s.stoppedOn])).toEqual([[stoppedName, "2026-12-20"]]);
    expect(restarted.running).toEqual(v2.running);
  });

  test("the clock: CDC_ROUTING_NOW as a date or an ISO time (UTC), else the real date; anything else is refused by name", () => {
    expect(today({ CDC_ROUTING_NOW: "2026-11-30" })).toBe("2026-11-30");
    expect(today({ CDC_ROUTING_NOW: "2026-11-30T23:30:00-02:00" })).toBe("2026-12-01");
    expect(today({}, () => new Date("2027-01-02T03:04:05Z"))).toBe("2027-01-02");
    expect(() => today({ CDC_ROUTING_NOW: "30.11.2026" })).toThrow(ClockError);
    expect(() => today({ CDC_ROUTING_NOW: "2026-13-45" })).toThrow("CDC_ROUTING_NOW=2026-13-45 is not a date; use YYYY-MM-DD (UTC)");
  });
});
