/**
 * Captured tables: what a stage's connector reads, declared column by column with the Kafka Connect type the
 * connector emits for it. The declaration is the contract the raw topic's value schema, the Flink tables and the
 * filters' field checks are derived from, so a column change is a reviewed change of this file's users.
 *
 * Types follow Debezium's PostgreSQL type mapping (Debezium docs, "Debezium connector for PostgreSQL", section
 * Data type mappings, https://debezium.io/documentation/reference/stable/connectors/postgresql.html#postgresql-data-types):
 * text/varchar -> STRING, integer -> INT32, bigint -> INT64, boolean -> BOOLEAN, double precision -> FLOAT64,
 * json/jsonb -> STRING named io.debezium.data.Json. A NOT NULL column (a primary key's) is not optional.
 */
import { z } from "zod";

export const CONNECT_TYPES = ["string", "int32", "int64", "boolean", "float64", "json"] as const;
export type ConnectType = (typeof CONNECT_TYPES)[number];

/** Flink SQL type Confluent Cloud infers for each connector type (flink-sql/inferred-table.ts has the rules). */
export const FLINK_TYPES: Readonly<Record<ConnectType, string>> = {
  string: "STRING",
  int32: "INT",
  int64: "BIGINT",
  boolean: "BOOLEAN",
  float64: "DOUBLE",
  json: "STRING",
};

export interface DeclaredColumn {
  readonly name: string;
  readonly type: ConnectType;
  /** False for a NOT NULL column: the connector's schema marks it required-by-type (no null branch). */
  readonly optional: boolean;
}

export interface CapturedTable {
  /** PostgreSQL schema and table, as the connector's `table.include.list` names them. */
  readonly schema: string;
  readonly table: string;
  /** The Kafka topic the table's change events are routed to. */
  readonly rawTopic: string;
  /** The table's columns in table order (the order the connector writes them). */
  readonly columns: readonly DeclaredColumn[];
}

/**
 * The fields the connector's flattening adds after the row's columns, in the order Debezium 3 writes them: the
 * delete rewrite's `__deleted`, then `add.fields=op,table,ts_ms` (connectors/postgres-cdc.ts).
 */
export const CONNECTOR_FIELDS: readonly DeclaredColumn[] = [
  { name: "__deleted", type: "string", optional: true },
  { name: "__op", type: "string", optional: true },
  { name: "__table", type: "string", optional: true },
  { name: "__ts_ms", type: "int64", optional: true },
];

const postgresName = z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be a lower-case PostgreSQL identifier");

export const declaredColumnSchema = z.strictObject({
  name: postgresName.refine((n) => !n.startsWith("__"), "names starting with __ are the connector's own fields"),
  type: z.enum(CONNECT_TYPES),
  /** @default true - a column is nullable unless declared NOT NULL */
  optional: z.boolean().default(true),
});

export const capturedTableSchema = z.strictObject({
  schema: postgresName,
  table: postgresName,
  /** @default raw-<table with _ as -> */
  rawTopic: z
    .string()
    .regex(/^[a-zA-Z0-9._-]{1,249}$/, "must be a Kafka topic name")
    .optional(),
  columns: z.array(declaredColumnSchema).min(1),
});

/** Today's one-table stages keep `raw-business-events`; any other table defaults the same way. */
export const defaultRawTopic = (table: string): string => `raw-${table.replace(/_/g, "-")}`;

/** `schema.table`, the name the connector, the publication and the filters use for a table. */
export const qualifiedName = (t: { schema: string; table: string }): string => `${t.schema}.${t.table}`;
