/**
 * The local double's port of Confluent Schema Registry's JSON Schema compatibility check, one test per rule this
 * stack meets. Each names the difference type and where Schema Registry decides it: confluentinc/schema-registry
 * @ 794611bd86d, json-schema-provider/src/main/java/io/confluent/kafka/schemaregistry/json/diff/ (SchemaDiff.java
 * COMPATIBLE_CHANGES_STRICT, ObjectSchemaDiff.java, CombinedSchemaDiff.java); Confluent's page for the rules:
 * https://docs.confluent.io/cloud/current/sr/fundamentals/serdes-develop/serdes-json.html, for the levels:
 * https://docs.confluent.io/platform/current/schema-registry/fundamentals/schema-evolution.html.
 */
import {
  type CompatibilityLevel,
  compatibilityMessages,
  isCompatibleChange,
  loadJsonSchema,
  schemaDiff,
} from "../../../local/confluent-api/json-schema-compatibility";

/** A value schema as Confluent's JSON Schema converter writes it: `connect.index` per property, no `required`. */
function converterSchema(columns: Record<string, object>, closed = false): object {
  return {
    type: "object",
    title: "cdc-routing-dev.public.car_entities.Value",
    properties: Object.fromEntries(
      Object.entries(columns).map(([name, type], i) => [name, { ...type, "connect.index": i }]),
    ),
    ...(closed ? { additionalProperties: false } : {}),
  };
}
const ID = { type: "integer", "connect.type": "int64" };
const OPTIONAL_TEXT = { oneOf: [{ type: "null" }, { type: "string" }] };

/** The differences from `before` (the writer's schema) to `after`, each with whether Schema Registry accepts it. */
function diff(before: unknown, after: unknown): [string, string, "compatible" | "incompatible"][] {
  return schemaDiff(loadJsonSchema(before), loadJsonSchema(after)).map((d) => [
    d.type,
    d.path,
    isCompatibleChange(d) ? "compatible" : "incompatible",
  ]);
}

/** BACKWARD (Confluent Cloud's default): may `after` be registered over `before`? */
const backward = (before: object, after: object) => check("BACKWARD", after, [before]);
function check(level: CompatibilityLevel, candidate: object, versions: object[]): string[] {
  return compatibilityMessages(
    level,
    { schemaType: "JSON", schema: JSON.stringify(candidate) },
    versions.map((v, i) => ({ version: i + 1, schemaType: "JSON", schema: JSON.stringify(v) })),
  );
}

describe("content models (ObjectSchemaDiff.compareProperties, compareAdditionalProperties)", () => {
  test("an optional property added to an open model is OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL: incompatible under STRICT", () => {
    const before = converterSchema({ id: ID });
    const after = converterSchema({ id: ID, colour: OPTIONAL_TEXT });
    expect(diff(before, after)).toEqual([
      ["OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", "#/properties/colour", "incompatible"],
    ]);
    expect(backward(before, after)).not.toEqual([]);
  });

  test("an optional property added to a closed model (additionalProperties: false) is OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL: compatible", () => {
    const before = converterSchema({ id: ID }, true);
    const after = converterSchema({ id: ID, colour: OPTIONAL_TEXT }, true);
    expect(diff(before, after)).toEqual([
      ["OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", "#/properties/colour", "compatible"],
    ]);
    expect(backward(before, after)).toEqual([]);
  });

  test("a property removed from an open model is PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL: compatible", () => {
    const before = converterSchema({ id: ID, colour: OPTIONAL_TEXT });
    const after = converterSchema({ id: ID });
    expect(diff(before, after)).toEqual([
      ["PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL", "#/properties/colour", "compatible"],
    ]);
    expect(backward(before, after)).toEqual([]);
  });

  test("a property removed from a closed model is PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL: incompatible", () => {
    const before = converterSchema({ id: ID, colour: OPTIONAL_TEXT }, true);
    const after = converterSchema({ id: ID }, true);
    expect(diff(before, after)).toEqual([
      ["PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", "#/properties/colour", "incompatible"],
    ]);
    expect(backward(before, after)).not.toEqual([]);
  });

  test("closing an open model is ADDITIONAL_PROPERTIES_REMOVED: incompatible under STRICT (opening it, ADDITIONAL_PROPERTIES_ADDED, is compatible)", () => {
    const open = converterSchema({ id: ID });
    const closed = converterSchema({ id: ID }, true);
    expect(diff(open, closed)).toEqual([["ADDITIONAL_PROPERTIES_REMOVED", "#/additionalProperties", "incompatible"]]);
    expect(diff(closed, open)).toEqual([["ADDITIONAL_PROPERTIES_ADDED", "#/additionalProperties", "compatible"]]);
  });
});

describe("types and required (SchemaDiff.compareTypes, ObjectSchemaDiff.compareRequired)", () => {
  test("a property whose type changes (string to integer) is TYPE_CHANGED: incompatible", () => {
    const before = converterSchema({ id: ID, colour: { type: "string" } });
    const after = converterSchema({ id: ID, colour: { type: "integer" } });
    expect(diff(before, after)).toEqual([["TYPE_CHANGED", "#/properties/colour", "incompatible"]]);
  });

  test("a property made required is REQUIRED_ATTRIBUTE_ADDED: incompatible (with a default, REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED, compatible)", () => {
    const before = { type: "object", properties: { id: { type: "integer" } } };
    expect(diff(before, { ...before, required: ["id"] })).toEqual([
      ["REQUIRED_ATTRIBUTE_ADDED", "#/required/id", "incompatible"],
    ]);
    const withDefault = { type: "object", properties: { id: { type: "integer", default: 0 } }, required: ["id"] };
    expect(diff(before, withDefault)).toEqual([
      ["REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED", "#/required/id", "compatible"],
      ["DEFAULT_CHANGED", "#/properties/id", "compatible"],
    ]);
  });

  test("a property no longer required is REQUIRED_ATTRIBUTE_REMOVED: compatible (the stack's `required: [id]` to the converter's schema)", () => {
    const before = { type: "object", properties: { id: { type: "integer" } }, required: ["id"] };
    expect(diff(before, { type: "object", properties: { id: { type: "integer" } } })).toEqual([
      ["REQUIRED_ATTRIBUTE_REMOVED", "#/required/id", "compatible"],
    ]);
  });

  test("integer to number is TYPE_EXTENDED (compatible), number to integer TYPE_NARROWED (incompatible) (NumberSchemaDiff)", () => {
    expect(diff({ type: "integer" }, { type: "number" })).toEqual([["TYPE_EXTENDED", "#/", "compatible"]]);
    expect(diff({ type: "number" }, { type: "integer" })).toEqual([["TYPE_NARROWED", "#/", "incompatible"]]);
  });
});

describe("the converter's optional columns: oneOf [null, T] (SchemaDiff.compareTypes, CombinedSchemaDiff)", () => {
  test("T to oneOf [null, T] (a column becoming nullable) is SUM_TYPE_EXTENDED: compatible, one member of the union reads T", () => {
    expect(diff({ type: "string" }, OPTIONAL_TEXT)).toEqual([["SUM_TYPE_EXTENDED", "#/", "compatible"]]);
  });

  test("oneOf [null, T] to T (a column becoming NOT NULL) is TYPE_CHANGED: incompatible, a union is not narrowed to one member", () => {
    expect(diff(OPTIONAL_TEXT, { type: "string" })).toEqual([["TYPE_CHANGED", "#/", "incompatible"]]);
  });

  test("oneOf [null, string] to oneOf [null, integer] leaves a member unmatched: COMBINED_TYPE_SUBSCHEMAS_CHANGED, incompatible", () => {
    expect(diff(OPTIONAL_TEXT, { oneOf: [{ type: "null" }, { type: "integer" }] })).toEqual([
      ["COMBINED_TYPE_SUBSCHEMAS_CHANGED", "#/", "incompatible"],
    ]);
  });

  test("connect.index and connect.type are not keywords and play no part: reordered columns and int4 to int8 make no difference", () => {
    const before = converterSchema({ id: { type: "integer", "connect.type": "int32" }, colour: OPTIONAL_TEXT });
    const after = converterSchema({ colour: OPTIONAL_TEXT, id: { type: "integer", "connect.type": "int64" } });
    expect(diff(before, after)).toEqual([]);
  });

  test("two schemas both marked connect.type bytes are equivalent whatever their JSON type (the converter's decimal fix)", () => {
    expect(diff({ type: "string", "connect.type": "bytes" }, { type: "number", "connect.type": "bytes" })).toEqual([]);
    expect(diff({ type: "string" }, { type: "number" })).toEqual([["TYPE_CHANGED", "#/", "incompatible"]]);
  });
});

describe("levels (CompatibilityChecker, SchemaValidatorBuilder, AbstractSchemaRegistry.isCompatibleWithPrevious)", () => {
  const v1 = converterSchema({ id: ID });
  const v2 = converterSchema({ id: ID, colour: OPTIONAL_TEXT }, true);

  test("BACKWARD: the new schema must read the old one's data; the message is Schema Registry's, whole", () => {
    expect(check("BACKWARD", converterSchema({ id: ID, colour: OPTIONAL_TEXT }), [v1])).toEqual([
      `{errorType:"OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", description:"The new schema has an open content model and has a property or item at path '#/properties/colour' which is missing in the old schema'}`,
      "{oldSchemaVersion: 1}",
      `{oldSchema: '${JSON.stringify(v1)}'}`,
      "{validateFields: 'false', compatibility: 'BACKWARD'}",
    ]);
  });

  test("FORWARD is the reverse check: the old schema must read the new one's data", () => {
    const dropped = converterSchema({ id: ID });
    const withColour = converterSchema({ id: ID, colour: OPTIONAL_TEXT });
    // Dropping a column from an open model: backward compatible, but forward the old schema, read as the update,
    // has a property the new one lacks, on an open model.
    expect(check("BACKWARD", dropped, [withColour])).toEqual([]);
    expect(check("FORWARD", dropped, [withColour])[0]).toBe(
      `{errorType:"OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", description:"The old schema has an open content model and has a property or item at path '#/properties/colour' which is missing in the new schema'}`,
    );
    // Adding one is the mirror image: forward compatible, backward not.
    expect(check("FORWARD", withColour, [dropped])).toEqual([]);
    // On closed models it is the other way round: the old schema cannot read a property it does not declare.
    expect(
      check("FORWARD", converterSchema({ id: ID, colour: OPTIONAL_TEXT }, true), [converterSchema({ id: ID }, true)]),
    ).toEqual([
      `{errorType:"PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", description:"The old has a closed content model and is missing a property or item present at path '#/properties/colour' in the new schema'}`,
      "{oldSchemaVersion: 1}",
      `{oldSchema: '${JSON.stringify(converterSchema({ id: ID }, true))}'}`,
      "{validateFields: 'false', compatibility: 'FORWARD'}",
    ]);
  });

  test("FULL is both: an optional column added to an open model fails backward, to a closed one fails forward", () => {
    const closed = converterSchema({ id: ID }, true);
    expect(check("FULL", converterSchema({ id: ID, colour: OPTIONAL_TEXT }, true), [closed])).toEqual([
      `{errorType:"PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", description:"The old has a closed content model and is missing a property or item present at path '#/properties/colour' in the new schema'}`,
      "{validateFields: 'false', compatibility: 'FULL'}",
    ]);
    expect(check("FULL", converterSchema({ id: ID, colour: OPTIONAL_TEXT }), [v1])[0]).toContain(
      "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL",
    );
  });

  test("non-transitive levels check the latest version only; transitive ones every version", () => {
    // v1 open, v2 closed (v1 → v2 was allowed under NONE): a v3 that drops `id` reads v2's data only if v2 lets it.
    const v3 = { ...converterSchema({ colour: OPTIONAL_TEXT }), additionalProperties: false };
    expect(check("BACKWARD", v3, [v1, v2])[0]).toContain("PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL");
    const v3open = converterSchema({ id: ID, colour: OPTIONAL_TEXT, size: { type: "integer" } }, true);
    expect(check("BACKWARD", v3open, [v1, v2])).toEqual([]);
    const transitive = check("BACKWARD_TRANSITIVE", v3open, [v1, v2]);
    expect(transitive[0]).toContain("OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL");
    expect(transitive).toContain("{oldSchemaVersion: 1}");
  });

  test("NONE checks nothing; a different schema type is refused at every other level", () => {
    expect(check("NONE", { type: "string" }, [v1])).toEqual([]);
    expect(
      compatibilityMessages("BACKWARD", { schemaType: "JSON", schema: "{}" }, [
        { version: 1, schemaType: "AVRO", schema: '"string"' },
      ]),
    ).toEqual([
      "Incompatible because of different schema type",
      "{validateFields: 'false', compatibility: 'BACKWARD'}",
    ]);
  });

  test("a change to a keyword the port does not model is refused, naming it, rather than passed silently", () => {
    expect(diff({ type: "string", maxLength: 5 }, { type: "string", maxLength: 10 })).toEqual([
      ["NOT_MODELLED_BY_THE_DOUBLE", "#/maxLength", "incompatible"],
    ]);
    expect(diff({ type: "string", maxLength: 5 }, { type: "string", maxLength: 5 })).toEqual([]);
  });
});
