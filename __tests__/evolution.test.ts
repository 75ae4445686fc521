/** Statement evolution (lock file, carry-over, stopped statements) and the synth-time guards. */
import { synthStack } from "./stack-helpers";
import { RoutingStageStack } from "../constructs/routing-stage-stack";
import { loadFilters } from "../filters/load";
import type { FilterSet } from "../filters/model";
import { CARRY_OVER_PROPERTY, EvolutionError, evolveLock, lockProblems, retiredTopics, type StageLock } from "../flink-sql/evolution";
import { stagePartitions, stageStatements } from "../flink-sql/lock-file";
import { parseStageConfig, type StageConfig } from "../stages/config";
import { stageConfig } from "../stages/stages";

const filters = loadFilters("filters/filters.yaml");
const perFilter = (name: "dev" | "prod"): StageConfig => parseStageConfig({ ...stageConfig(name), flink: { ...stageConfig(name).flink, shape: "per-filter" } });
const bump = (set: FilterSet, name: string): FilterSet => ({ ...set, filters: set.filters.map((f) => (f.name === name ? { ...f, version: f.version + 1, operations: ["create" as const] } : f)) });
const without = (set: FilterSet, name: string): FilterSet => ({ ...set, filters: set.filters.filter((f) => f.name !== name) });
const lockFor = (set: FilterSet, stage: StageConfig, previous?: StageLock, cleanup = false) =>
  evolveLock(previous, stageStatements(set, stage), stagePartitions(set, stage), stage.name, { cleanup });

describe("lock evolution", () => {
  const dev = perFilter("dev");
  const v1 = lockFor(filters, dev);

  test("first lock: every statement running, nothing carried over or stopped", () => {
    expect(v1.running.map((s) => [s.name, s.carriedOverFrom])).toEqual(filters.filters.map((f) => [`dev-route-${f.name}-v1`, undefined]));
    expect(v1.stopped).toEqual([]);
  });

  test("a version bump: the new statement carries the old one's offsets over, the old one is kept stopped", () => {
    const v2 = lockFor(bump(filters, "loan-created"), dev, v1);
    expect(v2.running.find((s) => s.filters.includes("loan-created"))).toMatchObject({ name: "dev-route-loan-created-v2", carriedOverFrom: "dev-route-loan-created-v1" });
    expect(v2.stopped.map((s) => s.name)).toEqual(["dev-route-loan-created-v1"]);
    expect(v2.stopped[0].sql).toBe(v1.running[0].sql); // kept with its exact SQL, so it is not replaced
    // The next change drops the stopped one; an explicit cleanup too.
    const v3 = lockFor(bump(bump(filters, "loan-created"), "car-created"), dev, v2);
    expect(v3.stopped.map((s) => s.name)).toEqual(["dev-route-car-created-v1"]);
    expect(lockFor(bump(filters, "loan-created"), dev, v2, true).stopped).toEqual([]);
    // Running statements keep their carry-over property for life.
    expect(v3.running.find((s) => s.name === "dev-route-loan-created-v2")?.carriedOverFrom).toBe("dev-route-loan-created-v1");
  });

  test("set shape: any change is a new set statement starting from the old set's offsets", () => {
    const set = stageConfig("dev");
    const before = lockFor(filters, set);
    const after = lockFor(bump(filters, "car-created"), set, before);
    expect(after.running[0].carriedOverFrom).toBe(before.running[0].name);
    expect(after.stopped.map((s) => s.name)).toEqual([before.running[0].name]);
  });

  test("a removed filter: its statement is stopped and its topic counted as retired", () => {
    const removed = lockFor(without(filters, "car-created"), dev, v1);
    expect(removed.stopped.map((s) => s.name)).toEqual(["dev-route-car-created-v1"]);
    expect([...retiredTopics(removed)]).toEqual([["car-created", "filtered-car-created-events"]]);
  });

  test("guards: a change without a version bump, and a partition decrease", () => {
    const changedSameVersion = { ...filters, filters: filters.filters.map((f) => (f.name === "loan-created" ? { ...f, operations: ["create" as const] } : f)) };
    expect(() => lockFor(changedSameVersion, dev, v1)).toThrow(
      "dev: statement dev-route-loan-created-v1 would get new SQL under the same name (filter loan-created changed without a version bump); bump its version in filters.yaml",
    );
    const fewer = parseStageConfig({ ...dev, topics: { ...dev.topics, raw: { ...dev.topics.raw, partitions: 2 } } });
    expect(() => lockFor(filters, fewer, v1)).toThrow(EvolutionError);
    expect(() => lockFor(filters, fewer, v1)).toThrow("dev: topic raw-business-events would go from 3 to 2 partitions; Kafka cannot remove partitions (create a new topic instead)");
  });

  test("synth refuses a stale lock and says what to run", () => {
    expect(lockProblems(v1, stageStatements(bump(filters, "loan-created"), dev), stagePartitions(filters, dev), "dev")).toEqual([
      expect.stringContaining("dev: flink-sql/statements.lock.json is out of date"),
    ]);
    expect(lockProblems(v1, stageStatements(filters, dev), stagePartitions(filters, dev), "dev")).toEqual([]);
  });
});

function synth(stage: StageConfig, set: FilterSet, lock: StageLock | undefined): Record<string, any> {
  return synthStack((app) => new RoutingStageStack(app, { stage, filters: set, lock }));
}

describe("the stack after a version bump", () => {
  const dev = perFilter("dev");
  const bumped = bump(filters, "loan-created");
  const lock = lockFor(bumped, dev, lockFor(filters, dev));
  const statements = synth(dev, bumped, lock).resource.confluent_flink_statement as Record<string, any>;

  test("holds the stopped old statement and the new one starting from its offsets", () => {
    const pair = Object.values(statements)
      .filter((s) => s.statement_name.startsWith("dev-route-loan-created"))
      .map((s) => ({ statement_name: s.statement_name, stopped: s.stopped, properties: s.properties, statement: s.statement }))
      .sort((a, b) => a.statement_name.localeCompare(b.statement_name));
    expect(pair.map((s) => [s.statement_name, s.stopped, s.properties[CARRY_OVER_PROPERTY]])).toEqual([
      ["dev-route-loan-created-v1", true, undefined],
      ["dev-route-loan-created-v2", false, "dev-route-loan-created-v1"],
    ]);
    expect(pair).toMatchSnapshot();
  });

  test("a stage with no filters deployed and no lock entry synthesizes without statements", () => {
    const none = { ...filters, filters: filters.filters.map((f) => ({ ...f, stages: ["prod"] })) };
    const out = synth(dev, none, undefined);
    expect(out.resource.confluent_flink_statement).toBeUndefined();
  });

  test("a stale lock fails synth with the command to run", () => {
    expect(() => synth(dev, bumped, lockFor(filters, dev))).toThrow("run `npm run statements:lock`");
  });

  test("prod keeps a removed filter's topic declared (prevent_destroy), under its old resource id", () => {
    const prod = perFilter("prod");
    const removed = without(filters, "car-created");
    const out = synth(prod, removed, lockFor(removed, prod, lockFor(filters, prod)));
    const topics = Object.entries(out.resource.confluent_kafka_topic as Record<string, any>).filter(([, t]) => t.topic_name === "filtered-car-created-events");
    expect(topics).toHaveLength(1);
    expect(topics[0][0]).toMatch(/topic-car-created/);
    expect(topics[0][1].lifecycle).toEqual({ prevent_destroy: true });
  });
});
