/** The local Debezium connector's configuration (connectors/debezium-local.ts), from the managed connector's. */
import { debeziumConnectorConfig, propertiesText } from "../../connectors/debezium-local";
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

  test("a managed key nobody mapped fails loudly", () => {
    expect(() =>
      debeziumConnectorConfig({ ...managed, "new.key": "x" }, { host: "h", port: 1, user: "u", database: "d" }),
    ).toThrow("connector keys with no local mapping: new.key");
  });

  test("properties text escapes separators", () => {
    expect(propertiesText({ "a=b": "c:d\ne" })).toBe("a\\=b=c\\:d\\ne\n");
  });
});
