/**
 * The local double's Schema Registry over real HTTP on loopback: registration refused with Schema Registry's 409
 * when a schema is incompatible under the subject's level, the compatibility endpoints, per-subject config (the
 * calls of confluent_subject_config, provider 2.83.4 resource_subject_config.go), and "same schema" by canonical
 * text. Rules: __tests__/local/confluent-api/json-schema-compatibility.test.ts; sources: local/confluent-api/
 * schema-registry.ts.
 */
import { type ConfluentDouble, startConfluentDouble } from "../../../local/confluent-api/server";
import { schemaRegistryClient } from "./schema-registry-client";

let double: ConfluentDouble;
beforeAll(async () => {
  double = await startConfluentDouble({ log: () => undefined });
});
afterAll(() => double.close());

/** A fresh registry of the double, called with its own API key. */
const registry = async (name: string) => (await schemaRegistryClient(double, name)).call;

const json = (schema: object) => ({ schemaType: "JSON", schema: JSON.stringify(schema), references: [] });
const OPEN_V1 = { type: "object", properties: { id: { type: "integer", "connect.index": 0 } } };
const OPEN_V2 = {
  type: "object",
  properties: {
    id: { type: "integer", "connect.index": 0 },
    colour: { oneOf: [{ type: "null" }, { type: "string" }], "connect.index": 1 },
  },
};
const closed = (schema: object) => ({ ...schema, additionalProperties: false });

test("an incompatible schema is refused with 409 and Schema Registry's message; no version is added", async () => {
  const sr = await registry("sr-409");
  const subject = "raw-car-entities-value";
  const v1 = await sr("POST", `/subjects/${subject}/versions`, json(OPEN_V1));
  expect(v1.status).toBe(200);
  const refused = await sr("POST", `/subjects/${subject}/versions`, json(OPEN_V2));
  expect(refused).toEqual({
    status: 409,
    body: {
      error_code: 40901,
      message: `Schema being registered is incompatible with an earlier schema for subject "${subject}", details: [{errorType:"OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", description:"The new schema has an open content model and has a property or item at path '#/properties/colour' which is missing in the old schema'}, {oldSchemaVersion: 1}, {oldSchema: '${JSON.stringify(OPEN_V1)}'}, {validateFields: 'false', compatibility: 'BACKWARD'}]`,
    },
  });
  expect((await sr("GET", `/subjects/${subject}/versions/latest`)).body.version).toBe(1);
});

test("a closed model takes an added optional column: a new version under the default BACKWARD", async () => {
  const sr = await registry("sr-closed");
  await sr("POST", "/subjects/s-value/versions", json(closed(OPEN_V1)));
  const v2 = await sr("POST", "/subjects/s-value/versions", json(closed(OPEN_V2)));
  expect(v2.status).toBe(200);
  expect((await sr("GET", "/subjects/s-value/versions/latest")).body).toMatchObject({ version: 2, id: v2.body.id });
});

test("POST /compatibility answers is_compatible and, with verbose=true (as the provider asks), the messages", async () => {
  const sr = await registry("sr-compat");
  const path = "/compatibility/subjects/c-value/versions";
  // A new subject: nothing to be incompatible with.
  expect(await sr("POST", `${path}?verbose=true`, json(OPEN_V2))).toEqual({
    status: 200,
    body: { is_compatible: true, messages: [] },
  });
  await sr("POST", "/subjects/c-value/versions", json(OPEN_V1));
  const verbose = await sr("POST", `${path}?verbose=true`, json(OPEN_V2));
  expect(verbose.body.is_compatible).toBe(false);
  expect(verbose.body.messages[0]).toContain("OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL");
  expect((await sr("POST", path, json(OPEN_V2))).body).toEqual({ is_compatible: false });
  expect((await sr("POST", `${path}/latest`, json(OPEN_V2))).body).toEqual({ is_compatible: false });
  expect((await sr("POST", `${path}/1?verbose=true`, json({ type: "object" }))).body).toEqual({
    is_compatible: true,
    messages: [],
  });
  expect(await sr("POST", `${path}/7`, json(OPEN_V2))).toEqual({
    status: 404,
    body: { error_code: 40402, message: "Version 7 not found." },
  });
});

describe("per-subject config (confluent_subject_config: PUT, GET ?defaultToGlobal=false, DELETE /config/{subject})", () => {
  test("the registry default is BACKWARD; a subject has no config of its own until one is put", async () => {
    const sr = await registry("sr-config");
    expect((await sr("GET", "/config")).body).toEqual({
      compatibilityLevel: "BACKWARD",
      compatibilityGroup: "",
      normalize: false,
      alias: "",
    });
    expect(await sr("GET", "/config/x-value?defaultToGlobal=false")).toEqual({
      status: 404,
      body: { error_code: 40408, message: "Subject 'x-value' does not have subject-level compatibility configured" },
    });
    expect((await sr("GET", "/config/x-value?defaultToGlobal=true")).body.compatibilityLevel).toBe("BACKWARD");
  });

  test("a subject set to NONE takes any schema; deleting its config brings back BACKWARD", async () => {
    const sr = await registry("sr-none");
    await sr("POST", "/subjects/n-value/versions", json(OPEN_V1));
    // The provider's create body: compatibility and compatibilityGroup (empty when unset).
    const put = await sr("PUT", "/config/n-value", { compatibility: "NONE", compatibilityGroup: "" });
    expect(put).toEqual({ status: 200, body: { compatibility: "NONE", compatibilityGroup: "" } });
    expect((await sr("GET", "/config/n-value?defaultToGlobal=false")).body).toEqual({
      compatibilityLevel: "NONE",
      compatibilityGroup: "",
      normalize: false,
      alias: "",
    });
    expect((await sr("POST", "/subjects/n-value/versions", json(OPEN_V2))).status).toBe(200);
    // A later PUT merges into the subject's config.
    expect((await sr("PUT", "/config/n-value", { normalize: true })).body).toEqual({
      compatibility: "NONE",
      compatibilityGroup: "",
      normalize: true,
    });
    expect((await sr("DELETE", "/config/n-value")).body.compatibilityLevel).toBe("NONE");
    expect((await sr("DELETE", "/config/n-value")).body).toEqual({
      error_code: 40401,
      message: "Subject 'n-value' not found.",
    });
    const third = { ...OPEN_V2, properties: { ...OPEN_V2.properties, size: { type: "integer" } } };
    expect((await sr("POST", "/subjects/n-value/versions", json(third))).status).toBe(409);
  });

  test("FULL_TRANSITIVE checks every live version both ways; an unknown level is 42203", async () => {
    const sr = await registry("sr-full");
    await sr("PUT", "/config/f-value", { compatibility: "full_transitive" });
    expect((await sr("GET", "/config/f-value")).body.compatibilityLevel).toBe("FULL_TRANSITIVE");
    await sr("POST", "/subjects/f-value/versions", json(closed(OPEN_V1)));
    // Closed model: adding a column is backward compatible but not forward (v1 cannot read `colour`).
    const refused = await sr("POST", "/subjects/f-value/versions", json(closed(OPEN_V2)));
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain("PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL");
    expect(refused.body.message).toContain("compatibility: 'FULL_TRANSITIVE'");
    expect(await sr("PUT", "/config/f-value", { compatibility: "SIDEWAYS" })).toEqual({
      status: 422,
      body: {
        error_code: 42203,
        message:
          "Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive",
      },
    });
  });
});

describe("the same schema is its canonical text (JsonSchema.canonicalString: compact, keys in their order)", () => {
  test("whitespace does not make a new version; the registry stores and answers the canonical text", async () => {
    const sr = await registry("sr-canonical");
    const first = await sr("POST", "/subjects/k-value/versions", json(OPEN_V1));
    const spaced = { schemaType: "JSON", schema: JSON.stringify(OPEN_V1, null, 2), references: [] };
    expect((await sr("POST", "/subjects/k-value/versions", spaced)).body).toEqual({ id: first.body.id });
    expect((await sr("GET", "/subjects/k-value/versions/latest")).body).toMatchObject({
      version: 1,
      schema: JSON.stringify(OPEN_V1),
    });
    expect((await sr("POST", "/subjects/k-value", spaced)).body).toMatchObject({ version: 1, id: first.body.id });
  });

  test("key order counts, unless normalize=true (keys sorted) on both the registration and the lookup", async () => {
    const sr = await registry("sr-order");
    const reordered = { properties: OPEN_V1.properties, type: "object" };
    await sr("POST", "/subjects/o-value/versions", json(OPEN_V1));
    expect(await sr("POST", "/subjects/o-value?normalize=false", json(reordered))).toEqual({
      status: 404,
      body: { error_code: 40403, message: "Schema not found" },
    });
    expect((await sr("POST", "/subjects/o-value?normalize=true", json(reordered))).status).toBe(404);
    // Another version (compatible: nothing changed but the order), so a reordered schema is not a duplicate.
    expect((await sr("POST", "/subjects/o-value/versions", json(reordered))).status).toBe(200);
    expect((await sr("GET", "/subjects/o-value/versions/latest")).body.version).toBe(2);

    await sr("POST", "/subjects/p-value/versions?normalize=true", json(OPEN_V1));
    expect((await sr("POST", "/subjects/p-value?normalize=true", json(reordered))).body.version).toBe(1);
    expect((await sr("POST", "/subjects/p-value/versions?normalize=true", json(reordered))).body).toEqual({
      id: (await sr("GET", "/subjects/p-value/versions/1")).body.id,
    });
  });

  test("the same schema under another subject keeps its id (Confluent's register API docs)", async () => {
    const sr = await registry("sr-shared-id");
    const a = await sr("POST", "/subjects/a-value/versions", json(OPEN_V1));
    const b = await sr("POST", "/subjects/b-value/versions", json(OPEN_V1));
    expect(b.body.id).toBe(a.body.id);
    expect((await sr("POST", "/subjects/c-value/versions", json(OPEN_V2))).body.id).not.toBe(a.body.id);
  });

  test("an invalid JSON Schema is refused with 42201", async () => {
    const sr = await registry("sr-invalid");
    const r = await sr("POST", "/subjects/i-value/versions", json({ type: "strng" }));
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ error_code: 42201 });
  });
});
