/** JSON Schema of a consumer topic's value, registered by the stack so Flink and consumers share one contract. */
import { RAW_COLUMNS, type RawColumnName } from "../filters/model";

const JSON_TYPES: Record<string, string> = { STRING: "string", BIGINT: "integer" };

/** Every column is nullable (a missing JSON path or column is NULL); key order follows the projection. */
export function sinkValueSchema(topic: string, columns: readonly RawColumnName[]): string {
  const types = new Map<string, string>(RAW_COLUMNS.map((c) => [c.name, c.type]));
  const properties = Object.fromEntries(
    columns.map((c) => [c, { oneOf: [{ type: "null" }, { type: JSON_TYPES[types.get(c) as string] }] }]),
  );
  return JSON.stringify({ $schema: "http://json-schema.org/draft-07/schema#", title: topic, type: "object", properties, additionalProperties: false });
}
