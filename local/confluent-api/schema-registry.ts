/**
 * Schema Registry on an environment's registry endpoint (`<double>/schema-registry/<lsrc>`): subjects and
 * versions for confluent_schema. Authenticated with a Schema Registry API key of that registry. Errors in
 * Schema Registry's `{error_code, message}` shape (40401 subject not found, 40402 version not found, 42201
 * invalid schema). Shapes: testdata/schema_registry_schema/*.json.
 */
import { restError, restNotFound } from "./errors";
import { type Answer, ok, type Request } from "./http";
import { keyFor } from "./iam";
import type { Json } from "./store";

type Version = {
  version: number;
  id: number;
  schema: string;
  schemaType?: string;
  references: Json[];
  deleted: boolean;
};

function registry(req: Request): string {
  const id = req.params.registry;
  if (!req.store.schemaRegistries.has(id)) throw restNotFound(40403, `Schema Registry ${id} not found`);
  if (!keyFor(req.store, req.auth, id)) throw restError(401, 40101, "Unauthorized");
  return id;
}

function versionsOf(req: Request): Version[] {
  return req.store.subjects.get(`${registry(req)}/${req.params.subject}`) ?? [];
}

const live = (versions: Version[]) => versions.filter((v) => !v.deleted);

function schemaJson(subject: string, v: Version): Json {
  return {
    subject,
    version: v.version,
    id: v.id,
    ...(v.schemaType && v.schemaType !== "AVRO" ? { schemaType: v.schemaType } : {}),
    schema: v.schema,
    references: v.references,
  };
}

/** A JSON or Avro schema must at least parse (Schema Registry answers 42201 otherwise). */
function checkSchema(body: Json): void {
  if (typeof body?.schema !== "string" || body.schema === "")
    throw restError(422, 42201, "Invalid schema: the schema is empty");
  if (body.schemaType === "PROTOBUF") return;
  try {
    JSON.parse(body.schema);
  } catch (e) {
    throw restError(422, 42201, `Invalid schema ${body.schema.slice(0, 40)}: ${(e as Error).message}`);
  }
}

/** Compatibility is not modelled: every parseable schema is compatible (this stack only adds versions). */
export function testCompatibility(req: Request): Answer {
  registry(req);
  checkSchema(req.body);
  return ok({ is_compatible: true, messages: [] });
}

/** Registering the same schema again returns its id and adds no version (Schema Registry API docs). */
export function registerSchema(req: Request): Answer {
  const reg = registry(req);
  checkSchema(req.body);
  const key = `${reg}/${req.params.subject}`;
  const versions = req.store.subjects.get(key) ?? [];
  const same = live(versions).find(
    (v) => v.schema === req.body.schema && (v.schemaType ?? "AVRO") === (req.body.schemaType ?? "AVRO"),
  );
  if (same) return ok({ id: same.id });
  const v: Version = {
    version: versions.length + 1,
    id: req.store.nextSchemaId(),
    schema: req.body.schema,
    schemaType: req.body.schemaType,
    references: req.body.references ?? [],
    deleted: false,
  };
  req.store.subjects.set(key, [...versions, v]);
  return ok({ id: v.id });
}

export function lookUpSchema(req: Request): Answer {
  const versions = live(versionsOf(req));
  if (versions.length === 0) throw restNotFound(40401, `Subject '${req.params.subject}' not found.`);
  const same = versions.find((v) => v.schema === req.body?.schema);
  if (!same) throw restNotFound(40403, "Schema not found");
  return ok(schemaJson(req.params.subject, same));
}

export function getVersion(req: Request): Answer {
  const versions = live(versionsOf(req));
  if (versions.length === 0) throw restNotFound(40401, `Subject '${req.params.subject}' not found.`);
  const v =
    req.params.version === "latest"
      ? versions[versions.length - 1]
      : versions.find((x) => String(x.version) === req.params.version);
  if (!v) throw restNotFound(40402, `Version ${req.params.version} not found.`);
  return ok(schemaJson(req.params.subject, v));
}

export function listSchemas(req: Request): Answer {
  const reg = registry(req);
  const prefix = req.query.get("subjectPrefix") ?? "";
  const data = [...req.store.subjects.entries()]
    .filter(([key]) => key.startsWith(`${reg}/${prefix}`))
    .flatMap(([key, versions]) => live(versions).map((v) => schemaJson(key.slice(reg.length + 1), v)));
  return ok(data);
}

/** Soft delete, then `permanent=true` removes the version for good (a hard delete needs the soft one first). */
export function deleteVersion(req: Request): Answer {
  const key = `${registry(req)}/${req.params.subject}`;
  const versions = req.store.subjects.get(key) ?? [];
  const v = versions.find((x) => String(x.version) === req.params.version);
  if (!v) throw restNotFound(40402, `Version ${req.params.version} not found.`);
  if (req.query.get("permanent") === "true") {
    if (!v.deleted)
      throw restError(
        404,
        40407,
        `Subject '${req.params.subject}' Version ${v.version} was not deleted first before being permanently deleted`,
      );
    req.store.subjects.set(
      key,
      versions.filter((x) => x !== v),
    );
  } else {
    v.deleted = true;
  }
  return ok(v.version);
}
