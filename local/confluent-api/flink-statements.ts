/**
 * Flink SQL statements (sql/v1, confluent_flink_statement) on a Flink region's endpoint, authenticated with a
 * Flink API key of that region and environment. Behaviour per Confluent's docs:
 * - a statement is PENDING, then RUNNING (one read each);
 * - "The SQL query within a statement is immutable" (docs.confluent.io/cloud/current/flink/concepts/statements);
 *   an update may change `stopped`, `principal` and the compute pool only (`confluent flink statement update`
 *   flags: --stopped, --principal, --compute-pool);
 * - stop is a PUT of the whole statement with `stopped: true` (STOPPING, then STOPPED with latest_offsets);
 *   resume is the same PUT with `stopped: false` (the provider's calls, resource_flink_statement.go);
 * - `sql.tables.initial-offset-from` names the statement it replaces: "The system waits for the referenced
 *   statement to stop before starting the new statement" (.../flink/operate-and-deploy/carry-over-offsets), so
 *   the new one stays PENDING until that one is STOPPED.
 * Shapes: testdata/flink_statement/*.json.
 */
import { ApiError, badRequest, notFound, requireFields } from "./errors";
import { type Answer, noContent, ok, type Request } from "./http";
import { keyFor } from "./iam";
import { type EngineStatement, type Engines, type Json, type Store, Tracked } from "./store";

export const CARRY_OVER = "sql.tables.initial-offset-from";

function checkAccess(req: Request): void {
  if (req.params.org !== req.store.organizationId) throw notFound(`Organization ${req.params.org}`);
  if (!req.store.environments.has(req.params.env)) throw notFound(`Environment ${req.params.env}`);
  const key = req.auth && req.store.apiKeys.get(req.auth.user);
  if (
    !key ||
    !keyFor(req.store, req.auth, key.spec.resource.id) ||
    key.spec.resource.kind !== "Region" ||
    key.spec.resource.environment !== req.params.env
  ) {
    throw new ApiError(401, "unauthorized", "Unauthorized");
  }
}

function statementKey(env: string, name: string): string {
  return `${env}/${name}`;
}

type StoredStatement = Json & { readsUntilSettled: number; engine?: Tracked<unknown> };

/** The statement a request addresses, once the caller may read it (a Flink API key of its environment). */
export function statement(req: Request): StoredStatement {
  checkAccess(req);
  const s = req.store.statements.get(statementKey(req.params.env, req.params.name));
  if (!s) throw notFound(`Statement resource=${req.params.name}`);
  return s;
}

function checkComputePool(store: Store, env: string, id: string): void {
  const pool = store.computePools.get(id);
  if (!pool || pool.spec.environment.id !== env)
    throw badRequest(`Compute pool '${id}' does not exist in environment '${env}'`);
}

export function postStatement(req: Request): Answer {
  checkAccess(req);
  requireFields(req.body, ["name", "spec.statement", "spec.compute_pool_id", "spec.principal"]);
  const { name, spec } = req.body;
  if (req.store.statements.has(statementKey(req.params.env, name)))
    throw new ApiError(409, "conflict", `Statement '${name}' already exists`);
  checkComputePool(req.store, req.params.env, spec.compute_pool_id);
  if (!req.store.serviceAccounts.has(spec.principal)) throw badRequest(`Principal '${spec.principal}' does not exist`);
  const from = spec.properties?.[CARRY_OVER];
  if (from !== undefined && !req.store.statements.has(statementKey(req.params.env, from))) {
    throw badRequest(`Statement '${from}' named by ${CARRY_OVER} does not exist`);
  }
  const s = newStatement(req.store, req.params.env, name, spec, `${req.store.baseUrl}${req.path}/${name}`);
  req.store.statements.set(statementKey(req.params.env, name), s);
  return ok(answer(s), 201);
}

interface StatementSpec {
  statement: string;
  compute_pool_id: string;
  principal: string;
  properties?: Record<string, string>;
}

function newStatement(store: Store, env: string, name: string, spec: StatementSpec, self: string): StoredStatement {
  return {
    api_version: "sql/v1",
    environment_id: env,
    kind: "Statement",
    metadata: {
      created_at: store.now(),
      resource_version: "1",
      self,
      uid: store.nextId("uid-"),
      updated_at: store.now(),
    },
    name,
    organization_id: store.organizationId,
    spec: {
      compute_pool_id: spec.compute_pool_id,
      principal: spec.principal,
      properties: { ...(spec.properties ?? {}) },
      statement: spec.statement,
      stopped: false,
    },
    status: { detail: "", latest_offsets: {}, latest_offsets_timestamp: "0001-01-01T00:00:00Z", phase: "PENDING" },
    readsUntilSettled: 1,
  };
}

/**
 * A statement that already exists, stopped, as a deployed stage keeps its predecessors: for a double that must start
 * where a stage is (the offline plan's base, whose kept statements Terraform adopts by import, never creates).
 * Its predecessor need not exist: Confluent may have deleted it since.
 */
export function seedStoppedStatement(store: Store, env: string, name: string, spec: StatementSpec): void {
  const s = newStatement(
    store,
    env,
    name,
    spec,
    `${store.baseUrl}/sql/v1/organizations/${store.organizationId}/environments/${env}/statements/${name}`,
  );
  s.spec = { ...s.spec, stopped: true };
  s.status = {
    ...s.status,
    phase: "STOPPED",
    latest_offsets: latestOffsets(store, s),
    latest_offsets_timestamp: offsetsTimestamp(store),
  };
  s.readsUntilSettled = 0;
  store.statements.set(statementKey(env, name), s);
}

function answer(s: Json): Json {
  const { readsUntilSettled: _, ...body } = s;
  return body;
}

/** A carried-over statement waits for its predecessor to stop (carry-over offsets docs, above). */
function predecessorStopped(store: Store, s: Json): boolean {
  const from = s.spec.properties[CARRY_OVER];
  return from === undefined || store.statements.get(statementKey(s.environment_id, from))?.status.phase === "STOPPED";
}

/** Moves a statement one step towards what its spec asks for; each read shows one transition. */
function advance(store: Store, s: StoredStatement): void {
  if (s.readsUntilSettled > 0) {
    s.readsUntilSettled -= 1;
    return;
  }
  if (store.engines) {
    advanceOnEngines(store, store.engines, s);
    return;
  }
  const phase = s.status.phase;
  if (s.spec.stopped && (phase === "STOPPING" || phase === "PENDING" || phase === "RUNNING")) {
    s.status = {
      ...s.status,
      phase: "STOPPED",
      latest_offsets: latestOffsets(store, s),
      latest_offsets_timestamp: store.now().replace(/\.\d+Z$/, "Z"),
    };
  } else if (!s.spec.stopped && (phase === "PENDING" || phase === "STOPPED") && predecessorStopped(store, s)) {
    s.status = { ...s.status, phase: "RUNNING" };
  }
}

const offsetsTimestamp = (store: Store) => store.now().replace(/\.\d+Z$/, "Z");

/**
 * With engines the phases follow the Flink job: PENDING until its job runs (after the predecessor it carries over
 * from is STOPPED), STOPPING until the stop with savepoint completes, FAILED with Flink's error as the detail.
 */
function advanceOnEngines(store: Store, engines: Engines, s: StoredStatement): void {
  const phase = s.status.phase;
  if (s.engine) {
    if (s.engine.state === "pending") return;
    const engine = s.engine;
    s.engine = undefined;
    if (engine.state === "failed") s.status = { ...s.status, phase: "FAILED", detail: engine.error };
    else if (phase === "STOPPING")
      s.status = {
        ...s.status,
        phase: "STOPPED",
        latest_offsets: engine.value as Record<string, string>,
        latest_offsets_timestamp: offsetsTimestamp(store),
      };
    else s.status = { ...s.status, phase: "RUNNING", detail: "" };
    return;
  }
  if (s.spec.stopped && phase === "PENDING") {
    s.status = { ...s.status, phase: "STOPPED" }; // never started: nothing to stop
  } else if (s.spec.stopped && (phase === "STOPPING" || phase === "RUNNING")) {
    s.status = { ...s.status, phase: "STOPPING" };
    s.engine = new Tracked<unknown>(engines.stopStatement(s.name));
  } else if (!s.spec.stopped && (phase === "PENDING" || phase === "STOPPED") && predecessorStopped(store, s)) {
    s.engine = new Tracked<unknown>(engines.startStatement(engineStatement(store, s)));
    s.status = { ...s.status, phase: "PENDING" };
  }
}

/** Latest value schema per topic registered in the statement's environment (TopicNameStrategy: `<topic>-value`). */
function valueSchemas(store: Store, env: string): Map<string, string> {
  const schemas = new Map<string, string>();
  for (const [key, versions] of store.subjects) {
    const [registry, subject] = [key.slice(0, key.indexOf("/")), key.slice(key.indexOf("/") + 1)];
    const latest = versions.filter((v) => !v.deleted).pop();
    if (latest && subject.endsWith("-value") && store.schemaRegistries.get(registry)?.spec.environment.id === env)
      schemas.set(subject.slice(0, -"-value".length), latest.schema);
  }
  return schemas;
}

function engineStatement(store: Store, s: Json): EngineStatement {
  const properties = s.spec.properties;
  return {
    name: s.name,
    sql: s.spec.statement,
    catalog: properties["sql.current-catalog"],
    database: properties["sql.current-database"],
    valueSchemas: valueSchemas(store, s.environment_id),
    carryOverFrom: properties[CARRY_OVER],
  };
}

/** Offsets per source topic in Confluent's format (`partition:0,offset:N;...`); no data flows through the double. */
function latestOffsets(store: Store, s: Json): Record<string, string> {
  const sources = [...new Set([...String(s.spec.statement).matchAll(/\bFROM\s+`([^`]+)`/gi)].map((m) => m[1]))];
  return Object.fromEntries(
    sources.map((topic) => {
      const partitions = [...store.topics.values()].find((t) => t.name === topic)?.partitions ?? 1;
      return [topic, Array.from({ length: partitions }, (_, p) => `partition:${p},offset:0`).join(";")];
    }),
  );
}

/**
 * Confluent moves statements on its own, read or not: with carry-over the provider returns while the new one is
 * still PENDING (waitForFlinkStatementToProvision accepts PENDING then), and it must start once its predecessor
 * stops. With engines attached the double's server calls this on a timer.
 */
export function advanceAll(store: Store): void {
  for (const s of store.statements.values()) advance(store, s);
}

export function getStatement(req: Request): Answer {
  const s = statement(req);
  advance(req.store, s);
  return ok(answer(s));
}

/** The whole statement comes back; only stopped, principal and compute pool may differ (SQL is immutable). */
export function putStatement(req: Request): Answer {
  const s = statement(req);
  requireFields(req.body, ["spec.statement"]);
  const spec = req.body.spec;
  if (spec.statement !== s.spec.statement)
    throw badRequest("The statement text cannot be changed; create a new statement instead");
  if (JSON.stringify(spec.properties ?? {}) !== JSON.stringify(s.spec.properties))
    throw badRequest("Statement properties cannot be changed");
  if (spec.compute_pool_id && spec.compute_pool_id !== s.spec.compute_pool_id)
    checkComputePool(req.store, req.params.env, spec.compute_pool_id);
  const stopping = spec.stopped === true && !s.spec.stopped;
  s.spec = {
    ...s.spec,
    stopped: spec.stopped === true,
    principal: spec.principal ?? s.spec.principal,
    compute_pool_id: spec.compute_pool_id ?? s.spec.compute_pool_id,
  };
  if (stopping) s.status = { ...s.status, phase: "STOPPING" };
  else if (!s.spec.stopped && s.status.phase === "STOPPED") s.status = { ...s.status, phase: "PENDING" };
  s.readsUntilSettled = 1;
  return ok(answer(s));
}

export async function deleteStatement(req: Request): Promise<Answer> {
  statement(req);
  await req.store.engines?.deleteStatement(req.params.name);
  req.store.statements.delete(statementKey(req.params.env, req.params.name));
  return noContent();
}
