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

/** Confluent Cloud-only keys: credentials, service-account auth, and the Schema Registry output formats. */
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
  // The converter's closed content model; locally the value converter is the worker's (connectWorkerConfig).
  "value.converter.object.additional.properties",
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

export function debeziumConnectorConfig(managed: Record<string, string>, db: LocalDatabase): Record<string, string> {
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
  const unknown: string[] = [];
  for (const [key, value] of Object.entries(managed)) {
    if (key.startsWith("transforms.") && key.endsWith(".type")) local[key] = LOCAL_TRANSFORMS[value] ?? value;
    else if (key === "transforms" || key.startsWith("transforms.") || PASSED_THROUGH.has(key)) local[key] = value;
    else if (!MANAGED_ONLY.has(key)) unknown.push(key);
  }
  if (unknown.length > 0) {
    throw new Error(
      `connector keys with no local mapping: ${unknown.sort().join(", ")}; add them to connectors/debezium-local.ts`,
    );
  }
  return local;
}

/**
 * Kafka Connect worker settings. The managed connector writes JSON_SR (Schema Registry); locally there is no
 * registry, so plain JSON without the schema envelope gives the same field names and values.
 */
export function connectWorkerConfig(o: {
  bootstrapServers: string;
  restPort: number;
  offsetsFile: string;
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
