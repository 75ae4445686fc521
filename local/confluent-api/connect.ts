/**
 * connect/v1 managed connectors (confluent_connector): config validation, create, list with expansions, status,
 * config update, pause/resume, delete. A new connector is PROVISIONING for one status read, then RUNNING (the
 * provider waits for RUNNING). Secrets are answered masked (`****************`), internal keys Confluent adds
 * are answered too (the provider ignores them). Shapes: testdata/connector/managed/*.json.
 */

import type { LocalSchemaRegistry } from "../../connectors/debezium-local";
import { kafkaCluster } from "./cmk";
import { restError, restNotFound } from "./errors";
import { type Answer, ok, type Request } from "./http";
import { mintApiKey } from "./iam";
import { liveConnectorStatus } from "./observed-engines";
import { environment, registriesOf } from "./org";
import { type Engines, type Json, type Store, Tracked } from "./store";

type Connector = Store["connectors"] extends Map<string, infer C> ? C : never;

/** Required settings of the managed PostgresCdcSourceV2 connector (Confluent docs, "PostgreSQL CDC Source V2
 * (Debezium) Connector for Confluent Cloud", docs.confluent.io/cloud/current/connectors/
 * cc-postgresql-cdc-source-v2-debezium: configuration properties without a default). The message is Kafka
 * Connect's own for a missing required setting (ConfigDef). */
const REQUIRED: Record<string, string[]> = {
  // Only settings that have no default there; kafka.auth.mode defaults to KAFKA_API_KEY (validate.json).
  PostgresCdcSourceV2: [
    "name",
    "connector.class",
    "database.hostname",
    "database.user",
    "database.password",
    "database.dbname",
    "topic.prefix",
  ],
};
/** Settings Confluent treats as passwords: answered masked, never echoed. */
const PASSWORD_KEYS = new Set(["database.password", "kafka.api.secret", "kafka.api.key"]);
const MASK = "****************";

function connectorKey(env: string, cluster: string, name: string): string {
  return `${env}/${cluster}/${name}`;
}

function checkCluster(req: Request): Json {
  environment(req.store, req.params.env);
  return kafkaCluster(req.store, req.params.cluster, req.params.env);
}

/** Kafka Connect's validation answer: one entry per setting, errors on the invalid ones. */
function validation(plugin: string, config: Record<string, string>): Json {
  const required = REQUIRED[plugin];
  const names = [...new Set([...(required ?? []), ...Object.keys(config)])].sort();
  const configs = names.map((name) => {
    const errors =
      required?.includes(name) && !config[name]
        ? [`Missing required configuration "${name}" which has no default value.`]
        : [];
    return {
      value: {
        name,
        value: PASSWORD_KEYS.has(name) && config[name] ? MASK : (config[name] ?? ""),
        recommended_values: [],
        errors,
        visible: true,
      },
    };
  });
  if (!required)
    configs.push({
      value: {
        name: "connector.class",
        value: plugin,
        recommended_values: [],
        errors: [`Unknown connector class "${plugin}"`],
        visible: true,
      },
    });
  return { name: plugin, groups: [], error_count: configs.filter((c) => c.value.errors.length > 0).length, configs };
}

export function validateConfig(req: Request): Answer {
  checkCluster(req);
  return ok(validation(req.params.plugin, req.body ?? {}));
}

export function postConnector(req: Request): Answer {
  const cluster = checkCluster(req);
  const config: Record<string, string> = req.body?.config ?? {};
  const name = req.body?.name ?? config.name;
  if (!name) throw restError(400, 400, "Connector name is required");
  const check = validation(config["connector.class"] ?? "", config);
  if (check.error_count > 0) throw restError(400, 400, check.configs.flatMap((c: Json) => c.value.errors).join("; "));
  const key = connectorKey(req.params.env, cluster.id, name);
  if (req.store.connectors.has(key)) throw restError(409, 409, `Connector ${name} already exists`);
  const c: Connector = {
    name,
    config: { ...config },
    id: req.store.nextId("lcc-"),
    state: "RUNNING",
    readsUntilRunning: 1,
  };
  req.store.connectors.set(key, c);
  if (req.store.engines) c.engine = startOnEngines(req.store, req.params.env, c);
  return ok({ name, config: answeredConfig(config, cluster), tasks: [], type: "source" }, 201);
}

/** The connector on the engines: a JSON_SR connector with its environment's Schema Registry and a key of it. */
function startOnEngines(store: Store, env: string, c: Connector): Tracked {
  const engines = enginesOf(store);
  return new Tracked(
    (async () =>
      engines.startConnector(
        c.config,
        c.config["output.data.format"] === "JSON_SR" ? converterRegistry(store, env, c) : undefined,
      ))(),
  );
}

/**
 * Where the connector's JSON Schema converter registers: the environment's Schema Registry (Confluent Cloud's managed
 * connector writes JSON_SR to it), with a Schema Registry API key the double mints once, owned by the connector's
 * service account, and deletes with the connector.
 */
function converterRegistry(store: Store, env: string, c: Connector): LocalSchemaRegistry {
  const [registry] = registriesOf(store, env);
  if (!registry) throw new Error(`output.data.format JSON_SR needs a Schema Registry in environment ${env}`);
  const owner = c.config["kafka.service.account.id"];
  if (!owner) throw new Error("the double mints the converter's Schema Registry key for kafka.service.account.id");
  if (!c.registryKey || !store.apiKeys.has(c.registryKey))
    c.registryKey = mintApiKey(
      store,
      owner,
      { id: registry.id, kind: "Cluster" },
      {
        display_name: `${c.name}-schema-registry`,
        description: "minted by the local double for the connector's JSON Schema converter",
      },
    ).id;
  const key = store.apiKeys.get(c.registryKey as string) as Json;
  return { url: registry.spec.http_endpoint, key: key.id, secret: key.spec.secret };
}

/** The config as Confluent answers it: secrets masked, plus the internal keys it adds. */
function answeredConfig(config: Record<string, string>, cluster: Json): Record<string, string> {
  const masked = Object.fromEntries(Object.entries(config).map(([k, v]) => [k, PASSWORD_KEYS.has(k) ? MASK : v]));
  return {
    ...masked,
    "cloud.environment": "prod",
    "cloud.provider": cluster.spec.cloud.toLowerCase(),
    "kafka.endpoint": cluster.spec.kafka_bootstrap_endpoint,
    "kafka.region": cluster.spec.region,
    "kafka.max.partition.validation.disable": "false",
  };
}

function connector(req: Request) {
  const cluster = checkCluster(req);
  const c = req.store.connectors.get(connectorKey(req.params.env, cluster.id, req.params.name));
  if (!c) throw restNotFound(404, "resource not found");
  return { c, cluster };
}

function statusJson(c: { name: string; state: string; trace?: string }): Json {
  const trace = c.trace ?? "";
  return {
    name: c.name,
    connector: { state: c.state, worker_id: c.name, trace },
    tasks: [{ id: 0, state: c.state, worker_id: c.name, msg: trace }],
    type: "source",
  };
}

/**
 * With engines: PROVISIONING while the local Connect worker starts the connector, then Kafka Connect's own state;
 * FAILED carries the root cause in `trace`, which the provider quotes in its error (connectorProvisionStatus).
 */
/** The engines a connector with an `engine` was started on: only a double with engines starts them. */
function enginesOf(store: Request["store"]): Engines {
  if (!store.engines) throw new Error("a connector runs on engines, but the double has none");
  return store.engines;
}

async function engineStatus(
  store: Request["store"],
  c: { name: string; state: string },
  engine: Tracked,
): Promise<Json> {
  if (engine.state === "pending") return statusJson({ name: c.name, state: "PROVISIONING" });
  if (engine.state === "failed") return statusJson({ name: c.name, state: "FAILED", trace: engine.error });
  if (c.state === "PAUSED") return statusJson(c);
  // Tasks and root causes as Kafka Connect reports them now, where the double observes its engines.
  const live = await liveConnectorStatus(store, c.name);
  if (live) return live;
  return statusJson({ name: c.name, ...(await enginesOf(store).connectorState(c.name)) });
}

export async function listConnectors(req: Request): Promise<Answer> {
  const cluster = checkCluster(req);
  const prefix = connectorKey(req.params.env, cluster.id, "");
  const connectors = [...req.store.connectors.entries()].filter(([k]) => k.startsWith(prefix)).map(([, c]) => c);
  const statuses = await Promise.all(
    connectors.map((c) => (c.engine ? engineStatus(req.store, c, c.engine) : statusJson(c))),
  );
  const entries = connectors.map((c, i) => [
    c.name,
    {
      status: statuses[i],
      info: {
        name: c.name,
        type: "source",
        config: answeredConfig(c.config, cluster),
        tasks: [{ connector: c.name, task: 0 }],
      },
      id: { id: c.id, id_type: "ID" },
      extensions: {},
    },
  ]);
  return ok(Object.fromEntries(entries));
}

export async function connectorStatus(req: Request): Promise<Answer> {
  const { c } = connector(req);
  if (c.engine) return ok(await engineStatus(req.store, c, c.engine));
  if (c.readsUntilRunning > 0) {
    c.readsUntilRunning -= 1;
    return ok(statusJson({ name: c.name, state: "PROVISIONING" }));
  }
  return ok(statusJson(c));
}

export function putConnectorConfig(req: Request): Answer {
  const { c, cluster } = connector(req);
  const check = validation(req.body?.["connector.class"] ?? "", req.body ?? {});
  if (check.error_count > 0) throw restError(400, 400, check.configs.flatMap((x: Json) => x.value.errors).join("; "));
  c.config = { ...req.body };
  // Kafka Connect restarts a connector whose config changed; its status goes through provisioning again.
  if (c.engine) c.engine = startOnEngines(req.store, req.params.env, c);
  return ok({ name: c.name, config: answeredConfig(c.config, cluster), tasks: [], type: "source" });
}

export function pauseConnector(req: Request): Answer {
  connector(req).c.state = "PAUSED";
  return { status: 202 };
}

export function resumeConnector(req: Request): Answer {
  connector(req).c.state = "RUNNING";
  return { status: 202 };
}

export async function deleteConnector(req: Request): Promise<Answer> {
  const { c, cluster } = connector(req);
  if (c.engine) await enginesOf(req.store).deleteConnector(c.name);
  if (c.registryKey) req.store.apiKeys.delete(c.registryKey);
  req.store.connectors.delete(connectorKey(req.params.env, cluster.id, c.name));
  return ok({ error: null });
}
