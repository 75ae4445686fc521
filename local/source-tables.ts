/**
 * The captured tables as local PostgreSQL tables, from their declared columns, so the local pipeline captures
 * whatever the filters file declares. The real tables belong to the application; this is a stand-in with the
 * types Debezium maps back to the declared connector types.
 */
import type { CapturedTable, ConnectType } from "../stages/tables";

const POSTGRES_TYPES: Readonly<Record<ConnectType, string>> = {
  string: "text",
  json: "jsonb",
  int32: "integer",
  int64: "bigint",
  boolean: "boolean",
  float64: "double precision",
};

/** CREATE TABLE IF NOT EXISTS; the NOT NULL (non-optional) columns make up the primary key. */
export function createTableSql(table: CapturedTable): string {
  const key = table.columns.filter((c) => !c.optional).map((c) => c.name);
  const columns = table.columns.map((c) => `${c.name} ${POSTGRES_TYPES[c.type]}${c.optional ? "" : " NOT NULL"}`);
  if (key.length > 0) columns.push(`PRIMARY KEY (${key.join(", ")})`);
  return `CREATE TABLE IF NOT EXISTS ${table.schema}.${table.table} (${columns.join(", ")})`;
}
