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
});
