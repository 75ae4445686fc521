/**
 * Schema Registry on an environment's registry endpoint (`<double>/schema-registry/<lsrc>`): subjects and
 * versions for confluent_schema, compatibility checks, and per-subject config for confluent_subject_config.
 * Authenticated with a Schema Registry API key of that registry. Errors in Schema Registry's `{error_code, message}`
 * shape (40401 subject not found, 40402 version not found, 40408 no subject-level config, 40901 incompatible schema,
 * 42201 invalid schema, 42203 invalid compatibility level). Shapes: testdata/schema_registry_schema/*.json and
 * testdata/subject_compatibility_level/*.json of provider 2.83.4; behaviour: confluentinc/schema-registry @ 794611bd86d
 * (core/…/rest/resources/{SubjectVersionsResource,CompatibilityResource,ConfigResource}.java, core/…/storage/
 * KafkaSchemaRegistry.register, AbstractSchemaRegistry.lookUpSchemaUnderSubject), cited where used.
 */
import { restError, restNotFound } from "./errors";
import { type Answer, ok, type Request } from "./http";
import { keyFor } from "./iam";
import {
  COMPATIBILITY_LEVELS,
  type CompatibilityLevel,
  compatibilityMessages,
  loadJsonSchema,
} from "./json-schema-compatibility";
import type { Json, Store } from "./store";

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

/** A subject's own config (PUT /config/{subject}); a field it does not set comes from the registry's. */
interface SubjectConfig {
  compatibilityLevel?: CompatibilityLevel;
  compatibilityGroup?: string;
  normalize?: boolean;
  alias?: string;
}

/**
 * "In Confluent Cloud, the default compatibility mode is BACKWARD" (docs.confluent.io/cloud/current/flink/concepts/
 * schema-statement-evolution.html); schemas are not normalized unless asked (`normalize.schemas` defaults to false).
 */
const REGISTRY_DEFAULT = { compatibilityLevel: "BACKWARD", normalize: false } as const;

/**
 * Subject configs per store, `<lsrc>/<subject>` → config. Kept beside the store rather than in it: only this module
 * reads them.
 */
const configsOf = new WeakMap<Store, Map<string, SubjectConfig>>();
function subjectConfigs(store: Store): Map<string, SubjectConfig> {
  const configs = configsOf.get(store) ?? new Map<string, SubjectConfig>();
  configsOf.set(store, configs);
  return configs;
}

function effectiveConfig(req: Request, reg: string): { compatibilityLevel: CompatibilityLevel; normalize: boolean } {
  const own = subjectConfigs(req.store).get(`${reg}/${req.params.subject}`) ?? {};
  return {
    compatibilityLevel: own.compatibilityLevel ?? REGISTRY_DEFAULT.compatibilityLevel,
    normalize: own.normalize ?? REGISTRY_DEFAULT.normalize,
  };
}

const schemaTypeOf = (body: Json): string => body?.schemaType ?? "AVRO";

/**
 * The schema's canonical text, which registration and lookup compare and the registry stores. For JSON Schema,
 * JsonSchema.canonicalString: the parsed document written back by Jackson, no whitespace, keys in their order; with
 * normalize, JsonSchema.normalize sorts the keys first (Jackson.newObjectMapper(sorted)). Where JavaScript's JSON
 * differs from Jackson's (a key that looks like an array index moves first; `1.0` reads back as `1`) the double is
 * less exact; neither occurs in this stack's schemas. Avro and Protobuf text is kept as sent (their canonical forms
 * are not modelled; this stack registers JSON Schema only).
 */
export function canonicalSchema(schema: string, schemaType: string, normalize: boolean): string {
  if (schemaType !== "JSON") return schema;
  const sorted = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sorted)
      : typeof v === "object" && v !== null
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
          )
        : v;
  const parsed = JSON.parse(schema);
  return JSON.stringify(normalize ? sorted(parsed) : parsed);
}

/** A schema must parse, and a JSON Schema must load (Schema Registry answers 42201 otherwise). */
function checkSchema(body: Json): void {
  if (typeof body?.schema !== "string" || body.schema === "")
    throw restError(422, 42201, "Invalid schema: the schema is empty");
  if (body.schemaType === "PROTOBUF") return;
  try {
    const parsed = JSON.parse(body.schema);
    if (body.schemaType === "JSON") loadJsonSchema(parsed);
  } catch (e) {
    throw restError(422, 42201, `Invalid schema ${body.schema.slice(0, 40)}: ${(e as Error).message}`);
  }
}

const sameReferences = (v: Version, body: Json) =>
  JSON.stringify(v.references) === JSON.stringify(body.references ?? []);

/** Whether a version holds this schema: same type, canonical text and references. */
const holds = (v: Version, body: Json, canonical: string) =>
  (v.schemaType ?? "AVRO") === schemaTypeOf(body) && v.schema === canonical && sameReferences(v, body);

/** The live version holding this schema, if any. */
function sameSchema(versions: Version[], body: Json, canonical: string): Version | undefined {
  return live(versions).find((v) => holds(v, body, canonical));
}

/** Schema Registry's messages for adding `body` to the subject under its level ([] = compatible). */
function incompatibilities(req: Request, reg: string, versions: Version[], body: Json, canonical: string): string[] {
  const level = effectiveConfig(req, reg).compatibilityLevel;
  const previous = versions.map((v) => ({ version: v.version, schemaType: v.schemaType ?? "AVRO", schema: v.schema }));
  return compatibilityMessages(level, { schemaType: schemaTypeOf(body), schema: canonical }, previous);
}

/**
 * POST /compatibility/subjects/{s}/versions[/{version}]: the register check without registering, against every live
 * version, or against one (`latest`: the newest, none for a new subject). `messages` only with `verbose=true`
 * (CompatibilityResource.createCompatibilityCheckResponse); the provider always asks for them.
 */
export function testCompatibility(req: Request): Answer {
  const reg = registry(req);
  checkSchema(req.body);
  let versions = live(versionsOf(req));
  const wanted = req.params.version;
  if (wanted !== undefined && wanted !== "latest") {
    versions = versions.filter((v) => String(v.version) === wanted);
    if (versions.length === 0) throw restNotFound(40402, `Version ${wanted} not found.`);
  }
  const canonical = canonicalSchema(req.body.schema, schemaTypeOf(req.body), false);
  const messages = incompatibilities(
    req,
    reg,
    wanted === undefined ? versions : versions.slice(-1),
    req.body,
    canonical,
  );
  return ok({ is_compatible: messages.length === 0, ...(req.query.get("verbose") === "true" ? { messages } : {}) });
}

/**
 * Registering a schema already under the subject returns its id and adds no version; otherwise the subject's
 * compatibility level decides (409, SubjectVersionsResource.register; error_code 40901 since commit ef43652bfec,
 * Schema Registry 8.2, 409 before); a schema registered under another subject keeps its id
 * ("If the same schema is registered under a different subject, the same identifier will be returned",
 * docs.confluent.io/cloud/current/ccloud/register/). The registry stores the canonical text.
 */
export function registerSchema(req: Request): Answer {
  const reg = registry(req);
  checkSchema(req.body);
  const subject = req.params.subject;
  const key = `${reg}/${subject}`;
  const versions = req.store.subjects.get(key) ?? [];
  const normalize = req.query.get("normalize") === "true" || effectiveConfig(req, reg).normalize;
  const canonical = canonicalSchema(req.body.schema, schemaTypeOf(req.body), normalize);
  const same = sameSchema(versions, req.body, canonical);
  if (same) return ok({ id: same.id });
  const messages = incompatibilities(req, reg, live(versions), req.body, canonical);
  if (messages.length > 0)
    throw restError(
      409,
      40901,
      `Schema being registered is incompatible with an earlier schema for subject "${subject}", details: [${messages.join(", ")}]`,
    );
  const elsewhere = [...req.store.subjects.entries()]
    .filter(([k]) => k.startsWith(`${reg}/`))
    .flatMap(([, vs]) => vs)
    .find((v) => holds(v, req.body, canonical));
  const v: Version = {
    version: (versions[versions.length - 1]?.version ?? 0) + 1,
    id: elsewhere?.id ?? req.store.nextSchemaId(),
    schema: canonical,
    schemaType: req.body.schemaType,
    references: req.body.references ?? [],
    deleted: false,
  };
  req.store.subjects.set(key, [...versions, v]);
  return ok({ id: v.id });
}

/**
 * POST /subjects/{s}: the version holding this schema, compared as registration compares it (canonical text; with
 * `normalize=true` or the subject's normalize, keys sorted). The provider asks with normalize=false, then true.
 */
export function lookUpSchema(req: Request): Answer {
  const reg = registry(req);
  const versions = live(versionsOf(req));
  if (versions.length === 0) throw restNotFound(40401, `Subject '${req.params.subject}' not found.`);
  checkSchema(req.body);
  const normalize = req.query.get("normalize") === "true" || effectiveConfig(req, reg).normalize;
  const same = sameSchema(versions, req.body, canonicalSchema(req.body.schema, schemaTypeOf(req.body), normalize));
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

/**
 * A config as GET /config answers it: the fields of testdata/subject_compatibility_level/
 * read_created_subject_compatibility_level.json, `compatibilityLevel` only where it is set.
 */
function configJson(config: SubjectConfig): Json {
  return {
    ...(config.compatibilityLevel ? { compatibilityLevel: config.compatibilityLevel } : {}),
    compatibilityGroup: config.compatibilityGroup ?? "",
    normalize: config.normalize ?? false,
    alias: config.alias ?? "",
  };
}

/** GET /config: the registry's default (the double keeps it fixed). */
export function getRegistryConfig(req: Request): Answer {
  registry(req);
  return ok(configJson(REGISTRY_DEFAULT));
}

/**
 * GET /config/{subject}: the subject's own config; without one, 40408, unless `defaultToGlobal=true` asks for the
 * registry's (ConfigResource.getSubjectLevelConfig). The provider reads with defaultToGlobal=false.
 */
export function getSubjectConfig(req: Request): Answer {
  const reg = registry(req);
  const own = subjectConfigs(req.store).get(`${reg}/${req.params.subject}`);
  if (req.query.get("defaultToGlobal") === "true") return ok(configJson({ ...REGISTRY_DEFAULT, ...own }));
  if (!own)
    throw restNotFound(40408, `Subject '${req.params.subject}' does not have subject-level compatibility configured`);
  return ok(configJson(own));
}

/**
 * PUT /config/{subject} `{compatibility, compatibilityGroup, normalize, alias}`: merged into the subject's config
 * (ConfigValue.update), answered as the request type with the merged values (ConfigResource.updateSubjectLevelConfig).
 * Compatibility groups filter the versions checked by a metadata property; this stack registers no metadata, so
 * every version has the same (absent) group and the group changes nothing here.
 */
export function putSubjectConfig(req: Request): Answer {
  const reg = registry(req);
  const { compatibility, compatibilityGroup, normalize, alias } = req.body;
  const level = compatibility === undefined ? undefined : String(compatibility).toUpperCase();
  if (level !== undefined && !COMPATIBILITY_LEVELS.some((l) => l === level))
    throw restError(
      422,
      42203,
      "Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive",
    );
  const key = `${reg}/${req.params.subject}`;
  const configs = subjectConfigs(req.store);
  const merged: SubjectConfig = {
    ...configs.get(key),
    ...(level !== undefined ? { compatibilityLevel: level as CompatibilityLevel } : {}),
    ...(compatibilityGroup !== undefined ? { compatibilityGroup: String(compatibilityGroup) } : {}),
    ...(normalize !== undefined ? { normalize: normalize === true } : {}),
    ...(alias !== undefined ? { alias: String(alias) } : {}),
  };
  configs.set(key, merged);
  const { compatibilityLevel, ...rest } = merged;
  return ok({ ...(compatibilityLevel ? { compatibility: compatibilityLevel } : {}), ...rest });
}

/** DELETE /config/{subject}: back to the registry's default; answers the config it deleted, 40401 if none. */
export function deleteSubjectConfig(req: Request): Answer {
  const reg = registry(req);
  const key = `${reg}/${req.params.subject}`;
  const configs = subjectConfigs(req.store);
  const own = configs.get(key);
  if (!own) throw restNotFound(40401, `Subject '${req.params.subject}' not found.`);
  configs.delete(key);
  return ok(configJson(own));
}
