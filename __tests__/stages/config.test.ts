/** The stage config schema (stages/config.ts): bad values named by path, stage minimums. */
import { parseStageConfig, StageConfigError } from "../../stages/config";
import { stageConfig } from "../../stages/stages";

describe("stage config validation", () => {
  test("rejects bad values with every path named", () => {
    const bad = { ...(stageConfig("dev") as object), kafka: { type: "huge" }, flink: { maxCfu: 7, shape: "set" } };
    expect(() => parseStageConfig(bad)).toThrow(StageConfigError);
    expect(() => parseStageConfig(bad)).toThrow(/^stage dev: kafka\.type: .*\nstage dev: flink\.maxCfu: /);
  });
  test("retention below the stage minimum and a protected stage on local state are errors", () => {
    const prod = stageConfig("prod");
    expect(() =>
      parseStageConfig({ ...prod, topics: { ...prod.topics, consumer: { partitions: 1, retentionMs: 3600000 } } }),
    ).toThrow("stage prod: topics.consumer.retentionMs 3600000 is below the stage minimum 604800000");
    expect(() => parseStageConfig({ ...prod, backend: { kind: "local" } })).toThrow(
      "backend: a protected stage must keep remote state (s3)",
    );
  });
  test("monitoring thresholds: a lag that is not a positive integer and a duration that is not one are named", () => {
    const dev = stageConfig("dev");
    const bad = { ...dev, monitoring: { ...dev.monitoring, maxLag: 0, lagFor: "10 minutes", stalledFor: "0m" } };
    expect(() => parseStageConfig(bad)).toThrow(
      [
        "stage dev: monitoring.maxLag: Too small: expected number to be >0",
        'stage dev: monitoring.lagFor: "10 minutes" is not a duration: write a positive whole number and one unit, s, m, h or d (e.g. 10m)',
        'stage dev: monitoring.stalledFor: "0m" is not a duration: write a positive whole number and one unit, s, m, h or d (e.g. 10m)',
      ].join("\n"),
    );
  });
});

describe("stage credentials (stages/credentials.ts)", () => {
  const dev = stageConfig("dev");
  const withCredentials = (credentials: object) => parseStageConfig({ ...dev, credentials });

  test("roles must be IAM role ARNs, readers IAM role or user ARNs, each named by path", () => {
    const bad = {
      ...dev.credentials,
      applyRoleArn: "cdc-routing-dev-apply",
      consumers: { "loan-servicing": { readers: ["arn:aws:iam::123456789012:group/readers"] } },
    };
    expect(() => withCredentials(bad)).toThrow(
      /^stage dev: credentials\.applyRoleArn: must be an IAM role ARN .*\nstage dev: credentials\.consumers\.loan-servicing\.readers\.0: must be an IAM role or user ARN/,
    );
  });

  test("key generations are 1 to 3 ascending numbers from 1; defaults: [1], no reader, no moved grants", () => {
    const generations = (kafkaKeyGenerations: unknown) =>
      withCredentials({ ...dev.credentials, consumers: { "loan-servicing": { kafkaKeyGenerations } } });
    expect(generations([1, 2]).credentials.consumers["loan-servicing"]).toEqual({
      readers: [],
      kafkaKeyGenerations: [1, 2],
    });
    expect(() => generations([2, 1])).toThrow("must be ascending, oldest first");
    expect(() => generations([])).toThrow("kafkaKeyGenerations");
    expect(() => generations([0])).toThrow("kafkaKeyGenerations.0");
    expect(() => generations([1, 2, 3, 4])).toThrow("kafkaKeyGenerations");
    const minimal = parseStageConfig({
      ...dev,
      credentials: { applyRoleArn: dev.credentials.applyRoleArn, planRoleArn: dev.credentials.planRoleArn },
      deployedBefore: undefined,
    });
    expect([minimal.credentials.manager, minimal.credentials.consumers, minimal.deployedBefore]).toEqual([
      { kafkaKeyGenerations: [1], schemaRegistryKeyGenerations: [1] },
      {},
      { grantRenaming: false },
    ]);
  });
});
