/**
 * The JSON Schema Confluent's JsonSchemaConverter registers for a captured table's raw topic: the managed
 * connector's value converter with `output.data.format` JSON_SR (research/multi-table.md §2.1). The stack registers
 * exactly this text, so the converter's first record finds it under the subject and adds no version (Schema
 * Registry compares the canonical text, key order included: JsonSchema.equals and canonicalString, which re-emits the
 * parsed text with its key order, json-schema-provider/.../json/JsonSchema.java).
 *
 * Derived by reading, at confluentinc/schema-registry @ 794611bd86d:
 * - json-schema-converter/.../JsonSchemaData.java `rawSchemaFromConnectSchema`: ints and floats become
 *   `integer`/`number` with `connect.type`, a named schema gets `title` (its Connect name) and `connect.version` (its
 *   version), an optional schema is `oneOf [null, T]` carrying `connect.index` (a required one carries it itself),
 *   a struct is an object with one property per field, `additionalProperties: false` when the converter's
 *   `object.additional.properties` is false, and never a `required` list;
 * - the schema text is everit-json-schema's `Schema.toString()` (everit-org/json-schema @ e00a94ef, 1.14.6, the
 *   version schema-registry pins as json-schema.version), re-emitted by Jackson: ToStringVisitor writes each keyword in
 *   a fixed order, and both the object's properties and each schema's `connect.*` keywords come from java.util.HashMap
 *   (ObjectSchema.Builder.propertySchemas, Schema.unprocessedProperties), so they appear in HashMap iteration order,
 *   not in field order. `connect.index` keeps the field order (Confluent's readers sort by it).
 * Recorded converter output pinned by __tests__/connectors/value-schema.test.ts shows the same shapes and orders.
 *
 * The row's Connect schema is Debezium's flattened value (debezium/debezium @ aad5519902): the table's Value struct
 * (relational/TableSchemaBuilder.java, named `<topic.prefix>.<schema>.<table>.Value`), made non-optional by the
 * flattening's InsertField and add.fields (transforms/ExtractNewRecordState.java, `copySchemaBasics` then the added
 * fields, each `.optional()`); json/jsonb columns are STRING named io.debezium.data.Json, version 1
 * (data/Json.java, schema/SchemaFactory.java datatypeJsonSchema).
 */
import { type CapturedTable, CONNECTOR_FIELDS, type ConnectType } from "../stages/tables";

/**
 * The converter's `object.additional.properties`: false writes `additionalProperties: false` (a closed content
 * model), under which an added optional column is BACKWARD compatible (research/multi-table.md §3.2). The managed
 * connector is configured with `value.converter.object.additional.properties` set to this (connectors/postgres-cdc.ts).
 */
export const OBJECT_ADDITIONAL_PROPERTIES = false;

/** Debezium's logical name for json/jsonb columns, and its schema version. */
export const DEBEZIUM_JSON = { name: "io.debezium.data.Json", version: 1 } as const;

type ConnectPrimitive = "int8" | "int16" | "int32" | "int64" | "float32" | "float64" | "boolean" | "string";

/** The part of a Kafka Connect schema the converter reads for the types captured tables use. */
export type ConnectSchema =
  | { type: ConnectPrimitive; optional: boolean; name?: string; version?: number }
  | { type: "struct"; optional: boolean; name?: string; version?: number; fields: readonly ConnectField[] };

export interface ConnectField {
  name: string;
  schema: ConnectSchema;
}

// --- java.util.HashMap iteration order ---------------------------------------------------------------------------

/** Java's String.hashCode (UTF-16 code units, 32-bit overflow) spread as HashMap.hash does. */
function hashMapHash(key: string): number {
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (Math.imul(31, h) + key.charCodeAt(i)) | 0;
  return h ^ (h >>> 16);
}

/**
 * The iteration order of a java.util.HashMap after putting `keys` in order into one whose table starts at
 * `initialCapacity` (16 for `new HashMap<>()`): buckets in index order, each in insertion order (a resize splits a
 * bucket into two keeping their order). A bucket that would be turned into a tree (more than 8 keys once the table
 * has 64 buckets) iterates differently: that is refused rather than guessed.
 */
export function javaHashMapOrder(keys: readonly string[], initialCapacity = 16): string[] {
  let capacity = initialCapacity;
  let buckets: string[][] = Array.from({ length: capacity }, () => []);
  let size = 0;
  const bucketOf = (key: string, cap: number) => hashMapHash(key) & (cap - 1);
  const resize = () => {
    const next: string[][] = Array.from({ length: capacity * 2 }, () => []);
    for (const bucket of buckets) for (const key of bucket) next[bucketOf(key, capacity * 2)].push(key);
    capacity *= 2;
    buckets = next;
  };
  for (const key of keys) {
    const bucket = buckets[bucketOf(key, capacity)];
    if (bucket.includes(key)) continue;
    bucket.push(key);
    size += 1;
    if (bucket.length > 8) {
      if (capacity >= 64) throw new Error(`java.util.HashMap would make a tree of the keys ${bucket.join(", ")}`);
      resize();
    }
    if (size > Math.floor(capacity * 0.75)) resize();
  }
  return buckets.flat();
}

/** Table size of `new HashMap<>(map)` for a map of `size` entries (JDK 17 HashMap.putMapEntries, tableSizeFor). */
function copiedCapacity(size: number): number {
  const wanted = Math.floor(size / 0.75 + 1);
  let capacity = 1;
  while (capacity < wanted) capacity *= 2;
  return capacity;
}

// --- everit-json-schema's Schema.toString ------------------------------------------------------------------------

/** JSON with its key order as written (a JavaScript object would move integer-like keys first). */
type Json = string | number | boolean | Json[] | { readonly entries: ReadonlyArray<readonly [string, Json]> };

const object = (...entries: ReadonlyArray<readonly [string, Json] | undefined>): Json => ({
  entries: entries.filter((e): e is readonly [string, Json] => e !== undefined),
});

function text(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(text).join(",")}]`;
  if (typeof value === "object")
    return `{${value.entries.map(([k, v]) => `${JSON.stringify(k)}:${text(v)}`).join(",")}}`;
  return JSON.stringify(value);
}

/**
 * A schema's `connect.*` keywords as everit writes them: JsonSchemaData puts them into a new HashMap (connect.type,
 * then connect.version, then connect.index) and everit's Schema constructor copies that map into another one.
 */
function connectKeywords(puts: ReadonlyArray<readonly [string, Json] | undefined>): Array<readonly [string, Json]> {
  const present = puts.filter((p): p is readonly [string, Json] => p !== undefined);
  const values = new Map(present);
  const builderOrder = javaHashMapOrder(present.map(([k]) => k));
  return javaHashMapOrder(builderOrder, copiedCapacity(present.length)).map((k) => [k, values.get(k) as Json]);
}

const CONNECT_TYPE: Partial<Record<ConnectPrimitive, string>> = {
  int8: "int8",
  int16: "int16",
  int32: "int32",
  int64: "int64",
  float32: "float32",
  float64: "float64",
};

interface RenderOptions {
  /** The converter's object.additional.properties. */
  additionalProperties: boolean;
}

/**
 * One Connect schema as the converter's JSON Schema: `index` is the field's position in its struct (none at the
 * top). An optional schema is wrapped in oneOf [null, T], the index going on the wrapper.
 */
function render(schema: ConnectSchema, index: number | undefined, o: RenderOptions): Json {
  const inner = renderRequired(schema, schema.optional ? undefined : index, o);
  if (!schema.optional) return inner;
  return object(...connectKeywords([index === undefined ? undefined : ["connect.index", index]]), [
    "oneOf",
    [object(["type", "null"]), inner],
  ]);
}

function renderRequired(schema: ConnectSchema, index: number | undefined, o: RenderOptions): Json {
  const connectType = schema.type === "struct" ? undefined : CONNECT_TYPE[schema.type];
  const keywords = connectKeywords([
    connectType ? ["connect.type", connectType] : undefined,
    schema.version === undefined ? undefined : ["connect.version", schema.version],
    index === undefined ? undefined : ["connect.index", index],
  ]);
  const title = schema.name === undefined ? undefined : (["title", schema.name] as const);
  switch (schema.type) {
    case "string":
      return object(["type", "string"], title, ...keywords);
    case "boolean":
      // everit's BooleanSchema writes the generic keywords before its type (ToStringVisitor.visitBooleanSchema).
      return object(title, ...keywords, ["type", "boolean"]);
    case "int8":
    case "int16":
    case "int32":
    case "int64":
      return object(["type", "integer"], title, ...keywords);
    case "float32":
    case "float64":
      return object(["type", "number"], title, ...keywords);
    case "struct": {
      const names = javaHashMapOrder(schema.fields.map((f) => f.name));
      if (names.length !== schema.fields.length) throw new Error(`struct ${schema.name} has a field name twice`);
      const fields = new Map(schema.fields.map((f, i) => [f.name, render(f.schema, i, o)]));
      return object(
        ["type", "object"],
        o.additionalProperties ? undefined : ["additionalProperties", false],
        title,
        ...keywords,
        ["properties", object(...names.map((n) => [n, fields.get(n) as Json] as const))],
      );
    }
  }
}

/** The JSON Schema text the converter registers for a value of this Connect schema. */
export function converterJsonSchema(schema: ConnectSchema, o: RenderOptions): string {
  return text(render(schema, undefined, o));
}

// --- a captured table's flattened row ----------------------------------------------------------------------------

const FIELD_SCHEMAS: Readonly<Record<ConnectType, Omit<ConnectSchema, "optional">>> = {
  string: { type: "string" },
  int32: { type: "int32" },
  int64: { type: "int64" },
  boolean: { type: "boolean" },
  float64: { type: "float64" },
  json: { type: "string", ...DEBEZIUM_JSON },
};

/** Debezium's flattened row of the table as a Connect schema: its columns in table order, then CONNECTOR_FIELDS. */
export function flattenedRowSchema(table: CapturedTable, recordName: string): ConnectSchema {
  return {
    type: "struct",
    name: recordName,
    optional: false,
    fields: [...table.columns, ...CONNECTOR_FIELDS].map((c) => ({
      name: c.name,
      schema: { ...FIELD_SCHEMAS[c.type], optional: c.optional } as ConnectSchema,
    })),
  };
}

/**
 * The value schema Confluent's JsonSchemaConverter registers for the table's flattened row under the record name
 * `<topic.prefix>.<schema>.<table>.Value`, with the managed connector's closed content model.
 */
export function connectorValueSchema(table: CapturedTable, recordName: string): string {
  return converterJsonSchema(flattenedRowSchema(table, recordName), {
    additionalProperties: OBJECT_ADDITIONAL_PROPERTIES,
  });
}
