/**
 * The JSON Schema Confluent's JsonSchemaConverter registers (connectors/value-schema.ts), against converter output
 * recorded by others and Java's own HashMap.
 */
import {
  type ConnectSchema,
  connectorValueSchema,
  converterJsonSchema,
  javaHashMapOrder,
} from "../../connectors/value-schema";
import { BUSINESS_EVENTS_COLUMNS } from "../../filters/model";
import type { CapturedTable } from "../../stages/tables";

const OPEN = { additionalProperties: true };
const required = (type: Exclude<ConnectSchema["type"], "struct">): ConnectSchema => ({ type, optional: false });
const struct = (name: string, fields: Array<[string, ConnectSchema]>, version?: number): ConnectSchema => ({
  type: "struct",
  optional: false,
  name,
  version,
  fields: fields.map(([n, schema]) => ({ name: n, schema })),
});

describe("the converter's JSON Schema, as recorded", () => {
  /*
   * Debezium 2.0's Postgres connector with Confluent's JsonSchemaConverter 7.0.1, as the serializer printed it when
   * registration failed: timmyb32r/debezium-docker-compose @ 12509314d7292afb127a5935d736ee7ccb4c959e,
   * debezium-schema-registry-pg-karapace-json-with-topic-routing-DEMO-HOW-IT-DOESNT-WORK/README.md
   * ("Error registering JSON schema: {...}", table `(id INT PRIMARY KEY, val INT)`).
   */
  const RECORDED_VALUE =
    '{"type":"object","title":"timmyb32r_server.timmyb32r_schema.timmyb32r_topic_name.Value","properties":{"val":{"connect.index":1,"oneOf":[{"type":"null"},{"type":"integer","connect.type":"int32"}]},"id":{"type":"integer","connect.index":0,"connect.type":"int32"}}}';
  const RECORDED_TRANSACTION =
    '{"type":"object","title":"event.block","connect.version":1,"properties":{"data_collection_order":{"type":"integer","connect.index":2,"connect.type":"int64"},"id":{"type":"string","connect.index":0},"total_order":{"type":"integer","connect.index":1,"connect.type":"int64"}}}';

  test("a Debezium Value struct: title, a required int32 and an optional one as oneOf [null, T], in HashMap order", () => {
    const value = struct("timmyb32r_server.timmyb32r_schema.timmyb32r_topic_name.Value", [
      ["id", required("int32")],
      ["val", { type: "int32", optional: true }],
    ]);
    expect(converterJsonSchema(value, OPEN)).toBe(RECORDED_VALUE);
  });

  test("a versioned struct (Debezium's transaction block): connect.version after the title, int64 fields", () => {
    const block = struct(
      "event.block",
      [
        ["id", required("string")],
        ["total_order", required("int64")],
        ["data_collection_order", required("int64")],
      ],
      1,
    );
    expect(converterJsonSchema(block, OPEN)).toBe(RECORDED_TRANSACTION);
  });

  test("the envelope's and the Postgres source's properties come in java.util.HashMap order, not field order", () => {
    // Field order as Debezium defines them; property order as the recorded text has them.
    expect(javaHashMapOrder(["before", "after", "source", "op", "ts_ms", "transaction"])).toEqual([
      "op",
      "before",
      "after",
      "source",
      "ts_ms",
      "transaction",
    ]);
    const source = ["version", "connector", "name", "ts_ms", "snapshot", "db", "sequence", "schema", "table"];
    expect(javaHashMapOrder([...source, "txId", "lsn", "xmin"])).toEqual([
      "schema",
      "sequence",
      "xmin",
      "connector",
      "lsn",
      "name",
      "txId",
      "version",
      "ts_ms",
      "snapshot",
      "db",
      "table",
    ]);
  });

  /*
   * Schema Registry's own record of the converter's output for its test struct of every Connect type:
   * confluentinc/schema-registry @ 794611bd86d, core/src/test/java/io/confluent/kafka/schemaregistry/storage/
   * SchemaValuesTest.java, testSchemaValueComplexJsonMD5 (field i has connect.index i).
   */
  test("every primitive type renders as Schema Registry's recorded test schema has it, properties in its order", () => {
    const names = [
      "int8",
      "int16",
      "int32",
      "int64",
      "float32",
      "float64",
      "boolean",
      "string",
      "bytes",
      "array",
      "map",
    ];
    expect(javaHashMapOrder(names)).toEqual([
      "boolean",
      "string",
      "int32",
      "array",
      "int64",
      "bytes",
      "int8",
      "float32",
      "float64",
      "map",
      "int16",
    ]);
    const primitives = names.slice(0, 8) as Array<Exclude<ConnectSchema["type"], "struct">>;
    const schema = converterJsonSchema(
      struct(
        "Complex",
        primitives.map((t) => [t, required(t)]),
      ),
      OPEN,
    );
    for (const recorded of [
      '"boolean":{"connect.index":6,"type":"boolean"}',
      '"string":{"type":"string","connect.index":7}',
      '"int32":{"type":"integer","connect.index":2,"connect.type":"int32"}',
      '"int64":{"type":"integer","connect.index":3,"connect.type":"int64"}',
      '"int8":{"type":"integer","connect.index":0,"connect.type":"int8"}',
      '"float32":{"type":"number","connect.index":4,"connect.type":"float32"}',
      '"float64":{"type":"number","connect.index":5,"connect.type":"float64"}',
      '"int16":{"type":"integer","connect.index":1,"connect.type":"int16"}',
    ])
      expect(schema).toContain(recorded);
  });
});

describe("java.util.HashMap iteration order", () => {
  test("past a resize (27 keys, 64 buckets) it is Java's, as printed by OpenJDK 17's HashMap.keySet()", () => {
    const keys =
      "loan_id customer_id car_id amount currency status created_at updated_at due_date paid_at interest_rate term_months vin make model year color mileage owner_id service_date service_type cost notes __deleted __op __table __ts_ms";
    expect(javaHashMapOrder(keys.split(" ")).join(" ")).toBe(
      "notes color year owner_id created_at term_months updated_at service_date interest_rate currency vin model car_id make loan_id mileage amount __ts_ms cost __deleted due_date __op paid_at service_type __table customer_id status",
    );
  });

  test("a key put twice keeps its first place", () => {
    expect(javaHashMapOrder(["b", "a", "b"])).toEqual(javaHashMapOrder(["b", "a"]));
  });
});

describe("a captured table's raw value schema", () => {
  const businessEvents: CapturedTable = {
    schema: "public",
    table: "business_events",
    rawTopic: "raw-business-events",
    columns: BUSINESS_EVENTS_COLUMNS,
  };

  test("business_events: closed, titled with the record name, no required list, json as Debezium's named string", () => {
    expect(connectorValueSchema(businessEvents, "cdc-routing-dev.public.business_events.Value")).toBe(
      '{"type":"object","additionalProperties":false,"title":"cdc-routing-dev.public.business_events.Value","properties":{' +
        '"__table":{"connect.index":8,"oneOf":[{"type":"null"},{"type":"string"}]},' +
        '"__ts_ms":{"connect.index":9,"oneOf":[{"type":"null"},{"type":"integer","connect.type":"int64"}]},' +
        '"event_type":{"connect.index":2,"oneOf":[{"type":"null"},{"type":"string"}]},' +
        '"__deleted":{"connect.index":6,"oneOf":[{"type":"null"},{"type":"string"}]},' +
        '"event_name":{"connect.index":1,"oneOf":[{"type":"null"},{"type":"string"}]},' +
        '"id":{"type":"string","connect.index":0},' +
        '"created_date":{"connect.index":3,"oneOf":[{"type":"null"},{"type":"string"}]},' +
        '"event_data":{"connect.index":5,"oneOf":[{"type":"null"},{"type":"string","title":"io.debezium.data.Json","connect.version":1}]},' +
        '"saved_date":{"connect.index":4,"oneOf":[{"type":"null"},{"type":"string"}]},' +
        '"__op":{"connect.index":7,"oneOf":[{"type":"null"},{"type":"string"}]}}}',
    );
  });

  test("every declared type: int32, int64, float64 with connect.type, boolean, a NOT NULL json column", () => {
    const table: CapturedTable = {
      ...businessEvents,
      table: "t",
      columns: [
        { name: "doc", type: "json", optional: false },
        { name: "n", type: "int32", optional: true },
        { name: "big", type: "int64", optional: false },
        { name: "ratio", type: "float64", optional: true },
        { name: "flag", type: "boolean", optional: true },
      ],
    };
    const properties = JSON.parse(connectorValueSchema(table, "p.public.t.Value")).properties;
    expect(properties.doc).toEqual({
      type: "string",
      title: "io.debezium.data.Json",
      "connect.version": 1,
      "connect.index": 0,
    });
    expect(properties.n.oneOf[1]).toEqual({ type: "integer", "connect.type": "int32" });
    expect(properties.big).toEqual({ type: "integer", "connect.index": 2, "connect.type": "int64" });
    expect(properties.ratio.oneOf[1]).toEqual({ type: "number", "connect.type": "float64" });
    expect(properties.flag).toEqual({ "connect.index": 4, oneOf: [{ type: "null" }, { type: "boolean" }] });
    expect(Object.keys(properties).sort()).toEqual(
      ["__deleted", "__op", "__table", "__ts_ms", "big", "doc", "flag", "n", "ratio"].sort(),
    );
  });
});
