import { accessPlan } from "../../access/grants";
import { loadFilters } from "../../filters/load";
import { STAGE_NAMES } from "../../stages/names";
import { StageConfigError, parseStageConfig } from "../../stages/config";
import { stageConfig } from "../../stages/stages";
import { synthBasicStage, synthStage } from "../support/stack-helpers";

const values = (o: Record<string, unknown> | undefined) => Object.values(o ?? {}) as Array<Record<string, any>>;

describe("per-stage stack", () => {
  test.each(STAGE_NAMES)("stage %s matches its snapshot", (stage) => {
    expect(synthStage(stage)).toMatchSnapshot();
  });

  test("every deployed filter has a declared topic, a registered value schema and a statement that writes it", () => {
    const synth = synthStage("staging");
    // Terraform JSON lists resources by logical id, so compare as sets.
    const topics = values(synth.resource.confluent_kafka_topic).map((t) => t.topic_name).sort();
    const sinks = ["filtered-car-created-events", "filtered-loan-created-events", "filtered-loan-payment-submitted-events", "filtered-service-events"];
    expect(topics).toEqual([...sinks, "raw-business-events"]);
    expect(values(synth.resource.confluent_schema).map((s) => s.subject_name).sort()).toEqual([...sinks, "raw-business-events"].map((t) => `${t}-value`));
    const [statement] = values(synth.resource.confluent_flink_statement);
    for (const t of sinks) expect(statement.statement).toContain(`INSERT INTO \`${t}\``);
    expect(statement.properties).toEqual({ "sql.current-catalog": expect.stringContaining("display_name"), "sql.current-database": expect.stringContaining("display_name") });
    expect(statement.principal.id).toMatch(/confluent_service_account\.identity_sa-flink/);
    expect(statement.statement_name).toMatch(/^staging-routing-set-[0-9a-f]{8}$/);
  });

  test("sizing per stage: cluster type, partitions, retention, CFU", () => {
    const dev = synthStage("dev");
    const prod = synthStage("prod");
    expect(values(dev.resource.confluent_kafka_cluster)[0]).toMatchObject({ standard: [{}], availability: "SINGLE_ZONE" });
    expect(values(prod.resource.confluent_kafka_cluster)[0]).toMatchObject({ standard: [{}], availability: "MULTI_ZONE" });
    expect(values(prod.resource.confluent_kafka_topic)[0]).toMatchObject({ partitions_count: 6, config: { "retention.ms": String(7 * 86400000) } });
    expect(values(dev.resource.confluent_flink_compute_pool)[0].max_cfu).toBe(5);
    expect(values(prod.resource.confluent_flink_compute_pool)[0].max_cfu).toBe(20);
  });

  test("prod protects the cluster and every topic from destroy; dev does not", () => {
    const prod = synthStage("prod");
    for (const r of [...values(prod.resource.confluent_kafka_cluster), ...values(prod.resource.confluent_kafka_topic)]) {
      expect(r.lifecycle).toEqual({ prevent_destroy: true });
    }
    expect(values(synthStage("dev").resource.confluent_kafka_topic)[0].lifecycle).toBeUndefined();
  });

  test("backends: S3 with lockfile for every stage (CI applies them all); confluent provider pinned", () => {
    expect(synthStage("dev").terraform.backend.s3).toMatchObject({ key: "dev/terraform.tfstate", use_lockfile: true });
    const prod = synthStage("prod").terraform;
    expect(prod.backend.s3).toMatchObject({ bucket: "cdc-routing-terraform-state", key: "prod/terraform.tfstate", use_lockfile: true, encrypt: true });
    expect(prod.required_providers.confluent).toEqual({ source: "registry.terraform.io/confluentinc/confluent", version: "= 2.83.4" });
  });

  test("source database: replication role, grants on exactly the captured table, publication, logical replication", () => {
    const synth = synthStage("dev");
    expect(values(synth.resource.postgresql_role)[0]).toMatchObject({ name: "cdc_routing_dev", login: true, replication: false });
    expect(values(synth.resource.postgresql_grant).map((g) => [g.object_type, g.privileges, g.objects ?? null])).toEqual([
      ["schema", ["USAGE"], null],
      ["table", ["SELECT"], ["business_events"]],
    ]);
    expect(values(synth.resource.postgresql_publication)[0]).toMatchObject({ name: "cdc_routing_dev", tables: ["public.business_events"] });
    expect(values(synth.resource.aws_rds_cluster_parameter_group)[0].parameter).toEqual([{ name: "rds.logical_replication", value: "1", apply_method: "pending-reboot" }]);
  });
});

describe("access: least privilege, ACLs on Basic and role bindings elsewhere", () => {
  const set = loadFilters("filters/filters.yaml");
  const plan = accessPlan(set, "dev");

  test("the matrix: connector writes raw, Flink reads raw and writes sinks, consumers read only their own", () => {
    const rows = plan.kafka.filter((g) => g.resource === "topic").map((g) => `${g.principal} ${g.role} ${g.name}`);
    expect(rows).toEqual([
      "connector DeveloperWrite raw-business-events",
      "flink DeveloperRead raw-business-events",
      "flink DeveloperWrite filtered-loan-created-events",
      "consumer:loan-servicing DeveloperRead filtered-loan-created-events",
      "flink DeveloperWrite filtered-loan-payment-submitted-events",
      "consumer:loan-payments DeveloperRead filtered-loan-payment-submitted-events",
      "flink DeveloperWrite filtered-car-created-events",
      "consumer:car-inventory DeveloperRead filtered-car-created-events",
      "flink DeveloperWrite filtered-service-events",
      "consumer:service-history DeveloperRead filtered-service-events",
    ]);
    expect(plan.kafka.filter((g) => g.resource === "group").map((g) => `${g.principal} ${g.pattern} ${g.name}`)).toEqual([
      "flink PREFIXED _confluent-flink_",
      "consumer:loan-servicing PREFIXED loan-servicing-",
      "consumer:loan-payments PREFIXED loan-payments-",
      "consumer:car-inventory PREFIXED car-inventory-",
      "consumer:service-history PREFIXED service-history-",
    ]);
  });

  test("a Basic stage renders ACLs (none for Flink, which gets CloudClusterAdmin); staging (Standard) renders topic role bindings with CRN patterns", () => {
    const dev = synthBasicStage();
    const acls = values(dev.resource.confluent_kafka_acl);
    expect(acls.length).toBe(plan.kafka.filter((g) => g.principal !== "flink").reduce((n, g) => n + g.aclOperations.length, 0));
    // Only the connector writes by ACL; Flink writes the sinks as CloudClusterAdmin.
    expect(acls.filter((a) => a.operation === "WRITE" && a.resource_type === "TOPIC").map((a) => a.resource_name)).toEqual(["raw-business-events"]);
    expect(values(dev.resource.confluent_role_binding).filter((r) => r.role_name === "CloudClusterAdmin").map((r) => [r.principal, r.crn_pattern])).toEqual([
      [expect.stringContaining("identity_sa-flink"), expect.stringMatching(/^\$\{confluent_kafka_cluster\.[\w]+\.rbac_crn\}$/)],
    ]);
    const staging = synthStage("staging");
    expect(staging.resource.confluent_kafka_acl).toBeUndefined();
    const crns = values(staging.resource.confluent_role_binding).map((r) => `${r.role_name} ${r.crn_pattern.replace(/\$\{[^}]+\}/g, "X")}`);
    expect(crns).toContain("DeveloperRead X/kafka=X/topic=filtered-car-created-events");
    expect(crns).toContain("DeveloperManage X/kafka=X/group=_confluent-flink_*");
    expect(crns).toContain("FlinkDeveloper X");
    expect(crns).toContain("DeveloperWrite X/subject=raw-business-events-value");
  });

  test("consumer API keys wait for their grants", () => {
    const dev = synthStage("dev");
    const key = Object.entries(dev.resource.confluent_api_key as Record<string, any>).find(([n]) => n.includes("consumer-car-inventory"))![1];
    expect(key.depends_on.length).toBe(3); // topic DeveloperRead, group DeveloperRead, schema subject DeveloperRead
    expect(key.depends_on.every((d: string) => /confluent_role_binding\./.test(d))).toBe(true);
    const onBasic = Object.entries(synthBasicStage().resource.confluent_api_key as Record<string, any>).find(([n]) => n.includes("consumer-car-inventory"))![1];
    expect(onBasic.depends_on.length).toBe(3 + 1); // topic READ+DESCRIBE, group READ, + schema subject role binding
  });
});

describe("stage config validation", () => {
  test("rejects bad values with every path named", () => {
    const bad = { ...(stageConfig("dev") as object), kafka: { type: "huge" }, flink: { maxCfu: 7, shape: "set" } };
    expect(() => parseStageConfig(bad)).toThrow(StageConfigError);
    expect(() => parseStageConfig(bad)).toThrow(/^stage dev: kafka\.type: .*\nstage dev: flink\.maxCfu: /);
  });
  test("retention below the stage minimum and a protected stage on local state are errors", () => {
    const prod = stageConfig("prod");
    expect(() => parseStageConfig({ ...prod, topics: { ...prod.topics, consumer: { partitions: 1, retentionMs: 3600000 } } })).toThrow(
      "stage prod: topics.consumer.retentionMs 3600000 is below the stage minimum 604800000",
    );
    expect(() => parseStageConfig({ ...prod, backend: { kind: "local" } })).toThrow("backend: a protected stage must keep remote state (s3)");
  });
});
