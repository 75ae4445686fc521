/**
 * The replication slot belongs to the stack: declared, ordered around the connector, validated, watched. The review
 * guard that refuses a connector removed while its slot stays: review/guard.test.ts.
 */
import { RoutingStageStack } from "../../constructs/routing-stage-stack";
import { loadFilters } from "../../filters/load";
import { readLock } from "../../lock/lock-file";
import { parseStageConfig } from "../../stages/config";
import { STAGE_NAMES } from "../../stages/names";
import { stageConfig } from "../../stages/stages";
import { synthStack, synthStage } from "../support/stack-helpers";

const only = (section: Record<string, Record<string, any>> | undefined): [string, Record<string, any>] => {
  const entries = Object.entries(section ?? {});
  expect(entries).toHaveLength(1);
  return entries[0];
};

describe.each(STAGE_NAMES)("stage %s", (stage) => {
  const synth = synthStage(stage);
  const config = stageConfig(stage);

  test("the slot is a pgoutput slot of the stack, named as the connector's slot.name", () => {
    const [, slot] = only(synth.resource.postgresql_replication_slot);
    expect(slot).toMatchObject({ name: config.source.slotName, database: config.source.database, plugin: "pgoutput" });
    const [, connector] = only(synth.resource.confluent_connector);
    expect(connector.config_nonsensitive["slot.name"]).toBe(slot.name);
  });

  test("the connector depends on the slot: created after it, destroyed before it", () => {
    const [slotId] = only(synth.resource.postgresql_replication_slot);
    const [, connector] = only(synth.resource.confluent_connector);
    expect(connector.depends_on).toContain(`postgresql_replication_slot.${slotId}`);
  });

  test("Aurora: alarms on the slot's lag and on transaction-log disk use, with the stage's thresholds and target", () => {
    const alarms = Object.values<Record<string, any>>(synth.resource.aws_cloudwatch_metric_alarm ?? {});
    const a = config.source.slotAlarms!;
    expect(
      alarms
        .map((x) => [x.metric_name, x.threshold, x.comparison_operator, x.namespace, x.dimensions, x.alarm_actions])
        .sort(),
    ).toEqual([
      [
        "OldestReplicationSlotLag",
        a.oldestSlotLagBytes,
        "GreaterThanThreshold",
        "AWS/RDS",
        { DBClusterIdentifier: a.dbClusterIdentifier, Role: "WRITER" },
        [a.notificationTopicArn],
      ],
      [
        "TransactionLogsDiskUsage",
        a.transactionLogsDiskBytes,
        "GreaterThanThreshold",
        "AWS/RDS",
        { DBClusterIdentifier: a.dbClusterIdentifier, Role: "WRITER" },
        [a.notificationTopicArn],
      ],
    ]);
  });
});

test("thresholds grow from dev to prod", () => {
  const lag = STAGE_NAMES.map((s) => stageConfig(s).source.slotAlarms!.oldestSlotLagBytes);
  expect([...lag].sort((a, b) => a - b)).toEqual(lag);
});

describe("validation", () => {
  const dev = stageConfig("dev");

  test("slot names follow PostgreSQL's rules: lower-case letters, digits, underscore, at most 63 bytes", () => {
    for (const bad of ["Cdc_Routing", "cdc-routing", "x".repeat(64), "1abc", ""]) {
      expect(() => parseStageConfig({ ...dev, source: { ...dev.source, slotName: bad } })).toThrow("source.slotName");
    }
    expect(
      parseStageConfig({ ...dev, source: { ...dev.source, slotName: "s".repeat(63) } }).source.slotName,
    ).toHaveLength(63);
  });

  test("Aurora needs its alarms; self-managed takes none and gets no alarm resources", () => {
    expect(() => parseStageConfig({ ...dev, source: { ...dev.source, slotAlarms: undefined } })).toThrow(
      "source.slotAlarms: required on platform aurora",
    );
    expect(() =>
      parseStageConfig({ ...dev, source: { ...dev.source, host: "db.internal.example", platform: "self-managed" } }),
    ).toThrow("source.slotAlarms: only for platform aurora");
    const self = parseStageConfig({
      ...dev,
      source: { ...dev.source, host: "db.internal.example", platform: "self-managed", slotAlarms: undefined },
    });
    const synth = synthStack(
      (app) =>
        new RoutingStageStack(app, { stage: self, filters: loadFilters("filters/filters.yaml"), lock: readLock().dev }),
    );
    expect(synth.resource.aws_cloudwatch_metric_alarm).toBeUndefined();
    expect(Object.keys(synth.resource.postgresql_replication_slot)).toHaveLength(1);
  });

  test("an alarm target that is not an SNS topic ARN is refused", () => {
    const slotAlarms = { ...dev.source.slotAlarms!, notificationTopicArn: "alerts@example.com" };
    expect(() => parseStageConfig({ ...dev, source: { ...dev.source, slotAlarms } })).toThrow(
      "must be an SNS topic ARN",
    );
  });
});
