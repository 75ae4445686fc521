/**
 * The managed connector's configuration translated to open-source Debezium on Kafka Connect, for the local
 * harness. The record-shaping keys (transforms, snapshot, slot, publication, table list) are passed through
 * unchanged, so the local raw topic has the managed connector's record shape. Every managed key must be listed
 * here as passed or dropped: a new key in cdcConnectorConfig fails loudly until someone decides.
 */

import { TOPIC_REGEX_ROUTER } from "./postgres-cdc";

const PASSED_THROUGH = new Set([
  "name",
  "topic.prefix",
  "table.include.list",
  "plugin.name",
  "slot.name",
  "publication.name",
  "publication.autocreate.mode",
  "snapshot.mode",
  "tasks.max",
]);

/**
 * Confluent Cloud-only keys: credentials, service-account auth, and the output formats (JSON_SR values map to the
 * local JSON Schema converter when a registry is given, see below; keys stay schemaless JSON as on Confluent Cloud).
 */
const MANAGED_ONLY = new Set([
  "connector.class",
  "kafka.auth.mode",
  "kafka.service.account.id",
  "output.data.format",
  "output.key.format",
  "after.state.only",
  "database.hostname",
  "database.port",
  "database.user",
  "database.dbname",
  "database.sslmode",
]);

/** Confluent Cloud's own router and its Apache Kafka counterpart (Java regex; the same for these patterns). */
const LOCAL_TRANSFORMS: Readonly<Record<string, string>> = {
  [TOPIC_REGEX_ROUTER]: "org.apache.kafka.connect.transforms.RegexRouter",
};

export interface LocalDatabase {
  host: string;
  port: number;
  user: string;
  database: string;
  password?: string;
}

/**
 * The local stand-in for Confluent's io.confluent.connect.json.JsonSchemaConverter (not on Maven Central):
 * local/java/connect/src/JsonSchemaRegistryConverter.java, on the Kafka Connect worker's classpath.
 */
export const LOCAL_JSON_SCHEMA_CONVERTER = "cdcrouting.local.JsonSchemaRegistryConverter";

/** The converter settings the managed connector may set that the local converter implements as Confluent's does. */
const VALUE_CONVERTER_SETTINGS = new Set(["value.converter.object.additional.properties"]);

/** A Schema Registry the local converter registers with, and a Schema Registry API key of it. */
export interface LocalSchemaRegistry {
  url: string;
  key: string;
  secret: string;
}

/**
 * The local connector's configuration. With a registry, a JSON_SR value is written by the local JSON Schema converter,
 * which registers `<topic>-value` there as Confluent's converter does (Confluent's own settings names:
 * schema.registry.url, basic.auth.credentials.source USER_INFO, basic.auth.user.info); without one (the engines
 * harness, which has no registry) the worker's schemaless JsonConverter writes the same JSON.
 */
export function debeziumConnectorConfig(
  managed: Record<string, string>,
  db: LocalDatabase,
  registry?: LocalSchemaRegistry,
): Record<string, string> {
  const local: Record<string, string> = {
    "connector.class": "io.debezium.connector.postgresql.PostgresConnector",
    "database.hostname": db.host,
    "database.port": String(db.port),
    "database.user": db.user,
    "database.dbname": db.database,
    "database.sslmode": "disable",
    // Locally a failure must surface at once (task FAILED with its cause), not as endless silent retries.
    "errors.max.retries": "0",
    ...(db.password === undefined ? {} : { "database.password": db.password }),
  };
  const schemaRegistry = registry && managed["output.data.format"] === "JSON_SR";
  if (schemaRegistry) {
    local["value.converter"] = LOCAL_JSON_SCHEMA_CONVERTER;
    local["value.converter.schema.registry.url"] = registry.url;
    local["value.converter.basic.auth.credentials.source"] = "USER_INFO";
    local["value.converter.basic.auth.user.info"] = `${registry.key}:${registry.secret}`;
  }
  const unknown: string[] = [];
  for (const [key, value] of Object.entries(managed)) {
    if (key.startsWith("transforms.") && key.endsWith(".type")) local[key] = LOCAL_TRANSFORMS[value] ?? value;
    else if (key === "transforms" || key.startsWith("transforms.") || PASSED_THROUGH.has(key)) local[key] = value;
    else if (VALUE_CONVERTER_SETTINGS.has(key)) {
      if (schemaRegistry) local[key] = value;
    } else if (!MANAGED_ONLY.has(key)) unknown.push(key);
  }
  if (unknown.length > 0) {
    throw new Error(
      `connector keys with no local mapping: ${unknown.sort().join(", ")}; add them to connectors/debezium-local.ts`,
    );
  }
  return local;
}

/**
 * Kafka Connect worker settings. The managed connector writes JSON_SR (Schema Registry); the worker's default is
 * plain JSON without the schema envelope (the same field names and values), which a connector the local Confluent
 * Cloud API double runs overrides with the local JSON Schema converter (debeziumConnectorConfig).
 */
export function connectWorkerConfig(o: {
  bootstrapServers: string;
  restPort: number;
  offsetsFile: string;
  /** How the worker finds plugins; bench/jvm-starts.ts compares Kafka's default. @default service_load */
  pluginDiscovery?: "service_load" | "hybrid_warn";
}): Record<string, string> {
  return {
    "bootstrap.servers": o.bootstrapServers,
    listeners: `http://127.0.0.1:${o.restPort}`,
    "key.converter": "org.apache.kafka.connect.json.JsonConverter",
    "value.converter": "org.apache.kafka.connect.json.JsonConverter",
    "key.converter.schemas.enable": "false",
    "value.converter.schemas.enable": "false",
    "offset.storage.file.filename": o.offsetsFile,
    "offset.flush.interval.ms": "1000",
    // Plugins found through their ServiceLoader manifests only, without scanning every class of every jar
    // (KIP-898; npm run bench:jvm-starts, docs/performance.md). Kafka's and Debezium's plugins carry manifests; a
    // class a config names outright (the local JSON Schema converter) is loaded all the same.
    "plugin.discovery": o.pluginDiscovery ?? "service_load",
  };
}

/** Java properties text; values are escaped so any character survives the round trip. */
export function propertiesText(props: Record<string, string>): string {
  const escaped = (text: string) =>
    text
      .replace(/\\/g, "\\\\")
      .replace(/\n/g, "\\n")
      .replace(/[=:#!]/g, (c) => `\\${c}`);
  return `${Object.entries(props)
    .map(([k, v]) => `${escaped(k)}=${escaped(v)}`)
    .join("\n")}\n`;
}
