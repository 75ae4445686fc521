/** Statement evolution (lock file, carry-over, stopped statements) and the synth-time guards. */

import { readFileSync } from "node:fs";
import { RoutingStageStack } from "../../constructs/routing-stage-stack";
import { loadFilters, parseFiltersYaml } from "../../filters/load";
import type { FilterSet } from "../../filters/model";
import { CARRY_OVER_PROPERTY, lockProblems, retiredTopics, StageRefusal } from "../../lock/evolution";
import type { StageLock } from "../../lock/lock-file";
import { evolveStage, stagePartitions, stageStatements } from "../../lock/stage-lock";
import { parseStageConfig, type StageConfig } from "../../stages/config";
import { stageConfig } from "../../stages/stages";
import { synthStack } from "../support/stack-helpers";

const filters = loadFilters("filters/filters.yaml");
const perFilter = (name: "dev" | "prod"): StageConfig =>
  parseStageConfig({ ...stageConfig(name), flink: { ...stageConfig(name).flink, shape: "per-filter" } });
const bump = (set: FilterSet, name: string): FilterSet => ({
  ...set,
  filters: set.filters.map((f) =>
    f.name === name ? { ...f, version: f.version + 1, operations: ["create" as const] } : f,
  ),
});
const without = (set: FilterSet, name: string): FilterSet => ({
  ...set,
  filters: set.filters.filter((f) => f.name !== name),
});
const lockFor = (set: FilterSet, stage: StageConfig, previous?: StageLock, cleanup = false) =>
  evolveStage(previous ? { [stage.name]: previous } : {}, set, stage, { cleanup });

describe("lock evolution", () => {
  const dev = perFilter("dev");
  const v1 = lockFor(filters, dev);

  test("first lock: every statement running, nothing carried over or stopped", () => {
    expect(v1.running.map((s) => [s.name, s.carriedOverFrom])).toEqual(
      filters.filters.map((f) => [`dev-route-${f.name}-v1`, undefined]),
    );
    expect(v1.stopped).toEqual([]);
  });

  test("a version bump: the new statement carries the old one's offsets over, the old one is kept stopped", () => {
    const v2 = lockFor(bump(filters, "loan-created"), dev, v1);
    expect(v2.running.find((s) => s.filters.includes("loan-created"))).toMatchObject({
      name: "dev-route-loan-created-v2",
      carriedOverFrom: "dev-route-loan-created-v1",
    });
    expect(v2.stopped.map((s) => s.name)).toEqual(["dev-route-loan-created-v1"]);
    expect(v2.stopped[0].sql).toBe(v1.running[0].sql); // kept with its exact SQL, so it is not replaced
    // The next change drops the stopped one; an explicit cleanup too.
    const v3 = lockFor(bump(bump(filters, "loan-created"), "car-created"), dev, v2);
    expect(v3.stopped.map((s) => s.name)).toEqual(["dev-route-car-created-v1"]);
    expect(lockFor(bump(filters, "loan-created"), dev, v2, true).stopped).toEqual([]);
    // Running statements keep their carry-over property for life.
    expect(v3.running.find((s) => s.name === "dev-route-loan-created-v2")?.carriedOverFrom).toBe(
      "dev-route-loan-created-v1",
    );
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
    const changedSameVersion = {
      ...filters,
      filters: filters.filters.map((f) => (f.name === "loan-created" ? { ...f, operations: ["create" as const] } : f)),
    };
    expect(() => lockFor(changedSameVersion, dev, v1)).toThrow(
      "dev: filter loan-created changed at version 1 (operations was create, snapshot, now create); bump version to 2 in filters.yaml, then run `npm run statements:lock`",
    );
    // A lock from before definitions were recorded: the statement-name guard still holds.
    const { definitions: _none, ...oldLock } = v1;
    expect(() => lockFor(changedSameVersion, dev, oldLock)).toThrow(
      "dev: statement dev-route-loan-created-v1 would get new SQL under the same name (filter loan-created v1 changed without a version bump, or the generator's output changed); bump its version to 2 in filters.yaml",
    );
    const fewer = parseStageConfig({ ...dev, topics: { ...dev.topics, raw: { ...dev.topics.raw, partitions: 2 } } });
    expect(() => lockFor(filters, fewer, v1)).toThrow(StageRefusal);
    expect(() => lockFor(filters, fewer, v1)).toThrow(
      "dev: topic raw-business-events would go from 3 to 2 partitions; Kafka cannot remove partitions (create a new topic instead)",
    );
  });

  test("synth refuses a stale lock and says what to run", () => {
    expect(
      lockProblems(v1, stageStatements(bump(filters, "loan-created"), dev), stagePartitions(filters, dev), "dev"),
    ).toEqual([expect.stringContaining("dev: lock/statements.lock.json is out of date")]);
    expect(lockProblems(v1, stageStatements(filters, dev), stagePartitions(filters, dev), "dev")).toEqual([]);
  });
});

describe("the version guard holds in both shapes: the lock records each filter's meaning per version", () => {
  const shapes = [
    ["set", stageConfig("dev")],
    ["per-filter", perFilter("dev")],
  ] as const;
  const yaml = (text: string): FilterSet => parseFiltersYaml(text, "filters.yaml");
  const withCondition = (_set: FilterSet, name: string, value: string): FilterSet =>
    yaml(readFileSync("filters/filters.yaml", "utf8").replace(`value: ${name} }`, `value: ${value} }`));
  // The deployed filters written differently: keys reordered, flow/block style swapped, quoting, operations
  // reordered, comments gone. Same meaning, so the same statements and no guard.
  const reformatted = `filters:
  - { name: loan-created, version: 1, outputTopic: "filtered-loan-created-events", consumer: loan-servicing,
      description: "New loans for the loan servicing consumer.", operations: [snapshot, create],
      conditions: { all: [ { value: 'LoanCreated', op: equals, field: event_type } ] } }
  - name: loan-payment-submitted
    operations:
      - create
    conditions:
      all:
        - field: event_type
          value: LoanPaymentSubmitted
          op: equals
        - value: LoanPayment
          op: equals
          field: "event_data.eventBody.entities[0].entityType"
    outputTopic: filtered-loan-payment-submitted-events
    consumer: loan-payments
    version: 1
    description: >-
      Submitted loan payments
      for the payments consumer.
  - name: car-created
    description: New cars for the inventory consumer.
    consumer: car-inventory
    outputTopic: filtered-car-created-events
    version: 1
    operations: [snapshot, create]
    conditions: [{ field: event_type, op: equals, value: "CarCreated" }]
  - name: service-events
    description: Car service records, created or updated, for the service history consumer.
    consumer: service-history
    outputTopic: filtered-service-events
    enabled: true
    version: 1
    operations: [update, create]
    conditions:
      any:
        - { op: equals, field: event_type, value: CarServiceDone }
        - { field: 'event_data.eventBody.entities[0].entityType', op: equals, value: ServiceRecord }
source: { topic: raw-business-events }
`;

  test.each(shapes)(
    "%s shape: a condition changed at the same version fails the lock tool and synth, naming the filter, the change and the fix",
    (_shape, stage) => {
      const locked = lockFor(filters, stage);
      const changed = withCondition(filters, "CarCreated", "CarCreatedV2");
      const message =
        'dev: filter car-created changed at version 1 (condition was all(event_type equals "CarCreated"), now all(event_type equals "CarCreatedV2")); bump version to 2 in filters.yaml, then run `npm run statements:lock`';
      expect(() => lockFor(changed, stage, locked)).toThrow(message);
      expect(lockProblems(locked, stageStatements(changed, stage), stagePartitions(changed, stage), "dev")).toEqual([
        message,
      ]);
      expect(() => synth(stage, changed, locked)).toThrow(message);
    },
  );

  test.each(shapes)("%s shape: the same change with the version bumped passes and is recorded", (_shape, stage) => {
    const locked = lockFor(filters, stage);
    const changed = withCondition(filters, "CarCreated", "CarCreatedV2");
    const bumped = {
      ...changed,
      filters: changed.filters.map((f) => (f.name === "car-created" ? { ...f, version: 2 } : f)),
    };
    const next = lockFor(bumped, stage, locked);
    expect(next.definitions?.["car-created"]).toMatchObject({
      version: 2,
      condition: 'all(event_type equals "CarCreatedV2")',
    });
    expect(lockProblems(next, stageStatements(bumped, stage), stagePartitions(bumped, stage), "dev")).toEqual([]);
    // ... and going back to version 1 afterwards is refused.
    expect(() => lockFor(filters, stage, next)).toThrow(
      "dev: filter car-created went from version 2 back to 1; versions only go up: set version to 3 in filters.yaml",
    );
  });

  test.each(shapes)(
    "%s shape: reordered and reformatted YAML of the same filters passes (same meaning, same statements)",
    (_shape, stage) => {
      const locked = lockFor(filters, stage);
      const same = yaml(reformatted);
      expect(lockProblems(locked, stageStatements(same, stage), stagePartitions(same, stage), "dev")).toEqual([]);
      expect(lockFor(same, stage, locked)).toEqual(locked);
      expect(() => synth(stage, same, locked)).not.toThrow();
    },
  );

  test.each(shapes)(
    "%s shape: a description, columns or operations change at the same version is named too",
    (_shape, stage) => {
      const locked = lockFor(filters, stage);
      const edit = (patch: Partial<FilterSet["filters"][number]>): FilterSet => ({
        ...filters,
        filters: filters.filters.map((f) => (f.name === "service-events" ? { ...f, ...patch } : f)),
      });
      expect(() => lockFor(edit({ description: "Service records." }), stage, locked)).toThrow(
        "(description was Car service records, created or updated, for the service history consumer., now Service records.)",
      );
      expect(() => lockFor(edit({ columns: ["id", "event_type"] }), stage, locked)).toThrow(
        "(columns was id, event_name, event_type, created_date, saved_date, event_data, __op, __table, __ts_ms, now id, event_type)",
      );
      expect(() => lockFor(edit({ operations: ["create", "update", "delete"] }), stage, locked)).toThrow(
        "(operations was create, update, now create, update, delete)",
      );
    },
  );

  test("a lock that does not record the filters' definitions yet fails synth with the command to run", () => {
    const { definitions: _none, ...old } = lockFor(filters, stageConfig("dev"));
    expect(
      lockProblems(
        old,
        stageStatements(filters, stageConfig("dev")),
        stagePartitions(filters, stageConfig("dev")),
        "dev",
      ),
    ).toEqual([
      "dev: lock/statements.lock.json does not record the definition of loan-created v1, loan-payment-submitted v1, car-created v1, service-events v1; run `npm run statements:lock` and commit the result",
    ]);
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
      .map((s) => ({
        statement_name: s.statement_name,
        stopped: s.stopped,
        properties: s.properties,
        statement: s.statement,
      }))
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
    const topics = Object.entries(out.resource.confluent_kafka_topic as Record<string, any>).filter(
      ([, t]) => t.topic_name === "filtered-car-created-events",
    );
    expect(topics).toHaveLength(1);
    expect(topics[0][0]).toMatch(/topic-car-created/);
    expect(topics[0][1].lifecycle).toEqual({ prevent_destroy: true });
  });

  test("--cleanup drops the stopped statement but not a removed filter's topic, until the filter comes back", () => {
    const prod = perFilter("prod");
    const removed = without(filters, "car-created");
    const cleaned = lockFor(removed, prod, lockFor(removed, prod, lockFor(filters, prod)), true);
    expect([cleaned.stopped, cleaned.retired]).toEqual([[], { "car-created": "filtered-car-created-events" }]);
    const topic = Object.values<any>(synth(prod, removed, cleaned).resource.confluent_kafka_topic).find(
      (t) => t.topic_name === "filtered-car-created-events",
    );
    expect(topic?.lifecycle).toEqual({ prevent_destroy: true });
    // Another change later still carries it; deployed again, the filter's topic is its own again.
    const later = lockFor(removed, prod, cleaned);
    expect(later.retired).toEqual({ "car-created": "filtered-car-created-events" });
    expect(lockFor(filters, prod, later).retired).toBeUndefined();
  });
});
