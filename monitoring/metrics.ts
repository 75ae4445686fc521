/**
 * The Confluent Cloud Metrics API series the alerts and the dashboard read, by their names on the Prometheus export
 * (`GET https://api.telemetry.confluent.cloud/v2/metrics/cloud/export`): the export drops the `resource.` and
 * `metric.` prefixes and turns `/` and `.` into `_`, so `io.confluent.kafka.server/received_records` with
 * `resource.kafka.id` and `metric.topic` is `confluent_kafka_server_received_records{kafka_id, topic}` (Metrics API
 * reference, https://api.telemetry.confluent.cloud/docs, "Export metric values"). Counters are exported as
 * per-minute deltas typed gauge, so the rules compare values and never take rate().
 *
 * The local API double serves the same names from the real engines (local/confluent-api/metrics-export.ts).
 */
export const METRICS = {
  /** Per consumer group and topic: records between the group's committed offsets and the partitions' ends. */
  consumerLag: "confluent_kafka_server_consumer_lag_offsets",
  /** Per topic: records produced to it in the minute. */
  receivedRecords: "confluent_kafka_server_received_records",
  /** Per connector: 1, its state in the `status` label. */
  connectorStatus: "confluent_kafka_connect_connector_status",
  /** Per connector task: 1, its state in the `status` label, its number in `task`. */
  connectorTaskStatus: "confluent_kafka_connect_connector_task_status",
  /** Per Flink statement (`flink_statement_name`) of a compute pool: records read in the minute. */
  recordsIn: "confluent_flink_num_records_in",
  /** Records written in the minute. */
  recordsOut: "confluent_flink_num_records_out",
  /** Records in the statement's sources not yet read: Flink's consumer lag. */
  pendingRecords: "confluent_flink_pending_records",
  /** Per resource the export was asked for: 1 when it cannot read it, else 0. */
  resourceAccessError: "confluent_scrape_resource_access_error",
} as const;

/** Task states that mean failed: Kafka Connect's FAILED, and the Connect API's two error states. */
export const FAILED_TASK_STATES = ["FAILED", "SYSTEM_ERROR", "USER_ACTIONABLE_ERROR"] as const;

/** The Metrics API's export path (dataset `cloud`). */
export const EXPORT_PATH = "/v2/metrics/cloud/export";

/** Where the Metrics API is; the stack points it at the local double in an offline or local deploy. */
export const METRICS_API = "https://api.telemetry.confluent.cloud";
