import { readFileSync } from "node:fs";
import { conformanceProblems } from "../../providers/conformance";
import { CONFLUENT_PROVIDER } from "../../providers/pins";
import { REAL_SCHEMA_ORIGIN } from "../../providers/refresh";
import {
  CONFLUENT_DATA_SOURCES,
  CONFLUENT_RESOURCES,
  stableStringify,
  trimProviderSchema,
} from "../../providers/schema";
import { STAGE_NAMES } from "../../stages/names";
import { confluentSchema, synthBasicStage, synthStage } from "../support/stack-helpers";

const pick = ({ source, version, goModule, goCommit }: typeof CONFLUENT_PROVIDER) => ({
  source,
  version,
  goModule,
  goCommit,
});

describe("confluent provider schema and bindings", () => {
  const schema = confluentSchema();

  test.each(STAGE_NAMES)(
    "stage %s: every confluent attribute and block the stack writes conforms to the pinned schema",
    (stage) => {
      const synth = synthStage(stage);
      expect(conformanceProblems(synth, schema, "confluent_")).toEqual([]);
    },
  );

  test("a Basic stage (ACLs, Flink as CloudClusterAdmin) conforms too", () => {
    expect(conformanceProblems(synthBasicStage(), schema, "confluent_")).toEqual([]);
  });

  test("the stack uses every resource and data source the schema was trimmed to", () => {
    const types = new Set<string>();
    // No shipped stage is Basic; the Basic variant is the one that renders ACLs.
    for (const s of [...STAGE_NAMES.map(synthStage), synthBasicStage()]) {
      for (const t of Object.keys(s.resource)) types.add(`resource.${t}`);
      for (const t of Object.keys(s.data)) types.add(`data.${t}`);
    }
    for (const r of CONFLUENT_RESOURCES) expect(types).toContain(`resource.${r}`);
    for (const d of CONFLUENT_DATA_SOURCES) expect(types).toContain(`data.${d}`);
  });

  test("the check fails on a wrong attribute, a missing required one and a block over its limit", () => {
    const synth = synthStage("dev");
    const [topicName] = Object.keys(synth.resource.confluent_kafka_topic);
    synth.resource.confluent_kafka_topic[topicName].partitions = 3; // real name: partitions_count
    const [saName] = Object.keys(synth.resource.confluent_service_account);
    delete synth.resource.confluent_service_account[saName].display_name;
    const [statement] = Object.keys(synth.resource.confluent_flink_statement);
    synth.resource.confluent_flink_statement[statement].principal = [{ id: "a" }, { id: "b" }];
    expect(conformanceProblems(synth, schema, "confluent_")).toEqual([
      `resource.confluent_flink_statement.${statement}: block 'principal' has 2 items; at most 1 allowed`,
      `resource.confluent_kafka_topic.${topicName}: unknown attribute or block 'partitions'`,
      `resource.confluent_service_account.${saName}: required attribute 'display_name' is missing`,
    ]);
  });

  test("the committed schema records its pin and is sorted and stable", () => {
    const text = readFileSync("providers/confluent.schema.json", "utf8");
    const doc = JSON.parse(text);
    expect(doc.cdc_routing_pin).toEqual({ ...pick(CONFLUENT_PROVIDER), origin: REAL_SCHEMA_ORIGIN });
    expect(stableStringify(doc)).toBe(text);
    expect(text).not.toContain('"description"');
  });

  test("trimming names every resource a provider upgrade would drop", () => {
    const doc = {
      format_version: "1.0",
      provider_schemas: { p: { provider: { version: 0, block: {} }, resource_schemas: {}, data_source_schemas: {} } },
    };
    expect(() =>
      trimProviderSchema(doc, "p", ["a_x", "a_y"], [], {
        source: "",
        version: "",
        goModule: "",
        goCommit: "",
        origin: "",
      }),
    ).toThrow("provider schema lacks resources: a_x, a_y");
  });
});
