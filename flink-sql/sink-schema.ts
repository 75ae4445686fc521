/**
 * The JSON Schemas the stack registers: the raw topic's value (what the connector writes) and each consumer
 * topic's value, so Flink, the connector and consumers share one contract. No key schema is registered for
 * either: keys are schemaless (see connectors/postgres-cdc.ts), so Confluent Cloud infers the documented
 * "value schema only" table (flink-sql/inferred-table.ts).
 */

import { connectorValueSchema } from "../connectors/value-schema";
import { RAW_COLUMN_TYPES, RAW_COLUMNS, type RawColumnName } from "../filters/model";
import { getOrThrow } from "../lib/maps";
import { type CapturedTable, CONNECTOR_FIELDS } from "../stages/tables";
import { type InferredTable, inferTable } from "./inferred-table";

const JSON_TYPES: Record<string, { type: string; "connect.type"?: string }> = {
  STRING: { type: "string" },
  BIGINT: { type: "integer", "connect.type": "int64" },
};

/** Every column is nullable (a missing JSON path or column is NULL); key order follows the projection. */
export function sinkValueSchema(topic: string, columns: readonly RawColumnName[]): string {
  const properties = Object.fromEntries(
    columns.map((c) => [c, { oneOf: [{ type: "null" }, { type: JSON_TYPES[getOrThrow(RAW_COLUMN_TYPES, c)].type }] }]),
  );
  return JSON.stringify({
    $schema: "http://json-schema.org/draft-07/schema#",
    title: topic,
    type: "object",
    properties,
    additionalProperties: false,
  });
}

/**
 * Debezium's rewrite of deletes adds this field; Debezium 3 puts it before the added `__` metadata fields (2.4
 * after them), measured by __tests__/e2e/delete-handling.e2e.ts. The schema follows Debezium 3, which the managed
 * connector's documentation links.
 */
export const DELETED_FIELD = CONNECTOR_FIELDS[0].name;

/**
 * The captured table as local/sql/business_events.sql creates it, with the connector's types (stages/tables.ts):
 * the primary key NOT NULL, jsonb as Debezium's io.debezium.data.Json string.
 */
export const BUSINESS_EVENTS: CapturedTable = {
  schema: "public",
  table: "business_events",
  rawTopic: "raw-business-events",
  columns: [
    { name: "id", type: "string", optional: false },
    { name: "event_name", type: "string", optional: true },
    { name: "event_type", type: "string", optional: true },
    { name: "created_date", type: "string", optional: true },
    { name: "saved_date", type: "string", optional: true },
    { name: "event_data", type: "json", optional: true },
  ],
};

/**
 * The raw topic's value exactly as the connector's JSON Schema converter registers it (connectors/value-schema.ts),
 * so its first record adds no version. Registered by the stack before any statement starts, so the raw table has
 * its columns even before the connector's first record (a topic without a value schema is inferred as raw
 * `key`/`val` bytes).
 */
export function rawValueSchema(recordName: string): string {
  return connectorValueSchema(BUSINESS_EVENTS, recordName);
}

/** Record name of the flattened value: Debezium's `<topic.prefix>.<schema>.<table>.Value` (the router keeps it). */
export const rawRecordName = (topicPrefix: string, schema: string, table: string): string =>
  `${topicPrefix}.${schema}.${table}.Value`;

export interface RoutingTables {
  raw: InferredTable;
  sinks: Map<string, InferredTable>;
}

/** What Confluent Cloud will infer for the raw topic and every sink topic from the schemas the stack registers. */
export function routingTables(
  rawTopic: string,
  rawSchema: string,
  sinks: ReadonlyArray<{ topic: string; columns: readonly RawColumnName[] }>,
): RoutingTables {
  return {
    raw: inferTable(rawTopic, { value: rawSchema }),
    sinks: new Map(sinks.map((s) => [s.topic, inferTable(s.topic, { value: sinkValueSchema(s.topic, s.columns) })])),
  };
}

/**
 * Synth-time check that the statements fit the inferred tables: the raw table has every raw column (conditions
 * may read any of them) with the model's type, and every sink table has each column its filter writes.
 */
export function tableProblems(
  tables: RoutingTables,
  filters: ReadonlyArray<{ name: string; outputTopic: string; columns: readonly RawColumnName[] }>,
): string[] {
  const typeIn = (t: InferredTable, c: string) =>
    t.columns.find((x) => x.name === c && x.part === "value")?.type ?? "none";
  const problems = RAW_COLUMNS.filter((c) => typeIn(tables.raw, c.name) !== c.type).map(
    (c) =>
      `raw table ${tables.raw.topic}: column ${c.name} would be inferred as ${typeIn(tables.raw, c.name)}, the filters read it as ${c.type}`,
  );
  for (const f of filters) {
    const sink = tables.sinks.get(f.outputTopic);
    for (const c of f.columns.filter((c) => !sink || typeIn(sink, c) !== RAW_COLUMN_TYPES.get(c))) {
      problems.push(
        `filter ${f.name}: sink table ${f.outputTopic} would have no column ${c} ${RAW_COLUMN_TYPES.get(c)}`,
      );
    }
  }
  return problems;
}
