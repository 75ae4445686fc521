/**
 * Configuration of Confluent Cloud's managed PostgresCdcSourceV2 connector for the raw topic. Pure: the
 * construct passes in references (service account id, password) and gets the two config maps back.
 */
import type { StageConfig } from "../stages/config";
import { resourceNames } from "../stages/resource-names";
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
  /** The captured database and table, and how the connector reaches them. */
  readonly source: StageConfig["source"];
  readonly connectorName: string;
  /**
   * From the lock: `initial` for the stage's first connector, `no_data` for a replacement (lock/connector-lock.ts).
   * @default "initial" - the table is snapshotted first, as a stage's first connector must
   */
  readonly snapshotMode?: SnapshotMode;
  /** The topic every change event is routed to. */
  readonly rawTopic: string;
  /** Terraform reference to the connector's service account id. */
  readonly serviceAccountId: string;
  /** Terraform reference to the replication role's password (a sensitive variable). */
  readonly databasePassword: string;
}

/**
 * Debezium's ExtractNewRecordState under our own alias ("unwrap" is reserved for after.state.only) flattens the
 * change event to the row and adds __op, __table, __ts_ms; RegexRouter sends <prefix>.<schema>.<table> to the
 * raw topic. Every key the service would otherwise write back is declared, so plans show no drift.
 */
export function cdcConnectorConfig({
  stage,
  source,
  connectorName,
  snapshotMode = "initial",
  rawTopic,
  serviceAccountId,
  databasePassword,
}: CdcConnectorInputs): { nonsensitive: Record<string, string>; sensitive: Record<string, string> } {
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
    "topic.prefix": resourceNames(stage).prefix,
    "table.include.list": `${source.schema}.${source.table}`,
    "plugin.name": "pgoutput",
    "slot.name": source.slotName,
    "publication.name": source.publicationName,
    // The stack creates the publication with exactly the captured table; the connector must not widen it.
    "publication.autocreate.mode": "disabled",
    "snapshot.mode": snapshotMode,
    "output.data.format": "JSON_SR",
    // A closed content model (additionalProperties: false) in the schema the converter registers, so an added
    // optional column is BACKWARD compatible (connectors/value-schema.ts; research/multi-table.md §2.1, §3.2).
    "value.converter.object.additional.properties": String(OBJECT_ADDITIONAL_PROPERTIES),
    // Schemaless key: no key subject ever exists, so Confluent Cloud Flink always infers the raw topic with a raw
    // `key` column and the value's fields (flink-sql/inferred-table.ts), whatever the order of registration.
    "output.key.format": "JSON",
    "after.state.only": "false",
    "tasks.max": "1",
    transforms: "flatten,route",
    "transforms.flatten.type": "io.debezium.transforms.ExtractNewRecordState",
    "transforms.flatten.add.fields": "op,table,ts_ms",
    // Deletes become the flattened row with __op 'd' (and __deleted), with no tombstone after them, on every
    // Debezium the managed connector may run (its version is not documented; its page links Debezium 3.2's
    // reference): 2.5 and later read delete.tombstone.handling.mode, older ones delete.handling.mode and
    // drop.tombstones. Debezium 3 ignores the two old keys (the local e2e runs 3.6.1 with all three set).
    "transforms.flatten.delete.tombstone.handling.mode": "rewrite",
    "transforms.flatten.delete.handling.mode": "rewrite",
    "transforms.flatten.drop.tombstones": "true",
    "transforms.route.type": "org.apache.kafka.connect.transforms.RegexRouter",
    "transforms.route.regex": ".*",
    "transforms.route.replacement": rawTopic,
  };
  return { nonsensitive, sensitive: { "database.password": databasePassword } };
}
