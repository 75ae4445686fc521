/** JSON Schema of a consumer topic's value, registered by the stack so Flink and consumers share one contract. */
import { RAW_COLUMN_TYPES, type RawColumnName } from "../filters/model";

const JSON_TYPES: Record<string, string> = { STRING: "string", BIGINT: "integer" };

/** Every column is nullable (a missing JSON path or column is NULL); key order follows the projection. */
export function sinkValueSchema(topic: string, columns: readonly RawColumnName[]): string {
  const properties = Object.fromEntries(
    columns.map((c) => [c, { oneOf: [{ type: "null" }, { type: JSON_TYPES[RAW_COLUMN_TYPES.get(c) as string] }] }]),
  );
  return JSON.stringify({ $schema: "http://json-schema.org/draft-07/schema#", title: topic, type: "object", properties, additionalProperties: false });
}
