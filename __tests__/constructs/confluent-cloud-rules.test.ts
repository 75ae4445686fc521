/**
 * What Confluent Cloud would reject, one rule per describe, titled by the rule it pins (the rules and their sources:
 * "What Confluent Cloud requires, and what the stack chose" in the docs).
 */
import { accessPlan } from "../../access/grants";
import { RoutingStageStack } from "../../constructs/routing-stage-stack";
import { loadFilters } from "../../filters/load";
import { filtersForStage } from "../../filters/model";
import { generateSql, insertSql } from "../../flink-sql/generate";
import { inferTable } from "../../flink-sql/inferred-table";
import { routedColumns, sinkValueSchema } from "../../flink-sql/sink-schema";
import { getOrThrow } from "../../lib/maps";
import { readLock } from "../../lock/lock-file";
import { evolveStage } from "../../lock/stage-lock";
import { parseStageConfig, type StageConfig } from "../../stages/config";
import { stageConfig } from "../../stages/stages";
import { devConnectorSettings } from "../support/connector-settings";
import { synthStack, synthStage } from "../support/stack-helpers";

const values = (o: Record<string, unknown> | undefined) => Object.values(o ?? {}) as Array<Record<string, any>>;
const filters = loadFilters("filters/filters.yaml");
const dev = stageConfig("dev");
const deployed = filtersForStage(filters, "dev");

describe("every INSERT names its target columns", () => {
  test("the INSERT's target list is the SELECT list, so the inferred sink's extra `key` column is left NULL instead of failing 'Different number of columns'", () => {
    for (const f of deployed) {
      const sql = insertSql(f);
      const [, target] = /^INSERT INTO `[^`]+` \(([^)]*)\)$/m.exec(sql)!;
      const [, select] = /^SELECT (.*)$/m.exec(sql)!;
      expect(target).toBe(select);
      const sink = inferTable(f.outputTopic, {
        value: sinkValueSchema(f.outputTopic, routedColumns(f, getOrThrow(filters.sources, f.source))),
      });
      // Without the target list Flink would need SELECT to produce every sink column, key included.
      expect(sink.columns.length).toBe(f.columns.length + 1);
    }
  });

  test("the flink dialect (self-managed Flink) uses the same INSERT text", () => {
    const confluent = generateSql(filters, "dev", { dialect: "confluent", shape: "set" }).statements[0].dml;
    const flink = generateSql(filters, "dev", { dialect: "flink", shape: "set", kafka: { bootstrapServers: "h:1" } })
      .statements[0].dml;
    expect(flink).toBe(confluent);
  });
});

describe("statements wait for whatever makes their tables' schemas exist", () => {
  test("each statement depends on the raw and sink topics, their registered value schemas and the connector", () => {
    const synth = synthStage("dev");
    const ref = (type: string, subjectOrTopic: (r: Record<string, any>) => boolean) =>
      Object.entries(synth.resource[type] as Record<string, any>)
        .filter(([, r]) => subjectOrTopic(r))
        .map(([id]) => `${type}.${id}`);
    const needed = [
      ...ref("confluent_kafka_topic", () => true),
      ...ref("confluent_schema", () => true),
      ...ref("confluent_connector", () => true),
    ];
    expect(needed.filter((r) => r.startsWith("confluent_schema")).length).toBe(deployed.length + 1);
    for (const s of values(synth.resource.confluent_flink_statement))
      expect(s.depends_on).toEqual(expect.arrayContaining(needed));
    // The connector itself comes after the stack's raw value schema.
    const connector = values(synth.resource.confluent_connector)[0];
    expect(connector.depends_on).toEqual(
      expect.arrayContaining(ref("confluent_schema", (r) => r.subject_name === "raw-business-events-value")),
    );
  });
});

describe("no Basic cluster for Flink, which supports no ACLs", () => {
  test("a Basic stage is refused unless Flink's CloudClusterAdmin is accepted explicitly; every stage defaults to Standard", () => {
    const basic = { ...dev, kafka: { type: "basic", availability: "SINGLE_ZONE" } };
    expect(() => parseStageConfig(basic)).toThrow(
      /kafka\.type basic: Flink cannot be granted topic access on a Basic cluster \(Flink supports no ACLs/,
    );
    expect(
      parseStageConfig({ ...basic, kafka: { ...basic.kafka, flinkAccessOnBasic: "CloudClusterAdmin" } }).kafka,
    ).toMatchObject({ type: "basic" });
    for (const s of ["dev", "staging", "prod"] as const) expect(stageConfig(s).kafka.type).not.toBe("basic");
  });
});

describe("Aurora/RDS: the master user cannot grant REPLICATION", () => {
  test("aurora (the default): the role is a member of rds_replication, through its own `roles` (a separate grant_role would be revoked by the role resource), and has no REPLICATION attribute", () => {
    const synth = synthStage("dev");
    expect(values(synth.resource.postgresql_role)[0]).toMatchObject({ replication: false, roles: ["rds_replication"] });
    expect(synth.resource.postgresql_grant_role).toBeUndefined();
  });

  test("self-managed: the REPLICATION attribute, no rds_replication, no Aurora parameter group; an RDS host cannot be self-managed", () => {
    const self: StageConfig = parseStageConfig({
      ...dev,
      source: { ...dev.source, host: "db.internal.example", platform: "self-managed", slotAlarms: undefined },
    });
    const synth = synthStack((app) => new RoutingStageStack(app, { stage: self, filters, lock: readLock().dev }));
    expect(values(synth.resource.postgresql_role)[0].replication).toBe(true);
    expect(values(synth.resource.postgresql_role)[0].roles).toBeUndefined();
    expect(synth.resource.aws_rds_cluster_parameter_group).toBeUndefined();
    expect(() =>
      parseStageConfig({ ...dev, source: { ...dev.source, platform: "self-managed", slotAlarms: undefined } }),
    ).toThrow(
      "source.platform self-managed: business-dev.cluster-example.eu-west-1.rds.amazonaws.com is Amazon RDS/Aurora, whose master user cannot grant REPLICATION",
    );
  });
});

describe("Flink's grants: its transactional ids, and every subject its tables use", () => {
  const plan = accessPlan(filters, "dev");

  test("Flink has DeveloperRead and DeveloperWrite on transactional ids _confluent-flink_*", () => {
    expect(
      plan.kafka
        .filter((g) => g.principal === "flink" && g.resource === "transactional-id")
        .map((g) => `${g.role} ${g.name}*`)
        .sort(),
    ).toEqual(["DeveloperRead _confluent-flink_*", "DeveloperWrite _confluent-flink_*"]);
  });

  test("keys are schemaless, so no principal needs a key subject and Flink can read every subject its tables use", () => {
    expect(devConnectorSettings()["output.key.format"]).toBe("JSON");
    expect(plan.schemas.filter((g) => !g.subject.endsWith("-value"))).toEqual([]);
    const flinkReads = plan.schemas.filter((g) => g.principal === "flink").map((g) => g.subject);
    expect(flinkReads).toEqual(
      expect.arrayContaining(["raw-business-events-value", ...deployed.map((f) => `${f.outputTopic}-value`)]),
    );
  });
});

describe("a kept (stopped) statement is never created running", () => {
  test("each stopped statement carries an import block (id = its name); running ones do not", () => {
    const perFilter = parseStageConfig({ ...dev, flink: { ...dev.flink, shape: "per-filter" } });
    const v1 = evolveStage({}, filters, perFilter);
    const bumped = {
      ...filters,
      filters: filters.filters.map((f) =>
        f.name === "loan-created" ? { ...f, version: 2, operations: ["create" as const] } : f,
      ),
    };
    const lock = evolveStage({ dev: v1 }, bumped, perFilter);
    const synth = synthStack((app) => new RoutingStageStack(app, { stage: perFilter, filters: bumped, lock }));
    const stopped = Object.entries(synth.resource.confluent_flink_statement as Record<string, any>).filter(
      ([, s]) => s.stopped,
    );
    expect(stopped.map(([, s]) => s.statement_name)).toEqual(["dev-route-loan-created-v1"]);
    expect(synth.import).toEqual([
      { id: "dev-route-loan-created-v1", to: `confluent_flink_statement.${stopped[0][0]}` },
    ]);
  });
});

describe("deletes are rewritten, never dropped, on any Debezium version", () => {
  test("both the 2.5+ key and the older keys say rewrite, and tombstones are dropped after the rewritten row", () => {
    const c = devConnectorSettings();
    expect([
      c["transforms.flatten.delete.tombstone.handling.mode"],
      c["transforms.flatten.delete.handling.mode"],
      c["transforms.flatten.drop.tombstones"],
      c["after.state.only"],
    ]).toEqual(["rewrite", "rewrite", "true", "false"]);
  });
});
