/** The whole stack of a stage (constructs/routing-stage-stack.ts), synthesized: snapshots and targeted checks. */
import { STAGE_NAMES } from "../../stages/names";
import { synthStage } from "../support/stack-helpers";

const values = (o: Record<string, unknown> | undefined) => Object.values(o ?? {}) as Array<Record<string, any>>;

describe("per-stage stack", () => {
  test.each(STAGE_NAMES)("stage %s matches its snapshot", (stage) => {
    expect(synthStage(stage)).toMatchSnapshot();
  });

  test("every deployed filter has a declared topic, a registered value schema and a statement that writes it", () => {
    const synth = synthStage("staging");
    // Terraform JSON lists resources by logical id, so compare as sets.
    const topics = values(synth.resource.confluent_kafka_topic)
      .map((t) => t.topic_name)
      .sort();
    const sinks = [
      "filtered-car-created-events",
      "filtered-loan-created-events",
      "filtered-loan-payment-submitted-events",
      "filtered-service-events",
    ];
    expect(topics).toEqual([...sinks, "raw-business-events"]);
    expect(
      values(synth.resource.confluent_schema)
        .map((s) => s.subject_name)
        .sort(),
    ).toEqual([...sinks, "raw-business-events"].map((t) => `${t}-value`));
    const [statement] = values(synth.resource.confluent_flink_statement);
    for (const t of sinks) expect(statement.statement).toContain(`INSERT INTO \`${t}\``);
    expect(statement.principal.id).toMatch(/confluent_service_account\.identity_sa-flink/);
    expect(statement.statement_name).toMatch(/^staging-routing-set-[0-9a-f]{8}$/);
  });

  // Catalog and database are both display names: only the exact references catch the two swapped.
  test.each(STAGE_NAMES)(
    "stage %s: a statement's catalog is the environment's display name, its database the Kafka cluster's",
    (stage) => {
      const synth = synthStage(stage);
      const environments = Object.keys(synth.resource.confluent_environment);
      const clusters = Object.keys(synth.resource.confluent_kafka_cluster);
      expect([environments.length, clusters.length]).toEqual([1, 1]);
      const statements = values(synth.resource.confluent_flink_statement);
      expect(statements.length).toBeGreaterThan(0);
      for (const s of statements) {
        expect(s.properties).toEqual({
          "sql.current-catalog": `\${confluent_environment.${environments[0]}.display_name}`,
          "sql.current-database": `\${confluent_kafka_cluster.${clusters[0]}.display_name}`,
        });
      }
    },
  );

  test("sizing per stage: cluster type, partitions, retention, CFU", () => {
    const dev = synthStage("dev");
    const prod = synthStage("prod");
    expect(values(dev.resource.confluent_kafka_cluster)[0]).toMatchObject({
      standard: [{}],
      availability: "SINGLE_ZONE",
    });
    expect(values(prod.resource.confluent_kafka_cluster)[0]).toMatchObject({
      standard: [{}],
      availability: "MULTI_ZONE",
    });
    expect(values(prod.resource.confluent_kafka_topic)[0]).toMatchObject({
      partitions_count: 6,
      config: { "retention.ms": String(7 * 86400000) },
    });
    expect(values(dev.resource.confluent_flink_compute_pool)[0].max_cfu).toBe(5);
    expect(values(prod.resource.confluent_flink_compute_pool)[0].max_cfu).toBe(20);
  });

  test("prod protects the cluster and every topic from destroy; dev does not", () => {
    const prod = synthStage("prod");
    for (const r of [
      ...values(prod.resource.confluent_kafka_cluster),
      ...values(prod.resource.confluent_kafka_topic),
    ]) {
      expect(r.lifecycle).toEqual({ prevent_destroy: true });
    }
    expect(values(synthStage("dev").resource.confluent_kafka_topic)[0].lifecycle).toBeUndefined();
  });

  test("backends: S3 with lockfile for every stage (CI applies them all); confluent provider pinned", () => {
    expect(synthStage("dev").terraform.backend.s3).toMatchObject({ key: "dev/terraform.tfstate", use_lockfile: true });
    const prod = synthStage("prod").terraform;
    expect(prod.backend.s3).toMatchObject({
      bucket: "cdc-routing-terraform-state",
      key: "prod/terraform.tfstate",
      use_lockfile: true,
      encrypt: true,
    });
    expect(prod.required_providers.confluent).toEqual({
      source: "registry.terraform.io/confluentinc/confluent",
      version: "= 2.83.4",
    });
  });

  test("source database: replication role, grants on exactly the captured table, publication, logical replication", () => {
    const synth = synthStage("dev");
    expect(values(synth.resource.postgresql_role)[0]).toMatchObject({
      name: "cdc_routing_dev",
      login: true,
      replication: false,
    });
    expect(
      values(synth.resource.postgresql_grant).map((g) => [g.object_type, g.privileges, g.objects ?? null]),
    ).toEqual([
      ["schema", ["USAGE"], null],
      ["table", ["SELECT"], ["business_events"]],
    ]);
    expect(values(synth.resource.postgresql_publication)[0]).toMatchObject({
      name: "cdc_routing_dev",
      tables: ["public.business_events"],
    });
    expect(values(synth.resource.aws_rds_cluster_parameter_group)[0].parameter).toEqual([
      { name: "rds.logical_replication", value: "1", apply_method: "pending-reboot" },
    ]);
  });
});
