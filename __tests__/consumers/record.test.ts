/** Pure parts of the consumers, the verify tool and the local harness: parsing, config, comparison, translation. */
import { describeKafkaConfig, kafkaConfigFromEnv } from "../../consumers/kafka-config";
import { frameJsonSr, parseRoutedRecord, RecordParseError, routedRecordId } from "../../consumers/record";
import { compareRouting, describeDifferences, expectedRouting } from "../../consumers/routing-check";
import { sampleEvents, setPath } from "../../consumers/sample-events";
import { debeziumConnectorConfig, propertiesText } from "../../connectors/debezium-local";
import { cdcConnectorConfig } from "../../connectors/postgres-cdc";
import { loadFilters } from "../../filters/load";
import { routeEvent } from "../../filters/evaluate";
import { createServer } from "node:net";
import { clusterId } from "../../local/kafka";
import { javaCommand } from "../../local/processes";
import { assertPortFree } from "../../lib/ports";
import { traceSummary } from "../../local/connect";
import { stageConfig } from "../../stages/stages";

const filters = loadFilters("filters/filters.yaml");
const row = { id: "e1", event_name: "n", event_type: "LoanCreated", created_date: "d", saved_date: "d", event_data: '{"eventBody":{"entities":[{"entityType":"Loan"}]}}', __op: "c", __table: "business_events", __ts_ms: 5 };

describe("routed record parsing", () => {
  test("plain JSON and Schema Registry framed JSON parse the same", () => {
    const plain = parseRoutedRecord(Buffer.from(JSON.stringify(row)));
    expect(parseRoutedRecord(frameJsonSr(100001, JSON.stringify(row)))).toEqual(plain);
    expect(plain).toMatchObject({ id: "e1", op: "c", eventType: "LoanCreated", capturedAtMs: 5, data: { eventBody: { entities: [{ entityType: "Loan" }] } } });
  });

  test("tombstones, non-JSON values, rows without id/__op and bad event_data are rejected with a reason", () => {
    expect(() => parseRoutedRecord(null)).toThrow("tombstone");
    expect(() => parseRoutedRecord(Buffer.from("nope"))).toThrow(RecordParseError);
    expect(() => parseRoutedRecord(Buffer.from('{"id":"x"}'))).toThrow("lacks the id and __op");
    expect(() => parseRoutedRecord(Buffer.from(JSON.stringify({ ...row, event_data: "{bad" })))).toThrow("event_data of e1 is not JSON");
    expect(parseRoutedRecord(Buffer.from(JSON.stringify({ ...row, event_data: null }))).data).toBeNull();
    expect(routedRecordId(Buffer.from(JSON.stringify({ ...row, event_data: "{bad" })))).toBe("e1");
  });
});

describe("Kafka settings from the environment", () => {
  test("loopback PLAINTEXT, or SASL_SSL with key and secret; the description never shows the secret", () => {
    expect(kafkaConfigFromEnv({ KAFKA_BOOTSTRAP_SERVERS: "127.0.0.1:9092" }, "c")).toEqual({ clientId: "c", brokers: ["127.0.0.1:9092"] });
    const cloud = kafkaConfigFromEnv({ KAFKA_BOOTSTRAP_SERVERS: "SASL_SSL://pkc-1.example:9092", KAFKA_API_KEY: "KEY", KAFKA_API_SECRET: "s3cret-value" }, "c");
    expect(cloud).toMatchObject({ brokers: ["pkc-1.example:9092"], ssl: true, sasl: { mechanism: "plain", username: "KEY" } });
    expect(describeKafkaConfig(cloud)).toBe("pkc-1.example:9092 (SASL_SSL)");
    expect(() => kafkaConfigFromEnv({}, "c")).toThrow("KAFKA_BOOTSTRAP_SERVERS is not set");
    expect(() => kafkaConfigFromEnv({ KAFKA_BOOTSTRAP_SERVERS: "h:1", KAFKA_API_KEY: "KEY" }, "c")).toThrow("set both KAFKA_API_KEY and KAFKA_API_SECRET");
  });
});

describe("routing comparison", () => {
  test("missing, extra and duplicated ids per topic", () => {
    const expected = new Map([["a", ["1", "2"]], ["b", []]]);
    const actual = new Map([["a", ["2", "2", "3"]], ["b", []]]);
    const differences = compareRouting(expected, actual);
    expect(differences).toEqual([{ topic: "a", missing: ["1"], extra: ["3"], duplicated: ["2"] }]);
    expect(describeDifferences(differences)).toBe("a:\n  missing 1: 1\n  extra 1: 3\n  duplicated 1: 2");
    expect(compareRouting(expected, new Map([["a", ["2", "1"]]]))).toEqual([]);
  });

  test("sample events reach every consumer topic and miss them too", () => {
    const events = sampleEvents(filters, "s");
    const expected = expectedRouting(filters, "dev", events);
    for (const ids of expected.values()) expect(ids.length).toBeGreaterThan(0);
    expect(events.some((e) => routeEvent(filters, "dev", e).length === 0)).toBe(true);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  });

  test("setPath builds objects and arrays along a JSON path", () => {
    const root: Record<string, unknown> = {};
    setPath(root, ["eventBody", "entities", 0, "entityType"], "Loan");
    expect(root).toEqual({ eventBody: { entities: [{ entityType: "Loan" }] } });
  });
});

describe("local Debezium configuration from the managed connector's", () => {
  const managed = cdcConnectorConfig({ stage: stageConfig("dev"), connectorName: "n", snapshotMode: "initial", rawTopic: "raw-business-events", serviceAccountId: "sa", databasePassword: "pw" }).nonsensitive;

  test("record-shaping keys pass through unchanged; cloud-only keys are replaced", () => {
    const local = debeziumConnectorConfig(managed, { host: "127.0.0.1", port: 5, user: "u", database: "business" });
    for (const key of Object.keys(managed).filter((k) => k.startsWith("transforms") || ["slot.name", "publication.name", "snapshot.mode", "table.include.list"].includes(k))) {
      expect([key, local[key]]).toEqual([key, managed[key]]);
    }
    expect(local["connector.class"]).toBe("io.debezium.connector.postgresql.PostgresConnector");
    expect(local).not.toHaveProperty("kafka.service.account.id");
    expect(local).not.toHaveProperty("output.data.format");
  });

  test("a managed key nobody mapped fails loudly", () => {
    expect(() => debeziumConnectorConfig({ ...managed, "new.key": "x" }, { host: "h", port: 1, user: "u", database: "d" })).toThrow("connector keys with no local mapping: new.key");
  });

  test("properties text escapes separators", () => {
    expect(propertiesText({ "a=b": "c:d\ne" })).toBe("a\\=b=c\\:d\\ne\n");
  });
});

describe("local harness helpers", () => {
  test("Kafka cluster ids never start with '-' (a command line would read an option)", () => {
    for (let i = 0; i < 500; i++) expect(clusterId()).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
  });

  test("a Java trace is summed up by its first line and root cause", () => {
    expect(traceSummary("org.x.ConnectException: failed\n\tat a\nCaused by: java.sql.X: mid\nCaused by: org.postgresql.util.PSQLException: ERROR: permission denied for table t")).toBe(
      "org.x.ConnectException: failed (root cause: org.postgresql.util.PSQLException: ERROR: permission denied for table t)",
    );
  });
});

describe("local harness preconditions fail with a clear message", () => {
  test("a port in use names the port and what needed it", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    const port = (server.address() as { port: number }).port;
    try {
      await expect(assertPortFree(port, "kafka")).rejects.toThrow(`port ${port} for kafka is in use on 127.0.0.1`);
    } finally {
      server.close();
    }
  });

  test("a missing Java says what is needed", async () => {
    const saved = process.env.JAVA_HOME;
    process.env.JAVA_HOME = "/nonexistent-jdk";
    try {
      expect(() => javaCommand()).toThrow("Java 17 or newer is needed for the local pipeline and was not found (/nonexistent-jdk/bin/java)");
    } finally {
      if (saved === undefined) delete process.env.JAVA_HOME;
      else process.env.JAVA_HOME = saved;
    }
  });
});
