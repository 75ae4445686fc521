/**
 * The JSON Schemas the stack registers: the raw topic's value (what the connector writes) and each consumer
 * topic's value, so Flink, the connector and consumers share one contract. No key schema is registered for
 * either: keys are schemaless (see connectors/postgres-cdc.ts), so Confluent Cloud infers the documented
 * "value schema only" table (flink-sql/inferred-table.ts).
 */
import { connectorValueSchema } from "../connectors/value-schema";
import { type Filter, fieldTypes, sourceFields } from "../filters/model";
import { getOrInsert, getOrThrow } from "../lib/maps";
import { type CapturedTable, CONNECTOR_FIELDS, type ConnectType, type DeclaredColumn } from "../stages/tables";
import { type InferredTable, inferTable } from "./inferred-table";

/**
 * JSON Schema of each connector type as Kafka Connect's JSON Schema converter writes it: integers and floats carry
 * their Connect width in connect.type (Confluent's type mapping infers INT from int32, BIGINT from int64).
 */
const JSON_TYPES: Record<ConnectType, { type: string; "connect.type"?: string }> = {
  string: { type: "string" },
  json: { type: "string" },
  boolean: { type: "boolean" },
  int32: { type: "integer", "connect.type": "int32" },
  int64: { type: "integer", "connect.type": "int64" },
  float64: { type: "number", "connect.type": "float64" },
};

/**
 * Debezium's rewrite of deletes adds this field; Debezium 3 puts it before the added `__` metadata fields (2.4
 * after them), measured by __tests__/e2e/delete-handling.e2e.ts. The schema follows Debezium 3, which the managed
 * connector's documentation links.
 */
export const DELETED_FIELD = CONNECTOR_FIELDS[0].name;

const nullable = (t: object) => ({ oneOf: [{ type: "null" }, t] });

/**
 * A sink column's JSON type; only int32 keeps its connect.type, since a plain integer is inferred as BIGINT and
 * a plain number as DOUBLE, which int64 and float64 are.
 */
const sinkType = (type: ConnectType) => (type === "int32" ? JSON_TYPES[type] : { type: JSON_TYPES[type].type });

/** Every column is nullable (a missing JSON path or column is NULL); key order follows the projection. */
export function sinkValueSchema(topic: string, columns: readonly DeclaredColumn[]): string {
  const properties = Object.fromEntries(columns.map((c) => [c.name, nullable(sinkType(c.type))]));
  return JSON.stringify({
    $schema: "http://json-schema.org/draft-07/schema#",
    title: topic,
    type: "object",
    properties,
    additionalProperties: false,
  });
}

/** The declared fields a filter routes, with their types, in its order. */
export function routedColumns(filter: Filter, source: CapturedTable): DeclaredColumn[] {
  const fields = new Map(sourceFields(source).map((c) => [c.name, c]));
  return filter.columns.map((c) => getOrThrow(fields, c));
}

/**
 * A captured table's raw value exactly as the connector's JSON Schema converter registers it
 * (connectors/value-schema.ts), so its first record adds no version. Registered by the stack before any statement
 * starts, so the raw table has its columns even before the connector's first record (a topic without a value schema
 * is inferred as raw `key`/`val` bytes).
 */
export function rawValueSchema(source: CapturedTable, recordName: string): string {
  return connectorValueSchema(source, recordName);
}

/** Record name of the flattened value: Debezium's `<topic.prefix>.<schema>.<table>.Value` (the router keeps it). */
export const rawRecordName = (topicPrefix: string, schema: string, table: string): string =>
  `${topicPrefix}.${schema}.${table}.Value`;

export interface RoutingTables {
  /** Each captured table's raw table, by raw topic. */
  raws: Map<string, InferredTable>;
  sinks: Map<string, InferredTable>;
}

/**
 * What Confluent Cloud will infer for each raw topic and every sink topic from the schemas the stack registers.
 * Sink schemas differ only in their title (the topic) when their columns are the same, and the title does not take
 * part in inference: each list of columns is inferred once (hundreds of sinks, a few lists), its first topic named
 * in an error.
 */
export function routingTables(
  raws: ReadonlyArray<{ topic: string; schema: string }>,
  sinks: ReadonlyArray<{ topic: string; columns: readonly DeclaredColumn[] }>,
): RoutingTables {
  const byColumns = new Map<string, InferredTable>();
  const sinkTable = ({ topic, columns }: (typeof sinks)[number]): InferredTable => {
    const inferred = getOrInsert(byColumns, JSON.stringify(columns), () =>
      inferTable(topic, { value: sinkValueSchema(topic, columns) }),
    );
    return { ...inferred, topic };
  };
  return {
    raws: new Map(raws.map((r) => [r.topic, inferTable(r.topic, { value: r.schema })])),
    sinks: new Map(sinks.map((s) => [s.topic, sinkTable(s)])),
  };
}

/**
 * Synth-time check that the statements fit the inferred tables: each raw table has every field of its source
 * (conditions may read any of them) with the declared type, and every sink table has each column its filter writes.
 */
export function tableProblems(
  tables: RoutingTables,
  sources: readonly CapturedTable[],
  filters: ReadonlyArray<{ name: string; outputTopic: string; source: string; columns: readonly string[] }>,
): string[] {
  const typeIn = (t: InferredTable | undefined, c: string) =>
    t?.columns.find((x) => x.name === c && x.part === "value")?.type ?? "none";
  const problems: string[] = [];
  for (const source of sources) {
    const raw = tables.raws.get(source.rawTopic);
    for (const [name, type] of fieldTypes(source))
      if (typeIn(raw, name) !== type)
        problems.push(
          `raw table ${source.rawTopic}: column ${name} would be inferred as ${typeIn(raw, name)}, the filters read it as ${type}`,
        );
  }
  const byTopic = new Map(sources.map((s) => [s.rawTopic, s]));
  for (const f of filters) {
    const types = fieldTypes(getOrThrow(byTopic, f.source));
    const sink = tables.sinks.get(f.outputTopic);
    for (const c of f.columns.filter((c) => typeIn(sink, c) !== types.get(c)))
      problems.push(`filter ${f.name}: sink table ${f.outputTopic} would have no column ${c} ${types.get(c)}`);
  }
  return problems;
}
