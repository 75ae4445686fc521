/**
 * The table Confluent Cloud Flink infers for a topic from its registered key and value schemas. Pure, so the
 * stack's schemas are checked against what the deployed statements will see, and the local proof declares the
 * same table on Apache Flink.
 *
 * Rules (Confluent docs, "CREATE TABLE Statement in Confluent Cloud for Apache Flink", section Inferred tables,
 * https://docs.confluent.io/cloud/current/flink/reference/statements/create-table.html):
 * - no schema at all: `key` VARBINARY and `val` VARBINARY, both formats raw;
 * - a value schema but no key schema: a first column `key` VARBINARY (key format raw), then the value's fields;
 * - key columns always come first.
 * Types follow "Data Type Mappings in Confluent Cloud for Apache Flink", JSON Schema section
 * (https://docs.confluent.io/cloud/current/flink/reference/serialization.html): string -> STRING,
 * integer -> BIGINT (connect.type int8/int16/int32 -> TINYINT/SMALLINT/INT), number -> DOUBLE (connect.type
 * float32 -> FLOAT), boolean -> BOOLEAN; oneOf [null, T] is T nullable; a plain T is NOT NULL only if the
 * property is `required`. A named string (`title`, e.g. Debezium's io.debezium.data.Json, with `connect.version`) is a
 * STRING like any string: the mapping has no rule for titles. Anything else is refused with the property named,
 * rather than guessed.
 *
 * Column order: the properties' `connect.index` when they carry one, which is how Confluent's code reads a Kafka
 * Connect converter's schema back (confluentinc/schema-registry @ 794611bd86d: JsonSchemaData.toConnectSchema sorts
 * the properties by it; the logical-types module's JsonToLogicalTypeConverter.convertRowType, its Flink type
 * mapping, sorts by it too). The converter writes the properties themselves in java.util.HashMap order
 * (connectors/value-schema.ts), so without the index the raw table's columns would be shuffled. Properties without
 * an index (the sink schemas the stack writes) keep their written order; a schema mixing both is refused.
 */

import { quoteIdentifier } from "./escape";
import { withClause } from "./generate";

export interface InferredColumn {
  name: string;
  /** Flink SQL type, e.g. STRING, BIGINT, VARBINARY(2147483647). */
  type: string;
  nullable: boolean;
  /** Part of the Kafka key or of the value. */
  part: "key" | "value";
}

export interface InferredTable {
  topic: string;
  columns: InferredColumn[];
  keyFormat: "raw" | "json-registry";
  valueFormat: "raw" | "json-registry";
  /** Which value columns the value format holds: except-key when the key is a column of its own. */
  valueFieldsInclude: "except-key" | "all";
}

export interface TopicSchemas {
  /** Registered key schema (JSON Schema text), if any. */
  key?: string;
  /** Registered value schema (JSON Schema text), if any. */
  value?: string;
}

export class InferenceError extends Error {}

export const VARBINARY = "VARBINARY(2147483647)";

type JsonSchemaNode = {
  type?: string | string[];
  oneOf?: JsonSchemaNode[];
  "connect.type"?: string;
  "connect.index"?: number;
  properties?: Record<string, JsonSchemaNode>;
  required?: string[];
};

const INTEGER_TYPES: Record<string, string> = { int8: "TINYINT", int16: "SMALLINT", int32: "INT", int64: "BIGINT" };
const NUMBER_TYPES: Record<string, string> = { float32: "FLOAT", float64: "DOUBLE" };

function scalarType(node: JsonSchemaNode, where: string): string {
  const connectType = node["connect.type"];
  switch (node.type) {
    case "string":
      return "STRING";
    case "boolean":
      return "BOOLEAN";
    case "integer":
      return connectType ? (INTEGER_TYPES[connectType] ?? fail(where, `connect.type ${connectType}`)) : "BIGINT";
    case "number":
      return connectType ? (NUMBER_TYPES[connectType] ?? fail(where, `connect.type ${connectType}`)) : "DOUBLE";
    default:
      return fail(where, `type ${JSON.stringify(node.type)}`);
  }
}

function fail(where: string, what: string): never {
  throw new InferenceError(
    `${where}: ${what} is not modelled by flink-sql/inferred-table.ts; extend it from Confluent's JSON Schema type mapping before using it`,
  );
}

/** One property's column: oneOf [null, T] is nullable T; a plain T is NOT NULL when required. */
function column(
  name: string,
  node: JsonSchemaNode,
  required: boolean,
  part: "key" | "value",
  where: string,
): InferredColumn {
  if (node.oneOf) {
    const nonNull = node.oneOf.filter((n) => n.type !== "null");
    if (nonNull.length !== 1 || nonNull.length === node.oneOf.length)
      fail(`${where}.${name}`, "a oneOf other than [null, T]");
    return { name, type: scalarType(nonNull[0], `${where}.${name}`), nullable: true, part };
  }
  return { name, type: scalarType(node, `${where}.${name}`), nullable: !required, part };
}

function objectColumns(text: string, part: "key" | "value", where: string): InferredColumn[] {
  let schema: JsonSchemaNode;
  try {
    schema = JSON.parse(text) as JsonSchemaNode;
  } catch (e) {
    throw new InferenceError(`${where}: not valid JSON (${(e as Error).message})`);
  }
  if (schema.type !== "object" || !schema.properties) fail(where, "a schema that is not an object with properties");
  const required = new Set(schema.required ?? []);
  return inColumnOrder(Object.entries(schema.properties), where).map(([name, node]) =>
    column(name, node, required.has(name), part, where),
  );
}

/** Properties by `connect.index` when every one has it, in written order when none has. */
function inColumnOrder(properties: [string, JsonSchemaNode][], where: string): [string, JsonSchemaNode][] {
  const indexed = properties.filter(([, node]) => typeof node["connect.index"] === "number");
  if (indexed.length === 0) return properties;
  if (indexed.length < properties.length) fail(where, "properties with and without connect.index in one object");
  return [...properties].sort(([, a], [, b]) => (a["connect.index"] as number) - (b["connect.index"] as number));
}

/** The table Confluent Cloud infers for `topic` from its registered schemas (TopicNameStrategy subjects). */
export function inferTable(topic: string, schemas: TopicSchemas): InferredTable {
  const keyColumns = schemas.key
    ? objectColumns(schemas.key, "key", `${topic}-key`)
    : [{ name: "key", type: VARBINARY, nullable: true, part: "key" as const }];
  const valueColumns = schemas.value
    ? objectColumns(schemas.value, "value", `${topic}-value`)
    : [{ name: "val", type: VARBINARY, nullable: true, part: "value" as const }];
  const clash = valueColumns.find((v) => keyColumns.some((k) => k.name === v.name));
  // Confluent renames clashing key fields; this project never registers a key schema, so it is refused, not guessed.
  if (clash) fail(`${topic}`, `key and value both having a field ${clash.name}`);
  return {
    topic,
    columns: [...keyColumns, ...valueColumns],
    keyFormat: schemas.key ? "json-registry" : "raw",
    valueFormat: schemas.value ? "json-registry" : "raw",
    valueFieldsInclude: "except-key",
  };
}

/** `name TYPE [NOT NULL]` as Flink DDL writes a column. */
export function columnDefinition(c: InferredColumn): string {
  return `${quoteIdentifier(c.name)} ${c.type}${c.nullable ? "" : " NOT NULL"}`;
}

export interface LocalKafka {
  bootstrapServers: string;
  /** Test runs: the table's scans end at the latest offsets at job start. */
  bounded?: boolean;
  /**
   * A running statement's tables: written in Kafka transactions under this prefix, committed at each checkpoint,
   * and read committed only, as Confluent Cloud's statements write and read (exactly-once end to end).
   */
  transactionalIdPrefix?: string;
}

/**
 * Confluent Cloud's statements write through Kafka transactions committed with each checkpoint and read only
 * committed records ("Delivery Guarantees and Latency in Confluent Cloud for Apache Flink",
 * https://docs.confluent.io/cloud/current/flink/concepts/delivery-guarantees.html). The producer's transaction
 * timeout stays within the broker's transaction.max.timeout.ms (15 minutes by default; Flink's sink asks for 1 hour).
 */
function exactlyOnce(topic: string, prefix: string): Record<string, string> {
  return {
    "sink.delivery-guarantee": "exactly-once",
    "sink.transactional-id-prefix": `${prefix}-${topic}`,
    "properties.transaction.timeout.ms": "900000",
    "properties.isolation.level": "read_committed",
  };
}

/** The consumer group an inferred table reads its topic as on Apache Flink (its committed positions). */
export const inferredTableGroup = (topic: string): string => `inferred-${topic}`;

/** Apache Flink reads what Confluent's json-registry writes as plain JSON (the local engines have no registry). */
const LOCAL_FORMAT = { raw: "raw", "json-registry": "json" } as const;

/**
 * An inferred table declared on Apache Flink the way Confluent Cloud reads it: the Kafka connector, the key
 * columns through the key format (raw bytes when the key has no schema), the value fields through the value
 * format, value.fields-include as inferred, and Confluent's default start at the earliest offset.
 */
export function apacheFlinkTableDdl(t: InferredTable, kafka: LocalKafka): string {
  const keyColumns = t.columns.filter((c) => c.part === "key").map((c) => c.name);
  const props: Record<string, string> = {
    connector: "kafka",
    topic: t.topic,
    "properties.bootstrap.servers": kafka.bootstrapServers,
    "properties.group.id": inferredTableGroup(t.topic),
    "scan.startup.mode": "earliest-offset",
    ...(kafka.bounded ? { "scan.bounded.mode": "latest-offset" } : {}),
    "key.format": LOCAL_FORMAT[t.keyFormat],
    "key.fields": keyColumns.join(";"),
    "value.format": LOCAL_FORMAT[t.valueFormat],
    "value.fields-include": t.valueFieldsInclude === "all" ? "ALL" : "EXCEPT_KEY",
    ...(kafka.transactionalIdPrefix ? exactlyOnce(t.topic, kafka.transactionalIdPrefix) : {}),
  };
  return `CREATE TABLE ${quoteIdentifier(t.topic)} (\n${t.columns.map((c) => `  ${columnDefinition(c)}`).join(",\n")}\n) WITH (\n${withClause(props)}\n)`;
}

/** Where a statement runs (its catalog and database) and what it can read (registered value schemas by topic). */
export interface StatementTables {
  catalog: string;
  database: string;
  valueSchemas: ReadonlyMap<string, string>;
}

/**
 * What runs before a statement on Apache Flink so that it sees what Confluent Cloud gives it: its catalog and
 * database (on Confluent Cloud the environment's and the Kafka cluster's display names), and in them every topic
 * with a registered value schema as the table inferred from it, in topic order. `boundedTopics` end their scans at
 * the latest offsets at job start (test runs).
 */
export function inferredCatalogScript(
  t: StatementTables,
  kafka: { bootstrapServers: string; boundedTopics?: readonly string[]; transactionalIdPrefix?: string },
): string[] {
  const catalog = quoteIdentifier(t.catalog);
  const tables = [...t.valueSchemas].sort(([a], [b]) => a.localeCompare(b));
  return [
    `CREATE CATALOG ${catalog} WITH ('type' = 'generic_in_memory')`,
    `CREATE DATABASE ${catalog}.${quoteIdentifier(t.database)}`,
    `USE CATALOG ${catalog}`,
    `USE ${quoteIdentifier(t.database)}`,
    ...tables.map(([topic, value]) => {
      const bounded = kafka.boundedTopics?.includes(topic);
      return apacheFlinkTableDdl(inferTable(topic, { value }), {
        bootstrapServers: kafka.bootstrapServers,
        bounded,
        transactionalIdPrefix: kafka.transactionalIdPrefix,
      });
    }),
  ];
}
