/** Confluent's limits on statement names and text (flink-sql/limits.ts) and on the pool's CFUs, checked at synth. */
import { RoutingStageStack } from "../../constructs/routing-stage-stack";
import { parseFiltersYaml } from "../../filters/load";
import { STATEMENT_NAME_MAX, STATEMENT_TEXT_MAX, statementLimitProblems, textBytes } from "../../flink-sql/limits";
import { evolveLock } from "../../lock/evolution";
import type { StageLock } from "../../lock/lock-file";
import { evolveStage, stagePartitions, stageStatements } from "../../lock/stage-lock";
import { parseStageConfig } from "../../stages/config";
import { stageConfig } from "../../stages/stages";
import { synthStack } from "../support/stack-helpers";
import { generatedFilters, lockFor } from "../support/statement-locks";

const dev = stageConfig("dev");

describe("Confluent's limits on statement names and text, checked at synth", () => {
  const statement = (name: string, dml = "INSERT INTO t SELECT 1;", filters = ["f"]) => ({
    name,
    dml,
    filters: filters.map((n) => ({ name: n })),
  });

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
    expect(statementLimitProblems([statement("s", `${fill(STATEMENT_TEXT_MAX - 1)}é`)], "dev")).toHaveLength(1);
  });

  test("a filter whose own INSERT is over the limit fails the lock tool and synth, naming the filter; nothing is truncated", () => {
    const values = Array.from(
      { length: 2500 },
      (_, i) => `"value-${String(i).padStart(4, "0")}-${"v".repeat(40)}"`,
    ).join(", ");
    const huge = parseFiltersYaml(
      `source: { topic: raw-business-events }
filters:
  - name: huge
    description: Too many values for one statement.
    outputTopic: filtered-huge-events
    version: 1
    operations: [create]
    conditions:
      all:
        - { field: event_type, op: in, values: [${values}] }
`,
      "huge.yaml",
    );
    const [s] = stageStatements(huge, dev);
    expect(textBytes(s.dml)).toBeGreaterThan(STATEMENT_TEXT_MAX);
    const message = new RegExp(
      `^dev: statement dev-routing-set-[0-9a-f]{8} \\(filter huge\\) is ${textBytes(s.dml)} bytes of SQL; Confluent Cloud allows at most 131072: split filter huge into smaller filters`,
    );
    expect(() => lockFor(huge, dev)).toThrow(message);
    const lockedAnyway: StageLock = {
      running: [{ name: s.name, sql: s.dml, filters: ["huge"], topics: { huge: "filtered-huge-events" } }],
      stopped: [],
      partitions: stagePartitions(huge, dev),
    };
    expect(() =>
      synthStack(
        (app) => new RoutingStageStack(app, { stage: dev, filters: huge, lock: lockedAnyway, today: "2026-11-01" }),
      ),
    ).toThrow(message);
  });

  test("more running statements than the compute pool's CFUs fails synth with the setting to raise", () => {
    const perFilter = parseStageConfig({ ...dev, flink: { ...dev.flink, shape: "per-filter" } });
    const six = generatedFilters(6);
    expect(() => evolveStage({}, six, perFilter, { today: "2026-11-01" })).toThrow(
      "dev: 6 statements would run, each taking at least 1 CFU, but the compute pool has at most 5: raise flink.maxCfu in stages/stages.ts (or route fewer filters)",
    );
    const locked = evolveLock(undefined, stageStatements(six, perFilter), stagePartitions(six, perFilter), "dev", {
      today: "2026-11-01",
    });
    expect(() =>
      synthStack(
        (app) => new RoutingStageStack(app, { stage: perFilter, filters: six, lock: locked, today: "2026-11-01" }),
      ),
    ).toThrow("raise flink.maxCfu");
  });
});
