/**
 * Configuration of Confluent Cloud's managed PostgresCdcSourceV2 connector for the raw topic. Pure: the
 * construct passes in references (service account id, password) and gets the two config maps back.
 */
import type { StageConfig } from "../stages/config";
import { resourceNames } from "../stages/resource-names";
import { type CapturedTable, qualifiedName } from "../stages/tables";
import { OBJECT_ADDITIONAL_PROPERTIES } from "./value-schema";

/**
 * How a new connector starts: `initial` snapshots the table first, `no_data` only streams from the replication
 * slot (lock/connector-lock.ts decides which).
 */
export type SnapshotMode = "initial" | "no_data";

/** The stage's connector name: its own setting, or one derived from the stage. */
export function stageConnectorName(stage: StageConfig): string {
  return stage.source.connectorName ?? resourceNames(stage.name).connector;
}

export interface CdcConnectorInputs {
  /** The stage's name: its resource names give the connector's `topic.prefix`. */
  readonly stage: string;
  /** The captured database and how the connector reaches it. */
  readonly source: StageConfig["source"];
  /** The tables it captures, each routed to its raw topic. */
  readonly tables: readonly CapturedTable[];
  readonly connectorName: string;
  /**
   * From the lock: `initial` for the stage's first connector, `no_data` for a replacement (lock/connector-lock.ts).
   * @default "initial" - the table is snapshotted first, as a stage's first connector must
   */
  readonly snapshotMode?: SnapshotMode;
  /** Terraform reference to the connector's service account id. */
  readonly serviceAccountId: string;
  /** Terraform reference to the replication role's password (a sensitive variable). */
  readonly databasePassword: string;
}

/** A regex matching exactly this text (identifiers and topic prefixes hold no other regex metacharacter). */
const literally = (text: string): string => text.replace(/\./g, "\\.");

/** The transform alias routing one table; aliases are listed comma-separated, so they are kept to [a-z0-9_]. */
export const routeAlias = (table: CapturedTable): string => `route_${table.schema}_${table.table}`;

/**
 * One TopicRegexRouter per table, anchored to exactly the topic Debezium names for it (`<topic.prefix>.<schema>.
 * <table>`), replaced by its raw topic. Records of any other topic (a table not listed, Debezium's heartbeats or
 * notifications) match no rule and are never written to a raw topic. TopicRegexRouter is the router Confluent
 * documents for managed source connectors ("TopicRegexRouter is available only for managed Source connectors";
 * RegexRouter "is not available for managed connectors": docs.confluent.io/cloud/current/connectors/transforms/
 * topicregexrouter.html and docs.confluent.io/kafka-connectors/transforms/current/regexrouter.html).
 */
function routes(prefix: string, tables: readonly CapturedTable[]): Record<string, string> {
  return Object.fromEntries(
    tables.flatMap((t) => [
      [`transforms.${routeAlias(t)}.type`, TOPIC_REGEX_ROUTER],
      [`transforms.${routeAlias(t)}.regex`, `^${literally(`${prefix}.${t.schema}.${t.table}`)}$`],
      [`transforms.${routeAlias(t)}.replacement`, t.rawTopic],
    ]),
  );
}

export const TOPIC_REGEX_ROUTER = "io.confluent.connect.cloud.transforms.TopicRegexRouter";

/**
 * Debezium's ExtractNewRecordState under our own alias ("unwrap" is reserved for after.state.only) flattens the
 * change event to the row and adds __op, __table, __ts_ms; one anchored route per table sends
 * <prefix>.<schema>.<table> to its raw topic. Every key the service would otherwise write back is declared, so
 * plans show no drift.
 */
export function cdcConnectorConfig({
  stage,
  source,
  tables,
  connectorName,
  snapshotMode = "initial",
  serviceAccountId,
  databasePassword,
}: CdcConnectorInputs): { nonsensitive: Record<string, string>; sensitive: Record<string, string> } {
  const prefix = resourceNames(stage).prefix;
  const nonsensitive: Record<string, string> = {
    "connector.class": "PostgresCdcSourceV2",
    name: connectorName,
    "kafka.auth.mode": "SERVICE_ACCOUNT",
    "kafka.service.account.id": serviceAccountId,
    "database.hostname": source.host,
    "database.port": String(source.port),
    "database.user": source.replicationRole,
    "database.dbname": source.database,
    "database.sslmode": source.sslMode,
    "topic.prefix": prefix,
    // Anchored patterns (Debezium matches each against the whole schema.table): exactly the declared tables.
    "table.include.list": tables.map((t) => literally(qualifiedName(t))).join(","),
    "plugin.name": "pgoutput",
    "slot.name": source.slotName,
    "publication.name": source.publicationName,
    // The stack creates the publication with exactly the captured tables; the connector must not widen it.
    "publication.autocreate.mode": "disabled",
    "snapshot.mode": snapshotMode,
    "output.data.format": "JSON_SR",
    // A closed content model (additionalProperties: false) in the schema the converter registers
    // (connectors/value-schema.ts): under the subject's default BACKWARD compatibility an added optional column is
    // then compatible, where on the converter's default open model it is not and the connector would stop at the
    // first ALTER TABLE ... ADD COLUMN (Confluent, "Schema Evolution and Compatibility", JSON Schema:
    // docs.confluent.io/platform/current/schema-registry/fundamentals/schema-evolution.html).
    "value.converter.object.additional.properties": String(OBJECT_ADDITIONAL_PROPERTIES),
    // Schemaless key: no key subject ever exists, so Confluent Cloud Flink always infers the raw topic with a raw
    // `key` column and the value's fields (flink-sql/inferred-table.ts), whatever the order of registration.
    "output.key.format": "JSON",
    "after.state.only": "false",
    "tasks.max": "1",
    transforms: ["flatten", ...tables.map(routeAlias)].join(","),
    "transforms.flatten.type": "io.debezium.transforms.ExtractNewRecordState",
    "transforms.flatten.add.fields": "op,table,ts_ms",
    // Deletes become the flattened row with __op 'd' (and __deleted), with no tombstone after them, on every
    // Debezium the managed connector may run (its version is not documented; its page links Debezium 3.2's
    // reference): 2.5 and later read delete.tombstone.handling.mode, older ones delete.handling.mode and
    // drop.tombstones. Debezium 3 ignores the two old keys (the local e2e runs 3.6.1 with all three set).
    "transforms.flatten.delete.tombstone.handling.mode": "rewrite",
    "transforms.flatten.delete.handling.mode": "rewrite",
    "transforms.flatten.drop.tombstones": "true",
    ...routes(prefix, tables),
  };
  return { nonsensitive, sensitive: { "database.password": databasePassword } };
}
