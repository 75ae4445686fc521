/** The local Debezium connector's configuration (connectors/debezium-local.ts), from the managed connector's. */
import { debeziumConnectorConfig, LOCAL_JSON_SCHEMA_CONVERTER, propertiesText } from "../../connectors/debezium-local";
import { devConnectorSettings } from "../support/connector-settings";

describe("local Debezium configuration from the managed connector's", () => {
  const managed = devConnectorSettings();

  test("record-shaping keys pass through unchanged, Confluent's TopicRegexRouter becomes Kafka's RegexRouter; cloud-only keys are replaced", () => {
    const local = debeziumConnectorConfig(managed, { host: "127.0.0.1", port: 5, user: "u", database: "business" });
    const routerType = "transforms.route_public_business_events.type";
    for (const key of Object.keys(managed).filter(
      (k) =>
        (k.startsWith("transforms") && k !== routerType) ||
        ["slot.name", "publication.name", "snapshot.mode", "table.include.list"].includes(k),
    )) {
      expect([key, local[key]]).toEqual([key, managed[key]]);
    }
    expect(managed[routerType]).toBe("io.confluent.connect.cloud.transforms.TopicRegexRouter");
    expect(local[routerType]).toBe("org.apache.kafka.connect.transforms.RegexRouter");
    expect(local["connector.class"]).toBe("io.debezium.connector.postgresql.PostgresConnector");
    expect(local).not.toHaveProperty("kafka.service.account.id");
    expect(local).not.toHaveProperty("output.data.format");
  });

  test("JSON_SR values: with a registry, the local JSON Schema converter with Confluent's settings; without, the worker's JSON", () => {
    const db = { host: "h", port: 1, user: "u", database: "d" };
    const registry = { url: "http://127.0.0.1:1/schema-registry/lsrc-1", key: "K", secret: "S" };
    const local = debeziumConnectorConfig(managed, db, registry);
    expect(Object.fromEntries(Object.entries(local).filter(([k]) => k.startsWith("value.converter")))).toEqual({
      "value.converter": LOCAL_JSON_SCHEMA_CONVERTER,
      "value.converter.schema.registry.url": registry.url,
      "value.converter.basic.auth.credentials.source": "USER_INFO",
      "value.converter.basic.auth.user.info": "K:S",
      "value.converter.object.additional.properties": "false",
    });
    expect(Object.keys(debeziumConnectorConfig(managed, db)).filter((k) => k.startsWith("value.converter"))).toEqual(
      [],
    );
    expect(() =>
      debeziumConnectorConfig({ ...managed, "value.converter.use.optional.for.nonrequired": "true" }, db, registry),
    ).toThrow("connector keys with no local mapping: value.converter.use.optional.for.nonrequired");
  });

  test("a managed key nobody mapped fails loudly", () => {
    expect(() =>
      debeziumConnectorConfig({ ...managed, "new.key": "x" }, { host: "h", port: 1, user: "u", database: "d" }),
    ).toThrow("connector keys with no local mapping: new.key");
  });

  test("properties text escapes separators", () => {
    expect(propertiesText({ "a=b": "c:d\ne" })).toBe("a\\=b=c\\:d\\ne\n");
  });
});
