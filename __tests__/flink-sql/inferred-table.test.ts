/** The tables Confluent Cloud infers from registered schemas (flink-sql/inferred-table.ts); their Apache Flink DDL. */
import { loadFilters } from "../../filters/load";
import { filtersForStage } from "../../filters/model";
import {
  apacheFlinkTableDdl,
  InferenceError,
  inferredCatalogScript,
  inferTable,
  VARBINARY,
} from "../../flink-sql/inferred-table";
import {
  rawRecordName,
  rawValueSchema,
  routedColumns,
  routingTables,
  sinkValueSchema,
  tableProblems,
} from "../../flink-sql/sink-schema";
import { getOrThrow } from "../../lib/maps";
import { CONNECTOR_FIELDS, FLINK_TYPES } from "../../stages/tables";

const filters = loadFilters("filters/filters.yaml");
const deployed = filtersForStage(filters, "dev");
const source = getOrThrow(filters.sources, filters.sourceTopic);
const rawSchema = rawValueSchema(source, rawRecordName("cdc-routing-dev", "public", "business_events"));
const routed = (f: (typeof deployed)[number]) => routedColumns(f, source);

describe("inferred tables (Confluent Cloud's inference from registered schemas)", () => {
  test("no schema at all: key and val, raw bytes", () => {
    expect(inferTable("t", {})).toEqual({
      topic: "t",
      columns: [
        { name: "key", type: VARBINARY, nullable: true, part: "key" },
        { name: "val", type: VARBINARY, nullable: true, part: "value" },
      ],
      keyFormat: "raw",
      valueFormat: "raw",
      valueFieldsInclude: "except-key",
    });
  });

  test("a value schema and no key schema: a raw `key` column first, then the value's fields with mapped types and nullability", () => {
    const schema = JSON.stringify({
      type: "object",
      properties: {
        a: { type: "string" },
        b: { oneOf: [{ type: "null" }, { type: "integer", "connect.type": "int32" }] },
        c: { type: "number" },
        d: { type: "boolean" },
        e: { type: "integer" },
        f: { type: "number", "connect.type": "float32" },
      },
      required: ["a", "e"],
    });
    const t = inferTable("t", { value: schema });
    expect(t.columns.map((c) => `${c.part} ${c.name} ${c.type}${c.nullable ? "" : " NOT NULL"}`)).toEqual([
      `key key ${VARBINARY}`,
      "value a STRING NOT NULL",
      "value b INT",
      "value c DOUBLE",
      "value d BOOLEAN",
      "value e BIGINT NOT NULL",
      "value f FLOAT",
    ]);
    expect([t.keyFormat, t.valueFormat, t.valueFieldsInclude]).toEqual(["raw", "json-registry", "except-key"]);
  });

  test("columns follow connect.index, not the order the converter writes the properties in", () => {
    const schema = JSON.stringify({
      type: "object",
      properties: {
        b: { "connect.index": 1, oneOf: [{ type: "null" }, { type: "string", title: "io.debezium.data.Json" }] },
        c: { type: "integer", "connect.index": 2, "connect.type": "int64" },
        a: { type: "string", "connect.index": 0 },
      },
      additionalProperties: false,
    });
    expect(inferTable("t", { value: schema }).columns.map((c) => `${c.name} ${c.type}`)).toEqual([
      `key ${VARBINARY}`,
      "a STRING",
      "b STRING",
      "c BIGINT",
    ]);
    const mixed = JSON.stringify({
      type: "object",
      properties: { a: { type: "string", "connect.index": 0 }, b: { type: "string" } },
    });
    expect(() => inferTable("t", { value: mixed })).toThrow(/t-value: properties with and without connect.index/);
  });

  test("key columns come first when a key schema exists", () => {
    const t = inferTable("t", {
      key: JSON.stringify({ type: "object", properties: { k: { type: "string" } }, required: ["k"] }),
      value: JSON.stringify({ type: "object", properties: { v: { type: "string" } } }),
    });
    expect(t.columns.map((c) => `${c.part}:${c.name}`)).toEqual(["key:k", "value:v"]);
    expect(t.keyFormat).toBe("json-registry");
  });

  test("what it does not model is refused with the subject and property named, not guessed", () => {
    expect(() =>
      inferTable("t", {
        value: JSON.stringify({ type: "object", properties: { n: { type: "object", properties: {} } } }),
      }),
    ).toThrow(
      new InferenceError(
        't-value.n: type "object" is not modelled by flink-sql/inferred-table.ts; extend it from Confluent\'s JSON Schema type mapping before using it',
      ),
    );
    expect(() =>
      inferTable("t", {
        key: JSON.stringify({ type: "object", properties: { id: { type: "string" } } }),
        value: JSON.stringify({ type: "object", properties: { id: { type: "string" } } }),
      }),
    ).toThrow(/key and value both having a field id/);
    expect(() => inferTable("t", { value: "{" })).toThrow(/t-value: not valid JSON/);
  });

  test("the raw value schema the stack registers infers every raw column with the filters' type in table order, and the delete marker; all nullable, as the converter writes no required list", () => {
    const raw = inferTable("raw-business-events", { value: rawSchema });
    const row = source.columns.map((c) => [c.name, FLINK_TYPES[c.type], true]);
    const added = CONNECTOR_FIELDS.map((c) => [c.name, FLINK_TYPES[c.type], true]);
    expect(raw.columns.map((c) => [c.name, c.type, c.nullable])).toEqual([["key", VARBINARY, true], ...row, ...added]);
    expect(JSON.parse(rawSchema).title).toBe("cdc-routing-dev.public.business_events.Value");
  });

  test("each sink's registered schema infers a table with a raw key column and exactly the filter's columns", () => {
    for (const f of deployed) {
      const sink = inferTable(f.outputTopic, { value: sinkValueSchema(f.outputTopic, routed(f)) });
      expect(sink.columns.map((c) => c.name)).toEqual(["key", ...f.columns]);
    }
    expect(
      tableProblems(
        routingTables(
          [{ topic: filters.sourceTopic, schema: rawSchema }],
          deployed.map((f) => ({ topic: f.outputTopic, columns: routed(f) })),
        ),
        [source],
        deployed,
      ),
    ).toEqual([]);
  });

  test("sinks with the same columns, inferred once per list of columns, each get the table its own schema infers", () => {
    const sinks = deployed.flatMap((f) =>
      ["a", "b"].map((copy) => ({ topic: `${f.outputTopic}-${copy}`, columns: routed(f) })),
    );
    const tables = routingTables([], sinks);
    expect([...tables.sinks.keys()]).toEqual(sinks.map((s) => s.topic));
    for (const s of sinks)
      expect(tables.sinks.get(s.topic)).toEqual(inferTable(s.topic, { value: sinkValueSchema(s.topic, s.columns) }));
  });

  test("on Apache Flink the inferred raw table is declared with a raw key column and the value fields except the key", () => {
    const ddl = apacheFlinkTableDdl(inferTable("raw-business-events", { value: rawSchema }), {
      bootstrapServers: "h:1",
      bounded: true,
    });
    expect(ddl).toContain(`  \`key\` ${VARBINARY},\n  \`id\` STRING,\n  \`event_name\` STRING,`);
    for (const option of [
      "'key.format' = 'raw'",
      "'key.fields' = 'key'",
      "'value.format' = 'json'",
      "'value.fields-include' = 'EXCEPT_KEY'",
      "'scan.startup.mode' = 'earliest-offset'",
      "'scan.bounded.mode' = 'latest-offset'",
    ]) {
      expect(ddl).toContain(option);
    }
  });

  test("a raw schema missing a column the filters read is a synth-time problem naming it", () => {
    const withoutOp = JSON.parse(rawSchema);
    delete withoutOp.properties.__op;
    const problems = tableProblems(
      routingTables([{ topic: filters.sourceTopic, schema: JSON.stringify(withoutOp) }], []),
      [source],
      [],
    );
    expect(problems).toEqual([
      "raw table raw-business-events: column __op would be inferred as none, the filters read it as STRING",
    ]);
  });
});

describe("the catalog a statement runs in on Apache Flink, as Confluent Cloud sets it up", () => {
  const tables = {
    catalog: "cdc-routing-dev",
    database: "cdc-routing-dev-kafka",
    valueSchemas: new Map([
      ["raw-business-events", rawSchema],
      ["filtered-a", sinkValueSchema("filtered-a", source.columns.slice(0, 1))],
    ]),
  };

  test("its catalog and database, then each topic with a value schema as its inferred table, in topic order", () => {
    const script = inferredCatalogScript(tables, { bootstrapServers: "h:1" });
    expect(script.slice(0, 4)).toEqual([
      "CREATE CATALOG `cdc-routing-dev` WITH ('type' = 'generic_in_memory')",
      "CREATE DATABASE `cdc-routing-dev`.`cdc-routing-dev-kafka`",
      "USE CATALOG `cdc-routing-dev`",
      "USE `cdc-routing-dev-kafka`",
    ]);
    const inOrder = ["filtered-a", "raw-business-events"];
    const declared = inOrder.map((topic) => inferTable(topic, { value: tables.valueSchemas.get(topic)! }));
    expect(script.slice(4)).toEqual(declared.map((t) => apacheFlinkTableDdl(t, { bootstrapServers: "h:1" })));
  });

  test("only the bounded topics end their scans at job start", () => {
    const script = inferredCatalogScript(tables, { bootstrapServers: "h:1", boundedTopics: ["raw-business-events"] });
    const bounded = script.slice(4).map((ddl) => [ddl.split("`")[1], ddl.includes("'scan.bounded.mode'")]);
    expect(bounded).toEqual([
      ["filtered-a", false],
      ["raw-business-events", true],
    ]);
  });

  test("a running statement's tables write in transactions under its name and the topic, and read committed only", () => {
    const script = inferredCatalogScript(tables, {
      bootstrapServers: "h:1",
      transactionalIdPrefix: "dev-routing-set-1",
    });
    const sinkOptions = (ddl: string) =>
      [...ddl.matchAll(/'(sink\.[^']+|properties\.(?:transaction|isolation)[^']*)' = '([^']*)'/g)].map(
        (m) => `${m[1]}=${m[2]}`,
      );
    expect(script.slice(4).map(sinkOptions)).toEqual(
      ["filtered-a", "raw-business-events"].map((topic) => [
        "sink.delivery-guarantee=exactly-once",
        `sink.transactional-id-prefix=dev-routing-set-1-${topic}`,
        "properties.transaction.timeout.ms=900000",
        "properties.isolation.level=read_committed",
      ]),
    );
    // Test runs of the generated SQL (no prefix) keep the connector's defaults.
    expect(inferredCatalogScript(tables, { bootstrapServers: "h:1" }).slice(4).flatMap(sinkOptions)).toEqual([]);
  });
});
